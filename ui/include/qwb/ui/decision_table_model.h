// The decision tree's lookup table (qwb::DecisionRow, engine/include/qwb/decide.h) as an editable
// table: expected loss, compression, speed-up, supported and notes can be edited; a valid edit is
// saved to the project at once (Project::put_decision_row, source becomes "edited"), an invalid
// one is rejected with a message (editRejected) and leaves the row as it was.
#pragma once

#include <QAbstractTableModel>

#include <memory>
#include <vector>

#include "qwb/decide.h"

namespace qwb::ui {

class DecisionTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { kArchitecture, kHardware, kFormat, kLoss, kCompression, kSpeedup, kSupported, kSource, kCount, kNotes, kColumns };
  // Raw key of a row ("cnn/x86/int8") under this role, for filters and tests.
  static constexpr int kKeyRole = Qt::UserRole + 1;

  explicit DecisionTableModel(QObject* parent = nullptr);

  // Where edits are saved; without a project edits are rejected (the table is the seed, read-only).
  void setProject(std::shared_ptr<qwb::Project> project) { project_ = std::move(project); }
  void setRows(std::vector<qwb::DecisionRow> rows);
  const std::vector<qwb::DecisionRow>& rows() const { return rows_; }
  int rowOf(const QString& key) const;  // -1 when absent

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  // Numbers are accepted as numbers or text in the C or the current locale ("0.5", "0,5").
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

 signals:
  void rowSaved(const QString& key);         // an edit was written to the project
  void editRejected(const QString& message);  // why an edit was not taken

 private:
  bool reject(const QString& message);

  std::shared_ptr<qwb::Project> project_;
  std::vector<qwb::DecisionRow> rows_;
};

}  // namespace qwb::ui
