// GraphView on real models loaded by the engine (resources/samples, and the ResNet-50 exported
// by the interop tests when it is there). Expected values come from the Model's own nodes,
// computed here independently of the view: node count, and the (producer -> consumer, tensor)
// links found by matching every node's outputs against every node's inputs. fmnist_cnn is a
// chain of 18 nodes (Conv, BN, Relu, ... Gemm; see `onnx.load(...).graph.node`), so 17 links.
// With QWB_UI_SNAPSHOT_DIR set it renders graph_fmnist_cnn.png and graph_resnet50_{fit,zoom}.png;
// with QWB_GRAPH_MODEL=FILE.onnx it also lays out that model and prints the layout time.
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGraphicsView>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include <cmath>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "qwb/ui/graph_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 120000;

std::shared_ptr<const Model> load(const QString& path) {
  auto m = Model::load(path.toStdString());
  if (!m) {
    ADD_FAILURE() << m.status().message();
    return nullptr;
  }
  return std::make_shared<const Model>(std::move(*m));
}

QString sample(const char* file) { return QStringLiteral(QWB_UI_TEST_SAMPLES "/") + QLatin1String(file); }

// Links computed from the nodes alone (not from Graph::producer, which the view uses).
std::set<std::tuple<int, int, std::string>> links(const Model& m) {
  std::set<std::tuple<int, int, std::string>> out;
  const auto& nodes = m.graph().nodes;
  for (size_t p = 0; p < nodes.size(); ++p)
    for (const std::string& t : nodes[p].outputs)
      for (size_t c = 0; c < nodes.size(); ++c)
        for (const std::string& in : nodes[c].inputs)
          if (!t.empty() && in == t) out.insert({static_cast<int>(p), static_cast<int>(c), t});
  return out;
}

// Distance of a point to the outline of a box (0 on the outline).
double distanceToOutline(const QRectF& r, const QPointF& p) {
  const double dx = std::max({r.left() - p.x(), 0.0, p.x() - r.right()});
  const double dy = std::max({r.top() - p.y(), 0.0, p.y() - r.bottom()});
  if (dx > 0 || dy > 0) return std::hypot(dx, dy);
  return std::min({p.x() - r.left(), r.right() - p.x(), p.y() - r.top(), r.bottom() - p.y()});
}

bool waitForLayout(GraphView& view) {
  QSignalSpy done(&view, &GraphView::layoutFinished);
  if (!view.isLayoutRunning()) return view.nodeCount() > 0;
  if (!QTest::qWaitFor([&] { return !done.isEmpty(); }, kTimeoutMs)) return false;
  return done.first().first().toBool();
}

// Shows the view at a fixed size with `model` and waits for its layout.
bool layOut(GraphView& view, std::shared_ptr<const Model> model) {
  view.resize(1280, 800);
  view.show();
  view.setModel(std::move(model));
  return waitForLayout(view);
}

void snapshot(QWidget& w, const QString& name) {
  const QByteArray dir = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (dir.isEmpty()) return;
  QApplication::processEvents();
  w.grab().save(QString::fromUtf8(dir) + QLatin1Char('/') + name);
}

TEST(GraphView, DrawsEveryNodeAndLinkOfTheCnnTopToBottom) {
  auto model = load(QStringLiteral(QWB_UI_TEST_MODEL));
  ASSERT_TRUE(model);
  GraphView view;
  ASSERT_TRUE(layOut(view, model)) << view.statusText();
  const auto& nodes = model->graph().nodes;
  const auto expected = links(*model);
  ASSERT_EQ(nodes.size(), 18u);
  EXPECT_EQ(expected.size(), 17u);
  EXPECT_EQ(view.nodeCount(), static_cast<int>(nodes.size()));
  EXPECT_EQ(view.edgeCount(), static_cast<int>(expected.size()));

  std::set<std::tuple<int, int, std::string>> drawn;
  for (const auto& e : view.drawnEdges()) {
    drawn.insert({e.from, e.to, e.tensor.toStdString()});
    const QRectF tail = view.nodeRect(QString::fromStdString(nodes[e.from].name));
    const QRectF head = view.nodeRect(QString::fromStdString(nodes[e.to].name));
    EXPECT_LE(distanceToOutline(tail, e.start), 3.0) << e.tensor << " leaves its producer's box";
    EXPECT_LE(distanceToOutline(head, e.end), 3.0) << e.tensor << " ends on its consumer's box";
    EXPECT_GT(head.center().y(), tail.center().y()) << e.tensor << ": rankdir TB puts consumers below";
  }
  EXPECT_EQ(drawn, expected);
  // A chain: topological order is strictly top to bottom.
  for (size_t i = 1; i < nodes.size(); ++i) {
    EXPECT_GT(view.nodePosition(QString::fromStdString(nodes[i].name)).y(),
              view.nodePosition(QString::fromStdString(nodes[i - 1].name)).y())
        << nodes[i].name;
  }
  // Boxes do not overlap.
  for (size_t i = 0; i < nodes.size(); ++i)
    for (size_t j = i + 1; j < nodes.size(); ++j)
      EXPECT_FALSE(view.nodeRect(QString::fromStdString(nodes[i].name))
                       .intersects(view.nodeRect(QString::fromStdString(nodes[j].name))));
}

