#include "qwb/ui/decision_tree_view.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLocale>
#include <QPainterPath>
#include <QPen>
#include <QResizeEvent>

#include <algorithm>
#include <map>
#include <set>

#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

// Palette: the path in blue, the recommended leaf in green, leaves over the budget grey.
const QColor kPath(0x1f, 0x6f, 0xb4);
const QColor kChosenFill(0xd9, 0xf2, 0xdc), kChosenBorder(0x1b, 0x7a, 0x3a);
const QColor kBox(0xff, 0xff, 0xff), kBorder(0x70, 0x70, 0x70), kText(0x20, 0x20, 0x20);
const QColor kCollapsedFill(0xf3, 0xf4, 0xf6), kCollapsedBorder(0xb0, 0xb4, 0xba), kCollapsedText(0x50, 0x55, 0x5c);
const QColor kGreyFill(0xec, 0xec, 0xec), kGreyText(0x9a, 0x9a, 0x9a);
const QColor kAmber(0xa8, 0x5a, 0x00);
const QColor kEdge(0xb8, 0xbc, 0xc2);

constexpr double kPad = 7, kColumnGap = 12, kRowGap = 46, kMinWidth = 96;
constexpr double kLossEps = 1e-9;  // the engine's tolerance: a loss equal to the budget fits

enum class Style { kNormal, kPath, kChosen, kCollapsed, kGrey };

struct Line {
  QString text;
  QColor color;  // invalid: the box's text colour
};

struct Node {
  int parent = -1;
  int level = 0;
  QString label;  // the test-visible label: model name, family, hardware name or format
  QString title;  // bold first line
  std::vector<Line> lines;
  Style style = Style::kNormal;
  QString tooltip;
  QSizeF size;
  QPointF pos;  // top left
};

// Families in the order the engine names them; anything else the table has after them, "*" last.
int familyRank(const std::string& a) {
  static const std::vector<std::string> kOrder = {"cnn", "transformer", "rnn", "mlp", "other"};
  auto it = std::find(kOrder.begin(), kOrder.end(), a);
  if (it != kOrder.end()) return static_cast<int>(it - kOrder.begin());
  return a == "*" ? 1000 : 100;
}

QString times(double v) { return QCoreApplication::translate("qwb::ui::DecisionTreeView", "%1×").arg(QLocale().toString(v, 'f', 1)); }

}  // namespace

DecisionTreeView::DecisionTreeView(QWidget* parent) : QGraphicsView(parent) {
  setScene(new QGraphicsScene(this));
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setBackgroundBrush(Qt::white);
  setAlignment(Qt::AlignCenter);
}

