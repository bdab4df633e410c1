#include "qwb/ui/graph_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFontMetricsF>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyleOptionGraphicsItem>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <graphviz/gvc.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

constexpr double kPadX = 10;       // text padding inside a box
constexpr double kPadY = 5;
constexpr double kMinBoxWidth = 72;
constexpr double kMaxScale = 6;
constexpr double kMinScale = 0.01;
constexpr double kTextLevelOfDetail = 0.35;  // below this zoom the labels are unreadable anyway

// What the layout thread needs; plain data so the task never touches the widget or the model.
struct LayoutInput {
  int generation = 0;
  std::vector<QSizeF> sizes;  // box size per node, points
  struct Link { int from, to; QString tensor; };
  std::vector<Link> links;
};

// Graphviz keeps global state (cgraph's error handling, gvc's plugin registry, dot's statics).
std::mutex& graphvizMutex() {
  static std::mutex m;
  return m;
}

std::string* g_graphviz_errors = nullptr;  // guarded by graphvizMutex()

int collectGraphvizError(char* message) {
  if (g_graphviz_errors != nullptr) g_graphviz_errors->append(message);
  return 0;
}

char* cstr(const char* s) { return const_cast<char*>(s); }  // cgraph's API predates const

QPointF toScene(pointf p, double top) { return {p.x, top - p.y}; }  // dot's y axis points up

GraphLayoutResult runLayout(const LayoutInput& in) {
  QElapsedTimer timer;
  timer.start();
  GraphLayoutResult out;
  out.generation = in.generation;
  std::lock_guard<std::mutex> lock(graphvizMutex());
  std::string errors;
  g_graphviz_errors = &errors;
  agseterrf(&collectGraphvizError);

  GVC_t* gvc = gvContext();
  Agraph_t* g = agopen(cstr("graph"), Agdirected, nullptr);
  agattr(g, AGRAPH, cstr("rankdir"), cstr("TB"));
  agattr(g, AGRAPH, cstr("nodesep"), cstr("0.3"));
  agattr(g, AGRAPH, cstr("ranksep"), cstr("0.35"));
  // Fewer crossing-minimisation passes on big graphs: the default can take minutes on a
  // transformer's ~1.4k nodes while the result looks the same.
  if (in.sizes.size() > 400) agattr(g, AGRAPH, cstr("mclimit"), cstr("0.3"));
  agattr(g, AGNODE, cstr("shape"), cstr("box"));
  agattr(g, AGNODE, cstr("fixedsize"), cstr("true"));
  agattr(g, AGNODE, cstr("label"), cstr(""));  // we draw the text; dot only needs the sizes
  Agsym_t* width = agattr(g, AGNODE, cstr("width"), cstr("1"));
  Agsym_t* height = agattr(g, AGNODE, cstr("height"), cstr("0.5"));
  agattr(g, AGEDGE, cstr("arrowsize"), cstr("0.7"));

  std::vector<Agnode_t*> nodes;
  nodes.reserve(in.sizes.size());
  for (size_t i = 0; i < in.sizes.size(); ++i) {
    Agnode_t* n = agnode(g, cstr(("n" + std::to_string(i)).c_str()), 1);
    agxset(n, width, cstr(std::to_string(in.sizes[i].width() / 72.0).c_str()));
    agxset(n, height, cstr(std::to_string(in.sizes[i].height() / 72.0).c_str()));
    nodes.push_back(n);
  }
  std::vector<Agedge_t*> edges;
  edges.reserve(in.links.size());
  for (const auto& l : in.links) edges.push_back(agedge(g, nodes[l.from], nodes[l.to], nullptr, 1));

  if (gvLayout(gvc, g, "dot") != 0) {
    out.error = QString::fromStdString(errors.empty() ? std::string("dot layout failed") : errors).trimmed();
  } else {
    const boxf bb = GD_bb(g);
    const double top = bb.UR.y;
    out.bounds = QRectF(QPointF(bb.LL.x, 0), QPointF(bb.UR.x, bb.UR.y - bb.LL.y));
    for (Agnode_t* n : nodes) {
      const QPointF c = toScene(ND_coord(n), top);
      const double w = ND_width(n) * 72.0, h = ND_height(n) * 72.0;
      out.nodes.push_back(QRectF(c.x() - w / 2, c.y() - h / 2, w, h));
    }
    for (size_t i = 0; i < edges.size(); ++i) {
      GraphLayoutResult::Edge e;
      e.from = in.links[i].from;
      e.to = in.links[i].to;
      e.tensor = in.links[i].tensor;
      const splines* spl = ED_spl(edges[i]);
      if (spl != nullptr && spl->size > 0) {
        for (int b = 0; b < spl->size; ++b) {
          const bezier& bz = spl->list[b];
          QPolygonF pts;
          for (int k = 0; k < bz.size; ++k) pts << toScene(bz.list[k], top);
          e.beziers << pts;
        }
        const bezier& first = spl->list[0];
        const bezier& last = spl->list[spl->size - 1];
        e.start = first.sflag ? toScene(first.sp, top) : e.beziers.first().first();
        e.arrowBase = e.beziers.last().last();
        e.end = last.eflag ? toScene(last.ep, top) : e.arrowBase;
      } else {
        // dot left this edge without a route (should not happen): a straight line.
        const QRectF a = out.nodes[e.from], b = out.nodes[e.to];
        e.start = QPointF(a.center().x(), a.bottom());
        e.end = e.arrowBase = QPointF(b.center().x(), b.top());
        e.beziers << QPolygonF{e.start, e.end};
      }
      out.edges << e;
    }
    gvFreeLayout(gvc, g);
  }
  agclose(g);
  gvFreeContext(gvc);
  g_graphviz_errors = nullptr;
  out.elapsed_ms = timer.elapsed();
  return out;
}

