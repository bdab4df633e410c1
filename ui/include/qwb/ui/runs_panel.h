// The runs panel: every job of this session with its state, a progress bar, elapsed time and a
// cancel button, and the log tail of the selected job. Double-clicking a finished job shows its
// run in the views.
#pragma once

#include <QWidget>

class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace qwb::ui {

class RunManager;

class RunsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit RunsPanel(RunManager* manager, QWidget* parent = nullptr);

  QTreeWidget* tree() const { return tree_; }
  QString logText() const;  // of the selected job

 signals:
  void newRunRequested();
  void runActivated(qint64 run, const QString& kind);

 private:
  void addEntry(int ticket);
  void updateEntry(int ticket);
  void showLog();
  QTreeWidgetItem* itemFor(int ticket) const;

  RunManager* manager_;
  QTreeWidget* tree_;
  QPlainTextEdit* log_;
};

}  // namespace qwb::ui
