// Tensors of a recorded quantize run: a filterable list of its weights and activations; for the
// selected tensor the stored histogram (QtCharts, log scale, zoom) with the clipping thresholds
// MinMax, Percentile, Entropy and MSE pick for the tensor's spec (the engine's calibrate_range on
// the stored statistics, computed in the background), a table of each method's range, scale,
// zero point and expected quantization error, and for per-channel weights the range of every
// output channel. Fed from the project file (tensor_stats and thresholds of the run).
//
//   auto* view = new qwb::ui::TensorsView;
//   view->setRun(project, run);                 // loads in the background, then emits runLoaded()
//   view->selectTensor(QStringLiteral("features.0.weight"));  // tensorShown() when drawn
#pragma once

#include <QList>
#include <QMap>
#include <QPair>
#include <QWidget>

#include <cmath>
#include <cstdint>
#include <memory>

#include "qwb/store.h"
#include "qwb/ui/tensors_math.h"

class QCheckBox;
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
class QLineSeries;

namespace qwb::ui {

class TensorsView : public QWidget {
  Q_OBJECT

 public:
  // One row of the method table (what the table shows, for tests and other views).
  struct MethodRow {
    CalibMethod method = CalibMethod::kMinMax;
    double lo = 0, hi = 0;
    double scale = NAN;   // NaN for casts (no scale)
    int32_t zero_point = 0;
    ExpectedError error{NAN, NAN};
    bool used = false;    // the range the run quantized this tensor with
  };

  explicit TensorsView(QWidget* parent = nullptr);
  ~TensorsView() override;

  // Shows the tensors of `run` (a run with statistics and thresholds, e.g. a quantize run).
  // Loading runs in the background; runLoaded() follows. A null project clears the view.
  void setRun(std::shared_ptr<Project> project, qint64 run);
  qint64 run() const { return run_; }

  // Narrows the list to tensors whose name contains `text` (e.g. a layer name).
  void setFilter(const QString& text);

  bool logScale() const;
  void setLogScale(bool on);
  void resetZoom();

  // For tests: the listed tensors (all, in list order), the shown one, and what its charts hold.
  QStringList tensorNames() const;
  QString currentTensor() const { return current_; }
  QString message() const;  // error or status text shown above the charts
  // Method key ("minmax", "percentile", "entropy", "mse") -> (lo, hi) of its vertical lines,
  // read back from the chart's series.
  QMap<QString, QPair<double, double>> thresholdLines() const;
  QList<MethodRow> methodRows() const { return rows_; }
  const HistogramBars& histogram() const { return bars_; }
  int histogramBars() const { return static_cast<int>(bars_.counts.size()); }
  double histogramTotal() const { return hist_total_; }  // the stored hist_total
  int channelPoints() const { return channel_points_; }
  QString usedMethod() const { return used_; }

 public slots:
  // Selects `name` in the list (after loading, if the run is still loading); false if unknown.
  bool selectTensor(const QString& name);

 signals:
  void tensorSelected(const QString& name);
  void runLoaded();
  void tensorShown(const QString& name);  // charts and table drawn for `name`

 public:
  struct Entry;       // one listed tensor (tensors_view.cpp)
  struct Detail;      // one tensor's statistics and calibrations
  struct RunContents;

 private:
  void onRunLoaded(const RunContents& contents);
  void onCurrentChanged();
  void showDetail(std::shared_ptr<const Detail> detail);
  void rebuildHistogram();
  void rebuildChannels();
  void fillTable();
  void clearDetail(const QString& text);

  std::shared_ptr<Project> project_;
  qint64 run_ = 0;
  quint64 run_generation_ = 0, detail_generation_ = 0;
  QString pending_;   // selectTensor before the run finished loading
  QString current_;
  QString used_;

  QLineEdit* filter_;
  QComboBox* kind_;
  QStandardItemModel* list_;
  QSortFilterProxyModel* proxy_;
  QTableView* listView_;
  QLabel* info_;
  QCheckBox* log_;
  QChartView* histogramView_;
  QStandardItemModel* table_;
  QTableView* tableView_;
  QChartView* channelView_;

  std::shared_ptr<const RunContents> contents_;
  std::shared_ptr<const Detail> detail_;
  HistogramBars bars_;
  double hist_total_ = 0;
  QList<MethodRow> rows_;
  QMap<QString, QPair<QLineSeries*, QLineSeries*>> lines_;
  int channel_points_ = 0;
};

}  // namespace qwb::ui