// The part of an ONNX node path that tells nodes apart, without the op type shown above it:
// "/layer3/layer3.0/conv2/Conv" -> "layer3.0/conv2", "/features/features.3/Conv" -> "features.3".
QString shortName(const Node& n) {
  QStringList parts = qstr(n.name).split(QLatin1Char('/'), Qt::SkipEmptyParts);
  if (parts.size() >= 2 && parts.last() == qstr(n.op_type)) parts.removeLast();
  if (parts.isEmpty()) return qstr(n.name);
  if (parts.size() >= 2 && !parts.last().startsWith(parts[parts.size() - 2]))
    return parts[parts.size() - 2] + QLatin1Char('/') + parts.last();
  return parts.last();
}

// Values of any magnitude (harm, SQNR in dB, MACs) in at most ~6 characters.
QString formatValue(double v) {
  if (std::isfinite(v) && std::abs(v) >= 1e4) return formatCompact(std::llround(v));
  return QLocale().toString(v, 'g', 4);
}

// A quiet tint per op family so the structure reads at a glance when no values are shown.
QColor defaultFill(const std::string& op) {
  static const std::set<std::string> compute = {"Conv", "ConvTranspose", "Gemm", "MatMul", "ConvInteger",
                                                "MatMulInteger", "QLinearConv", "QLinearMatMul", "Einsum"};
  static const std::set<std::string> activation = {"Relu", "Sigmoid", "Tanh", "Gelu", "Softmax", "LeakyRelu",
                                                   "Clip", "HardSwish", "HardSigmoid", "Erf", "Elu", "Selu",
                                                   "LogSoftmax", "PRelu", "Mish", "Softplus"};
  static const std::set<std::string> norm = {"BatchNormalization", "LayerNormalization", "InstanceNormalization",
                                             "GroupNormalization", "LpNormalization"};
  static const std::set<std::string> quant = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear"};
  if (compute.count(op)) return QColor(0xd6, 0xe6, 0xf7);
  if (activation.count(op)) return QColor(0xe3, 0xf2, 0xdd);
  if (norm.count(op)) return QColor(0xfb, 0xee, 0xd0);
  if (quant.count(op)) return QColor(0xee, 0xe0, 0xf5);
  return QColor(0xf3, 0xf3, 0xf3);
}

