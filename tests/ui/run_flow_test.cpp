// The GUI's run flow on real engine jobs: a new project, a quantize run started from the window
// (fmnist_cnn, Fashion-MNIST) that finishes and is recorded with the numbers the runs panel shows,
// a queued job cancelled before it starts, a running sweep cancelled within 1 s, and the UI
// thread's longest stall while a calibration runs in the background (must stay under 100 ms).
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/ui/compare_view.h"
#include "qwb/ui/graph_view.h"
#include "qwb/ui/layer_table_model.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/model_view.h"
#include "qwb/ui/sensitivity_view.h"
#include "qwb/ui/tensors_view.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/run_manager.h"
#include "qwb/ui/runs_panel.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 240000;

QuantizeConfig quantizeConfig(int64_t calib_samples, int64_t eval_limit) {
  QuantizeConfig c = sampleQuantizeConfig(calib_samples, eval_limit);
  c.method.method = CalibMethod::kEntropy;
  return c;
}

class RunFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    QSignalSpy opened(&w, &MainWindow::projectOpened);
    w.newProject(dir.filePath(QStringLiteral("flow.qwb")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !opened.isEmpty(); }, kTimeoutMs));
    ASSERT_TRUE(w.project());
  }
  QTemporaryDir dir;
  MainWindow w;
};

TEST_F(RunFlow, QuantizeRunFinishesAndIsRecordedWithItsNumbers) {
  QuantizeConfig c = quantizeConfig(64, 500);
  c.out = dir.filePath(QStringLiteral("cnn.int8.onnx")).toStdString();
  QSignalSpy finished(w.runManager(), &RunManager::jobFinished);
  const int ticket = w.startRun(c);
  ASSERT_GT(ticket, 0);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !finished.isEmpty(); }, kTimeoutMs));
  const JobEntry* e = w.runManager()->entry(ticket);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->state, JobState::kSucceeded) << e->error.toStdString();
  ASSERT_GT(e->run, 0);
  EXPECT_DOUBLE_EQ(e->fraction, 1.0);

  // The project holds the run with the metrics the log line states (read through the engine).
  auto run = w.project()->get_run(e->run);
  ASSERT_TRUE(run) << run.status().message();
  EXPECT_EQ(run->status, RunStatus::kSucceeded);
  const double fp32 = run->metrics.at("fp32.top1"), quant = run->metrics.at("quantized.top1");
  const QString expected = QStringLiteral("FP32 top-1 %1%, quantized %2%")
                               .arg(100 * fp32, 0, 'f', 2)
                               .arg(100 * quant, 0, 'f', 2);
  EXPECT_TRUE(e->log.join(QLatin1Char('\n')).contains(expected)) << e->log.join(QLatin1Char('\n')).toStdString();
  EXPECT_TRUE(QFileInfo::exists(QString::fromStdString(c.out)));

  // The panel shows the job as succeeded with its run id; the explorer lists the run.
  QTreeWidget* tree = w.runsPanel()->tree();
  ASSERT_EQ(tree->topLevelItemCount(), 1);
  EXPECT_EQ(tree->topLevelItem(0)->text(1), QStringLiteral("succeeded"));
  EXPECT_EQ(tree->topLevelItem(0)->text(4), QString::number(e->run));
  EXPECT_TRUE(w.runsPanel()->logText().contains(expected));
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.projectExplorer()->runCount() == 1; }, kTimeoutMs));
  const QByteArray snapshots = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (!snapshots.isEmpty()) w.grab().save(QString::fromUtf8(snapshots) + QStringLiteral("/run_flow.png"));
}

