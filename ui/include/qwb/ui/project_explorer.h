// ProjectExplorer: the project tree. It lists the models opened in this window and the runs of
// the open project file with their status; a succeeded run's context menu exports its report.
#pragma once

#include <QTreeWidget>

#include <vector>

#include "qwb/store.h"

namespace qwb::ui {

// The icon a run's status shows with (explorer, runs panel).
QIcon runStatusIcon(RunStatus s);

class ProjectExplorer : public QTreeWidget {
  Q_OBJECT

 public:
  explicit ProjectExplorer(QWidget* parent = nullptr);

  // Adds the model (if it is not listed yet) and, with `select`, makes it the current item.
  void addModel(const QString& path, bool select = true);
  // Paths of the listed models.
  QStringList models() const;
  // Lists a project's runs (newest first) under "Runs", replacing the ones listed before.
  void setRuns(const std::vector<RunRecord>& runs);
  int runCount() const { return runs_->childCount(); }
  // Lists a project's datasets under "Datasets".
  void setDatasets(const std::vector<DatasetRecord>& datasets);
  int datasetCount() const { return datasets_->childCount(); }
  // The run of the current item (0 when the current item is not a run).
  qint64 currentRun() const;
  // Whether a listed run can have a report (succeeded, and of a kind that quantized).
  bool hasReportableRun() const;

 signals:
  void modelActivated(const QString& path);
  void runActivated(qint64 run, const QString& kind);
  // "Export Report..." from a run's context menu.
  void reportRequested(qint64 run);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QTreeWidgetItem* models_;
  QTreeWidgetItem* datasets_;
  QTreeWidgetItem* runs_;
};

}  // namespace qwb::ui
