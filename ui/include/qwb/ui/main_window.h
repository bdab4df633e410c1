// MainWindow: menus (File: open model, open project, recent models, quit; Help: about), project
// explorer dock (models, the project's runs), central tabs (Model, Sensitivity), status bar with
// a busy indicator and the load time. Project reads run in the background like model loads. Models open from the
// menu, from the recent list, or by dropping an .onnx file on the window; loading runs in the
// background and errors are shown in a message box.
#pragma once

#include <QMainWindow>

class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;

namespace qwb::ui {

class ModelLoader;
class ModelView;
class ProjectExplorer;
class SensitivityView;
struct LoadOutcome;

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
  // Shows a run of the open project in its view (sensitivity runs so far): runShown follows.
  void showRun(qint64 run, const QString& kind);

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
  void showError(const QString& title, const QString& summary, const QString& details);
  void showAbout();
  void rebuildRecentMenu();
  void addRecentModel(const QString& path);
  void onLoadStarted(const QString& path);
  void onLoaded(const LoadOutcome& outcome);
  void onLoadFailed(const LoadOutcome& outcome);
  void setBusy(bool busy);

  ModelLoader* loader_;
  ProjectExplorer* explorer_;
  QTabWidget* tabs_;
  ModelView* modelView_;
  SensitivityView* sensitivity_;
  QString projectPath_;
  QMenu* recentMenu_ = nullptr;
  QProgressBar* busy_;
  QLabel* loadInfo_;
};

}  // namespace qwb::ui
