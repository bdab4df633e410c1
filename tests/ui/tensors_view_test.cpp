// TensorsView on a real quantize run recorded by the engine (the sample CNN, 64 Fashion-MNIST
// calibration samples, Entropy calibration, int8 per-channel weights, uint8 activations). The
// expected values come from the project file by other paths than the view's: the thresholds
// rows the run stored (Project::thresholds), the stored statistics (Project::tensor_statistics)
// and qwb::scale_zero_point on the ranges with the quantize job's default specs. The pure
// helpers (expected error, display bars, spec parsing) are checked against hand computations.
// With QWB_UI_SNAPSHOT_DIR set, PNGs of an activation and a weight tensor are written there.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QChartView>
#include <QtCharts/QLogValueAxis>

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/ui/tensors_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 60000;

// ---------------------------------------------------------------------------------------------
// Pure helpers, by hand

TEST(TensorsMath, ExpectedErrorOfAHandHistogram) {
  // Four bins of width 1 over [-2, 2]: centres -1.5, -0.5, 0.5, 1.5 with counts 1, 2, 3, 4.
  // Scale 0.5, zero point 1, integer range [0, 3] (a 2-bit unsigned type):
  //   -1.5: round(-3) + 1 = -2 -> clamp 0 -> (0 - 1) 0.5 = -0.5, error -1.0, squared 1.00, x1
  //   -0.5: round(-1) + 1 =  0          -> -0.5,                error  0
  //    0.5: round( 1) + 1 =  2          ->  0.5,                error  0
  //    1.5: round( 3) + 1 =  4 -> clamp 3 -> (3 - 1) 0.5 = 1.0,  error  0.5, squared 0.25, x4
  // sum n err^2 = 1 + 1 = 2, n = 10 -> MSE 0.2.
  // sum n x^2 = 2.25 + 2 (0.25) + 3 (0.25) + 4 (2.25) = 12.5 -> SQNR 10 log10(12.5 / 2) = 7.9588 dB.
  const ExpectedError e = expectedError({1, 2, 3, 4}, -2.0, 1.0, 0.5, 1, IntRange{0, 3});
  EXPECT_DOUBLE_EQ(e.mse, 0.2);
  EXPECT_NEAR(e.sqnr_db, 7.958800173, 1e-9);

  // (How exact halves round cannot show in a squared error: both neighbours are 0.5 away, and a
  // clamp maps the outer one onto the inner one.)

  // Exactly representable centres (0, 1, 2 with scale 1): no error, infinite SQNR.
  const ExpectedError exact = expectedError({5, 0, 7}, -0.5, 1.0, 1.0, 0, IntRange{-128, 127});
  EXPECT_EQ(exact.mse, 0.0);
  EXPECT_TRUE(std::isinf(exact.sqnr_db));
  EXPECT_TRUE(std::isnan(expectedError({0, 0}, 0.0, 1.0, 1.0, 0, IntRange{0, 255}).mse));
}

TEST(TensorsMath, DisplayBarsTrimAndMerge) {
  // 8 bins over [-4, 4] (width 1); occupied bins 2..5, two bins per bar:
  // [-2, 0) holds 1 + 2 = 3, [0, 2) holds 0 + 3 = 3.
  const HistogramBars b = displayBars({0, 0, 1, 2, 0, 3, 0, 0}, 4.0, 2);
  EXPECT_EQ(b.merged, 2);
  EXPECT_EQ(b.counts, (std::vector<double>{3, 3}));
  EXPECT_EQ(b.edges, (std::vector<double>{-2, 0, 2}));
  // Three occupied bins into two bars: the last bar is the narrower one.
  const HistogramBars c = displayBars({0, 1, 1, 1}, 2.0, 2);
  EXPECT_EQ(c.counts, (std::vector<double>{2, 1}));
  EXPECT_EQ(c.edges, (std::vector<double>{-1, 1, 2}));
  EXPECT_TRUE(displayBars({0, 0, 0}, 1.0).counts.empty());
}

