#include "qwb/ui/project_explorer.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QFileInfo>
#include <QMenu>
#include <QStyle>

#include "qwb/report.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kRunRole = Qt::UserRole + 2;
constexpr int kKindRole = Qt::UserRole + 3;
constexpr int kReportableRole = Qt::UserRole + 4;

QTreeWidgetItem* addGroup(QTreeWidget* tree, const QString& title) {
  auto* group = new QTreeWidgetItem(tree, {title});
  QFont bold = group->font(0);
  bold.setBold(true);
  group->setFont(0, bold);
  group->setFlags(Qt::ItemIsEnabled);
  group->setExpanded(true);
  return group;
}

}  // namespace

QIcon runStatusIcon(RunStatus s) {
  QStyle* style = QApplication::style();
  switch (s) {
    case RunStatus::kSucceeded: return style->standardIcon(QStyle::SP_DialogApplyButton);
    case RunStatus::kFailed: return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case RunStatus::kCancelled: case RunStatus::kInterrupted: return style->standardIcon(QStyle::SP_BrowserStop);
    case RunStatus::kRunning: return style->standardIcon(QStyle::SP_MediaPlay);
    default: return style->standardIcon(QStyle::SP_FileDialogInfoView);
  }
}


ProjectExplorer::ProjectExplorer(QWidget* parent) : QTreeWidget(parent) {
  setHeaderHidden(true);
  setColumnCount(1);
  setRootIsDecorated(true);
  models_ = addGroup(this, tr("Models"));
  datasets_ = addGroup(this, tr("Datasets"));
  runs_ = addGroup(this, tr("Runs"));
  connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const QString path = item->data(0, kPathRole).toString();
    if (!path.isEmpty()) emit modelActivated(path);
    const QVariant run = item->data(0, kRunRole);
    if (run.isValid()) emit runActivated(run.toLongLong(), item->data(0, kKindRole).toString());
  });
}

void ProjectExplorer::addModel(const QString& path, bool select) {
  const QString canonical = QFileInfo(path).absoluteFilePath();
  QTreeWidgetItem* item = nullptr;
  for (int i = 0; i < models_->childCount() && !item; ++i) {
    if (models_->child(i)->data(0, kPathRole).toString() == canonical) item = models_->child(i);
  }
  if (!item) {
    item = new QTreeWidgetItem(models_, {QFileInfo(canonical).fileName()});
    item->setData(0, kPathRole, canonical);
    item->setToolTip(0, canonical);
  }
  models_->setExpanded(true);
  if (select) setCurrentItem(item);
}

void ProjectExplorer::setRuns(const std::vector<RunRecord>& runs) {
  qDeleteAll(runs_->takeChildren());
  for (const RunRecord& r : runs) {
    const QString kind = QString::fromStdString(r.kind);
    const QString status = runStatusName(run_status_name(r.status));
    auto* item = new QTreeWidgetItem(runs_, {tr("#%1 %2 (%3)").arg(r.id).arg(runKindName(r.kind), status)});
    item->setIcon(0, runStatusIcon(r.status));
    item->setData(0, kRunRole, QVariant::fromValue<qint64>(r.id));
    item->setData(0, kKindRole, kind);
    item->setData(0, kReportableRole, r.status == RunStatus::kSucceeded && is_reportable_run_kind(r.kind));
    item->setToolTip(0, tr("Run %1: %2, %3, created %4%5")
                            .arg(r.id)
                            .arg(runKindName(r.kind), status, QString::fromStdString(r.created),
                                 r.error.empty() ? QString() : QStringLiteral("\n") + QString::fromStdString(r.error)));
  }
  runs_->setExpanded(true);
}

void ProjectExplorer::setDatasets(const std::vector<DatasetRecord>& datasets) {
  qDeleteAll(datasets_->takeChildren());
  for (const DatasetRecord& d : datasets) {
    // Runs that used only the first N samples record the set with that limit: say so.
    const int64_t limit = d.preprocess.value("limit", int64_t{-1});
    const QString spec = QString::fromStdString(d.spec);
    auto* item = new QTreeWidgetItem(datasets_, {limit > 0 ? tr("%1 (first %2)").arg(spec).arg(limit) : spec});
    item->setToolTip(0, tr("%1: %n sample(s), %2 classes\n%3", nullptr, static_cast<int>(d.samples))
                            .arg(QString::fromStdString(d.spec))
                            .arg(d.num_classes)
                            .arg(QString::fromStdString(d.preprocess.value("describe", ""))));
  }
  datasets_->setExpanded(true);
}

qint64 ProjectExplorer::currentRun() const {
  const QTreeWidgetItem* item = currentItem();
  return item && item->data(0, kRunRole).isValid() ? item->data(0, kRunRole).toLongLong() : 0;
}

bool ProjectExplorer::hasReportableRun() const {
  for (int i = 0; i < runs_->childCount(); ++i) {
    if (runs_->child(i)->data(0, kReportableRole).toBool()) return true;
  }
  return false;
}

void ProjectExplorer::contextMenuEvent(QContextMenuEvent* event) {
  QTreeWidgetItem* item = itemAt(viewport()->mapFromGlobal(event->globalPos()));
  if (!item || !item->data(0, kRunRole).isValid()) return;
  const qint64 run = item->data(0, kRunRole).toLongLong();
  QMenu menu(this);
  QAction* report = menu.addAction(tr("Export Report..."), this, [this, run] { emit reportRequested(run); });
  // Failed or cancelled runs have nothing complete to report.
  report->setEnabled(item->data(0, kReportableRole).toBool());
  menu.exec(event->globalPos());
}

QStringList ProjectExplorer::models() const {
  QStringList paths;
  for (int i = 0; i < models_->childCount(); ++i) {
    const QString path = models_->child(i)->data(0, kPathRole).toString();
    if (!path.isEmpty()) paths << path;
  }
  return paths;
}

}  // namespace qwb::ui
