// DataView on real data: Fashion-MNIST loaded with the sample CNN's preprocessing (its metadata:
// mean 0.2860, std 0.3530). Expected values come from the engine called directly
// (qwb::load_dataset, qwb::validate_calibration, Project::list_datasets), never from the view:
// the preview's 16 labels and the first image against the raw uint8 sample, the validation
// checks of 256 training samples against the test set, the project's dataset rows after a
// recorded quantize run (64 calibration samples of the training set, 500 evaluation samples)
// and after attaching the full test set (10,000 samples, 10 classes). A bad path is reported by
// name and the view keeps working; loading runs off the UI thread. With QWB_UI_SNAPSHOT_DIR set,
// the view is rendered to data_view.png.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/ui/data_sample_grid.h"
#include "qwb/ui/data_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 60000;

std::shared_ptr<const Model> sampleModel() {
  static std::shared_ptr<const Model> model = [] {
    auto m = Model::load(QWB_UI_TEST_MODEL, {.run_checker = false, .measure_shapes = false});
    EXPECT_TRUE(m) << m.status().message();
    return m ? std::make_shared<const Model>(std::move(*m)) : nullptr;
  }();
  return model;
}

// The dataset as the engine loads it for the model, without the view.
Dataset engineDataset(const std::string& spec) {
  DatasetOptions opt;
  opt.preprocess = Preprocess::from_metadata(sampleModel()->summary().metadata);
  auto ds = load_dataset(spec, opt);
  EXPECT_TRUE(ds) << ds.status().message();
  return ds ? std::move(*ds) : Dataset{};
}

bool loadAndWait(DataView& view, const QString& spec) {
  QSignalSpy done(&view, &DataView::datasetLoaded), failed(&view, &DataView::loadFailed);
  view.setSpec(spec);
  if (!view.load()) return false;
  return QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, kTimeoutMs) && !done.isEmpty();
}

void snapshot(DataView& view, const QString& name) {
  const QByteArray dir = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (dir.isEmpty()) return;
  view.resize(1280, 800);
  EXPECT_TRUE(view.grab().save(QString::fromUtf8(dir) + QLatin1Char('/') + name));
}

TEST(DataView, PreviewShowsTheFirstSixteenSamples) {
  ASSERT_TRUE(sampleModel());
  DataView view;
  view.setModel(sampleModel());
  ASSERT_TRUE(loadAndWait(view, QStringLiteral("fashion-mnist:test"))) << view.lastError();
  const Dataset ds = engineDataset("fashion-mnist:test");
  ASSERT_EQ(ds.size(), 10000);

  const QList<QImage> images = view.previewImages();
  ASSERT_EQ(images.size(), 16);
  QList<qint64> expected;
  for (int i = 0; i < 16; ++i) expected << ds.labels()[static_cast<size_t>(i)];
  EXPECT_EQ(view.previewLabels(), expected);
  // Class names from the model's qwb.labels: label 9 of the first test sample is "Ankle boot".
  EXPECT_EQ(view.previewCaptions().value(0), QStringLiteral("%1 Ankle boot").arg(expected[0]));
  for (int i = 0; i < images.size(); ++i) {
    const QImage& img = images[i];
    ASSERT_EQ(img.size(), QSize(28, 28)) << "image " << i;
    int lo = 255, hi = 0;
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) lo = std::min(lo, qGray(img.pixel(x, y))), hi = std::max(hi, qGray(img.pixel(x, y)));
    }
    // Min-max normalised per image: the full range of grey levels.
    EXPECT_EQ(lo, 0) << "image " << i;
    EXPECT_EQ(hi, 255) << "image " << i;
  }

  // The first image against the raw uint8 sample: same brightest pixel, correlation ~1 (the
  // preprocessing and the min-max scaling are both increasing affine maps).
  const uint8_t* raw = ds.raw_samples().data<uint8_t>();
  int rawMax = 0, imgMax = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int p = 0; p < 28 * 28; ++p) {
    const double a = raw[p], b = qGray(images[0].pixel(p % 28, p / 28));
    if (raw[p] > raw[rawMax]) rawMax = p;
    if (b > qGray(images[0].pixel(imgMax % 28, imgMax / 28))) imgMax = p;
    sx += a, sy += b, sxx += a * a, syy += b * b, sxy += a * b;
  }
  const double n = 28 * 28;
  const double r = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  EXPECT_EQ(imgMax, rawMax);
  EXPECT_GT(r, 0.999);
  EXPECT_TRUE(view.loadedSummary().contains(QString::fromStdString(ds.preprocess().describe()).toHtmlEscaped()))
      << view.loadedSummary();
}

