// MainWindow: menus (File: new/open project, recent projects, open model, recent models, quit;
// Run: new run; Settings: language; Help: about; File also exports a run's review report), the project explorer dock (models, datasets,
// runs), the runs dock (queue, progress, cancel, log), central tabs, and a status bar with a busy
// indicator. The open project is one shared qwb::Project; reads of it, model loads and every
// job run off the UI thread. Models open from the menu, the recent list, or by dropping an .onnx
// file on the window; errors are shown in a message box and the window keeps working.
#pragma once

#include <QMainWindow>
#include <QMap>
#include <QStringList>

#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "qwb/store.h"
#include "qwb/ui/run_manager.h"

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;

namespace qwb::ui {

class ModelLoader;
class ModelView;
class CompareView;
class DataView;
class DecisionView;
class GraphView;
class NewRunDialog;
class ProjectExplorer;
class ReportDialog;
class RunsPanel;
class SensitivityView;
class TensorsView;
struct LoadOutcome;
struct ProjectContents;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading `path` in the background; modelLoaded or modelLoadFailed follows.
  void openModel(const QString& path);
  bool isLoading() const;
  // Opens a project file (*.qwb) in the background: projectOpened or projectOpenFailed follows.
  void openProject(const QString& path);
  // Creates a project file and opens it (the same signals follow).
  void newProject(const QString& path);
  // Opens the demo project, created on first use with the sample models and Fashion-MNIST train
  // and test attached (the same signals follow).
  void openDemoProject(const QString& path = defaultDemoProjectPath());
  static QString defaultDemoProjectPath();
  // Queues a job recorded in the open project; returns its ticket (0 without a project).
  int startRun(const JobConfig& config);
  RunManager* runManager() const { return runs_; }
  RunsPanel* runsPanel() const { return runsPanel_; }
  std::shared_ptr<Project> project() const { return project_; }
  // Shows a run of the open project: a sensitivity run in the Sensitivity tab (harm in the layer
  // table and graph), a quantize run in Tensors and Compare (formats and per-layer error in the
  // layer table and graph). runShown follows.
  void showRun(qint64 run, const QString& kind);
  // Selects a layer in every view that shows layers.
  void selectLayer(const QString& name);
  // The New Run dialog for the current model, optionally prefilled from a quantize config and
  // with layers to keep in float; accepting it queues the job. Deletes itself when closed.
  NewRunDialog* createNewRunDialog(const nlohmann::json* prefill = nullptr, const QStringList& keepInFloat = {});
  // The Export Report dialog for `run` (0: the run selected in the explorer, else the one shown,
  // else the newest). Deletes itself when closed; nullptr without a project.
  ReportDialog* createReportDialog(qint64 run = 0);
  QAction* exportReportAction() const { return exportReport_; }
  QTabWidget* tabs() const { return tabs_; }
  GraphView* graphView() const { return graph_; }
  DataView* dataView() const { return data_; }
  TensorsView* tensorsView() const { return tensors_; }
  DecisionView* decisionView() const { return decision_; }
  CompareView* compareView() const { return compare_; }

  ModelView* modelView() const { return modelView_; }
  ProjectExplorer* projectExplorer() const { return explorer_; }
  SensitivityView* sensitivityView() const { return sensitivity_; }
  static QStringList recentModels();

 signals:
  void modelLoaded(const QString& path);
  void modelLoadFailed(const QString& path, const QString& message);
  void projectOpened(const QString& path);
  void projectOpenFailed(const QString& path, const QString& message);
  void runShown(qint64 run);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createMenus();
  void showOpenDialog();
  void showOpenProjectDialog();
  void showNewProjectDialog();
  void showNewRunDialog(const nlohmann::json* prefill = nullptr, const QStringList& keepInFloat = {});
  void showReportDialog(qint64 run = 0);
  void loadProject(const QString& path, std::function<Result<Project>()> open);
  void showContents(const ProjectContents& contents);
  void refreshProject();
  void showError(const QString& title, const QString& summary, const QString& details);
  void showAbout();
  void rebuildRecentMenu(QMenu* menu, const QString& key, void (MainWindow::*open)(const QString&));
  static void addRecent(const QString& key, const QString& path);
  void onLoadStarted(const QString& path);
  void onLoaded(const LoadOutcome& outcome);
  void onLoadFailed(const LoadOutcome& outcome);
  void setBusy(bool busy);

  ModelLoader* loader_;
  ProjectExplorer* explorer_;
  QTabWidget* tabs_;
  ModelView* modelView_;
  GraphView* graph_;
  DataView* data_;
  TensorsView* tensors_;
  SensitivityView* sensitivity_;
  DecisionView* decision_;
  CompareView* compare_;
  QString selectedLayer_;
  QMap<QString, QString> layerWeights_;  // layer -> its weight tensor, of the run shown
  QString projectPath_;
  std::shared_ptr<Project> project_;
  RunManager* runs_;
  RunsPanel* runsPanel_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QMenu* recentProjectsMenu_ = nullptr;
  QAction* exportReport_ = nullptr;
  qint64 shownRun_ = 0;  // the run the views show (preselected in Export Report)
  QProgressBar* busy_;
  QLabel* loadInfo_;
};

}  // namespace qwb::ui
