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
#include <QActionGroup>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QtConcurrent/QtConcurrentRun>
#include <QtGlobal>

#include <exception>

#include "qwb/model.h"
#include "qwb/ui/application.h"
#include "qwb/ui/format.h"
#include "qwb/ui/model_loader.h"
#include "qwb/ui/model_view.h"
#include "qwb/ui/new_run_dialog.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/report_dialog.h"
#include "qwb/ui/run_manager.h"
#include "qwb/ui/runs_panel.h"
#include "qwb/ui/compare_view.h"
#include "qwb/ui/data_view.h"
#include "qwb/ui/decision_view.h"
#include "qwb/ui/graph_view.h"
#include "qwb/ui/layer_table_model.h"
#include "qwb/ui/sensitivity_view.h"
#include "qwb/ui/tensors_view.h"
#include "qwb/jobs.h"
#include "qwb/quant.h"
#include "qwb/store.h"
#include "qwb/version.h"

namespace qwb::ui {

namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recentModels");
const QString kRecentProjectsKey = QStringLiteral("recentProjects");
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



struct RunDocument {
  nlohmann::json doc;
  QString error;
};

struct RunLayers {
  QMap<QString, QString> formats, weights;
  QMap<QString, double> sqnr;
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

// What the window shows of a project, read in one go off the UI thread.
struct ProjectContents {
  std::shared_ptr<Project> project;
  std::vector<RunRecord> runs;
  std::vector<ModelRecord> models;
  std::vector<DatasetRecord> datasets;
  QString error;
};

namespace {

ProjectContents readContents(std::shared_ptr<Project> p) {
  ProjectContents out;
  auto runs = p->list_runs();
  auto models = p->list_models();
  auto datasets = p->list_datasets();
  for (const Status& st : {runs.status(), models.status(), datasets.status()}) {
    if (!st && out.error.isEmpty()) out.error = QString::fromStdString(st.message());
  }
  if (!out.error.isEmpty()) return out;
  out.project = std::move(p);
  out.runs = std::move(*runs);
  out.models = std::move(*models);
  out.datasets = std::move(*datasets);
  return out;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      loader_(new ModelLoader(this)),
      explorer_(new ProjectExplorer),
      tabs_(new QTabWidget),
      modelView_(new ModelView),
      graph_(new GraphView),
      data_(new DataView),
      tensors_(new TensorsView),
      sensitivity_(new SensitivityView),
      decision_(new DecisionView),
      compare_(new CompareView),
      runs_(new RunManager(this)),
      busy_(new QProgressBar),
      loadInfo_(new QLabel) {
  setAcceptDrops(true);
  resize(1400, 900);

  tabs_->setDocumentMode(true);
  tabs_->addTab(modelView_, tr("Model"));
  tabs_->addTab(graph_, tr("Graph"));
  tabs_->addTab(data_, tr("Data"));
  tabs_->addTab(tensors_, tr("Tensors"));
  tabs_->addTab(sensitivity_, tr("Sensitivity"));
  tabs_->addTab(decision_, tr("Decision"));
  tabs_->addTab(compare_, tr("Compare"));
  // A layer selected in one view is selected in every view that shows layers.
  connect(modelView_, &ModelView::layerSelected, this, &MainWindow::selectLayer);
  connect(modelView_, &ModelView::keepInFloatRequested, this, [this](const QStringList& layers) { showNewRunDialog(nullptr, layers); });
  connect(graph_, &GraphView::nodeSelected, this, &MainWindow::selectLayer);
  connect(sensitivity_, &SensitivityView::layerSelected, this, &MainWindow::selectLayer);
  connect(compare_, &CompareView::layerSelected, this, &MainWindow::selectLayer);
  connect(decision_, &DecisionView::runConfigRequested, this, [this](const nlohmann::json& config) {
    showNewRunDialog(&config);
  });
  connect(data_, &DataView::datasetAttached, this, [this] { refreshProject(); });
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
  connect(explorer_, &ProjectExplorer::reportRequested, this, [this](qint64 run) { showReportDialog(run); });
  connect(this, &MainWindow::runShown, this, [this](qint64 run) { shownRun_ = run; });

  runsPanel_ = new RunsPanel(runs_);
  auto* runsDock = new QDockWidget(tr("Runs"), this);
  runsDock->setObjectName(QStringLiteral("runsDock"));
  runsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  runsDock->setWidget(runsPanel_);
  addDockWidget(Qt::BottomDockWidgetArea, runsDock);
  resizeDocks({runsDock}, {190}, Qt::Vertical);
  connect(runsPanel_, &RunsPanel::newRunRequested, this, [this] { showNewRunDialog(); });
  connect(runsPanel_, &RunsPanel::runActivated, this, &MainWindow::showRun);
  connect(runs_, &RunManager::jobFinished, this, [this](int ticket, qint64 run, const QString& kind, JobState state) {
    refreshProject();
    if (const JobEntry* e = runs_->entry(ticket)) statusBar()->showMessage(tr("%1: %2").arg(e->title, jobStateName(state)));
    if (run && (state == JobState::kSucceeded || (state == JobState::kCancelled && kind == QStringLiteral("sensitivity")))) {
      showRun(run, kind);
    }
  });

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
  QAction* newProject = file->addAction(tr("&New Project..."), this, &MainWindow::showNewProjectDialog);
  newProject->setShortcut(QKeySequence::New);
  newProject->setStatusTip(tr("Create a project file (*.qwb) that records models, data and runs"));
  QAction* openProject = file->addAction(tr("Open &Project..."), this, &MainWindow::showOpenProjectDialog);
  file->addAction(tr("Open &Demo Project"), this, [this] { openDemoProject(); })
      ->setStatusTip(tr("The sample models with Fashion-MNIST attached, ready for a first run"));
  openProject->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  openProject->setStatusTip(tr("Open a project file (*.qwb) and list its runs"));
  recentProjectsMenu_ = file->addMenu(tr("Recent P&rojects"));
  connect(recentProjectsMenu_, &QMenu::aboutToShow, this,
          [this] { rebuildRecentMenu(recentProjectsMenu_, kRecentProjectsKey, &MainWindow::openProject); });
  file->addSeparator();
  QAction* open = file->addAction(tr("&Open Model..."), this, &MainWindow::showOpenDialog);
  open->setShortcut(QKeySequence::Open);
  open->setStatusTip(tr("Open an ONNX model and show its structure"));
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  connect(recentMenu_, &QMenu::aboutToShow, this, [this] { rebuildRecentMenu(recentMenu_, kRecentKey, &MainWindow::openModel); });
  rebuildRecentMenu(recentMenu_, kRecentKey, &MainWindow::openModel);
  rebuildRecentMenu(recentProjectsMenu_, kRecentProjectsKey, &MainWindow::openProject);
  file->addSeparator();
  exportReport_ = file->addAction(tr("E&xport Report..."), this, [this] { showReportDialog(); });
  exportReport_->setStatusTip(tr("Write a review report of a run: HTML, PDF, Markdown, CSV or JSON"));
  exportReport_->setEnabled(false);  // until a project with a finished run is open
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  QAction* newRun = run->addAction(tr("&New Run..."), this, [this] { showNewRunDialog(); });
  newRun->setShortcut(QKeySequence(tr("Ctrl+R")));
  newRun->setStatusTip(tr("Calibrate, quantize, evaluate and export in the background"));

  QMenu* settings = menuBar()->addMenu(tr("&Settings"));
  QMenu* language = settings->addMenu(tr("&Language"));
  auto* languages = new QActionGroup(this);
  const QString current = QSettings().value(QStringLiteral("language")).toString();
  for (const auto& [code, name] : {std::pair{QString(), tr("System default")}, std::pair{QStringLiteral("en"), QStringLiteral("English")},
                                   std::pair{QStringLiteral("de"), QStringLiteral("Deutsch")}}) {
    QAction* a = language->addAction(name);
    a->setCheckable(true);
    a->setChecked(code == current);
    languages->addAction(a);
    connect(a, &QAction::triggered, this, [this, code] {
      QSettings().setValue(QStringLiteral("language"), code);
      statusBar()->showMessage(tr("The language changes when the workbench starts again."));
    });
  }

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

void MainWindow::showNewProjectDialog() {
  QString path = QFileDialog::getSaveFileName(this, tr("New Project"), QSettings().value(kLastDirKey).toString(),
                                              tr("Workbench projects (*.qwb)"));
  if (path.isEmpty()) return;
  if (!path.endsWith(QStringLiteral(".qwb"), Qt::CaseInsensitive)) path += QStringLiteral(".qwb");
  newProject(path);
}

void MainWindow::newProject(const QString& path) {
  const std::string file = QFile::encodeName(path).toStdString();
  loadProject(path, [file]() -> Result<Project> { return Project::create(file); });
}

void MainWindow::openProject(const QString& path) {
  const std::string file = QFile::encodeName(path).toStdString();
  loadProject(path, [file]() -> Result<Project> { return Project::open(file); });
}

QString MainWindow::defaultDemoProjectPath() {
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo.qwb");
}

void MainWindow::openDemoProject(const QString& path) {
  const std::string file = QFile::encodeName(path).toStdString();
  const QString samples = samplesDir();
  QDir().mkpath(QFileInfo(path).absolutePath());
  loadProject(path, [file, samples]() -> Result<Project> {
    QWB_ASSIGN_OR_RETURN(Project p, Project::open_or_create(file));
    // Attaching deduplicates, so reopening the demo adds nothing twice.
    const std::string cnn = QFile::encodeName(samples + QStringLiteral("/fmnist_cnn.onnx")).toStdString();
    for (const char* name : {"fmnist_cnn.onnx", "fmnist_dwres.onnx", "fmnist_vit.onnx"}) {
      QWB_RETURN_IF_ERROR(attach_model(p, QFile::encodeName(samples + QLatin1Char('/') + QLatin1String(name)).toStdString()).status());
    }
    for (const char* spec : {"fashion-mnist:train", "fashion-mnist:test"}) {
      QWB_RETURN_IF_ERROR(attach_dataset(p, cnn, {.spec = spec}).status());
    }
    return p;
  });
}

void MainWindow::loadProject(const QString& path, std::function<Result<Project>()> open) {
  setBusy(true);
  statusBar()->showMessage(tr("Opening %1...").arg(QFileInfo(path).fileName()));
  inBackground<ProjectContents>(
      this,
      [open] {
        ProjectContents out;
        auto p = open();
        if (!p) {
          out.error = QString::fromStdString(p.status().message());
          return out;
        }
        return readContents(std::make_shared<Project>(std::move(*p)));
      },
      [this, path](const ProjectContents& r) {
        setBusy(false);
        if (!r.error.isEmpty()) {
          showError(tr("Could not open project"), tr("Could not open %1").arg(QFileInfo(path).fileName()), r.error);
          emit projectOpenFailed(path, r.error);
          return;
        }
        projectPath_ = QFileInfo(path).absoluteFilePath();
        project_ = r.project;
        shownRun_ = 0;
        runs_->setProjectPath(projectPath_);
        decision_->setProject(project_);
        addRecent(kRecentProjectsKey, projectPath_);
        showContents(r);
        setWindowTitle(QFileInfo(path).fileName());
        statusBar()->showMessage(tr("%1: %n run(s)", nullptr, static_cast<int>(r.runs.size())).arg(QFileInfo(path).fileName()));
        // The project's first model opens with it, unless one is open already.
        if (!modelView_->model() && !r.models.empty() && QFileInfo::exists(qstr(r.models.front().path))) {
          openModel(qstr(r.models.front().path));
        }
        emit projectOpened(path);
      });
}

void MainWindow::showContents(const ProjectContents& c) {
  explorer_->setRuns(c.runs);
  explorer_->setDatasets(c.datasets);
  for (const ModelRecord& m : c.models) explorer_->addModel(qstr(m.path), false);
  data_->setProject(c.project);
  exportReport_->setEnabled(project_ && explorer_->hasReportableRun());
}

void MainWindow::refreshProject() {
  if (!project_) return;
  auto p = project_;
  inBackground<ProjectContents>(this, [p] { return readContents(p); }, [this, p](const ProjectContents& r) {
    if (r.error.isEmpty() && p == project_) showContents(r);
  });
}

NewRunDialog* MainWindow::createNewRunDialog(const nlohmann::json* prefill, const QStringList& keepInFloat) {
  auto* dialog = new NewRunDialog(explorer_->models(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (const auto& m = modelView_->model()) {
    dialog->setModel(qstr(m->path()));
    QStringList layers;
    for (const auto& n : m->graph().nodes) {
      if (is_quantizable_op(n.op_type)) layers << qstr(n.name);
    }
    dialog->setLayers(layers);
  }
  if (prefill) dialog->applyQuantizeConfig(*prefill);
  if (!keepInFloat.isEmpty()) dialog->setExclusions(keepInFloat);
  connect(dialog, &QDialog::accepted, this, [this, dialog] {
    if (auto c = dialog->config()) startRun(*c);
  });
  return dialog;
}

void MainWindow::showNewRunDialog(const nlohmann::json* prefill, const QStringList& keepInFloat) {
  if (!project_) {
    showError(tr("No project"), tr("Open or create a project first."),
              tr("Runs and their results are recorded in a project file (File > New Project)."));
    return;
  }
  createNewRunDialog(prefill, keepInFloat)->open();
}

ReportDialog* MainWindow::createReportDialog(qint64 run) {
  if (!project_) return nullptr;
  if (!run) run = explorer_->currentRun();
  if (!run) run = shownRun_;
  auto* dialog = new ReportDialog(project_, run, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  return dialog;
}

void MainWindow::showReportDialog(qint64 run) {
  if (ReportDialog* dialog = createReportDialog(run)) dialog->open();
}

int MainWindow::startRun(const JobConfig& config) {
  if (!project_) return 0;
  return runs_->enqueue(config);
}

void MainWindow::showRun(qint64 run, const QString& kind) {
  if (!project_) return;
  auto p = project_;
  if (kind == QStringLiteral("sensitivity")) {
    inBackground<RunDocument>(
        this,
        [p, run] {
          RunDocument out;
          auto doc = p->document(run, "sensitivity");
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
          decision_->setSensitivityDocument(d.doc);
          // Harm (the output NMSE of quantizing only that layer) in the layer table and graph.
          QMap<QString, double> harm;
          if (d.doc.contains("layers") && d.doc.at("layers").is_array()) {
            for (const auto& l : d.doc.at("layers")) {
              if (l.is_object() && l.contains("layer") && l.contains("harm") && l.at("harm").is_number()) {
                harm[qstr(l.at("layer").get<std::string>())] = l.at("harm").get<double>();
              }
            }
          }
          modelView_->layerModel()->setLayerSensitivity(harm);
          modelView_->layerTable()->resizeColumnToContents(LayerTableModel::kSensitivity);
          graph_->setNodeValues(harm, tr("sensitivity (output NMSE)"), true);
          tabs_->setCurrentWidget(sensitivity_);
          emit runShown(run);
        });
    return;
  }
  if (kind != QStringLiteral("quantize") && kind != QStringLiteral("autoquant") && kind != QStringLiteral("evaluate")) return;
  // Histograms and thresholds, and FP32 against quantized; the views read the project themselves.
  if (kind != QStringLiteral("evaluate")) tensors_->setRun(p, run);
  compare_->setRun(p, run);
  inBackground<RunLayers>(
      this,
      [p, run] {
        RunLayers out;
        auto rows = p->layer_results(run);
        if (!rows) {
          out.error = QString::fromStdString(rows.status().message());
          return out;
        }
        for (const auto& r : *rows) {
          const QString layer = qstr(r.layer);
          if (r.values.contains("weight_format")) out.formats[layer] = specDescription(r.values.at("weight_format").get<std::string>());
          else if (r.values.contains("format")) out.formats[layer] = qstr(r.values.at("format").get<std::string>());
          if (r.values.contains("weight")) out.weights[layer] = qstr(r.values.at("weight").get<std::string>());
          if (r.values.contains("output_sqnr_db") && r.values.at("output_sqnr_db").is_number()) {
            out.sqnr[layer] = r.values.at("output_sqnr_db").get<double>();
          }
        }
        return out;
      },
      [this, run](const RunLayers& l) {
        if (!l.error.isEmpty()) {
          showError(tr("Could not show run"), tr("Could not read run %1").arg(run), l.error);
          return;
        }
        modelView_->layerModel()->setLayerFormats(l.formats);
        modelView_->layerTable()->resizeColumnToContents(LayerTableModel::kFormat);
        layerWeights_ = l.weights;
        if (!l.sqnr.isEmpty()) graph_->setNodeValues(l.sqnr, tr("output SQNR (dB)"), false);
        tabs_->setCurrentWidget(compare_);
        emit runShown(run);
      });
}

void MainWindow::selectLayer(const QString& name) {
  if (name.isEmpty() || name == selectedLayer_) return;
  selectedLayer_ = name;
  modelView_->selectLayer(name);
  graph_->selectNode(name);
  // The Tensors view lists tensors, not layers: a layer stands for its weight.
  if (layerWeights_.contains(name)) tensors_->selectTensor(layerWeights_.value(name));
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

void MainWindow::rebuildRecentMenu(QMenu* menu, const QString& key, void (MainWindow::*open)(const QString&)) {
  menu->clear();
  const QStringList recent = QSettings().value(key).toStringList();
  for (int i = 0; i < recent.size(); ++i) {
    const QString& path = recent[i];
    // "&1 model.onnx"; the full path shows in the status bar.
    QAction* action = menu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()), this,
                                      [this, open, path] { (this->*open)(path); });
    action->setStatusTip(path);
    action->setToolTip(path);
  }
  menu->addSeparator();
  QAction* clear = menu->addAction(tr("&Clear Menu"), this, [key] { QSettings().remove(key); });
  clear->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString& key, const QString& path) {
  QStringList recent = QSettings().value(key).toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  QSettings().setValue(key, recent);
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
  graph_->setModel(outcome.model);
  data_->setModel(outcome.model);
  decision_->setModel(outcome.path, qstr(outcome.model->summary().architecture));
  selectedLayer_.clear();
  tabs_->setCurrentWidget(modelView_);
  explorer_->addModel(outcome.path);
  addRecent(kRecentKey, outcome.path);
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
