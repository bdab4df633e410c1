// The New Run dialog: model, calibration set and sampling, evaluation set, formats, method,
// exclusions (typed, or picked from the model's quantizable layers), output file, or a
// mixed-precision search with budget, objective and time limit. It only builds the engine's job
// config; RunManager runs it.
#pragma once

#include <QDialog>
#include <QStringList>

#include <nlohmann/json.hpp>

#include "qwb/ui/run_manager.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace qwb::ui {

class NewRunDialog : public QDialog {
  Q_OBJECT

 public:
  enum class Task { kQuantize, kAutoquant, kSensitivity, kEvaluate };

  // `models`: paths offered in the model box (the project's models); the first is selected.
  explicit NewRunDialog(const QStringList& models, QWidget* parent = nullptr);

  void setTask(Task t);
  void setModel(const QString& path);
  // Layers the user may exclude (the model's quantizable nodes) and the current exclusions.
  void setLayers(const QStringList& layers);
  void setExclusions(const QStringList& nodes);
  // Prefills every field from a stored quantize config (to_json(QuantizeConfig)), e.g. the
  // decision tree's "apply"; unknown fields keep their defaults.
  void applyQuantizeConfig(const nlohmann::json& config);

  // The job to run, or an error naming the field that is wrong.
  Result<JobConfig> config() const;
  QString validationMessage() const;

  // Field access for tests and the screenshot tour.
  QComboBox* modelBox() const { return model_; }
  QLineEdit* exclusionsEdit() const { return exclude_; }
  QLineEdit* outputEdit() const { return out_; }

 private:
  void updateEnabled();
  void suggestOutput();
  void pickExclusions();
  void browseModel();
  void browseOutput();

  QComboBox* task_;
  QComboBox* model_;
  QComboBox* calib_;
  QSpinBox* samples_;
  QComboBox* sampling_;
  QSpinBox* seed_;
  QComboBox* eval_;
  QSpinBox* evalLimit_;
  QComboBox* weights_;
  QComboBox* granularity_;
  QComboBox* activations_;
  QComboBox* method_;
  QCheckBox* reduceRange_;
  QLineEdit* exclude_;
  QLineEdit* out_;
  QGroupBox* autoquant_;
  QDoubleSpinBox* maxDrop_;
  QCheckBox* relative_;
  QComboBox* objective_;
  QSpinBox* timeBudget_;
  QLabel* message_;
  QDialogButtonBox* buttons_;
  QStringList layers_;
  bool outEdited_ = false;
};

}  // namespace qwb::ui
