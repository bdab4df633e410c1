// MainWindow with a project file: a real sensitivity run recorded by the engine on the sample CNN
// (Fashion-MNIST, 32 calibration and 64 evaluation samples) is listed in the explorer and shown
// in the Sensitivity tab with one bar row per quantized layer (the CNN has 4 Conv + 2 Gemm); a
// damaged project file shows an error dialog and leaves the window working.
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QTimer>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/sensitivity_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 60000;

TEST(MainWindowProject, ListsRunsAndShowsASensitivityRun) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("demo.qwb"));
  int64_t run = 0;
  {
    auto project = Project::create(path.toStdString());
    ASSERT_TRUE(project) << project.status().message();
    SensitivityConfig c;
    c.base = sampleQuantizeConfig(32, 64);
    c.options.parts = {SweepPart::kBoth};
    c.options.propagation = false;
    NullProgress np;
    auto r = run_sensitivity(*project, c, np, &run);
    ASSERT_TRUE(r) << r.status().message();
  }
  MainWindow w;
  QSignalSpy opened(&w, &MainWindow::projectOpened);
  w.openProject(path);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !opened.isEmpty(); }, kTimeoutMs));
  EXPECT_EQ(w.projectExplorer()->runCount(), 1);
  QSignalSpy shown(&w, &MainWindow::runShown);
  w.showRun(run, QStringLiteral("sensitivity"));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !shown.isEmpty(); }, kTimeoutMs));
  EXPECT_EQ(w.sensitivityView()->barLayers().size(), 6);
  const QByteArray snapshots = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (!snapshots.isEmpty()) w.grab().save(QString::fromUtf8(snapshots) + QStringLiteral("/main_window_sensitivity.png"));
}

TEST(MainWindowProject, DamagedProjectShowsADialogAndTheWindowKeepsWorking) {
  QTemporaryDir dir;
  const QString path = dir.filePath(QStringLiteral("broken.qwb"));
  QFile f(path);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("this is not a project file");
  f.close();
  MainWindow w;
  QSignalSpy failed(&w, &MainWindow::projectOpenFailed);
  w.openProject(path);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !failed.isEmpty(); }, kTimeoutMs));
  EXPECT_FALSE(w.findChildren<QMessageBox*>().isEmpty());
  EXPECT_EQ(w.projectExplorer()->runCount(), 0);
  // Still usable: a good model opens afterwards.
  QSignalSpy loaded(&w, &MainWindow::modelLoaded);
  w.openModel(QStringLiteral(QWB_UI_TEST_MODEL));
  EXPECT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs));
}

TEST(MainWindowProject, AboutBoxNamesQtAndTheEngineLibraries) {
  MainWindow w;
  QAction* about = nullptr;
  for (QAction* a : w.menuBar()->findChildren<QAction*>()) {
    if (a->menuRole() == QAction::AboutRole) about = a;
  }
  ASSERT_NE(about, nullptr);
  QString text;
  // QMessageBox::about runs its own event loop: read and close it from a timer.
  QTimer::singleShot(300, [&] {
    for (QWidget* top : QApplication::topLevelWidgets()) {
      auto* box = qobject_cast<QMessageBox*>(top);
      if (!box) continue;
      text = box->text();
      const QByteArray snapshots = qgetenv("QWB_UI_SNAPSHOT_DIR");
      if (!snapshots.isEmpty()) box->grab().save(QString::fromUtf8(snapshots) + QStringLiteral("/about.png"));
      box->accept();
    }
  });
  about->trigger();
  for (const char* lib : {"Qt ", "oneDNN ", "SQLite ", "ONNX "}) EXPECT_TRUE(text.contains(QLatin1String(lib))) << lib;
}

}  // namespace
}  // namespace qwb::ui
