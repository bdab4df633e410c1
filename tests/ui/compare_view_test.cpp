// CompareView on a real quantize run recorded by the engine: the sample CNN (Fashion-MNIST),
// int8, 64 calibration samples, evaluated on the first 1,000 test images, exported to QDQ.
// Expected values come from the run as the engine stored it, read here independently of the
// view: the "report" document (per-class F1, confusion matrices, flipped samples), the run's
// metrics table (top-1, macro-F1, agreement, output SQNR), the artifacts table and the files
// on disk (sizes), and the raw Fashion-MNIST pixels (gallery images).
//
// With QWB_UI_SNAPSHOT_DIR set, the view is rendered to compare_view*.png; with
// QWB_COMPARE_PROJECT=FILE.qwb (a copy: measuring latency writes into it) run 1 of that project
// is rendered too, latency measured.
#include <QFileInfo>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/store.h"
#include "qwb/ui/compare_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 60000;
constexpr int64_t kEvalSamples = 1000;

class CompareViewTest : public RecordedRunSuite {
 protected:
  static void SetUpTestSuite() {
    recordRun(QStringLiteral("compare.qwb"), sampleQuantizeConfig(64, kEvalSamples), QStringLiteral("fmnist_cnn.int8.onnx"));
  }
  static nlohmann::json report() { return *project_->document(run_, "report"); }
  static RunRecord record(int64_t run) { return *project_->get_run(run); }

  // Waits for `signal` of `view` after `start` (the view loads in the background).
  template <typename Signal, typename Start>
  static bool waitFor(CompareView& view, Signal signal, Start start) {
    QSignalSpy spy(&view, signal);
    start();
    return QTest::qWaitFor([&] { return !spy.isEmpty(); }, kTimeoutMs);
  }

};

double pixelVariance(const QImage& img) {
  double sum = 0, sq = 0;
  const double n = static_cast<double>(img.width()) * img.height();
  for (int y = 0; y < img.height(); ++y) {
    for (int x = 0; x < img.width(); ++x) {
      const double g = qGray(img.pixel(x, y));
      sum += g, sq += g * g;
    }
  }
  return n > 0 ? sq / n - (sum / n) * (sum / n) : 0;
}

QList<QList<qint64>> matrix(const nlohmann::json& m) {
  QList<QList<qint64>> out;
  for (const auto& row : m) {
    QList<qint64> r;
    for (const auto& v : row) r << v.get<qint64>();
    out << r;
  }
  return out;
}

