#include "qwb/ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <QtGlobal>

#include <exception>

#include "qwb/model.h"
#include "qwb/ui/application.h"
#include "qwb/ui/format.h"
#include "qwb/ui/model_loader.h"
#include "qwb/ui/model_view.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/sensitivity_view.h"
#include "qwb/store.h"
#include "qwb/version.h"

namespace qwb::ui {

namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recentModels");
const QString kLastDirKey = QStringLiteral("lastModelDir");

// Runs `read` on the thread pool and hands its result to `done` on the UI thread. A library
// exception becomes an error string, so a damaged file cannot take the window down.
template <typename T, typename Read, typename Done>
void inBackground(QObject* owner, Read read, Done done) {
  auto* watcher = new QFutureWatcher<T>(owner);
  QObject::connect(watcher, &QFutureWatcherBase::finished, owner, [watcher, done] {
    done(watcher->result());
    watcher->deleteLater();
  });
  watcher->setFuture(QtConcurrent::run([read]() -> T {
    try {
      return read();
    } catch (const std::exception& e) {
      T t;
      t.error = QString::fromLocal8Bit(e.what());
      return t;
    }
  }));
}

struct ProjectRuns {
  std::vector<RunRecord> runs;
  QString error;
};

struct RunDocument {
  nlohmann::json doc;
  QString error;
};

// The first local .onnx file among dropped URLs, or an empty string.
QString droppedModel(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile() && url.toLocalFile().endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive)) {
      return url.toLocalFile();
    }
  }
  return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      loader_(new ModelLoader(this)),
      explorer_(new ProjectExplorer),
      tabs_(new QTabWidget),
      modelView_(new ModelView),
      sensitivity_(new SensitivityView),
      busy_(new QProgressBar),
      loadInfo_(new QLabel) {
  setAcceptDrops(true);
  resize(1400, 900);

  tabs_->setDocumentMode(true);
  tabs_->addTab(modelView_, tr("Model"));
  tabs_->addTab(sensitivity_, tr("Sensitivity"));
  setCentralWidget(tabs_);

  auto* dock = new QDockWidget(tr("Project"), this);
  dock->setObjectName(QStringLiteral("projectDock"));
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  dock->setWidget(explorer_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  resizeDocks({dock}, {220}, Qt::Horizontal);
  connect(explorer_, &ProjectExplorer::modelActivated, this, [this](const QString& path) {
    tabs_->setCurrentWidget(modelView_);
    const auto& current = modelView_->model();
    if (!current || QFileInfo(QString::fromStdString(current->path())) != QFileInfo(path)) openModel(path);
  });

  connect(explorer_, &ProjectExplorer::runActivated, this, &MainWindow::showRun);

  busy_->setRange(0, 0);  // indeterminate
  busy_->setMaximumWidth(140);
  busy_->setTextVisible(false);
  busy_->hide();
  statusBar()->addPermanentWidget(loadInfo_);
  statusBar()->addPermanentWidget(busy_);

  connect(loader_, &ModelLoader::started, this, &MainWindow::onLoadStarted);
  connect(loader_, &ModelLoader::loaded, this, &MainWindow::onLoaded);
  connect(loader_, &ModelLoader::failed, this, &MainWindow::onLoadFailed);

  createMenus();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model..."), this, &MainWindow::showOpenDialog);
  open->setShortcut(QKeySequence::Open);
  open->setStatusTip(tr("Open an ONNX model and show its structure"));
  QAction* openProject = file->addAction(tr("Open &Project..."), this, &MainWindow::showOpenProjectDialog);
  openProject->setStatusTip(tr("Open a project file (*.qwb) and list its runs"));
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
  rebuildRecentMenu();
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* about = help->addAction(tr("&About Quantization Workbench"), this, &MainWindow::showAbout);
  about->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::openModel(const QString& path) { loader_->load(QFileInfo(path).absoluteFilePath()); }

bool MainWindow::isLoading() const { return loader_->isBusy(); }

void MainWindow::showOpenDialog() {
  QSettings settings;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), settings.value(kLastDirKey).toString(),
                                                    tr("ONNX models (*.onnx);;All files (*)"));
  if (path.isEmpty()) return;
  settings.setValue(kLastDirKey, QFileInfo(path).absolutePath());
  openModel(path);
}

void MainWindow::showOpenProjectDialog() {
  QSettings settings;
  const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), settings.value(kLastDirKey).toString(),
                                                    tr("Workbench projects (*.qwb);;All files (*)"));
  if (!path.isEmpty()) openProject(path);
}