void DecisionTreeView::showTree(const std::vector<qwb::DecisionRow>& rows, const qwb::RecommendInputs& in,
                                const qwb::Recommendation* rec, const QString& root, const QString& architectureNote,
                                const QString& hardwareNote) {
  path_.clear();
  leaves_.clear();
  greyed_.clear();
  recommended_.clear();
  const std::string hw = qwb::hardware_name(in.hardware);
  const double budget = rec ? rec->budget_pts : in.max_drop;
  std::vector<Node> nodes;

  // Level 0: the model.
  Node r;
  r.label = root;
  r.title = root;
  r.lines.push_back({tr("budget %1 pts · %2").arg(QLocale().toString(budget, 'f', 2), qstr(qwb::goal_name(in.goal))), {}});
  r.style = Style::kPath;
  nodes.push_back(r);

  // Level 1: architecture families of the table (and the current one if the table lacks it: its
  // rows then come from "*").
  std::set<std::string> familySet;
  std::map<std::string, int> rowsPerFamily;
  for (const auto& row : rows) {
    familySet.insert(row.architecture);
    ++rowsPerFamily[row.architecture];
  }
  if (!in.architecture.empty()) familySet.insert(in.architecture);
  std::vector<std::string> families(familySet.begin(), familySet.end());
  std::stable_sort(families.begin(), families.end(), [](const auto& a, const auto& b) { return familyRank(a) < familyRank(b); });
  int expandedFamily = -1;
  for (const auto& f : families) {
    Node n;
    n.parent = 0;
    n.level = 1;
    n.label = qstr(f);
    n.title = f == "*" ? tr("any (*)") : architectureName(f);
    if (f == in.architecture) {
      expandedFamily = static_cast<int>(nodes.size());
      n.style = Style::kPath;
      n.lines.push_back({architectureNote, {}});
    } else {
      n.style = Style::kCollapsed;
      n.lines.push_back({tr("%n row(s)", nullptr, rowsPerFamily[f]), {}});
    }
    nodes.push_back(n);
  }

  // Level 2: the hardware classes under the current family; the others say what they would pick.
  int expandedHardware = -1;
  if (expandedFamily >= 0) {
    for (qwb::Hardware h : qwb::hardware_classes()) {
      Node n;
      n.parent = expandedFamily;
      n.level = 2;
      n.label = qstr(qwb::hardware_name(h));
      n.title = n.label;
      n.tooltip = qstr(qwb::hardware_traits(h));
      if (h == in.hardware) {
        expandedHardware = static_cast<int>(nodes.size());
        n.style = Style::kPath;
        n.lines.push_back({hardwareNote, {}});
      } else {
        n.style = Style::kCollapsed;
        qwb::RecommendInputs other = in;
        other.hardware = h;
        // Microseconds per call: cheap enough for the five siblings on every redraw.
        auto pick = qwb::recommend(other, rows);
        n.lines.push_back({!pick ? tr("no rows") : pick->budget_met ? tr("→ %1").arg(qstr(pick->format))
                                                                     : tr("→ %1 (over budget)").arg(qstr(pick->format)),
                           {}});
      }
      nodes.push_back(n);
    }
  }

  // Level 3: one leaf per format, the family's own row or else the "*" row (as recommend() reads
  // them), in the table's order.
  if (expandedHardware >= 0) {
    std::vector<std::string> order;
    std::map<std::string, const qwb::DecisionRow*> byFormat;
    for (const auto& row : rows) {
      if (row.hardware != hw || (row.architecture != in.architecture && row.architecture != "*")) continue;
      auto [it, fresh] = byFormat.emplace(row.format, &row);
      if (fresh) order.push_back(row.format);
      else if (row.architecture == in.architecture) it->second = &row;
    }
    for (const auto& f : order) {
      const qwb::DecisionRow& row = *byFormat[f];
      Node n;
      n.parent = expandedHardware;
      n.level = 3;
      n.label = qstr(row.format);
      n.title = n.label;
      const bool fits = row.expected_loss_pts <= budget + kLossEps;
      const bool chosen = rec && rec->row == row.key();
      n.style = chosen ? Style::kChosen : fits ? Style::kNormal : Style::kGrey;
      if (chosen) {
        n.title = tr("%1  ★").arg(n.label);
        recommended_ = n.label;
      }
      n.lines.push_back({tr("loss %1 pts").arg(QLocale().toString(row.expected_loss_pts, 'f', 2)), {}});
      // A mixed plan from a sensitivity run has its own estimate for the rest quantized.
      if (chosen && rec->mixed_plan && rec->format == row.format && rec->expected_loss_pts != row.expected_loss_pts)
        n.lines.push_back({tr("plan: %1 pts").arg(QLocale().toString(rec->expected_loss_pts, 'f', 2)), kChosenBorder});
      n.lines.push_back({tr("%1 smaller").arg(times(row.compression)), {}});
      n.lines.push_back({tr("%1 faster").arg(times(row.speedup)), {}});
      n.lines.push_back({row.supported ? tr("native") : tr("not native"), row.supported || !fits ? QColor() : kAmber});
      if (row.source != "seed")
        n.lines.push_back({row.source == "edited" ? tr("edited") : tr("measured, %n run(s)", nullptr, static_cast<int>(row.count)), {}});
      n.tooltip = tr("%1\nscheme: %2\ncalibration: %3\n%4")
                      .arg(qstr(row.key()), qstr(row.scheme), qstr(row.calibration), qstr(row.notes));
      leaves_ << n.label;
      if (!fits) greyed_ << n.label;
      nodes.push_back(n);
    }
  }

  // Sizes from the text.
  QFont plain = font(), bold = font();
  bold.setBold(true);
  const QFontMetricsF fmPlain(plain), fmBold(bold);
  for (auto& n : nodes) {
    double w = fmBold.horizontalAdvance(n.title);
    for (const auto& l : n.lines) w = std::max(w, fmPlain.horizontalAdvance(l.text));
    n.size = QSizeF(std::max(kMinWidth, w + 2 * kPad), 2 * kPad + fmBold.height() + n.lines.size() * fmPlain.height());
  }

  // Layout: one row per level. Each row is centred under its expanded parent (the children of one
  // parent per level), then shifted to stay within the widest row so the tree stays compact.
  std::vector<std::vector<int>> levels(4);
  for (size_t i = 0; i < nodes.size(); ++i) levels[static_cast<size_t>(nodes[i].level)].push_back(static_cast<int>(i));
  double width = 0;
  std::vector<double> rowWidth(4, 0), rowHeight(4, 0);
  for (size_t l = 0; l < levels.size(); ++l) {
    for (int i : levels[l]) {
      rowWidth[l] += nodes[static_cast<size_t>(i)].size.width() + (rowWidth[l] > 0 ? kColumnGap : 0);
      rowHeight[l] = std::max(rowHeight[l], nodes[static_cast<size_t>(i)].size.height());
    }
    width = std::max(width, rowWidth[l]);
  }
  double y = 0;
  for (size_t l = 0; l < levels.size(); ++l) {
    if (levels[l].empty()) continue;
    const Node& first = nodes[static_cast<size_t>(levels[l].front())];
    const double centre = first.parent < 0 ? width / 2
                                           : nodes[static_cast<size_t>(first.parent)].pos.x() +
                                                 nodes[static_cast<size_t>(first.parent)].size.width() / 2;
    double x = std::clamp(centre - rowWidth[l] / 2, 0.0, width - rowWidth[l]);
    for (int i : levels[l]) {
      Node& n = nodes[static_cast<size_t>(i)];
      n.pos = QPointF(x, y + (rowHeight[l] - n.size.height()) / 2);
      x += n.size.width() + kColumnGap;
    }
    y += rowHeight[l] + kRowGap;
  }

  // Draw: edges first (the path's on top of the others), then the boxes.
  QGraphicsScene* s = scene();
  s->clear();
  auto onPath = [&](const Node& n) { return n.style == Style::kPath || n.style == Style::kChosen; };
  for (const auto& n : nodes) {
    if (n.parent < 0) continue;
    const Node& p = nodes[static_cast<size_t>(n.parent)];
    const QPointF a(p.pos.x() + p.size.width() / 2, p.pos.y() + p.size.height());
    const QPointF b(n.pos.x() + n.size.width() / 2, n.pos.y());
    QPainterPath curve(a);
    curve.cubicTo(QPointF(a.x(), (a.y() + b.y()) / 2), QPointF(b.x(), (a.y() + b.y()) / 2), b);
    const bool highlighted = onPath(n) && onPath(p);
    auto* e = s->addPath(curve, highlighted ? QPen(kPath, 4) : QPen(kEdge, 1.3));
    e->setZValue(highlighted ? 1 : 0);
  }
  for (const auto& n : nodes) {
    QColor fill = kBox, border = kBorder, text = kText;
    double penWidth = 1.2;
    Qt::PenStyle penStyle = Qt::SolidLine;
    switch (n.style) {
      case Style::kPath: border = kPath, penWidth = 3; break;
      case Style::kChosen: fill = kChosenFill, border = kChosenBorder, penWidth = 4; break;
      case Style::kCollapsed: fill = kCollapsedFill, border = kCollapsedBorder, text = kCollapsedText; break;
      case Style::kGrey: fill = kGreyFill, border = kCollapsedBorder, text = kGreyText, penStyle = Qt::DashLine; break;
      case Style::kNormal: break;
    }
    QPainterPath box;
    box.addRoundedRect(QRectF(n.pos, n.size), 6, 6);
    auto* item = s->addPath(box, QPen(border, penWidth, penStyle), QBrush(fill));
    item->setZValue(2);
    item->setToolTip(n.tooltip);
    double ty = n.pos.y() + kPad;
    auto* title = new QGraphicsSimpleTextItem(n.title, item);
    title->setFont(bold);
    title->setBrush(n.style == Style::kChosen ? kChosenBorder : text);
    title->setPos(n.pos.x() + (n.size.width() - fmBold.horizontalAdvance(n.title)) / 2, ty);
    ty += fmBold.height();
    for (const auto& l : n.lines) {
      auto* t = new QGraphicsSimpleTextItem(l.text, item);
      t->setFont(plain);
      t->setBrush(l.color.isValid() ? l.color : text);
      t->setPos(n.pos.x() + (n.size.width() - fmPlain.horizontalAdvance(l.text)) / 2, ty);
      ty += fmPlain.height();
    }
  }
  for (const auto& n : nodes)
    if (onPath(n)) path_ << n.label;
  // A path ends at a leaf only with a recommendation; without one it stops at the hardware.
  s->setSceneRect(s->itemsBoundingRect().adjusted(-8, -8, 8, 8));
  fit();
}

void DecisionTreeView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  fit();
}

void DecisionTreeView::fit() {
  // Shrink to fit, never enlarge: a small tree keeps its natural font size.
  const QRectF r = sceneRect();
  if (r.isEmpty()) return;
  const double k = std::min({1.0, (viewport()->width() - 4) / r.width(), (viewport()->height() - 4) / r.height()});
  resetTransform();
  scale(k, k);
}

}  // namespace qwb::ui
