// OpCountChart: horizontal bars of an OpCountModel, most frequent op type at the top. Shows as
// many of the most frequent types as the height fits with readable labels (at most kMaxBars);
// the title says when it leaves some out.
#pragma once

#include <QtCharts/QChartView>

class QBarCategoryAxis;
class QSortFilterProxyModel;
class QVBarModelMapper;
class QValueAxis;

namespace qwb::ui {

class OpCountModel;

class OpCountChart : public QChartView {
  Q_OBJECT

 public:
  static constexpr int kMaxBars = 16;

  explicit OpCountChart(OpCountModel* model, QWidget* parent = nullptr);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  int barCapacity() const;
  void updateAxes();

  QSortFilterProxyModel* ascending_;
  QVBarModelMapper* mapper_;
  QBarCategoryAxis* categories_;
  QValueAxis* values_;
  int shownBars_ = 0;
};

}  // namespace qwb::ui
