// LayerTableModel: a table over the engine's per-node summary (ModelSummary::nodes), one row per
// node in topological order, plus the chosen quantization format and the measured sensitivity
// per layer when a plan / a sensitivity run provides them (blank otherwise). LayerFilterProxyModel sorts it (numerically for numeric columns,
// via kSortRole) and filters rows by a case-insensitive substring of the name or op type.
//
//   auto* layers = new qwb::ui::LayerTableModel(this);
//   layers->setNodes(model->summary().nodes);
//   layers->setLayerFormats({{"/conv1/Conv", "int8"}});     // by node name
//   layers->setLayerSensitivity({{"/conv1/Conv", 0.42}});
//   auto* proxy = new qwb::ui::LayerFilterProxyModel(this);
//   proxy->setSourceModel(layers);
//   proxy->setFilterFixedString("conv");
#pragma once

#include <QAbstractTableModel>
#include <QMap>
#include <QSortFilterProxyModel>

#include <vector>

#include "qwb/model.h"

namespace qwb::ui {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    kIndex, kName, kOpType, kInputShapes, kOutputShapes, kParameters, kMacs, kFormat, kSensitivity, kColumnCount
  };
  // Sort key: qlonglong for kIndex/kParameters/kMacs, double for kSensitivity (layers without a
  // value sort below every number), the display text otherwise.
  static constexpr int kSortRole = Qt::UserRole + 1;

  explicit LayerTableModel(QObject* parent = nullptr);

  void setNodes(std::vector<NodeSummary> nodes);
  const std::vector<NodeSummary>& nodes() const { return nodes_; }
  // Per node name; layers missing from the map show a blank cell. Kept across setNodes.
  void setLayerFormats(const QMap<QString, QString>& formats);
  void setLayerSensitivity(const QMap<QString, double>& sensitivity);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<NodeSummary> nodes_;
  QMap<QString, QString> formats_;
  QMap<QString, double> sensitivity_;
};

class LayerFilterProxyModel : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit LayerFilterProxyModel(QObject* parent = nullptr);

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
};

}  // namespace qwb::ui
