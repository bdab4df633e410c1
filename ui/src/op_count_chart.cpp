#include "qwb/ui/op_count_chart.h"

#include <QSortFilterProxyModel>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QVBarModelMapper>
#include <QtCharts/QValueAxis>

#include <algorithm>

#include "qwb/ui/charts.h"
#include "qwb/ui/op_count_model.h"

namespace qwb::ui {

OpCountChart::OpCountChart(OpCountModel* model, QWidget* parent)
    : QChartView(parent),
      ascending_(new QSortFilterProxyModel(this)),
      mapper_(new QVBarModelMapper(this)),
      categories_(new QBarCategoryAxis(this)),
      values_(new QValueAxis(this)) {
  auto* chart = newChart();
  chart->legend()->hide();

  auto* series = new QHorizontalBarSeries;
  series->setLabelsVisible(true);
  series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  series->setBarWidth(0.75);
  chart->addSeries(series);
  chart->addAxis(categories_, Qt::AlignLeft);
  chart->addAxis(values_, Qt::AlignBottom);
  series->attachAxis(categories_);
  series->attachAxis(values_);
  values_->setLabelFormat(QStringLiteral("%d"));
  // QtCharts elides category labels well before they would overlap; barCapacity() keeps them apart.
  categories_->setTruncateLabels(false);

  // The mapper recreates the bar set on every reset; the theme's default label colour is white.
  connect(series, &QAbstractBarSeries::barsetsAdded, this, [this](const QList<QBarSet*>& sets) {
    for (QBarSet* set : sets) set->setLabelColor(palette().color(QPalette::WindowText));
  });
  mapper_->setFirstBarSetColumn(OpCountModel::kCount);
  mapper_->setLastBarSetColumn(OpCountModel::kCount);
  mapper_->setSeries(series);
  // Bars run bottom-up; sorting ascending puts the most frequent op at the top.
  ascending_->setSourceModel(model);
  ascending_->sort(OpCountModel::kCount, Qt::AscendingOrder);
  mapper_->setModel(ascending_);

  connect(ascending_, &QAbstractItemModel::modelReset, this, &OpCountChart::updateAxes);
  setChart(chart);
  setRenderHint(QPainter::Antialiasing);
  updateAxes();
}

int OpCountChart::barCapacity() const {
  // Labels are not elided (see the constructor), so each bar needs a text line of pitch; the
  // title, the value axis and the margins take about four lines.
  const int line = QFontMetrics(categories_->labelsFont()).height();
  return std::clamp((height() - 4 * line) / (line + 4), 3, kMaxBars);
}

void OpCountChart::resizeEvent(QResizeEvent* event) {
  QChartView::resizeEvent(event);
  if (barCapacity() != shownBars_) updateAxes();
}

void OpCountChart::updateAxes() {
  const int total = ascending_->rowCount();
  shownBars_ = barCapacity();
  const int first = std::max(0, total - shownBars_);
  QStringList names;
  for (int r = first; r < total; ++r) names << ascending_->index(r, OpCountModel::kOpType).data().toString();
  categories_->clear();
  categories_->append(names);
  mapper_->setFirstRow(first);

  chart()->setTitle(total > shownBars_ ? tr("Operators by type (the %1 most frequent of %2)").arg(shownBars_).arg(total)
                                       : tr("Operators by type"));

  // Integer ticks at a 1-2-5 step, at most 5 intervals, with room for the longest bar's label.
  const int maxCount = total > 0 ? ascending_->index(total - 1, OpCountModel::kCount).data().toInt() : 0;
  const int top = maxCount + std::max(1, maxCount / 8);
  int step = 1;
  for (int decade = 1;; decade *= 10) {
    if (top <= 5 * decade) { step = decade; break; }
    if (top <= 10 * decade) { step = 2 * decade; break; }
    if (top <= 25 * decade) { step = 5 * decade; break; }
  }
  const int intervals = (top + step - 1) / step;
  values_->setRange(0, intervals * step);
  values_->setTickCount(intervals + 1);
}

}  // namespace qwb::ui
