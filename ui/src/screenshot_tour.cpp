#include "qwb/ui/screenshot_tour.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <functional>

#include "qwb/ui/application.h"
#include "qwb/ui/compare_view.h"
#include "qwb/ui/data_view.h"
#include "qwb/ui/decision_view.h"
#include "qwb/ui/graph_view.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/model_view.h"
#include "qwb/ui/new_run_dialog.h"
#include "qwb/ui/report_dialog.h"
#include "qwb/ui/run_manager.h"
#include "qwb/ui/sensitivity_view.h"
#include "qwb/ui/tensors_view.h"

namespace qwb::ui {

namespace {

constexpr int kStepMs = 600000;

// Runs the event loop until `done` or the timeout; the UI stays live while the engine works.
bool waitUntil(const std::function<bool()>& done, int timeoutMs = kStepMs) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeoutMs) return false;
    QEventLoop loop;
    QTimer::singleShot(20, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return true;
}

void settle(int ms = 300) { waitUntil([] { return false; }, ms); }

int fail(const QString& what) {
  std::fprintf(stderr, "screenshot tour: %s\n", qPrintable(what));
  return 2;
}

QuantizeConfig tourQuantization(const QString& model, const QString& out) {
  QuantizeConfig c;
  c.model = model.toStdString();
  c.calib.data.spec = "fashion-mnist:train";
  c.calib.samples = 256;
  c.eval.spec = "fashion-mnist:test";
  c.quant.weights = {DType::kInt8, true, Granularity::kChannel, 0, false};
  c.quant.activations = {DType::kUInt8, false, Granularity::kTensor, 0, false};
  c.method.method = CalibMethod::kEntropy;
  c.out = out.toStdString();
  return c;
}

}  // namespace

int runScreenshotTour(MainWindow& w, const QString& dirPath, QStringList* written) {
  QDir dir(dirPath);
  if (!dir.mkpath(QStringLiteral("."))) return fail(QStringLiteral("cannot create %1").arg(dirPath));
  w.resize(1600, 1000);
  bool opened = false, failed = false;
  QObject::connect(&w, &MainWindow::projectOpened, &w, [&] { opened = true; });
  QObject::connect(&w, &MainWindow::projectOpenFailed, &w, [&] { failed = true; });
  const QString project = dir.filePath(QStringLiteral("tour.qwb"));
  w.openDemoProject(project);
  if (!waitUntil([&] { return opened || failed; }) || failed) return fail(QStringLiteral("the demo project did not open"));
  if (!waitUntil([&] { return w.modelView()->model() != nullptr && !w.isLoading(); })) {
    return fail(QStringLiteral("the sample model did not load"));
  }

  const QString model = samplesDir() + QStringLiteral("/fmnist_cnn.onnx");
  const int quantize = w.startRun(tourQuantization(model, dir.filePath(QStringLiteral("fmnist_cnn.int8.onnx"))));
  SensitivityConfig s;
  s.base = tourQuantization(model, QString());
  s.base.eval.limit = 1000;
  const int sweep = w.startRun(s);
  if (!w.runManager()->waitIdle(kStepMs)) return fail(QStringLiteral("the runs did not finish"));
  for (int t : {quantize, sweep}) {
    const JobEntry* e = w.runManager()->entry(t);
    if (!e || e->state != JobState::kSucceeded) return fail(QStringLiteral("run failed: %1").arg(e ? e->error : QString()));
  }
  const qint64 quantizeRun = w.runManager()->entry(quantize)->run, sweepRun = w.runManager()->entry(sweep)->run;

  int status = 0;
  auto shoot = [&](QWidget* widget, const QString& name) {
    settle();
    const QString file = dir.filePath(name + QStringLiteral(".png"));
    if (!widget->grab().save(file, "PNG")) {
      std::fprintf(stderr, "screenshot tour: could not write %s\n", qPrintable(file));
      status = 1;
      return;
    }
    if (written) written->append(file);
  };
  auto showTab = [&](QWidget* tab, const QString& name) {
    w.tabs()->setCurrentWidget(tab);
    shoot(&w, name);
  };

  // The sensitivity run first: its harm colours the layer table and the graph.
  bool shown = false;
  QObject::connect(&w, &MainWindow::runShown, &w, [&] { shown = true; });
  w.showRun(sweepRun, QStringLiteral("sensitivity"));
  if (!waitUntil([&] { return shown; })) return fail(QStringLiteral("the sensitivity run was not shown"));
  const QString worst = w.sensitivityView()->barLayers().value(0);
  showTab(w.sensitivityView(), QStringLiteral("05-sensitivity"));

  shown = false;
  w.showRun(quantizeRun, QStringLiteral("quantize"));
  if (!waitUntil([&] { return shown && !w.compareView()->isLoading(); })) return fail(QStringLiteral("the quantize run was not shown"));
  w.compareView()->measureLatency();
  waitUntil([&] { return !w.compareView()->isMeasuring(); });
  showTab(w.compareView(), QStringLiteral("08-compare"));

  w.selectLayer(worst);
  showTab(w.modelView(), QStringLiteral("01-model"));
  waitUntil([&] { return !w.graphView()->isLayoutRunning(); });
  showTab(w.graphView(), QStringLiteral("02-graph"));

  w.tabs()->setCurrentWidget(w.dataView());
  w.dataView()->setSpec(QStringLiteral("fashion-mnist:test"));
  w.dataView()->load();
  waitUntil([&] { return !w.dataView()->isLoading(); });
  w.dataView()->validateCalibration(QStringLiteral("fashion-mnist:train"), QStringLiteral("fashion-mnist:test"), 256);
  waitUntil([&] { return !w.dataView()->isValidating(); });
  showTab(w.dataView(), QStringLiteral("03-data"));

  w.tabs()->setCurrentWidget(w.tensorsView());
  waitUntil([&] { return !w.tensorsView()->currentTensor().isEmpty(); }, 30000);
  showTab(w.tensorsView(), QStringLiteral("04-tensors"));

  waitUntil([&] { return !w.decisionView()->isLoading(); });
  showTab(w.decisionView(), QStringLiteral("06-decision"));

  NewRunDialog* dialog = w.createNewRunDialog();
  dialog->show();
  shoot(dialog, QStringLiteral("07-new-run"));
  dialog->close();

  w.tabs()->setCurrentWidget(w.compareView());
  shoot(&w, QStringLiteral("09-window"));

  // The Export Report dialog for the quantize run, once it has listed the project's runs.
  if (ReportDialog* report = w.createReportDialog(quantizeRun)) {
    report->show();
    if (!waitUntil([&] { return !report->isLoading(); })) return fail(QStringLiteral("the report dialog did not list the runs"));
    shoot(report, QStringLiteral("10-export-report"));
    report->close();
  }
  return status;
}

}  // namespace qwb::ui