TEST_F(CompareViewTest, ShowsTheNumbersOfTheRunsReport) {
  CompareView view;
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run_); }));
  ASSERT_TRUE(view.errorText().isEmpty()) << view.errorText();
  const nlohmann::json doc = report();
  const RunRecord run = record(run_);

  // Metrics table against the run's metrics rows (written by the engine next to the document).
  EXPECT_EQ(view.metricValue(QStringLiteral("top1"), CompareView::kA), run.metrics.at("fp32.top1"));
  EXPECT_EQ(view.metricValue(QStringLiteral("top1"), CompareView::kB), run.metrics.at("quantized.top1"));
  EXPECT_NEAR(view.metricValue(QStringLiteral("top1"), CompareView::kDelta) * 100.0, run.metrics.at("delta_top1_pts"), 1e-9);
  EXPECT_EQ(view.metricValue(QStringLiteral("macro_f1"), CompareView::kA), run.metrics.at("fp32.macro_f1"));
  EXPECT_EQ(view.metricValue(QStringLiteral("macro_f1"), CompareView::kB), run.metrics.at("quantized.macro_f1"));
  EXPECT_EQ(view.metricValue(QStringLiteral("top5"), CompareView::kB), run.metrics.at("quantized.top5"));
  EXPECT_EQ(view.metricValue(QStringLiteral("ece"), CompareView::kA), run.metrics.at("fp32.ece"));
  EXPECT_EQ(view.metricValue(QStringLiteral("agreement"), CompareView::kDelta), run.metrics.at("agreement"));
  EXPECT_EQ(view.metricValue(QStringLiteral("output_sqnr_db"), CompareView::kDelta), run.metrics.at("output.sqnr_db"));

  // Per-class F1 and confusion counts as in the report document.
  for (const auto& [side, key] : {std::pair{CompareView::kA, "fp32"}, std::pair{CompareView::kB, "quantized"}}) {
    const auto& m = doc.at(key);
    QList<double> f1;
    for (const auto& c : m.at("per_class")) f1 << c.at("f1").get<double>();
    EXPECT_EQ(view.perClassF1(side), f1) << key;
    EXPECT_EQ(view.confusion(side), matrix(m.at("confusion"))) << key;
    qint64 total = 0;
    for (const auto& row : view.confusion(side)) {
      for (qint64 v : row) total += v;
    }
    EXPECT_EQ(total, kEvalSamples) << key;  // every evaluated sample is counted once
  }
  ASSERT_EQ(view.perClassF1(CompareView::kA).size(), 10);
  const auto a = matrix(doc.at("fp32").at("confusion")), b = matrix(doc.at("quantized").at("confusion"));
  const auto d = view.confusion(CompareView::kDelta);
  ASSERT_EQ(d.size(), 10);
  for (int r = 0; r < 10; ++r) {
    for (int c = 0; c < 10; ++c) EXPECT_EQ(d[r][c], b[r][c] - a[r][c]) << "cell " << r << "," << c;
  }
  EXPECT_EQ(view.classNames().size(), 10);
  EXPECT_EQ(view.classNames().value(0), QStringLiteral("T-shirt/top"));
  EXPECT_EQ(view.classNames().value(9), QStringLiteral("Ankle boot"));

  // Sizes: the FP32 file on disk and the exported artifact's recorded bytes.
  EXPECT_EQ(view.sizeBytes(CompareView::kA), QFileInfo(QStringLiteral(QWB_UI_TEST_MODEL)).size());
  const auto arts = *project_->artifacts(run_);
  ASSERT_EQ(arts.size(), 1u);
  EXPECT_EQ(view.sizeBytes(CompareView::kB), arts[0].bytes);
  EXPECT_GT(arts[0].bytes, 0);

  // Per-layer error: the rows of layer_results that carry output_sqnr_db (none before the
  // engine records it; then the view says so).
  QStringList layers;
  const auto rows = project_->layer_results(run_);
  ASSERT_TRUE(rows) << rows.status().message();
  for (const auto& row : *rows) {
    if (row.values.contains("output_sqnr_db")) layers << QString::fromStdString(row.layer);
  }
  EXPECT_EQ(view.layerNames(), layers);
}

TEST_F(CompareViewTest, GalleryShowsTheFlippedSamplesImages) {
  CompareView view;
  QSignalSpy gallery(&view, &CompareView::galleryLoaded);
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run_); }));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !gallery.isEmpty(); }, kTimeoutMs));
  const nlohmann::json doc = report();
  const int flipped = doc.at("flipped_count").get<int>();
  EXPECT_EQ(view.flippedCount(), flipped);
  EXPECT_EQ(view.galleryCount(), std::min(CompareView::kGalleryCap, flipped));
  if (flipped == 0) GTEST_SKIP() << "this run flipped no sample; nothing to look at";
  // Each image is the sample the report names: the raw pixels min-max normalised.
  auto raw = load_dataset("fashion-mnist:test", {});
  ASSERT_TRUE(raw) << raw.status().message();
  for (int i = 0; i < view.galleryCount(); ++i) {
    const QImage img = view.galleryImage(i);
    ASSERT_FALSE(img.isNull()) << "gallery item " << i;
    EXPECT_GT(pixelVariance(img), 0.0) << "gallery item " << i;
    const int64_t index = doc.at("flipped")[static_cast<size_t>(i)].at("index").get<int64_t>();
    ASSERT_EQ(img.size(), QSize(28, 28));
    const uint8_t* px = raw->raw_samples().data<uint8_t>() + index * 28 * 28;
    const auto [lo, hi] = std::minmax_element(px, px + 28 * 28);
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) {
        const double expected = 255.0 * (px[y * 28 + x] - *lo) / std::max(1, *hi - *lo);
        ASSERT_NEAR(qGray(img.pixel(x, y)), expected, 1.0) << "sample " << index << " pixel " << x << "," << y;
      }
    }
  }
}