TEST_F(RunFlow, FinishedRunsFillEveryViewWithTheirNumbers) {
  QSignalSpy loaded(&w, &MainWindow::modelLoaded);
  w.openModel(QStringLiteral(QWB_UI_TEST_MODEL));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs));
  SensitivityConfig s;
  s.base = quantizeConfig(64, 200);
  s.options.parts = {SweepPart::kBoth};
  QSignalSpy shown(&w, &MainWindow::runShown);
  const int sweep = w.startRun(s);
  const int quantize = w.startRun(quantizeConfig(64, 500));
  // Each finished job is shown by the window itself (first the sweep, then the quantization).
  ASSERT_TRUE(QTest::qWaitFor([&] { return shown.size() >= 2; }, kTimeoutMs));
  const qint64 sweepRun = w.runManager()->entry(sweep)->run, quantizeRun = w.runManager()->entry(quantize)->run;
  ASSERT_EQ(w.runManager()->entry(quantize)->state, JobState::kSucceeded);
  auto p = w.project();

  // Sensitivity: one bar row per quantized layer of the document; its harm in the layer table.
  auto doc = p->document(sweepRun, "sensitivity");
  ASSERT_TRUE(doc);
  EXPECT_EQ(w.sensitivityView()->barLayers().size(), static_cast<int>(doc->at("layers").size()));
  const auto& worst = doc->at("layers").at(0);
  const QString worstLayer = QString::fromStdString(worst.at("layer").get<std::string>());
  LayerTableModel* table = w.modelView()->layerModel();
  bool found = false;
  for (int r = 0; r < table->rowCount(); ++r) {
    if (table->index(r, LayerTableModel::kName).data().toString() != worstLayer) continue;
    found = true;
    EXPECT_NEAR(table->index(r, LayerTableModel::kSensitivity).data(LayerTableModel::kSortRole).toDouble(), worst.at("harm").get<double>(),
                1e-12 + 1e-9 * worst.at("harm").get<double>());
    EXPECT_FALSE(table->index(r, LayerTableModel::kFormat).data().toString().isEmpty());
  }
  EXPECT_TRUE(found);

  // Compare: the quantize run's metrics as recorded.
  ASSERT_TRUE(QTest::qWaitFor([&] { return !w.compareView()->isLoading(); }, kTimeoutMs));
  auto run = p->get_run(quantizeRun);
  ASSERT_TRUE(run);
  EXPECT_NEAR(w.compareView()->metricValue(QStringLiteral("top1"), CompareView::kA), run->metrics.at("fp32.top1"), 1e-9);
  EXPECT_NEAR(w.compareView()->metricValue(QStringLiteral("top1"), CompareView::kB), run->metrics.at("quantized.top1"), 1e-9);
  EXPECT_EQ(w.compareView()->layerNames().size(), 6);  // per-layer error of the 4 Conv + 2 Gemm

  // Tensors: the run's statistics; selecting a layer selects its weight there and in the graph.
  auto tensors = p->statistics_tensors(quantizeRun);
  ASSERT_TRUE(tensors);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.tensorsView()->tensorNames().size() == static_cast<int>(tensors->size()); }, kTimeoutMs));
  w.selectLayer(QStringLiteral("/features/features.3/Conv"));
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.tensorsView()->currentTensor() == QStringLiteral("features.3.weight"); }, kTimeoutMs));
  EXPECT_TRUE(QTest::qWaitFor([&] { return w.graphView()->selectedNode() == QStringLiteral("/features/features.3/Conv"); }, kTimeoutMs));
}

TEST_F(RunFlow, QueuedJobCancelsBeforeItStartsAndRunningSweepStopsWithinASecond) {
  SensitivityConfig s;
  s.base = quantizeConfig(64, 10000);  // long enough to be cancelled in the middle
  s.options.batch = 16;
  const int first = w.startRun(s);
  const int second = w.startRun(quantizeConfig(64, 100));
  EXPECT_EQ(w.runManager()->entry(second)->state, JobState::kQueued);
  w.runManager()->cancel(second);
  EXPECT_EQ(w.runManager()->entry(second)->state, JobState::kCancelled);
  EXPECT_EQ(w.runManager()->entry(second)->run, 0);

  // Wait until the sweep is past calibration and measuring, then cancel.
  ASSERT_TRUE(QTest::qWaitFor(
      [&] {
        const JobEntry* e = w.runManager()->entry(first);
        return e->state == JobState::kRunning && e->fraction > 0.05 && e->run > 0;
      },
      kTimeoutMs));
  QElapsedTimer t;
  t.start();
  w.runManager()->cancel(first);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.runManager()->entry(first)->finished(); }, kTimeoutMs));
  const qint64 stopMs = t.elapsed();
  EXPECT_LT(stopMs, 1000) << "cancel took " << stopMs << " ms";
  const JobEntry* e = w.runManager()->entry(first);
  EXPECT_EQ(e->state, JobState::kCancelled);
  auto run = w.project()->get_run(e->run);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, RunStatus::kCancelled);
  // Nothing is left running: the queue is idle and nothing else started.
  EXPECT_FALSE(w.runManager()->isBusy());
  std::cout << "cancel stopped the sweep in " << stopMs << " ms\n";
}

TEST_F(RunFlow, UiThreadNeverStallsWhileACalibrationRuns) {
  // 4096 calibration samples: several seconds of statistics collection on both cores.
  QuantizeConfig c = quantizeConfig(4096, 0);
  qint64 longest = 0, ticks = 0;
  QElapsedTimer gap;
  QTimer timer;
  timer.setInterval(5);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    longest = std::max(longest, gap.restart());
    ++ticks;
  });
  const int ticket = w.startRun(c);
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.runManager()->entry(ticket)->state == JobState::kRunning; }, kTimeoutMs));
  gap.start();
  timer.start();
  ASSERT_TRUE(QTest::qWaitFor([&] { return w.runManager()->entry(ticket)->finished(); }, kTimeoutMs));
  timer.stop();
  EXPECT_EQ(w.runManager()->entry(ticket)->state, JobState::kSucceeded) << w.runManager()->entry(ticket)->error.toStdString();
  EXPECT_GT(ticks, 20);  // the calibration ran long enough to measure
  EXPECT_LT(longest, 100) << "longest UI-thread stall " << longest << " ms over " << ticks << " ticks";
  std::cout << "longest UI-thread stall " << longest << " ms over " << ticks << " ticks ("
            << w.runManager()->entry(ticket)->elapsedMs << " ms of calibration)\n";
}

}  // namespace
}  // namespace qwb::ui