TEST(TensorsMath, SpecFromDescriptionRoundTrips) {
  for (const QuantSpec& s : {QuantSpec{DType::kInt8, true, Granularity::kChannel, 0, false},
                             QuantSpec{DType::kUInt8, false, Granularity::kTensor, 0, true},
                             QuantSpec{DType::kInt4, true, Granularity::kBlock, 32, false},
                             QuantSpec{DType::kInt16, false, Granularity::kTensor, 0, false}}) {
    auto p = specFromDescription(dtype_name(s.dtype), s.describe());
    ASSERT_TRUE(p.has_value()) << s.describe();
    EXPECT_EQ(p->describe(), s.describe());
    EXPECT_EQ(p->dtype, s.dtype);
    EXPECT_EQ(p->symmetric, s.symmetric);
    EXPECT_EQ(p->block_size, s.block_size);
  }
  EXPECT_FALSE(specFromDescription("int8", "int8 sideways").has_value());
  EXPECT_FALSE(specFromDescription("float32", "float32").has_value());
}

// ---------------------------------------------------------------------------------------------
// A recorded run

class TensorsViewRun : public RecordedRunSuite {
 protected:
  static void SetUpTestSuite() {
    QuantizeConfig c = sampleQuantizeConfig(64, 0);
    c.method.method = CalibMethod::kEntropy;
    recordRun(QStringLiteral("tensors.qwb"), c);
  }
  // The run's stored threshold row of `tensor` (the run calibrated with Entropy).
  static ThresholdRecord stored(const std::string& tensor) {
    auto rows = project_->thresholds(run_);
    EXPECT_TRUE(rows) << rows.status().message();
    for (const auto& t : *rows)
      if (t.tensor == tensor && t.method == "entropy") return t;
    ADD_FAILURE() << "no threshold row for " << tensor;
    return {};
  }
  static TensorStats stats(const std::string& tensor) {
    auto s = project_->tensor_statistics(run_, tensor);
    EXPECT_TRUE(s) << s.status().message();
    return s ? *s : TensorStats{};
  }

  static void load(TensorsView& view) {
    QSignalSpy loaded(&view, &TensorsView::runLoaded);
    view.setRun(project_, run_);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs));
  }
  static void show(TensorsView& view, const QString& name) {
    QSignalSpy shown(&view, &TensorsView::tensorShown);
    QSignalSpy selected(&view, &TensorsView::tensorSelected);
    ASSERT_TRUE(view.selectTensor(name));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !shown.isEmpty() && shown.last().at(0).toString() == name; }, kTimeoutMs));
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.first().at(0).toString(), name);
    EXPECT_EQ(view.currentTensor(), name);
  }
  static void snapshot(TensorsView& view, const QString& file) {
    const QByteArray dir = qgetenv("QWB_UI_SNAPSHOT_DIR");
    if (dir.isEmpty()) return;
    view.resize(1280, 800);
    view.show();
    QTest::qWait(50);  // let the layouts and charts settle before grabbing
    EXPECT_TRUE(view.grab().save(QString::fromUtf8(dir) + QLatin1Char('/') + file));
  }

  static void expectRelNear(double actual, double expected, const char* what) {
    EXPECT_NEAR(actual, expected, 1e-6 * std::max(std::abs(expected), 1e-30)) << what;
  }

};
TEST_F(TensorsViewRun, ListsTheRunsTensors) {
  TensorsView view;
  load(view);
  auto names = project_->statistics_tensors(run_);
  ASSERT_TRUE(names);
  QStringList expected;
  for (const auto& n : *names) expected << QString::fromStdString(n);
  EXPECT_EQ(view.tensorNames(), expected);
  // The CNN: 6 quantized weights (4 Conv, 2 Gemm) and their activation inputs.
  EXPECT_EQ(std::count_if(names->begin(), names->end(), [](const std::string& n) { return n.ends_with(".weight"); }), 6);

  // The normalised input is two-sided on an affine uint8 spec (Entropy clips each side on its own
  // half of the histogram): its Entropy line is the stored threshold too.
  show(view, QStringLiteral("input"));
  const ThresholdRecord t = stored("input");
  ASSERT_LT(t.lo, 0.0);
  const auto entropy = view.thresholdLines().value(QStringLiteral("entropy"));
  expectRelNear(entropy.first, t.lo, "entropy lo");
  expectRelNear(entropy.second, t.hi, "entropy hi");
  EXPECT_EQ(view.histogram().total(), stats("input").hist.total());
  snapshot(view, QStringLiteral("tensors_input.png"));
}