TEST(GraphView, SearchSelectsTheNextMatchAndShowsItsDetails) {
  auto model = load(QStringLiteral(QWB_UI_TEST_MODEL));
  ASSERT_TRUE(model);
  GraphView view;
  ASSERT_TRUE(layOut(view, model)) << view.statusText();
  QSignalSpy selected(&view, &GraphView::nodeSelected);
  auto* search = view.findChild<QLineEdit*>(QStringLiteral("graphSearch"));
  ASSERT_NE(search, nullptr);
  search->setText(QStringLiteral("gemm"));  // op type, any case: the two Gemm nodes in order
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(view.selectedNode(), QStringLiteral("/classifier/classifier.1/Gemm"));
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(view.selectedNode(), QStringLiteral("/classifier/classifier.4/Gemm"));
  QTest::keyClick(search, Qt::Key_Return);  // wraps around
  EXPECT_EQ(view.selectedNode(), QStringLiteral("/classifier/classifier.1/Gemm"));
  ASSERT_EQ(selected.size(), 3);
  EXPECT_EQ(selected.last().first().toString(), QStringLiteral("/classifier/classifier.1/Gemm"));
  // The selected node is in view.
  QGraphicsView* gv = view.graphicsView();
  const QRectF visible = gv->mapToScene(gv->viewport()->rect()).boundingRect();
  EXPECT_TRUE(visible.contains(view.nodePosition(view.selectedNode())));

  // Details: the weight of the first Gemm with the initializer's shape, read from the model.
  const Node* gemm = nullptr;
  for (const Node& n : model->graph().nodes)
    if (n.name == "/classifier/classifier.1/Gemm") gemm = &n;
  ASSERT_NE(gemm, nullptr);
  const Tensor& w = model->graph().initializers.at(gemm->inputs[1]);
  const QString html = view.findChild<QTextBrowser*>()->toPlainText();
  EXPECT_TRUE(html.contains(QString::fromStdString(gemm->inputs[1]))) << html;
  EXPECT_TRUE(html.contains(QString::fromStdString(shape_str(w.shape())))) << html;
  EXPECT_TRUE(html.contains(QStringLiteral("Weights"))) << html;

  search->setText(QStringLiteral("features.6"));  // a name
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(view.selectedNode(), QStringLiteral("/features/features.6/MaxPool"));
  search->setText(QStringLiteral("no such node"));
  QTest::keyClick(search, Qt::Key_Return);
  EXPECT_EQ(view.selectedNode(), QStringLiteral("/features/features.6/MaxPool"));  // unchanged
}

TEST(GraphView, NodeValuesColourTheMaximumDifferentlyFromTheMinimum) {
  auto model = load(QStringLiteral(QWB_UI_TEST_MODEL));
  ASSERT_TRUE(model);
  GraphView view;
  ASSERT_TRUE(layOut(view, model)) << view.statusText();
  // Values: the engine's MACs per node (summary), for the nodes that have any.
  QMap<QString, double> macs;
  QString maxNode, minNode;
  for (const NodeSummary& n : model->summary().nodes) {
    if (n.macs <= 0) continue;
    const QString name = QString::fromStdString(n.name);
    macs.insert(name, static_cast<double>(n.macs));
    if (maxNode.isEmpty() || n.macs > macs[maxNode]) maxNode = name;
    if (minNode.isEmpty() || n.macs < macs[minNode]) minNode = name;
  }
  ASSERT_GE(macs.size(), 2);
  ASSERT_NE(macs[maxNode], macs[minNode]);
  const QString unvalued = QStringLiteral("/features/features.2/Relu");
  ASSERT_FALSE(macs.contains(unvalued));
  const QColor before = view.nodeColor(maxNode);
  view.setNodeValues(macs, QStringLiteral("MACs"), true);
  const QColor hi = view.nodeColor(maxNode), lo = view.nodeColor(minNode);
  EXPECT_NE(hi, lo);
  EXPECT_NE(hi, before);
  EXPECT_LT(hi.hueF(), 0.05) << "higher is worse: the maximum is red";
  EXPECT_NEAR(lo.hueF(), 1.0 / 3.0, 0.02) << "the minimum is green";
  EXPECT_EQ(view.nodeColor(unvalued).saturation(), 0) << "no value: neutral grey";
  view.setNodeValues(macs, QStringLiteral("MACs"), false);  // now lower is worse
  EXPECT_NEAR(view.nodeColor(maxNode).hueF(), 1.0 / 3.0, 0.02);
  EXPECT_LT(view.nodeColor(minNode).hueF(), 0.05);
  view.setNodeValues(macs, QStringLiteral("MACs"), true);
  view.selectNode(maxNode);
  EXPECT_EQ(view.selectedNode(), maxNode);
  snapshot(view, QStringLiteral("graph_fmnist_cnn.png"));
  view.setNodeValues({}, {}, true);
  EXPECT_EQ(view.nodeColor(maxNode), before);
}

