#include "qwb/ui/decision_table_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <cmath>
#include <optional>

#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

// A number typed by the user: a real number variant, or text in the C or the user's locale.
std::optional<double> parseNumber(const QVariant& v) {
  if (v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float || v.typeId() == QMetaType::Int ||
      v.typeId() == QMetaType::LongLong) {
    return v.toDouble();
  }
  const QString text = v.toString().trimmed();
  bool ok = false;
  double d = QLocale::c().toDouble(text, &ok);
  if (!ok) d = QLocale().toDouble(text, &ok);
  return ok ? std::optional<double>(d) : std::nullopt;
}

// Full precision for editing, so opening an editor and leaving it changes nothing.
QString editText(double v) { return QString::number(v, 'g', 12); }

}  // namespace

DecisionTableModel::DecisionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DecisionTableModel::setRows(std::vector<qwb::DecisionRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

int DecisionTableModel::rowOf(const QString& key) const {
  const std::string k = key.toStdString();
  for (size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].key() == k) return static_cast<int>(i);
  return -1;
}

int DecisionTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }

int DecisionTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : kColumns; }

QVariant DecisionTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const qwb::DecisionRow& r = rows_[static_cast<size_t>(index.row())];
  if (role == kKeyRole) return qstr(r.key());
  const int c = index.column();
  if (role == Qt::CheckStateRole && c == kSupported) return r.supported ? Qt::Checked : Qt::Unchecked;
  if (role == Qt::TextAlignmentRole && (c == kLoss || c == kCompression || c == kSpeedup || c == kCount))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole) {
    if (c == kNotes || c == kFormat) return qstr(r.notes);
    if (c == kSource && !r.prior.is_null()) return tr("Seed values before the first measurement: %1").arg(qstr(r.prior.dump()));
    return {};
  }
  if (role == Qt::ForegroundRole && c == kSource && r.source == "edited") return QBrush(QColor(0xb3, 0x5c, 0x00));
  if (role == Qt::EditRole) {
    switch (c) {
      case kLoss: return editText(r.expected_loss_pts);
      case kCompression: return editText(r.compression);
      case kSpeedup: return editText(r.speedup);
      case kNotes: return qstr(r.notes);
      default: break;
    }
  }
  if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
  switch (c) {
    case kArchitecture: return qstr(r.architecture);
    case kHardware: return qstr(r.hardware);
    case kFormat: return qstr(r.format);
    case kLoss: return QLocale().toString(r.expected_loss_pts, 'f', 2);
    case kCompression: return tr("%1×").arg(QLocale().toString(r.compression, 'f', 1));
    case kSpeedup: return tr("%1×").arg(QLocale().toString(r.speedup, 'f', 1));
    case kSupported: return r.supported ? tr("native") : tr("not native");
    case kSource: return r.source == "seed" ? tr("seed") : r.source == "edited" ? tr("edited") : r.source == "measured" ? tr("measured") : qstr(r.source);
    case kCount: return QVariant::fromValue<qlonglong>(r.count);
    case kNotes: return qstr(r.notes);
    default: return {};
  }
}

QVariant DecisionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case kLoss: return tr("Expected top-1 loss in points (fp32 minus quantized); editable, at least 0");
      case kCompression: return tr("fp32 bytes / quantized bytes; editable, greater than 0");
      case kSpeedup: return tr("fp32 latency / quantized latency on this hardware; editable, greater than 0");
      case kSupported: return tr("The hardware's usual runtime runs the format natively; editable");
      case kSource: return tr("seed: the compiled-in prior; measured: the mean of this project's runs; edited: changed by hand");
      case kCount: return tr("Runs measured into the expected loss");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case kArchitecture: return tr("Architecture");
    case kHardware: return tr("Hardware");
    case kFormat: return tr("Format");
    case kLoss: return tr("Expected loss (pts)");
    case kCompression: return tr("Compression");
    case kSpeedup: return tr("Speed-up");
    case kSupported: return tr("Supported");
    case kSource: return tr("Source");
    case kCount: return tr("Runs");
    case kNotes: return tr("Notes");
    default: return {};
  }
}

Qt::ItemFlags DecisionTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  switch (index.column()) {
    case kLoss:
    case kCompression:
    case kSpeedup:
    case kNotes: return f | Qt::ItemIsEditable;
    case kSupported: return f | Qt::ItemIsUserCheckable;
    default: return f;
  }
}

bool DecisionTableModel::reject(const QString& message) {
  emit editRejected(message);
  return false;
}

bool DecisionTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return false;
  const size_t i = static_cast<size_t>(index.row());
  qwb::DecisionRow row = rows_[i];
  const QString key = qstr(row.key());
  const int c = index.column();
  if (c == kSupported && role == Qt::CheckStateRole) {
    row.supported = value.toInt() == Qt::Checked;
  } else if (role != Qt::EditRole) {
    return false;
  } else if (c == kLoss || c == kCompression || c == kSpeedup) {
    const auto v = parseNumber(value);
    if (!v || !std::isfinite(*v))
      return reject(tr("%1: '%2' is not a number; the row was not changed.").arg(key, value.toString()));
    if (c == kLoss) {
      // A loss is in top-1 points: 0 (lossless) up to 100 (everything wrong).
      if (*v < 0 || *v > 100)
        return reject(tr("%1: the expected loss must be between 0 and 100 points, not %2; the row was not changed.").arg(key).arg(*v));
      row.expected_loss_pts = *v;
    } else {
      if (!(*v > 0))
        return reject(tr("%1: %2 must be greater than 0, not %3; the row was not changed.")
                          .arg(key, c == kCompression ? tr("the compression") : tr("the speed-up"))
                          .arg(*v));
      (c == kCompression ? row.compression : row.speedup) = *v;
    }
  } else if (c == kNotes) {
    row.notes = value.toString().toStdString();
  } else {
    return false;
  }
  const qwb::DecisionRow& old = rows_[i];
  if (row.expected_loss_pts == old.expected_loss_pts && row.compression == old.compression && row.speedup == old.speedup &&
      row.supported == old.supported && row.notes == old.notes) {
    return true;  // an editor closed without a change: nothing to save, the source stays
  }
  if (!project_) return reject(tr("%1: no project is open, so the edit cannot be saved; open or create a project first.").arg(key));
  row.source = "edited";
  // The engine's own validation (the one import uses) before anything is written.
  if (auto checked = qwb::decision_row_from_json(qwb::to_json(row)); !checked)
    return reject(tr("%1: %2").arg(key, qstr(checked.status().message())));
  if (auto s = project_->put_decision_row(qwb::to_json(row)); !s.is_ok())
    return reject(tr("%1: the edit could not be saved to the project: %2").arg(key, qstr(s.message())));
  rows_[i] = std::move(row);
  emit dataChanged(this->index(index.row(), 0), this->index(index.row(), kColumns - 1));
  emit rowSaved(key);
  return true;
}

}  // namespace qwb::ui