// Green (good) through yellow to red (bad), light enough for black text.
QColor rampColour(double bad) {
  bad = std::clamp(bad, 0.0, 1.0);
  return QColor::fromHsvF(static_cast<float>((1.0 - bad) * 120.0 / 360.0), 0.55f, 0.97f);
}

QString html(const QString& s) { return s.toHtmlEscaped(); }
QString html(const std::string& s) { return qstr(s).toHtmlEscaped(); }

QString attributeText(const Attribute& a) {
  auto list = [](const auto& v, auto fmt) {
    QStringList parts;
    const size_t shown = std::min<size_t>(v.size(), 16);
    for (size_t i = 0; i < shown; ++i) parts << fmt(v[i]);
    if (v.size() > shown) parts << QStringLiteral("… (%1)").arg(v.size());
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
  };
  switch (a.type) {
    case Attribute::Type::kFloat: return QString::number(a.f, 'g', 6);
    case Attribute::Type::kInt: return QString::number(a.i);
    case Attribute::Type::kString: return qstr(a.s);
    case Attribute::Type::kTensor:
      return QStringLiteral("%1 %2").arg(QLatin1String(dtype_name(a.t.dtype())), qstr(shape_str(a.t.shape())));
    case Attribute::Type::kFloats: return list(a.floats, [](float f) { return QString::number(f, 'g', 6); });
    case Attribute::Type::kInts: return list(a.ints, [](int64_t i) { return QString::number(i); });
    case Attribute::Type::kStrings: return list(a.strings, [](const std::string& s) { return qstr(s); });
    case Attribute::Type::kGraph:
    case Attribute::Type::kGraphs: return GraphView::tr("(subgraph)");
    case Attribute::Type::kTensors: return GraphView::tr("(tensors)");
    case Attribute::Type::kUndefined: break;
  }
  return {};
}

}  // namespace

// A node box: rounded rectangle, op type in bold, short name below.
class GraphNodeItem : public QGraphicsItem {
 public:
  GraphNodeItem(int index, const QRectF& rect, QString op, QString label, QString name)
      : index_(index), rect_(rect), op_(std::move(op)), label_(std::move(label)) {
    setFlag(ItemIsSelectable);
    setToolTip(name);
    setZValue(1);
  }
  int index() const { return index_; }
  const QRectF& rect() const { return rect_; }
  QColor fill() const { return fill_; }
  void setFill(const QColor& c) {
    fill_ = c;
    update();
  }
  QRectF boundingRect() const override { return rect_.adjusted(-2, -2, 2, 2); }
  QPainterPath shape() const override {
    QPainterPath p;
    p.addRect(rect_);
    return p;
  }
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget*) override {
    const double lod = option->levelOfDetailFromTransform(p->worldTransform());
    QPen pen(isSelected() ? QColor(0x15, 0x65, 0xc0) : QColor(0x70, 0x70, 0x70), isSelected() ? 3 : 1);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->setBrush(fill_);
    p->drawRoundedRect(rect_, 5, 5);
    if (lod < kTextLevelOfDetail) return;
    p->setPen(Qt::black);
    QFont bold = p->font();
    bold.setBold(true);
    const QRectF inner = rect_.adjusted(kPadX / 2, kPadY, -kPadX / 2, -kPadY);
    const QRectF topHalf(inner.left(), inner.top(), inner.width(), inner.height() / 2);
    const QRectF bottomHalf(inner.left(), inner.center().y(), inner.width(), inner.height() / 2);
    p->setFont(bold);
    p->drawText(topHalf, Qt::AlignCenter, QFontMetricsF(bold).elidedText(op_, Qt::ElideRight, inner.width()));
    p->setFont(QFont());
    p->drawText(bottomHalf, Qt::AlignCenter,
                QFontMetricsF(p->font()).elidedText(label_, Qt::ElideMiddle, inner.width()));
  }

 private:
  int index_;
  QRectF rect_;
  QString op_;
  QString label_;
  QColor fill_ = Qt::white;
};

