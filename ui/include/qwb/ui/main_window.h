// MainWindow: menus (File: open, recent models, quit; Help: about), project explorer dock,
// central tabs (Model), status bar with a busy indicator and the load time. Models open from the
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
struct LoadOutcome;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading `path` in the background; modelLoaded or modelLoadFailed follows.
  void openModel(const QString& path);
  bool isLoading() const;

  ModelView* modelView() const { return modelView_; }
  ProjectExplorer* projectExplorer() const { return explorer_; }
  static QStringList recentModels();

 signals:
  void modelLoaded(const QString& path);
  void modelLoadFailed(const QString& path, const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createMenus();
  void showOpenDialog();
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
  QMenu* recentMenu_ = nullptr;
  QProgressBar* busy_;
  QLabel* loadInfo_;
};

}  // namespace qwb::ui