TEST_F(CompareViewTest, MeasuresLatencyAndStoresItWithTheRun) {
  CompareView view;
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run_); }));
  ASSERT_TRUE(waitFor(view, &CompareView::latencyMeasured, [&] { view.measureLatency(); }));
  EXPECT_TRUE(view.isMeasuring() == false);
  const RunRecord run = record(run_);
  ASSERT_TRUE(run.metrics.count("latency.fp32_ms")) << view.latencyStatus();
  ASSERT_TRUE(run.metrics.count("latency.quantized_ms")) << view.latencyStatus();
  EXPECT_GT(run.metrics.at("latency.fp32_ms"), 0.0);
  EXPECT_GT(run.metrics.at("latency.quantized_ms"), 0.0);
  EXPECT_EQ(view.latencyMs(CompareView::kA), run.metrics.at("latency.fp32_ms"));
  EXPECT_EQ(view.latencyMs(CompareView::kB), run.metrics.at("latency.quantized_ms"));
  // A new view reads the stored numbers without measuring.
  CompareView again;
  ASSERT_TRUE(waitFor(again, &CompareView::loaded, [&] { again.setRun(project_, run_); }));
  EXPECT_EQ(again.latencyMs(CompareView::kB), run.metrics.at("latency.quantized_ms"));
}

TEST_F(CompareViewTest, PerLayerErrorRowsAreShownAndSelectable) {
  // A run holding the real report plus per-layer error rows written by hand (known values).
  RunConfig rc;
  rc.kind = "quantize";
  rc.config = record(run_).config;
  const int64_t run = *project_->create_run(rc);
  ASSERT_TRUE(project_->put_document(run, "report", report()));
  ASSERT_TRUE(project_->add_layer_results(run, {{"/features/features.0/Conv", {{"output_sqnr_db", 41.5}, {"output_cosine", 0.9999}}},
                                                {"/classifier/classifier.4/Gemm", {{"output_sqnr_db", 29.25}, {"output_cosine", 0.998}}},
                                                {"/features/features.3/Conv", {{"weight_format", "int8"}}}}));
  CompareView view;
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run); }));
  EXPECT_EQ(view.layerNames(), (QStringList{QStringLiteral("/features/features.0/Conv"), QStringLiteral("/classifier/classifier.4/Gemm")}));
  EXPECT_EQ(view.layerSqnr(), (QList<double>{41.5, 29.25}));
  EXPECT_EQ(view.layerCosine(), (QList<double>{0.9999, 0.998}));
  QSignalSpy selected(&view, &CompareView::layerSelected);
  QTableWidget* layers = nullptr;  // the per-layer table: the one whose rows carry layer names
  for (auto* t : view.findChildren<QTableWidget*>()) {
    if (t->columnCount() == 3 && t->rowCount() == 2 && t->item(0, 0) && t->item(0, 0)->data(Qt::UserRole).isValid()) layers = t;
  }
  ASSERT_TRUE(layers);
  emit layers->cellClicked(1, 0);
  ASSERT_EQ(selected.size(), 1);
  EXPECT_EQ(selected[0][0].toString(), QStringLiteral("/classifier/classifier.4/Gemm"));
}

