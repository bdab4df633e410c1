// ProjectExplorer: the project tree. It lists the models opened in this window; datasets and
// runs join it with the project file.
#pragma once

#include <QTreeWidget>

namespace qwb::ui {

class ProjectExplorer : public QTreeWidget {
  Q_OBJECT

 public:
  explicit ProjectExplorer(QWidget* parent = nullptr);

  // Adds the model (or selects it when it is already listed).
  void addModel(const QString& path);
  // Paths of the listed models.
  QStringList models() const;

 signals:
  void modelActivated(const QString& path);

 private:
  QTreeWidgetItem* models_;
};

}  // namespace qwb::ui
