// Compare view: two classification results side by side, A on the left and B on the right.
// setRun(project, run) compares the FP32 model (A) with its quantized version (B) from a quantize
// run's "report" document (engine/src/jobs/quantize.cpp: fp32/quantized metrics, agreement,
// output error, flipped samples); setRuns(project, a, b) compares any two runs with
// classification metrics (evaluate runs: their result; quantize runs: their quantized side).
//
// Sections: metrics table (top-1, top-5, macro-F1, ECE, agreement, output SQNR, B - A), per-class
// F1 bars, confusion matrices of A and B and their difference, the flipped samples with their
// images (the evaluation data is loaded in the background), per-layer error from the run's
// layer_results (output_sqnr_db / output_cosine), and size and latency (measured on request with
// qwb::run_bench in the background and stored on the run as latency.*_ms metrics).
//
// Project reads, dataset loading and benchmarks run off the UI thread; loaded(),
// galleryLoaded() and latencyMeasured() say when each has arrived. Errors show as text.
#pragma once

#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>

#include <memory>

namespace qwb {
class Project;
}

class QChartView;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace qwb::ui {

class ConfusionMatrixWidget;

class CompareView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kGalleryCap = 60;  // more images would not help and cost memory
  enum Side { kA = 0, kB = 1, kDelta = 2 };

  explicit CompareView(QWidget* parent = nullptr);
  ~CompareView() override;

  // A quantize run: A = FP32, B = quantized.
  void setRun(std::shared_ptr<qwb::Project> project, qint64 run);
  // Any two runs with classification metrics (evaluate: its result; quantize: quantized side).
  void setRuns(std::shared_ptr<qwb::Project> project, qint64 a, qint64 b);
  // Benchmarks both models (batch 1, 20 runs) in the background and stores the medians.
  void measureLatency();
  bool isLoading() const;
  bool isMeasuring() const;

  // What the view shows, for tests. Metric keys: top1, top5, macro_f1, ece (per side, column
  // kDelta = B - A) and agreement, output_sqnr_db (one value for the pair, any column). NaN when
  // not shown.
  QString errorText() const;
  QString sideTitle(int side) const;
  double metricValue(const QString& key, int column) const;
  QStringList classNames() const;
  QList<double> perClassF1(int side) const;
  QList<QList<qint64>> confusion(int which) const;  // kA, kB, or kDelta (B - A)
  int galleryCount() const;
  int flippedCount() const;  // all flipped samples of the run (the gallery shows at most kGalleryCap)
  QImage galleryImage(int index) const;  // unscaled sample image
  QString galleryNote() const;
  QStringList layerNames() const;
  QList<double> layerSqnr() const;
  QList<double> layerCosine() const;
  qint64 sizeBytes(int side) const;  // -1 unknown
  double latencyMs(int side) const;  // NaN when not measured
  QString latencyStatus() const;

 signals:
  void loaded();
  void galleryLoaded();
  void latencyMeasured();
  void layerSelected(const QString& layer);

 public:
  struct Data;     // what was read from the project (compare_view.cpp)
  struct Gallery;  // the flipped samples' images

 private:
  void load(std::shared_ptr<qwb::Project> project, qint64 a, qint64 b, bool pair);
  void apply();
  void applyGallery(const Gallery& g);
  void showMetrics();
  void showF1Chart();
  void showConfusion();
  void showLayers();
  void showSizeLatency();
  void startGallery();

  std::shared_ptr<qwb::Project> project_;
  std::unique_ptr<Data> data_;
  QList<QImage> images_;
  int generation_ = 0;  // results of an older setRun are dropped
  bool loading_ = false, measuring_ = false;

  QLabel* summary_;
  QTableWidget* metrics_;
  QTableWidget* sizes_;
  QPushButton* measure_;
  QProgressBar* busy_;
  QLabel* latency_status_;
  QChartView* f1_chart_;
  ConfusionMatrixWidget* confusion_[3];
  QListWidget* gallery_;
  QLabel* gallery_note_;
  QTableWidget* layers_;
  QLabel* layers_note_;
};

}  // namespace qwb::ui
