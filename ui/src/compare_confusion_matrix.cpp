#include "qwb/ui/compare_confusion_matrix.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace qwb::ui {

namespace {

constexpr int kMargin = 4;
constexpr int kMinCell = 14;
constexpr int kMaxCountTextCells = 30;  // beyond this, counts no longer fit in a cell

QColor mix(const QColor& a, const QColor& b, double t) {
  t = std::clamp(t, 0.0, 1.0);
  return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                          static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                          static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

}  // namespace

ConfusionMatrixWidget::ConfusionMatrixWidget(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setMouseTracking(true);
}

void ConfusionMatrixWidget::setMatrix(const QList<QList<qint64>>& cells, bool diverging) {
  cells_ = cells;
  diverging_ = diverging;
  update();
}

void ConfusionMatrixWidget::setClassNames(const QStringList& names) {
  names_ = names;
  updateGeometry();
  update();
}

void ConfusionMatrixWidget::setTitle(const QString& title) {
  title_ = title;
  update();
}

void ConfusionMatrixWidget::setEmptyText(const QString& text) {
  empty_ = text;
  update();
}

QSize ConfusionMatrixWidget::sizeHint() const { return {380, 360}; }

QSize ConfusionMatrixWidget::minimumSizeHint() const { return {240, 220}; }

QString ConfusionMatrixWidget::rowLabel(int i) const {
  if (i < names_.size() && !names_[i].isEmpty() && names_[i] != QString::number(i)) {
    return QStringLiteral("%1 %2").arg(names_[i]).arg(i);
  }
  return QString::number(i);
}

int ConfusionMatrixWidget::labelWidth() const {
  const QFontMetrics fm(font());
  int w = 0;
  for (int i = 0; i < cells_.size(); ++i) w = std::max(w, fm.horizontalAdvance(rowLabel(i)));
  return w + 2 * kMargin;
}

QRect ConfusionMatrixWidget::gridRect() const {
  const int n = static_cast<int>(cells_.size());
  if (n == 0) return {};
  const QFontMetrics fm(font());
  const int top = fm.height() + kMargin + fm.height() + kMargin;  // title, column indices
  const int left = labelWidth();
  const int cell = std::max(kMinCell, std::min((width() - left - kMargin) / n, (height() - top - kMargin) / n));
  return {left, top, cell * n, cell * n};
}

QColor ConfusionMatrixWidget::cellColor(int row, int col) const {
  const qint64 v = cells_[row][col];
  if (diverging_) {
    qint64 top = 0;
    for (const auto& r : cells_) {
      for (qint64 x : r) top = std::max<qint64>(top, std::llabs(x));
    }
    if (top == 0 || v == 0) return Qt::white;
    // sqrt lifts single flips so they show next to the largest change.
    const double t = std::sqrt(static_cast<double>(std::llabs(v)) / static_cast<double>(top));
    return mix(Qt::white, v > 0 ? QColor(33, 102, 172) : QColor(178, 24, 43), 0.15 + 0.85 * t);
  }
  qint64 total = 0;
  for (qint64 x : cells_[row]) total += x;
  if (total <= 0 || v <= 0) return Qt::white;
  const double t = std::sqrt(static_cast<double>(v) / static_cast<double>(total));
  return mix(QColor(239, 243, 255), QColor(8, 48, 107), t);
}

void ConfusionMatrixWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().base());
  const QFontMetrics fm(font());
  QFont bold = font();
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(palette().text().color());
  p.drawText(QRect(kMargin, 0, width() - 2 * kMargin, fm.height() + kMargin), Qt::AlignLeft | Qt::AlignVCenter,
             QFontMetrics(bold).elidedText(title_, Qt::ElideRight, width() - 2 * kMargin));
  p.setFont(font());
  const int n = static_cast<int>(cells_.size());
  if (n == 0) {
    p.drawText(rect().adjusted(kMargin, fm.height() + kMargin, -kMargin, -kMargin), Qt::AlignCenter | Qt::TextWordWrap,
               empty_);
    return;
  }
  const QRect grid = gridRect();
  const int cell = grid.width() / n;
  const bool counts = n <= kMaxCountTextCells && cell >= fm.horizontalAdvance(QStringLiteral("-000")) + 2;
  for (int c = 0; c < n; ++c) {
    p.drawText(QRect(grid.left() + c * cell, grid.top() - fm.height() - 2, cell, fm.height()), Qt::AlignCenter,
               QString::number(c));
  }
  for (int r = 0; r < n; ++r) {
    p.setPen(palette().text().color());
    p.drawText(QRect(0, grid.top() + r * cell, grid.left() - kMargin, cell), Qt::AlignRight | Qt::AlignVCenter,
               rowLabel(r));
    for (int c = 0; c < n && c < cells_[r].size(); ++c) {
      const QRect box(grid.left() + c * cell, grid.top() + r * cell, cell, cell);
      const QColor fill = cellColor(r, c);
      p.fillRect(box, fill);
      if (counts && cells_[r][c] != 0) {
        p.setPen(qGray(fill.rgb()) < 128 ? Qt::white : Qt::black);
        p.drawText(box, Qt::AlignCenter, QString::number(cells_[r][c]));
      }
    }
  }
  // Diagonal outlined: the correct predictions.
  p.setPen(QPen(QColor(120, 120, 120), 1));
  p.setBrush(Qt::NoBrush);
  for (int i = 0; i < n; ++i) p.drawRect(QRect(grid.left() + i * cell, grid.top() + i * cell, cell - 1, cell - 1));
  p.drawRect(grid.adjusted(0, 0, -1, -1));
}

bool ConfusionMatrixWidget::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    const QRect grid = gridRect();
    const int n = static_cast<int>(cells_.size());
    if (n > 0 && grid.contains(help->pos())) {
      const int cell = grid.width() / n;
      const int r = (help->pos().y() - grid.top()) / cell, c = (help->pos().x() - grid.left()) / cell;
      if (r < n && c < n && c < cells_[r].size()) {
        const auto name = [this](int i) { return i < names_.size() ? names_[i] : QString::number(i); };
        QToolTip::showText(help->globalPos(),
                           tr("true %1, predicted %2: %3").arg(name(r), name(c)).arg(cells_[r][c]), this);
        return true;
      }
    }
    QToolTip::hideText();
    e->ignore();
    return true;
  }
  return QWidget::event(e);
}

}  // namespace qwb::ui