namespace {

// One edge: dot's bezier pieces and a filled arrow head ending on the consumer's box.
class GraphEdgeItem : public QGraphicsItem {
 public:
  explicit GraphEdgeItem(const GraphLayoutResult::Edge& e, const QString& tooltip) {
    for (const QPolygonF& b : e.beziers) {
      if (b.isEmpty()) continue;
      path_.moveTo(b[0]);
      for (int k = 1; k + 2 < b.size(); k += 3) path_.cubicTo(b[k], b[k + 1], b[k + 2]);
      if (b.size() == 2) path_.lineTo(b[1]);
    }
    if (e.end != e.arrowBase) {
      const QLineF axis(e.end, e.arrowBase);
      const QPointF normal = QPointF(-axis.dy(), axis.dx()) / std::max(1e-6, axis.length()) * 3.5;
      arrow_ << e.end << e.arrowBase + normal << e.arrowBase - normal;
    }
    bounds_ = path_.controlPointRect().united(arrow_.boundingRect()).adjusted(-2, -2, 2, 2);
    setToolTip(tooltip);
    setZValue(0);
  }
  QRectF boundingRect() const override { return bounds_; }
  void paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) override {
    QPen pen(QColor(0x60, 0x60, 0x60), 1);
    pen.setCosmetic(true);
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    p->drawPath(path_);
    p->setBrush(QColor(0x60, 0x60, 0x60));
    p->drawPolygon(arrow_);
  }

 private:
  QPainterPath path_;
  QPolygonF arrow_;
  QRectF bounds_;
};

}  // namespace

// The colour scale of setNodeValues: a gradient bar with the range and what it means.
class GraphLegend : public QWidget {
 public:
  GraphLegend() { setMinimumHeight(fontMetrics().height() * 2 + 10); }
  void set(const QString& label, double lo, double hi, bool higherIsWorse) {
    label_ = label;
    lo_ = lo;
    hi_ = hi;
    higher_is_worse_ = higherIsWorse;
    update();
  }
  QSize sizeHint() const override { return {360, fontMetrics().height() * 2 + 10}; }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    const QFontMetrics fm = fontMetrics();
    const int barH = fm.height() - 2;
    const QString loText = formatValue(lo_), hiText = formatValue(hi_);
    const int left = fm.horizontalAdvance(loText) + 8;
    const int right = width() - fm.horizontalAdvance(hiText) - 8;
    const QRect bar(left, 2, std::max(20, right - left), barH);
    QLinearGradient grad(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 10; ++i) {
      const double t = i / 10.0;
      grad.setColorAt(t, rampColour(higher_is_worse_ ? t : 1.0 - t));
    }
    p.fillRect(bar, grad);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.drawText(QRect(0, 2, left - 4, barH), Qt::AlignRight | Qt::AlignVCenter, loText);
    p.drawText(QRect(bar.right() + 4, 2, width() - bar.right() - 4, barH), Qt::AlignLeft | Qt::AlignVCenter, hiText);
    const QString caption = GraphView::tr("%1 (%2 is worse)")
                                .arg(label_, higher_is_worse_ ? GraphView::tr("higher") : GraphView::tr("lower"));
    p.drawText(QRect(0, bar.bottom() + 3, width(), fm.height() + 2), Qt::AlignHCenter | Qt::AlignTop,
               fm.elidedText(caption, Qt::ElideRight, width()));
  }

 private:
  QString label_;
  double lo_ = 0, hi_ = 1;
  bool higher_is_worse_ = true;
};