TEST_F(TensorsViewRun, ActivationThresholdsTableAndHistogram) {
  const std::string tensor = "/features/features.2/Relu_output_0";
  const QString name = QString::fromStdString(tensor);
  TensorsView view;
  load(view);
  show(view, name);
  const ThresholdRecord t = stored(tensor);
  const TensorStats s = stats(tensor);
  ASSERT_EQ(t.role, "activation");
  ASSERT_GT(t.hi, 0.0);

  // Lines: Entropy = the threshold the run stored; MinMax = the stored statistics' min/max.
  const auto lines = view.thresholdLines();
  ASSERT_EQ(lines.size(), 4) << "one pair of lines per calibrator";
  const auto entropy = lines.value(QStringLiteral("entropy"));
  expectRelNear(entropy.first, t.lo, "entropy lo");
  expectRelNear(entropy.second, t.hi, "entropy hi");
  const auto minmax = lines.value(QStringLiteral("minmax"));
  expectRelNear(minmax.first, s.min, "minmax lo");
  expectRelNear(minmax.second, s.max, "minmax hi");
  // This ReLU output is clipped by Entropy (run's stored hi 5.75 of max 9.70 in the fixture).
  EXPECT_LT(entropy.second, minmax.second);
  EXPECT_EQ(view.usedMethod(), QStringLiteral("entropy"));

  // Table: scale/zero point of each row = scale_zero_point on its range with the quantize job's
  // activation spec (uint8 affine per tensor); the used row = the stored scale/zero point.
  const QuantSpec spec = QuantOptions{}.activations;
  const auto rows = view.methodRows();
  ASSERT_EQ(rows.size(), 4);
  int used = 0;
  for (const auto& r : rows) {
    const ScaleZp p = scale_zero_point(static_cast<float>(r.lo), static_cast<float>(r.hi), spec);
    EXPECT_EQ(r.scale, p.scale) << calib_method_name(r.method);
    EXPECT_EQ(r.zero_point, p.zero_point) << calib_method_name(r.method);
    EXPECT_TRUE(std::isfinite(r.error.mse) && r.error.mse > 0) << calib_method_name(r.method);
    EXPECT_GT(r.error.sqnr_db, 10.0) << calib_method_name(r.method);
    if (r.used) {
      ++used;
      EXPECT_EQ(r.method, CalibMethod::kEntropy);
      expectRelNear(r.scale, t.scale, "used scale vs stored");
      EXPECT_EQ(r.zero_point, t.zero_point);
    }
    if (r.method == CalibMethod::kPercentile) {
      EXPECT_LE(r.hi, s.max);
      EXPECT_GE(r.hi, entropy.second * 0.5);
    }
  }
  EXPECT_EQ(used, 1);

  // Histogram: at most ~200 bars that hold every binned value (hist_total = count here).
  EXPECT_GT(view.histogramBars(), 10);
  EXPECT_LE(view.histogramBars(), 200);
  EXPECT_EQ(view.histogram().total(), s.hist.total());
  EXPECT_EQ(view.histogramTotal(), s.hist.total());
  EXPECT_EQ(s.hist.total(), static_cast<double>(s.count));
  EXPECT_EQ(view.channelPoints(), 0) << "activations have no per-channel ranges";
  snapshot(view, QStringLiteral("tensors_activation.png"));

  // Log scale (the default) and linear: same lines, the count axis switches.
  auto* chartView = view.findChildren<QChartView*>().value(0);
  ASSERT_NE(chartView, nullptr);
  EXPECT_TRUE(view.logScale());
  EXPECT_NE(qobject_cast<QLogValueAxis*>(chartView->chart()->axes(Qt::Vertical).value(0)), nullptr);
  view.setLogScale(false);
  EXPECT_EQ(view.thresholdLines().value(QStringLiteral("entropy")), entropy);
  EXPECT_EQ(qobject_cast<QLogValueAxis*>(chartView->chart()->axes(Qt::Vertical).value(0)), nullptr);
  EXPECT_FALSE(chartView->chart()->axes(Qt::Vertical).isEmpty());
  snapshot(view, QStringLiteral("tensors_activation_linear.png"));
}

