// OpCountModel: how often each op type occurs (ModelSummary::op_counts), most frequent first.
// Columns: op type, count. The op-count chart reads it through a QVBarModelMapper.
#pragma once

#include <QAbstractTableModel>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qwb::ui {

class OpCountModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kOpType, kCount, kColumnCount };

  explicit OpCountModel(QObject* parent = nullptr);

  void setOpCounts(const std::map<std::string, int>& counts);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<std::pair<std::string, int>> rows_;
};

}  // namespace qwb::ui
