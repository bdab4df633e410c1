#include "qwb/ui/layer_table_model.h"

#include <QLocale>

#include <cmath>
#include <limits>

#include "qwb/ui/format.h"

namespace qwb::ui {

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setNodes(std::vector<NodeSummary> nodes) {
  beginResetModel();
  nodes_ = std::move(nodes);
  endResetModel();
}

void LayerTableModel::setLayerFormats(const QMap<QString, QString>& formats) {
  formats_ = formats;
  if (!nodes_.empty()) emit dataChanged(index(0, kFormat), index(rowCount() - 1, kFormat));
}

void LayerTableModel::setLayerSensitivity(const QMap<QString, double>& sensitivity) {
  sensitivity_ = sensitivity;
  if (!nodes_.empty()) emit dataChanged(index(0, kSensitivity), index(rowCount() - 1, kSensitivity));
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(nodes_.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const NodeSummary& n = nodes_[static_cast<size_t>(index.row())];
  const int col = index.column();
  const bool numeric = col == kIndex || col == kParameters || col == kMacs;
  const qlonglong value = col == kIndex ? index.row() : col == kParameters ? n.parameters : n.macs;

  if (col == kSensitivity) {
    auto it = sensitivity_.constFind(qstr(n.name));
    const bool has = it != sensitivity_.constEnd() && !std::isnan(*it);
    switch (role) {
      case kSortRole: return has ? *it : std::numeric_limits<double>::lowest();
      case Qt::DisplayRole: return has ? QLocale().toString(*it, 'g', 4) : QString();
      case Qt::ToolTipRole: return has ? QLocale().toString(*it, 'g', 10) : QVariant();
      case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
  }

  switch (role) {
    case kSortRole:
      if (numeric) return value;
      [[fallthrough]];
    case Qt::DisplayRole:
      switch (col) {
        case kIndex: return formatInteger(value);
        case kName: return qstr(n.name);
        case kOpType: return qstr(n.op_type);
        case kInputShapes: return joinShapes(n.input_shapes);
        case kOutputShapes: return joinShapes(n.output_shapes);
        case kParameters:
        case kMacs: return value == 0 ? QString() : formatCompact(value);
        case kFormat: return formats_.value(qstr(n.name));
      }
      break;
    case Qt::ToolTipRole:
      if (numeric) return formatInteger(value);
      return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
      if (numeric) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      break;
  }
  return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  switch (section) {
    case kIndex: return tr("#");
    case kName: return tr("Name");
    case kOpType: return tr("Op type");
    case kInputShapes: return tr("Input shapes");
    case kOutputShapes: return tr("Output shapes");
    case kParameters: return tr("Parameters");
    case kMacs: return tr("MACs");
    case kFormat: return tr("Format");
    case kSensitivity: return tr("Sensitivity");
  }
  return {};
}

LayerFilterProxyModel::LayerFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(LayerTableModel::kSortRole);
  setFilterCaseSensitivity(Qt::CaseInsensitive);
}

bool LayerFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QRegularExpression& re = filterRegularExpression();
  if (re.pattern().isEmpty()) return true;
  for (int col : {LayerTableModel::kName, LayerTableModel::kOpType}) {
    const QModelIndex idx = sourceModel()->index(sourceRow, col, sourceParent);
    if (re.match(idx.data().toString()).hasMatch()) return true;
  }
  return false;
}

}  // namespace qwb::ui