GraphView::GraphView(QWidget* parent)
    : QWidget(parent),
      scene_(new QGraphicsScene(this)),
      view_(new QGraphicsView),
      search_(new QLineEdit),
      status_(new QLabel),
      details_(new QTextBrowser),
      legend_(new GraphLegend) {
  view_->setScene(scene_);
  view_->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  view_->setDragMode(QGraphicsView::ScrollHandDrag);  // clicks on a node still select it
  view_->setTransformationAnchor(QGraphicsView::AnchorViewCenter);  // the wheel zooms under the mouse
  view_->setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  view_->setBackgroundBrush(Qt::white);
  view_->installEventFilter(this);
  view_->viewport()->installEventFilter(this);
  connect(scene_, &QGraphicsScene::selectionChanged, this, &GraphView::onSceneSelectionChanged);

  search_->setObjectName(QStringLiteral("graphSearch"));
  search_->setPlaceholderText(tr("Find node by name or op type (Enter: next)"));
  search_->setClearButtonEnabled(true);
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    if (!findNext(search_->text()) && !search_->text().isEmpty())
      status_->setText(tr("No node matches \"%1\".").arg(search_->text()));
  });
  auto* fit = new QPushButton(tr("Fit"));
  fit->setObjectName(QStringLiteral("graphFit"));
  fit->setToolTip(tr("Show the whole graph"));
  connect(fit, &QPushButton::clicked, this, &GraphView::fitToView);
  auto* plus = new QPushButton(QStringLiteral("+"));
  plus->setToolTip(tr("Zoom in (+)"));
  connect(plus, &QPushButton::clicked, this, &GraphView::zoomIn);
  auto* minus = new QPushButton(QStringLiteral("−"));
  minus->setToolTip(tr("Zoom out (-)"));
  connect(minus, &QPushButton::clicked, this, &GraphView::zoomOut);
  for (QPushButton* b : {plus, minus}) b->setFixedWidth(b->sizeHint().height() + 4);

  auto* top = new QHBoxLayout;
  auto* findLabel = new QLabel(tr("F&ind:"));
  findLabel->setBuddy(search_);
  top->addWidget(findLabel);
  top->addWidget(search_, 1);
  top->addWidget(minus);
  top->addWidget(plus);
  top->addWidget(fit);

  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  status_->setWordWrap(true);
  legend_->hide();
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(status_, 1);
  bottom->addWidget(legend_);

  auto* graphPane = new QWidget;
  auto* graphLayout = new QVBoxLayout(graphPane);
  graphLayout->setContentsMargins(0, 0, 0, 0);
  graphLayout->addLayout(top);
  graphLayout->addWidget(view_, 1);
  graphLayout->addLayout(bottom);

  details_->setOpenLinks(false);
  details_->setPlaceholderText(tr("Select a node to see its attributes, tensors and weights."));
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(graphPane);
  split->addWidget(details_);
  split->setStretchFactor(0, 1);
  split->setSizes({900, 340});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
  status_->setText(tr("No model loaded."));
}

GraphView::~GraphView() = default;  // a running layout finishes on its own; its result is dropped

void GraphView::setModel(std::shared_ptr<const Model> model) {
  ++generation_;
  items_.clear();
  index_by_name_.clear();
  scene_->clear();
  model_ = std::move(model);
  layout_ = {};
  edge_count_ = 0;
  details_->clear();
  if (watcher_) {
    watcher_->disconnect(this);
    watcher_->deleteLater();  // its task finishes in the background; the result is dropped
    watcher_ = nullptr;
  }
  if (!model_) {
    status_->setText(tr("No model loaded."));
    return;
  }
  const Graph& g = model_->graph();
  for (const Node& n : g.nodes) index_by_name_.insert(qstr(n.name), n.index);
  startLayout();
}