TEST(DataView, ListsAttachesAndValidatesWithARecordedProject) {
  ASSERT_TRUE(sampleModel());
  QTemporaryDir dir;
  auto project = Project::create(dir.filePath(QStringLiteral("data.qwb")).toStdString());
  ASSERT_TRUE(project) << project.status().message();
  auto shared = std::make_shared<Project>(std::move(*project));
  // A real quantize run records its calibration and evaluation datasets.
  QuantizeConfig c = sampleQuantizeConfig(64, 500);
  NullProgress np;
  int64_t run = 0;
  auto report = run_quantize(*shared, c, np, &run);
  ASSERT_TRUE(report) << report.status().message();

  DataView view;
  view.setModel(sampleModel());
  view.setProject(shared);
  auto before = shared->list_datasets();
  ASSERT_TRUE(before);
  ASSERT_EQ(before->size(), 2u);
  ASSERT_EQ(view.datasetRowCount(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(view.datasetCell(i, 0), QString::number((*before)[static_cast<size_t>(i)].id));
    EXPECT_EQ(view.datasetCell(i, 1), QString::fromStdString((*before)[static_cast<size_t>(i)].spec));
  }

  // Attach the whole test set: one new row (the run's evaluation record has limit 500).
  ASSERT_TRUE(loadAndWait(view, QStringLiteral("fashion-mnist:test"))) << view.lastError();
  QSignalSpy attached(&view, &DataView::datasetAttached);
  ASSERT_TRUE(view.attach()) << view.lastError();
  ASSERT_EQ(attached.size(), 1);
  const qint64 id = attached[0][0].toLongLong();
  auto after = shared->list_datasets();
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 3u);
  auto rec = shared->get_dataset(id);
  ASSERT_TRUE(rec) << rec.status().message();
  EXPECT_EQ(rec->spec, "fashion-mnist:test");
  EXPECT_EQ(rec->samples, 10000);
  EXPECT_EQ(rec->num_classes, 10);
  ASSERT_EQ(view.datasetRowCount(), 3);
  int row = -1;
  for (int i = 0; i < 3; ++i) {
    if (view.datasetCell(i, 0) == QString::number(id)) row = i;
  }
  ASSERT_GE(row, 0);
  EXPECT_EQ(view.datasetCell(row, 3), QStringLiteral("10"));

  // Attaching the training set with the model's defaults is the run's calibration record.
  ASSERT_TRUE(loadAndWait(view, QStringLiteral("fashion-mnist:train"))) << view.lastError();
  ASSERT_TRUE(view.attach());
  auto runRecord = shared->get_run(run);
  ASSERT_TRUE(runRecord);
  EXPECT_EQ(attached.last()[0].toLongLong(), runRecord->dataset_id);
  EXPECT_EQ(view.datasetRowCount(), 3);

  // Validation: 256 training samples against the test set (all checks pass), then 16 (too
  // few: sample_count warns), each against the engine's own report.
  const Dataset train = engineDataset("fashion-mnist:train"), test = engineDataset("fashion-mnist:test");
  for (int samples : {16, 256}) {
    SCOPED_TRACE(samples);
    QSignalSpy validated(&view, &DataView::validationFinished);
    ASSERT_TRUE(view.validateCalibration(QStringLiteral("fashion-mnist:train"), QStringLiteral("fashion-mnist:test"), samples));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !validated.isEmpty(); }, kTimeoutMs));
    auto ids = sample_ids(train, samples, Sampling::kFirst, 0);
    ASSERT_TRUE(ids);
    auto direct = validate_calibration(train.subset(*ids), &test, ValidationOptions{});
    ASSERT_TRUE(direct) << direct.status().message();
    const auto rows = view.validationRows();
    ASSERT_EQ(rows.size(), static_cast<qsizetype>(direct->checks.size())) << view.lastError();
    ASSERT_GE(rows.size(), 4);
    for (int i = 0; i < rows.size(); ++i) {
      const ValidationCheck& check = direct->checks[static_cast<size_t>(i)];
      EXPECT_EQ(rows[i].name, QString::fromStdString(check.name));
      EXPECT_EQ(rows[i].status, QLatin1String(check_status_name(check.status))) << check.name;
      EXPECT_EQ(rows[i].message, QString::fromStdString(check.message));
    }
    if (samples == 16) {
      EXPECT_NE(direct->worst(), CheckStatus::kOk);  // the case must show a warning to mean anything
      snapshot(view, QStringLiteral("data_view_warnings.png"));
    }
  }
  // Back to the test set for the picture: its preview, the three rows and the checks.
  ASSERT_TRUE(loadAndWait(view, QStringLiteral("fashion-mnist:test")));
  snapshot(view, QStringLiteral("data_view.png"));
}

