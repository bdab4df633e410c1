#include "qwb/ui/op_count_chart.h"

#include <QSortFilterProxyModel>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QVBarModelMapper>
#include <QtCharts/QValueAxis>

#include <algorithm>

#include "qwb/ui/op_count_model.h"

namespace qwb::ui {

OpCountChart::OpCountChart(OpCountModel* model, QWidget* parent)
    : QChartView(parent),
      ascending_(new QSortFilterProxyModel(this)),
      categories_(new QBarCategoryAxis(this)),
      values_(new QValueAxis(this)) {
  ascending_->setSourceModel(model);
  ascending_->setSortRole(Qt::DisplayRole);
  ascending_->sort(OpCountModel::kCount, Qt::AscendingOrder);

  auto* chart = new QChart;
  chart->setTitle(tr("Operators by type"));
  chart->legend()->hide();
  chart->setMargins(QMargins(4, 4, 12, 4));
  chart->setBackgroundRoundness(0);

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

  auto* mapper = new QVBarModelMapper(this);
  mapper->setFirstBarSetColumn(OpCountModel::kCount);
  mapper->setLastBarSetColumn(OpCountModel::kCount);
  mapper->setSeries(series);
  mapper->setModel(ascending_);

  connect(ascending_, &QAbstractItemModel::modelReset, this, &OpCountChart::updateAxes);
  setChart(chart);
  setRenderHint(QPainter::Antialiasing);
  updateAxes();
}

void OpCountChart::updateAxes() {
  QStringList names;
  int maxCount = 0;
  for (int r = 0; r < ascending_->rowCount(); ++r) {
    names << ascending_->index(r, OpCountModel::kOpType).data().toString();
    maxCount = std::max(maxCount, ascending_->index(r, OpCountModel::kCount).data().toInt());
  }
  categories_->clear();
  categories_->append(names);
  // Integer ticks at a 1-2-5 step, at most 5 intervals.
  int step = 1;
  for (int decade = 1;; decade *= 10) {
    if (maxCount <= 5 * decade) { step = decade; break; }
    if (maxCount <= 10 * decade) { step = 2 * decade; break; }
    if (maxCount <= 25 * decade) { step = 5 * decade; break; }
  }
  const int intervals = std::max(1, (maxCount + step - 1) / step);
  values_->setRange(0, intervals * step);
  values_->setTickCount(intervals + 1);
  updateGeometry();
}

QSize OpCountChart::sizeHint() const {
  // Room for every category label (~20 px per bar) so a scroll area can show them all.
  return {360, 80 + 20 * std::max<int>(4, static_cast<int>(categories_->count()))};
}

}  // namespace qwb::ui