void GraphView::startLayout() {
  const Graph& g = model_->graph();
  LayoutInput in;
  in.generation = generation_;
  // Box sizes from the text they will hold (measured here: fonts belong to the UI thread).
  QFont bold = font();
  bold.setBold(true);
  const QFontMetricsF boldMetrics(bold), metrics(font());
  const double lineHeight = std::max(boldMetrics.height(), metrics.height());
  const double maxWidth = metrics.horizontalAdvance(QLatin1Char('m')) * 22;
  for (const Node& n : g.nodes) {
    const double textWidth = std::max(boldMetrics.horizontalAdvance(qstr(n.op_type)),
                                      metrics.horizontalAdvance(shortName(n)));
    in.sizes.push_back(QSizeF(std::clamp(textWidth + 2 * kPadX, kMinBoxWidth, maxWidth), 2 * lineHeight + 2 * kPadY));
  }
  // One edge per (producer, consumer, tensor); a node reading a tensor twice gets one edge.
  std::set<std::tuple<int, int, std::string>> seen;
  for (const Node& n : g.nodes) {
    for (const std::string& t : n.inputs) {
      if (t.empty()) continue;
      auto p = g.producer.find(t);
      if (p == g.producer.end()) continue;  // graph input or initializer
      if (seen.insert({p->second, n.index, t}).second) in.links.push_back({p->second, n.index, qstr(t)});
    }
  }
  status_->setText(tr("Laying out %n node(s)…", nullptr, static_cast<int>(g.nodes.size())));
  auto* watcher = new QFutureWatcher<GraphLayoutResult>(this);
  watcher_ = watcher;
  connect(watcher, &QFutureWatcher<GraphLayoutResult>::finished, this, [this, watcher] {
    watcher->deleteLater();
    if (watcher_ != watcher) return;
    watcher_ = nullptr;
    onLayoutDone(watcher->result());
  });
  watcher->setFuture(QtConcurrent::run([in = std::move(in)] { return runLayout(in); }));
}

void GraphView::onLayoutDone(const GraphLayoutResult& result) {
  if (result.generation != generation_ || !model_) return;
  layout_ms_ = result.elapsed_ms;
  const Graph& g = model_->graph();
  if (!result.error.isEmpty() || result.nodes.size() != static_cast<qsizetype>(g.nodes.size())) {
    status_->setText(tr("The graph could not be laid out: %1").arg(result.error));
    emit layoutFinished(false);
    return;
  }
  layout_ = result;
  scene_->setSceneRect(result.bounds.adjusted(-20, -20, 20, 20));
  items_.reserve(g.nodes.size());
  for (const Node& n : g.nodes) {
    auto* item = new GraphNodeItem(n.index, result.nodes[n.index], qstr(n.op_type), shortName(n), qstr(n.name));
    scene_->addItem(item);
    items_.push_back(item);
  }
  for (const GraphLayoutResult::Edge& e : result.edges) {
    const ValueInfo* vi = nullptr;
    auto it = g.value_info.find(e.tensor.toStdString());
    if (it != g.value_info.end()) vi = &it->second;
    QString tip = e.tensor;
    if (vi != nullptr && vi->has_shape)
      tip += QStringLiteral("  %1 %2").arg(qstr(vi->shape_str()), QLatin1String(dtype_name(vi->dtype)));
    scene_->addItem(new GraphEdgeItem(e, tip));
  }
  edge_count_ = static_cast<int>(result.edges.size());
  applyColours();
  status_->setText(tr("%1 nodes, %2 edges; laid out in %3.")
                       .arg(formatInteger(nodeCount()), formatInteger(edge_count_), formatDuration(layout_ms_)));

  // Start readable: fit when the text stays legible, else actual size at the graph's top.
  view_->resetTransform();
  const QRectF r = scene_->sceneRect();
  const double fitScale = std::min(view_->viewport()->width() / r.width(), view_->viewport()->height() / r.height());
  if (fitScale >= 0.7) {
    fitToView();
  } else {
    scaleBy(std::clamp(fitScale, 0.8, 1.0));
    view_->centerOn(r.center().x(), r.top() + view_->viewport()->height() / 2.0);
  }
  if (!pending_select_.isEmpty()) {
    const QString name = pending_select_;
    pending_select_.clear();
    selectNode(name);
  }
  emit layoutFinished(true);
}

