// ModelSummaryPanel: the model-level facts of a ModelSummary as a form (file, producer, opset,
// parameters, MACs, architecture, inputs/outputs, notices, unsupported ops in red).
#pragma once

#include <QWidget>

class QFormLayout;
class QLabel;

namespace qwb {
struct ModelSummary;
}

namespace qwb::ui {

class ModelSummaryPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ModelSummaryPanel(QWidget* parent = nullptr);

  void setSummary(const ModelSummary& summary);
  void clear();

  // The value label of a field, for tests: "path", "producer", "ir_version", "opset", "nodes",
  // "parameters", "parameter_bytes", "macs", "architecture", "inputs", "outputs", "notices",
  // "unsupported", "metadata".
  QLabel* field(const QString& key) const;

 private:
  QLabel* addField(const QString& key, const QString& label);
  void setField(const QString& key, const QString& text);  // hides the row when text is empty

  QFormLayout* form_;
};

}  // namespace qwb::ui
