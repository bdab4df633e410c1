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
#include "qwb/jobs.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/run_manager.h"
#include "qwb/ui/runs_panel.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 240000;

QuantizeConfig quantizeConfig(int64_t calib_samples, int64_t eval_limit) {
  QuantizeConfig c;
  c.model = QWB_UI_TEST_MODEL;
  c.calib.data.spec = "fashion-mnist:train";
  c.calib.samples = calib_samples;
  c.eval.spec = "fashion-mnist:test";
  c.eval.limit = eval_limit;
  c.quant.weights = {DType::kInt8, true, Granularity::kChannel, 0, false};
  c.quant.activations = {DType::kUInt8, false, Granularity::kTensor, 0, false};
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
  c.eval.spec.clear();
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