void GraphView::setNodeValues(const QMap<QString, double>& values, const QString& label, bool higherIsWorse) {
  values_ = values;
  values_label_ = label;
  higher_is_worse_ = higherIsWorse;
  applyColours();
  const QString sel = selectedNode();
  if (!sel.isEmpty()) showDetails(index_by_name_.value(sel, -1));
}

void GraphView::applyColours() {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values_) {
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const bool colour = !values_.isEmpty() && lo <= hi;
  legend_->setVisible(colour);
  if (colour) legend_->set(values_label_, lo, hi, higher_is_worse_);
  if (!model_) return;
  const Graph& g = model_->graph();
  for (GraphNodeItem* item : items_) {
    const Node& n = g.nodes[item->index()];
    auto it = values_.constFind(qstr(n.name));
    if (!colour || it == values_.constEnd() || std::isnan(*it)) {
      item->setFill(colour ? QColor(0xfa, 0xfa, 0xfa) : defaultFill(n.op_type));
      continue;
    }
    const double t = hi > lo ? (*it - lo) / (hi - lo) : 0.5;  // +-inf clamp to the ends
    item->setFill(rampColour(higher_is_worse_ ? t : 1.0 - t));
  }
}

void GraphView::selectNode(const QString& name) {
  if (isLayoutRunning()) {
    pending_select_ = name;
    return;
  }
  const int index = index_by_name_.value(name, -1);
  if (index < 0 || index >= static_cast<int>(items_.size())) return;
  scene_->clearSelection();
  items_[index]->setSelected(true);  // -> onSceneSelectionChanged
  view_->centerOn(items_[index]);
}

QString GraphView::selectedNode() const {
  for (QGraphicsItem* item : scene_->selectedItems()) {
    if (auto* node = dynamic_cast<GraphNodeItem*>(item)) return qstr(model_->graph().nodes[node->index()].name);
  }
  return {};
}

QRectF GraphView::nodeRect(const QString& name) const {
  const int index = index_by_name_.value(name, -1);
  return index >= 0 && index < static_cast<int>(items_.size()) ? items_[index]->rect() : QRectF();
}

QColor GraphView::nodeColor(const QString& name) const {
  const int index = index_by_name_.value(name, -1);
  return index >= 0 && index < static_cast<int>(items_.size()) ? items_[index]->fill() : QColor();
}

QString GraphView::statusText() const { return status_->text(); }

bool GraphView::findNext(const QString& text) {
  if (text.isEmpty() || !model_ || items_.empty()) return false;
  const Graph& g = model_->graph();
  const int count = static_cast<int>(items_.size());
  const int current = index_by_name_.value(selectedNode(), -1);
  for (int step = 1; step <= count; ++step) {
    const Node& n = g.nodes[(current + step + count) % count];
    if (qstr(n.name).contains(text, Qt::CaseInsensitive) || qstr(n.op_type).contains(text, Qt::CaseInsensitive)) {
      selectNode(qstr(n.name));
      return true;
    }
  }
  return false;
}

void GraphView::onSceneSelectionChanged() {
  const QString name = selectedNode();
  if (name.isEmpty()) {
    details_->clear();
    return;
  }
  showDetails(index_by_name_.value(name, -1));
  emit nodeSelected(name);
}

