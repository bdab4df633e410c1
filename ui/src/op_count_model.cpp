#include "qwb/ui/op_count_model.h"

#include <algorithm>

#include "qwb/ui/format.h"

namespace qwb::ui {

OpCountModel::OpCountModel(QObject* parent) : QAbstractTableModel(parent) {}

void OpCountModel::setOpCounts(const std::map<std::string, int>& counts) {
  beginResetModel();
  rows_.assign(counts.begin(), counts.end());
  // Most frequent first; ties keep the map's alphabetical order.
  std::stable_sort(rows_.begin(), rows_.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  endResetModel();
}

int OpCountModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int OpCountModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant OpCountModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& [op, count] = rows_[static_cast<size_t>(index.row())];
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    if (index.column() == kOpType) return qstr(op);
    if (index.column() == kCount) return count;
  }
  if (role == Qt::TextAlignmentRole && index.column() == kCount) {
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  }
  return {};
}

QVariant OpCountModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
    return QAbstractTableModel::headerData(section, orientation, role);
  }
  if (section == kOpType) return tr("Op type");
  if (section == kCount) return tr("Count");
  return {};
}

}  // namespace qwb::ui
