// OpCountChart: horizontal bars of an OpCountModel (most frequent op type at the top).
#pragma once

#include <QtCharts/QChartView>

class QSortFilterProxyModel;
class QBarCategoryAxis;
class QValueAxis;

namespace qwb::ui {

class OpCountModel;

class OpCountChart : public QChartView {
  Q_OBJECT

 public:
  explicit OpCountChart(OpCountModel* model, QWidget* parent = nullptr);

  QSize sizeHint() const override;

 private:
  void updateAxes();

  QSortFilterProxyModel* ascending_;  // the bar series runs bottom-up, so sort ascending
  QBarCategoryAxis* categories_;
  QValueAxis* values_;
};

}  // namespace qwb::ui
