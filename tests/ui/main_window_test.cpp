// MainWindow end to end on the offscreen platform: background load of the sample model, the
// layer table against the engine, sorting, filtering, and errors for bad files.
// Expected values: op counts and trainable parameters from fmnist_cnn.expected.json, written by
// tools/train_samples.py from the PyTorch export of the sample (independent of our engine); MACs
// hand computed from the architecture (28x28x1 input, 3x3 convs with padding 1, no conv bias:
// MACs = H_out * W_out * C_out * C_in * 9; Gemm: in * out); per-node names and values compared
// with qwb::Model::load on the same file, since the UI must show exactly what the engine computed.
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <algorithm>

#include "qt_printers.h"
#include "qwb/model.h"
#include "qwb/ui/layer_table_model.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/model_summary_panel.h"
#include "qwb/ui/model_view.h"
#include "qwb/ui/op_count_model.h"
#include "qwb/ui/project_explorer.h"

namespace qwb::ui {
namespace {

const QString kModel = QStringLiteral(QWB_UI_TEST_MODEL);
constexpr int kTimeoutMs = 60000;

QJsonObject expectedJson() {
  QFile f(QStringLiteral(QWB_UI_TEST_EXPECTED));
  EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << QWB_UI_TEST_EXPECTED;
  return QJsonDocument::fromJson(f.readAll()).object();
}

// Opens `path` and waits for the load; true when it succeeded.
bool openAndWait(MainWindow& w, const QString& path) {
  QSignalSpy loaded(&w, &MainWindow::modelLoaded);
  QSignalSpy failed(&w, &MainWindow::modelLoadFailed);
  w.openModel(path);
  EXPECT_TRUE(w.isLoading());
  EXPECT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, kTimeoutMs));
  EXPECT_FALSE(w.isLoading());
  return !loaded.isEmpty();
}

QMessageBox* visibleMessageBox(const QWidget& w) {
  for (QMessageBox* box : w.findChildren<QMessageBox*>()) {
    if (box->isVisible()) return box;
  }
  return nullptr;
}

class MainWindowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto m = Model::load(kModel.toStdString());
    ASSERT_TRUE(m) << m.status().message();
    engine_ = new ModelSummary(m->summary());
  }
  static void TearDownTestSuite() { delete engine_; }

  void SetUp() override {
    ASSERT_TRUE(QFile::exists(kModel)) << kModel;
    window_.show();
    ASSERT_TRUE(openAndWait(window_, kModel));
    view_ = window_.modelView();
  }

  static ModelSummary* engine_;
  MainWindow window_;
  ModelView* view_ = nullptr;
};
ModelSummary* MainWindowTest::engine_ = nullptr;

TEST_F(MainWindowTest, LayerTableHasOneRowPerEngineNode) {
  const LayerTableModel* layers = view_->layerModel();
  ASSERT_EQ(layers->rowCount(), static_cast<int>(engine_->nodes.size()));
  ASSERT_EQ(view_->layerProxy()->rowCount(), layers->rowCount());
  ASSERT_GT(layers->rowCount(), 1);
  for (int r = 0; r < layers->rowCount(); ++r) {
    const NodeSummary& n = engine_->nodes[static_cast<size_t>(r)];
    EXPECT_EQ(layers->index(r, LayerTableModel::kName).data().toString().toStdString(), n.name);
    EXPECT_EQ(layers->index(r, LayerTableModel::kOpType).data().toString().toStdString(), n.op_type);
    EXPECT_EQ(layers->index(r, LayerTableModel::kMacs).data(LayerTableModel::kSortRole).toLongLong(), n.macs);
  }
}

TEST_F(MainWindowTest, MatchesTheExportedModel) {
  const QJsonObject expected = expectedJson();
  const QJsonObject opCounts = expected["op_counts"].toObject();
  int nodes = 0;
  for (const QJsonValue& v : opCounts) nodes += v.toInt();
  EXPECT_EQ(nodes, 18);  // 4x Conv-BN-ReLU, 2 MaxPool, Flatten, Gemm-ReLU-Gemm
  EXPECT_EQ(view_->layerModel()->rowCount(), nodes);

  const OpCountModel* ops = view_->opCountModel();
  ASSERT_EQ(ops->rowCount(), opCounts.size());
  for (int r = 0; r < ops->rowCount(); ++r) {
    const QString op = ops->index(r, OpCountModel::kOpType).data().toString();
    EXPECT_EQ(ops->index(r, OpCountModel::kCount).data().toInt(), opCounts[op].toInt()) << op;
  }

  const ModelSummaryPanel* panel = view_->summaryPanel();
  EXPECT_EQ(panel->field("opset")->text(), QString::number(expected["opset"].toInt()));
  // PyTorch counts trainable parameters; the summary counts every initializer element, which adds
  // the BatchNorm running mean and variance: 2 * (32 + 32 + 64 + 64) = 384.
  const auto trainable = static_cast<qlonglong>(expected["parameters"].toDouble());
  EXPECT_EQ(trainable + 384, 468394);
  EXPECT_EQ(panel->field("parameters")->text(), "468.39 K (468,394)");
  // 225,792 + 7,225,344 + 3,612,672 + 7,225,344 (convs) + 401,408 + 1,280 (Gemms).
  EXPECT_EQ(panel->field("macs")->text(), "18.69 M (18,691,840)");
  EXPECT_TRUE(panel->field("architecture")->text().startsWith("CNN")) << panel->field("architecture")->text();
}