TEST_F(TensorsViewRun, WeightRangesAndPerChannelChart) {
  const std::string tensor = "features.3.weight";
  TensorsView view;
  load(view);
  show(view, QString::fromStdString(tensor));
  const ThresholdRecord t = stored(tensor);
  const TensorStats s = stats(tensor);
  ASSERT_EQ(t.role, "weight");
  // Weights are quantized from their data range: the stored range is the statistics' min/max,
  // and that is the MinMax line.
  const auto minmax = view.thresholdLines().value(QStringLiteral("minmax"));
  expectRelNear(minmax.first, s.min, "minmax lo");
  expectRelNear(minmax.second, s.max, "minmax hi");
  expectRelNear(t.lo, s.min, "stored lo");
  expectRelNear(t.hi, s.max, "stored hi");
  const QuantSpec spec = QuantOptions{}.weights;  // int8 symmetric per channel
  for (const auto& r : view.methodRows()) {
    const ScaleZp p = scale_zero_point(static_cast<float>(r.lo), static_cast<float>(r.hi), spec);
    EXPECT_EQ(r.scale, p.scale) << calib_method_name(r.method);
    EXPECT_EQ(r.zero_point, 0) << "symmetric int8";
    EXPECT_EQ(r.used, r.method == CalibMethod::kMinMax);
    EXPECT_LE(r.hi, std::max(std::abs(s.min), s.max) * (1 + 1e-6));
  }
  // Per channel: one point per output channel (Conv weight [32, 32, 3, 3], axis 0).
  ASSERT_EQ(s.shape.size(), 4u);
  EXPECT_EQ(view.channelPoints(), s.shape[0]);
  EXPECT_EQ(*std::min_element(s.channel_min.begin(), s.channel_min.end()), static_cast<float>(s.min));
  EXPECT_EQ(view.histogram().total(), s.hist.total());
  EXPECT_EQ(s.hist.total(), 32.0 * 32 * 9);
  snapshot(view, QStringLiteral("tensors_weight.png"));
}

TEST_F(TensorsViewRun, SelectBeforeLoadingAndUnknownNames) {
  TensorsView view;
  QSignalSpy shown(&view, &TensorsView::tensorShown);
  view.setRun(project_, run_);
  EXPECT_TRUE(view.selectTensor(QStringLiteral("features.0.weight")));  // applied once loaded
  ASSERT_TRUE(QTest::qWaitFor([&] { return !shown.isEmpty(); }, kTimeoutMs));
  EXPECT_EQ(view.currentTensor(), QStringLiteral("features.0.weight"));
  EXPECT_FALSE(view.selectTensor(QStringLiteral("no such tensor")));
  // A filter that hides the requested tensor is cleared to show it.
  view.setFilter(QStringLiteral("Relu"));
  EXPECT_TRUE(view.selectTensor(QStringLiteral("features.7.weight")));
  EXPECT_EQ(view.currentTensor(), QStringLiteral("features.7.weight"));
}

TEST_F(TensorsViewRun, MissingRunIsReportedNotThrown) {
  TensorsView view;
  QSignalSpy loaded(&view, &TensorsView::runLoaded);
  view.setRun(project_, 9999);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs));
  EXPECT_TRUE(view.tensorNames().isEmpty());
  EXPECT_TRUE(view.message().contains(QStringLiteral("9999"))) << view.message();
  EXPECT_EQ(view.histogramBars(), 0);
}

}  // namespace
}  // namespace qwb::ui