TEST(GraphView, LaysOutTheVitInTheBackground) {
  auto model = load(sample("fmnist_vit.onnx"));
  ASSERT_TRUE(model);
  GraphView view;
  view.resize(1280, 800);
  view.show();
  int ticks = 0;
  qint64 maxGap = 0;
  QElapsedTimer sinceTick;
  QTimer timer;
  timer.setInterval(10);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    if (ticks > 0) maxGap = std::max(maxGap, sinceTick.elapsed());
    sinceTick.restart();
    ++ticks;
  });
  QSignalSpy done(&view, &GraphView::layoutFinished);
  bool stillRunning = false;
  QObject::connect(&view, &GraphView::layoutFinished, &timer, [&] { timer.stop(); });
  timer.start();
  QElapsedTimer call;
  call.start();
  view.setModel(model);
  const qint64 setModelMs = call.elapsed();
  stillRunning = view.isLayoutRunning();
  const QString lastNode = QString::fromStdString(model->graph().nodes.back().name);
  view.selectNode(lastNode);  // applied when the layout is done
  ASSERT_TRUE(QTest::qWaitFor([&] { return !done.isEmpty(); }, kTimeoutMs));
  ASSERT_TRUE(done.first().first().toBool()) << view.statusText();
  std::cout << "fmnist_vit: " << model->graph().nodes.size() << " nodes, layout " << view.layoutMilliseconds()
            << " ms, setModel " << setModelMs << " ms, " << ticks << " ticks, max gap " << maxGap << " ms\n";
  EXPECT_TRUE(stillRunning) << "setModel must return before the layout is done";
  EXPECT_LT(setModelMs, 200);
  // The UI thread kept processing its 10 ms timer while dot ran.
  EXPECT_GE(ticks, std::max<qint64>(3, view.layoutMilliseconds() / 10 / 3));
  EXPECT_LT(maxGap, 250);
  EXPECT_EQ(view.nodeCount(), static_cast<int>(model->graph().nodes.size()));
  EXPECT_EQ(view.edgeCount(), static_cast<int>(links(*model).size()));
  EXPECT_EQ(view.selectedNode(), lastNode);
}

TEST(GraphView, ANewModelReplacesARunningLayout) {
  auto vit = load(sample("fmnist_vit.onnx"));
  auto cnn = load(QStringLiteral(QWB_UI_TEST_MODEL));
  ASSERT_TRUE(vit && cnn);
  GraphView view;
  view.setModel(vit);
  view.setModel(cnn);  // the ViT's layout result must be dropped
  ASSERT_TRUE(waitForLayout(view));
  QTest::qWait(50);
  EXPECT_EQ(view.nodeCount(), 18);
  view.setModel(nullptr);
  EXPECT_EQ(view.nodeCount(), 0);
  EXPECT_EQ(view.edgeCount(), 0);
}

void checkBigModel(const QString& path, const QString& snapshotName) {
  QElapsedTimer t;
  t.start();
  auto model = load(path);
  ASSERT_TRUE(model);
  const qint64 loadMs = t.elapsed();
  GraphView view;
  ASSERT_TRUE(layOut(view, model)) << view.statusText();
  std::cout << QFileInfo(path).fileName().toStdString() << ": " << model->graph().nodes.size() << " nodes, "
            << view.edgeCount() << " edges, load " << loadMs << " ms, layout " << view.layoutMilliseconds() << " ms\n";
  EXPECT_EQ(view.nodeCount(), static_cast<int>(model->graph().nodes.size()));
  EXPECT_EQ(view.edgeCount(), static_cast<int>(links(*model).size()));
  const auto& nodes = model->graph().nodes;
  for (const auto& e : view.drawnEdges()) {
    EXPECT_GT(view.nodePosition(QString::fromStdString(nodes[e.to].name)).y(),
              view.nodePosition(QString::fromStdString(nodes[e.from].name)).y());
  }
  if (snapshotName.isEmpty()) return;
  view.fitToView();
  snapshot(view, snapshotName + QStringLiteral("_fit.png"));
  view.selectNode(QString::fromStdString(nodes[nodes.size() / 2].name));
  view.graphicsView()->resetTransform();
  view.zoomIn();
  view.graphicsView()->centerOn(view.nodePosition(view.selectedNode()));
  snapshot(view, snapshotName + QStringLiteral("_zoom.png"));
}

TEST(GraphView, ResNet50) {
  const QString path = QStringLiteral(QWB_UI_TEST_INTEROP_MODELS "/resnet50.onnx");
  if (!QFileInfo::exists(path)) GTEST_SKIP() << "no " << path.toStdString() << " (exported by tests/interop)";
  checkBigModel(path, QStringLiteral("graph_resnet50"));
}

TEST(GraphView, ModelFromEnvironment) {
  const QString path = qEnvironmentVariable("QWB_GRAPH_MODEL");
  if (path.isEmpty()) GTEST_SKIP() << "set QWB_GRAPH_MODEL=FILE.onnx to lay out another model";
  checkBigModel(path, QStringLiteral("graph_") + QFileInfo(path).baseName());
}

}  // namespace
}  // namespace qwb::ui