TEST_F(MainWindowTest, SummaryShowsEngineFacts) {
  const ModelSummaryPanel* panel = view_->summaryPanel();
  EXPECT_EQ(panel->field("path")->text(), QString::fromStdString(engine_->path));
  EXPECT_EQ(panel->field("nodes")->text(), QString::number(engine_->nodes.size()));
  EXPECT_TRUE(panel->field("inputs")->text().startsWith(QString::fromStdString(engine_->inputs.at(0).name) + ": float32 ["))
      << panel->field("inputs")->text();
  EXPECT_TRUE(panel->field("unsupported")->isHidden() == engine_->unsupported_ops.empty());
  EXPECT_TRUE(window_.projectExplorer()->models().contains(kModel));
  EXPECT_EQ(MainWindow::recentModels().value(0), kModel);
}

TEST_F(MainWindowTest, SortingByMacsOrdersRowsNumerically) {
  QTableView* table = view_->layerTable();
  table->sortByColumn(LayerTableModel::kMacs, Qt::DescendingOrder);
  const QAbstractItemModel* shown = table->model();
  ASSERT_EQ(shown->rowCount(), static_cast<int>(engine_->nodes.size()));
  std::vector<int64_t> macs;
  for (int r = 0; r < shown->rowCount(); ++r) {
    macs.push_back(shown->index(r, LayerTableModel::kMacs).data(LayerTableModel::kSortRole).toLongLong());
  }
  // Hand computed (see the top of the file): conv 3 and conv 10 tie, then conv 7, the first Gemm,
  // conv 0, the last Gemm; the other 12 nodes have no MACs.
  std::vector<int64_t> expected = {7225344, 7225344, 3612672, 401408, 225792, 1280};
  expected.resize(engine_->nodes.size(), 0);
  EXPECT_EQ(macs, expected);
  EXPECT_EQ(shown->index(0, LayerTableModel::kMacs).data().toString(), "7.23 M");

  table->sortByColumn(LayerTableModel::kMacs, Qt::AscendingOrder);
  EXPECT_EQ(shown->index(shown->rowCount() - 1, LayerTableModel::kName).data().toString(),
            "/features/features.10/Conv");  // the later of the tied convs stays last (stable sort)
}

TEST_F(MainWindowTest, FilterReducesRowsToMatchingNameOrOpType) {
  // Filter by the op type of the first node; expected rows: nodes whose name or op type
  // contains it (case-insensitive).
  const QString needle = QString::fromStdString(engine_->nodes.front().op_type).toLower();
  int expected = 0;
  for (const NodeSummary& n : engine_->nodes) {
    expected += QString::fromStdString(n.name).contains(needle, Qt::CaseInsensitive) ||
                QString::fromStdString(n.op_type).contains(needle, Qt::CaseInsensitive);
  }
  ASSERT_LT(expected, static_cast<int>(engine_->nodes.size())) << "needle matches every node";
  view_->filterEdit()->setText(needle);
  EXPECT_EQ(view_->layerProxy()->rowCount(), expected);
  EXPECT_GT(view_->layerProxy()->rowCount(), 0);
  view_->filterEdit()->setText("no layer has this name");
  EXPECT_EQ(view_->layerProxy()->rowCount(), 0);
  view_->filterEdit()->clear();
  EXPECT_EQ(view_->layerProxy()->rowCount(), static_cast<int>(engine_->nodes.size()));
}

TEST_F(MainWindowTest, InvalidFileShowsErrorAndKeepsCurrentModel) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString bad = dir.filePath("not_a_model.onnx");
  {
    QFile f(bad);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("this is not a protobuf \xff\xfe\x00\x01 at all", 32);
  }
  QSignalSpy failed(&window_, &MainWindow::modelLoadFailed);
  EXPECT_FALSE(openAndWait(window_, bad));
  ASSERT_EQ(failed.size(), 1);
  const QString message = failed.at(0).at(1).toString();
  EXPECT_TRUE(message.contains("not_a_model.onnx")) << message;

  QMessageBox* box = visibleMessageBox(window_);
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->informativeText(), message);
  box->close();

  // The previously loaded model stays on screen.
  EXPECT_EQ(view_->layerModel()->rowCount(), static_cast<int>(engine_->nodes.size()));
  EXPECT_NE(view_->model(), nullptr);
}

TEST_F(MainWindowTest, DroppingAnOnnxFileOpensIt) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString dropped = dir.filePath("dropped.onnx");
  ASSERT_TRUE(QFile::copy(kModel, dropped));

  QMimeData text;
  text.setUrls({QUrl::fromLocalFile(dir.filePath("notes.txt"))});
  QDragEnterEvent refused(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window_, &refused);
  EXPECT_FALSE(refused.isAccepted());

  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(dropped)});
  QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window_, &enter);
  EXPECT_TRUE(enter.isAccepted());

  QSignalSpy loaded(&window_, &MainWindow::modelLoaded);
  QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&window_, &drop);
  ASSERT_TRUE(loaded.wait(kTimeoutMs));
  EXPECT_EQ(loaded.at(0).at(0).toString(), dropped);
  EXPECT_EQ(view_->summaryPanel()->field("path")->text(), dropped);
  EXPECT_EQ(window_.projectExplorer()->models(), (QStringList{kModel, dropped}));
}

TEST_F(MainWindowTest, MissingFileShowsError) {
  QSignalSpy failed(&window_, &MainWindow::modelLoadFailed);
  EXPECT_FALSE(openAndWait(window_, "/nonexistent/dir/missing.onnx"));
  ASSERT_EQ(failed.size(), 1);
  EXPECT_TRUE(failed.at(0).at(1).toString().contains("missing.onnx")) << failed.at(0).at(1).toString();
  QMessageBox* box = visibleMessageBox(window_);
  ASSERT_NE(box, nullptr);
  box->close();
}

}  // namespace
}  // namespace qwb::ui