void MainWindow::openProject(const QString& path) {
  setBusy(true);
  statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
  const std::string file = QFile::encodeName(path).toStdString();
  inBackground<ProjectRuns>(
      this,
      [file] {
        ProjectRuns out;
        auto p = Project::open(file);
        if (!p) {
          out.error = QString::fromStdString(p.status().message());
          return out;
        }
        auto runs = p->list_runs();
        if (runs) out.runs = std::move(*runs);
        else out.error = QString::fromStdString(runs.status().message());
        return out;
      },
      [this, path](const ProjectRuns& r) {
        setBusy(false);
        if (!r.error.isEmpty()) {
          showError(tr("Could not open project"), tr("Could not open %1").arg(QFileInfo(path).fileName()), r.error);
          emit projectOpenFailed(path, r.error);
          return;
        }
        projectPath_ = path;
        explorer_->setRuns(r.runs);
        statusBar()->showMessage(tr("%1: %n run(s)", nullptr, static_cast<int>(r.runs.size())).arg(QFileInfo(path).fileName()));
        emit projectOpened(path);
      });
}

void MainWindow::showRun(qint64 run, const QString& kind) {
  if (projectPath_.isEmpty() || kind != QStringLiteral("sensitivity")) return;
  const std::string file = QFile::encodeName(projectPath_).toStdString();
  inBackground<RunDocument>(
      this,
      [file, run] {
        RunDocument out;
        auto p = Project::open(file);
        auto doc = p ? p->document(run, "sensitivity") : Result<nlohmann::json>(p.status());
        if (doc) out.doc = std::move(*doc);
        else out.error = QString::fromStdString(doc.status().message());
        return out;
      },
      [this, run](const RunDocument& d) {
        if (!d.error.isEmpty()) {
          showError(tr("Could not show run"), tr("Could not read run %1").arg(run), d.error);
          return;
        }
        sensitivity_->setDocument(d.doc);
        tabs_->setCurrentWidget(sensitivity_);
        emit runShown(run);
      });
}

void MainWindow::showError(const QString& title, const QString& summary, const QString& details) {
  statusBar()->showMessage(summary);
  // Window-modal and non-blocking: the event loop (and any caller waiting on signals) continues.
  auto* box = new QMessageBox(QMessageBox::Warning, title, summary, QMessageBox::Ok, this);
  box->setInformativeText(details);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Quantization Workbench"),
      tr("<h3>Quantization Workbench %1</h3>"
         "<p>Inspect, quantize and compare ONNX models.</p>"
         "<p>Built with Qt %2, running on Qt %3.</p>")
              .arg(versionString().toHtmlEscaped(), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())) +
          QStringLiteral("<p>") +
          QString::fromStdString(library_versions()).trimmed().toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")) +
          QStringLiteral("</p>"));
}

QStringList MainWindow::recentModels() { return QSettings().value(kRecentKey).toStringList(); }

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = recentModels();
  for (int i = 0; i < recent.size(); ++i) {
    const QString& path = recent[i];
    // "&1 model.onnx"; the full path shows in the status bar.
    QAction* action = recentMenu_->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()),
                                             this, [this, path] { openModel(path); });
    action->setStatusTip(path);
    action->setToolTip(path);
  }
  recentMenu_->addSeparator();
  QAction* clear = recentMenu_->addAction(tr("&Clear Menu"), this, [] { QSettings().remove(kRecentKey); });
  clear->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecentModel(const QString& path) {
  QStringList recent = recentModels();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(kRecentKey, recent);
}

void MainWindow::setBusy(bool busy) {
  if (busy == !busy_->isHidden()) return;
  busy_->setVisible(busy);
  if (busy) {
    QApplication::setOverrideCursor(Qt::BusyCursor);
  } else {
    QApplication::restoreOverrideCursor();
  }
}

void MainWindow::onLoadStarted(const QString& path) {
  setBusy(true);
  statusBar()->showMessage(tr("Loading %1...").arg(QFileInfo(path).fileName()));
}

void MainWindow::onLoaded(const LoadOutcome& outcome) {
  setBusy(false);
  modelView_->setModel(outcome.model);
  tabs_->setCurrentWidget(modelView_);
  explorer_->addModel(outcome.path);
  addRecentModel(outcome.path);
  setWindowTitle(QFileInfo(outcome.path).fileName());
  statusBar()->clearMessage();
  loadInfo_->setText(tr("%1: %n node(s), loaded in %2", nullptr, static_cast<int>(outcome.model->graph().nodes.size()))
                         .arg(QFileInfo(outcome.path).fileName(), formatDuration(outcome.elapsed_ms)));
  emit modelLoaded(outcome.path);
}

void MainWindow::onLoadFailed(const LoadOutcome& outcome) {
  setBusy(false);
  showError(tr("Could not open model"), tr("Could not open %1").arg(QFileInfo(outcome.path).fileName()), outcome.error);
  emit modelLoadFailed(outcome.path, outcome.error);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedModel(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = droppedModel(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  openModel(path);
}

}  // namespace qwb::ui
