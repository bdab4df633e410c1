// LayerTableModel: a table over the engine's per-node summary (ModelSummary::nodes), one row per
// node in topological order. LayerFilterProxyModel sorts it (numerically for numeric columns,
// via kSortRole) and filters rows by a case-insensitive substring of the name or op type.
//
//   auto* layers = new qwb::ui::LayerTableModel(this);
//   layers->setNodes(model->summary().nodes);
//   auto* proxy = new qwb::ui::LayerFilterProxyModel(this);
//   proxy->setSourceModel(layers);
//   proxy->setFilterFixedString("conv");
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <vector>

#include "qwb/model.h"

namespace qwb::ui {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kIndex, kName, kOpType, kInputShapes, kOutputShapes, kParameters, kMacs, kColumnCount };
  // Sort key: qlonglong for kIndex/kParameters/kMacs, the display text otherwise.
  static constexpr int kSortRole = Qt::UserRole + 1;

  explicit LayerTableModel(QObject* parent = nullptr);

  void setNodes(std::vector<NodeSummary> nodes);
  const std::vector<NodeSummary>& nodes() const { return nodes_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<NodeSummary> nodes_;
};

class LayerFilterProxyModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit LayerFilterProxyModel(QObject* parent = nullptr);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
};

}  // namespace qwb::ui
