#include "qwb/ui/project_explorer.h"

#include <QFileInfo>

namespace qwb::ui {

namespace {

constexpr int kPathRole = Qt::UserRole + 1;

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

ProjectExplorer::ProjectExplorer(QWidget* parent) : QTreeWidget(parent) {
  setHeaderHidden(true);
  setColumnCount(1);
  setRootIsDecorated(true);
  models_ = addGroup(this, tr("Models"));
  connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const QString path = item->data(0, kPathRole).toString();
    if (!path.isEmpty()) emit modelActivated(path);
  });
}

void ProjectExplorer::addModel(const QString& path) {
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
  setCurrentItem(item);
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