void GraphView::showDetails(int index) {
  if (!model_ || index < 0 || index >= static_cast<int>(model_->graph().nodes.size())) return;
  const Graph& g = model_->graph();
  const Node& n = g.nodes[index];
  auto tensorRow = [&](const std::string& name) {
    QString shape = QStringLiteral("?"), dtype = QStringLiteral("?");
    if (auto init = g.initializers.find(name); init != g.initializers.end()) {
      shape = qstr(shape_str(init->second.shape()));
      dtype = QLatin1String(dtype_name(init->second.dtype()));
    } else {
      const ValueInfo* vi = nullptr;
      if (auto it = g.value_info.find(name); it != g.value_info.end()) vi = &it->second;
      for (const auto* list : {&g.inputs, &g.outputs})
        for (const ValueInfo& v : *list)
          if (v.name == name) vi = &v;
      if (vi != nullptr) {
        if (vi->has_shape) shape = qstr(vi->shape_str());
        if (vi->dtype != DType::kUndefined) dtype = QLatin1String(dtype_name(vi->dtype));
      }
    }
    return QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td></tr>").arg(html(name), html(shape), html(dtype));
  };
  const QString head = QStringLiteral("<tr><th align=left>%1</th><th align=left>%2</th><th align=left>%3</th></tr>")
                           .arg(tr("Tensor"), tr("Shape"), tr("Type"));
  QString text = QStringLiteral("<h3>%1</h3><p><b>%2</b>%3 &middot; %4</p>")
                     .arg(html(n.name), html(n.op_type),
                          n.domain.empty() ? QString() : QStringLiteral(" (%1)").arg(html(n.domain)),
                          tr("opset %1, node %2 of %3").arg(n.opset).arg(n.index + 1).arg(g.nodes.size()));
  if (auto it = values_.constFind(qstr(n.name)); it != values_.constEnd())
    text += QStringLiteral("<p>%1: <b>%2</b></p>").arg(html(values_label_), formatValue(*it));
  QString inputs, weights, outputs;
  for (const std::string& in : n.inputs) {
    if (in.empty()) continue;
    (g.initializers.count(in) ? weights : inputs) += tensorRow(in);
  }
  for (const std::string& out : n.outputs) outputs += tensorRow(out);
  auto table = [&](const QString& title, const QString& rows) {
    return rows.isEmpty() ? QString()
                          : QStringLiteral("<h4>%1</h4><table cellspacing=0 cellpadding=2>%2%3</table>").arg(title, head, rows);
  };
  text += table(tr("Inputs"), inputs) + table(tr("Weights"), weights) + table(tr("Outputs"), outputs);
  if (!n.attrs.all().empty()) {
    text += QStringLiteral("<h4>%1</h4><table cellspacing=0 cellpadding=2>").arg(tr("Attributes"));
    for (const auto& [key, attr] : n.attrs.all())
      text += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>").arg(html(key), html(attributeText(attr)));
    text += QStringLiteral("</table>");
  }
  details_->setHtml(text);
}

void GraphView::scaleBy(double factor) {
  const double current = view_->transform().m11();
  const double target = std::clamp(current * factor, kMinScale, kMaxScale);
  view_->scale(target / current, target / current);
}

void GraphView::zoomIn() { scaleBy(1.25); }
void GraphView::zoomOut() { scaleBy(0.8); }

void GraphView::fitToView() {
  if (scene_->items().isEmpty()) return;
  view_->fitInView(scene_->sceneRect(), Qt::KeepAspectRatio);
  const double s = view_->transform().m11();
  if (s > 1.5) scaleBy(1.5 / s);  // a tiny graph should not be blown up
}

bool GraphView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_->viewport() && event->type() == QEvent::Wheel) {
    const auto* wheel = static_cast<QWheelEvent*>(event);
    view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    scaleBy(std::pow(1.0015, wheel->angleDelta().y()));
    view_->setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    return true;
  }
  if (watched == view_ && event->type() == QEvent::KeyPress) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Plus || key == Qt::Key_Equal) {
      zoomIn();
      return true;
    }
    if (key == Qt::Key_Minus) {
      zoomOut();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace qwb::ui