TEST(DataView, BadPathOrFieldIsReportedAndTheViewKeepsWorking) {
  DataView view;
  view.setModel(sampleModel());
  QSignalSpy failed(&view, &DataView::loadFailed);
  view.setSpec(QStringLiteral("idx:/nonexistent"));
  EXPECT_EQ(view.spec(), QStringLiteral("idx:/nonexistent"));
  ASSERT_TRUE(view.load());
  ASSERT_TRUE(QTest::qWaitFor([&] { return !failed.isEmpty(); }, kTimeoutMs));
  EXPECT_TRUE(view.lastError().contains(QStringLiteral("/nonexistent"))) << view.lastError();
  EXPECT_TRUE(view.previewImages().isEmpty());
  snapshot(view, QStringLiteral("data_view_error.png"));

  // An empty path is caught before loading and names the field.
  view.setSpec(QStringLiteral("npy:"));
  EXPECT_FALSE(view.load());
  EXPECT_TRUE(view.lastError().contains(QStringLiteral("Samples file"))) << view.lastError();

  // Still usable: the next load works.
  ASSERT_TRUE(loadAndWait(view, QStringLiteral("fashion-mnist:test"))) << view.lastError();
  EXPECT_EQ(view.previewImages().size(), 16);
  EXPECT_TRUE(view.lastError().isEmpty());

  // A bad validation spec is reported too, and leaves the table empty.
  QSignalSpy validated(&view, &DataView::validationFinished);
  ASSERT_TRUE(view.validateCalibration(QStringLiteral("idx:/nonexistent"), QStringLiteral("fashion-mnist:test"), 16));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !validated.isEmpty(); }, kTimeoutMs));
  EXPECT_TRUE(view.validationRows().isEmpty());
  EXPECT_TRUE(view.lastError().contains(QStringLiteral("/nonexistent"))) << view.lastError();
}

// Hand-made 2x2 RGB samples: the red channel is largest at (0, 0), so that pixel is pure red
// after min-max normalisation (0..0.5 -> 0..255), whether channels come first or last.
TEST(DataView, SampleImagesFollowTheLayout) {
  const float chw[12] = {0.5f, 0, 0, 0,  /*G*/ 0, 0.25f, 0, 0,  /*B*/ 0, 0, 0, 0.5f};
  float hwc[12];
  for (int c = 0; c < 3; ++c) {
    for (int p = 0; p < 4; ++p) hwc[p * 3 + c] = chw[c * 4 + p];
  }
  const QImage a = sampleToImage(chw, {3, 2, 2}, "NCHW"), b = sampleToImage(hwc, {2, 2, 3}, "NHWC");
  ASSERT_EQ(a.size(), QSize(2, 2));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.pixel(0, 0), qRgb(255, 0, 0));
  EXPECT_EQ(a.pixel(1, 0), qRgb(0, 128, 0));  // 0.25 of 0.5 -> 127.5, rounded up
  EXPECT_EQ(a.pixel(1, 1), qRgb(0, 0, 255));
  // A flat 784-vector is a 28x28 grayscale image.
  std::vector<float> flat(784, 0.0f);
  flat[28 * 3 + 5] = 1.0f;
  const QImage g = sampleToImage(flat.data(), {784}, "NCHW");
  ASSERT_EQ(g.size(), QSize(28, 28));
  EXPECT_EQ(qGray(g.pixel(5, 3)), 255);
  EXPECT_EQ(qGray(g.pixel(0, 0)), 0);
}

TEST(DataView, LoadingRunsOffTheUiThread) {
  DataView view;
  view.setModel(sampleModel());
  int ticks = 0;
  QTimer timer;
  timer.setInterval(10);
  QObject::connect(&timer, &QTimer::timeout, [&] { ++ticks; });
  timer.start();
  QSignalSpy done(&view, &DataView::datasetLoaded);
  view.setSpec(QStringLiteral("fashion-mnist:train"));  // 60,000 images: long enough to see ticks
  QElapsedTimer clock;
  clock.start();
  ASSERT_TRUE(view.load());
  const qint64 returnedAfter = clock.elapsed();
  EXPECT_TRUE(done.isEmpty()) << "load() finished before returning: it ran on the UI thread";
  EXPECT_TRUE(view.isLoading());
  ASSERT_TRUE(QTest::qWaitFor([&] { return !done.isEmpty(); }, kTimeoutMs));
  const qint64 total = clock.elapsed();
  EXPECT_LT(returnedAfter, 50);
  EXPECT_GE(ticks, 1) << "the timer never fired during a " << total << " ms load";
  EXPECT_EQ(view.previewImages().size(), 16);
}

}  // namespace
}  // namespace qwb::ui