TEST_F(CompareViewTest, TwoRunsEvaluateAgainstQuantized) {
  // An evaluate run of the FP32 model on the same 1,000 samples (A) against the quantize run (B).
  EvaluateConfig ec;
  ec.model = QWB_UI_TEST_MODEL;
  ec.data.spec = "fashion-mnist:test";
  ec.data.limit = kEvalSamples;
  NullProgress np;
  int64_t eval_run = 0;
  auto r = run_evaluate(*project_, ec, np, &eval_run);
  ASSERT_TRUE(r) << r.status().message();
  CompareView view;
  QSignalSpy gallery(&view, &CompareView::galleryLoaded);
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRuns(project_, eval_run, run_); }));
  ASSERT_TRUE(view.errorText().isEmpty()) << view.errorText();
  const RunRecord a = record(eval_run), b = record(run_);
  EXPECT_EQ(view.metricValue(QStringLiteral("top1"), CompareView::kA), a.metrics.at("top1"));
  EXPECT_EQ(view.metricValue(QStringLiteral("macro_f1"), CompareView::kA), a.metrics.at("macro_f1"));
  EXPECT_EQ(view.metricValue(QStringLiteral("top1"), CompareView::kB), b.metrics.at("quantized.top1"));
  const nlohmann::json eval_doc = *project_->document(eval_run, "report");
  EXPECT_EQ(view.confusion(CompareView::kA), matrix(eval_doc.at("confusion")));
  EXPECT_EQ(view.confusion(CompareView::kB), matrix(report().at("quantized").at("confusion")));
  // No per-sample predictions between two runs: agreement unknown, no gallery.
  EXPECT_TRUE(std::isnan(view.metricValue(QStringLiteral("agreement"), 0)));
  EXPECT_EQ(view.galleryCount(), 0);
  EXPECT_EQ(view.sizeBytes(CompareView::kA), QFileInfo(QStringLiteral(QWB_UI_TEST_MODEL)).size());
}

TEST_F(CompareViewTest, DamagedOrMissingRunsAreReportedNotThrown) {
  RunConfig rc;
  rc.kind = "quantize";
  const int64_t run = *project_->create_run(rc);
  ASSERT_TRUE(project_->put_document(run, "report", {{"fp32", {{"per_class", "oops"}}}, {"quantized", 3}}));
  CompareView view;
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run); }));
  EXPECT_FALSE(view.errorText().isEmpty());
  EXPECT_TRUE(view.perClassF1(CompareView::kA).isEmpty());
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, 9999); }));
  EXPECT_FALSE(view.errorText().isEmpty());
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRuns(project_, run_, 9999); }));
  EXPECT_FALSE(view.errorText().isEmpty());
}

void snapshot(CompareView& view, const QString& name) {
  const QString dir = qEnvironmentVariable("QWB_UI_SNAPSHOT_DIR");
  view.resize(1280, 800);
  view.show();
  QTest::qWait(50);
  EXPECT_TRUE(view.grab().save(dir + QStringLiteral("/%1.png").arg(name)));
  // The whole scrollable page at once.
  auto* scroll = view.findChild<QScrollArea*>();
  QWidget* page = scroll->takeWidget();
  page->resize(1280, std::max(page->sizeHint().height(), 800));
  EXPECT_TRUE(page->grab().save(dir + QStringLiteral("/%1_full.png").arg(name)));
  scroll->setWidget(page);
}

TEST_F(CompareViewTest, RendersSnapshots) {
  if (qEnvironmentVariableIsEmpty("QWB_UI_SNAPSHOT_DIR")) GTEST_SKIP() << "set QWB_UI_SNAPSHOT_DIR to render";
  CompareView view;
  QSignalSpy gallery(&view, &CompareView::galleryLoaded);
  ASSERT_TRUE(waitFor(view, &CompareView::loaded, [&] { view.setRun(project_, run_); }));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !gallery.isEmpty(); }, kTimeoutMs));
  snapshot(view, QStringLiteral("compare_view"));
  const QString other = qEnvironmentVariable("QWB_COMPARE_PROJECT");
  if (other.isEmpty()) return;
  auto p = Project::open(other.toStdString());
  ASSERT_TRUE(p) << p.status().message();
  auto demo = std::make_shared<Project>(std::move(*p));
  CompareView fixture;
  QSignalSpy fixture_gallery(&fixture, &CompareView::galleryLoaded);
  ASSERT_TRUE(waitFor(fixture, &CompareView::loaded, [&] { fixture.setRun(demo, 1); }));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !fixture_gallery.isEmpty(); }, kTimeoutMs));
  ASSERT_TRUE(waitFor(fixture, &CompareView::latencyMeasured, [&] { fixture.measureLatency(); }));
  snapshot(fixture, QStringLiteral("compare_view_demo"));
}

}  // namespace
}  // namespace qwb::ui
