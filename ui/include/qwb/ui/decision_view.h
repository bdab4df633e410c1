// Decision tree view: which format to quantize a model to on a target hardware within an
// accuracy budget. Shows the tree of the project's decision table (root -> architecture family
// -> hardware -> format leaves) with the path of the current inputs highlighted, the engine's
// recommendation (qwb::recommend, engine/include/qwb/decide.h) with its alternatives and reasoning
// path, refined into "keep layers A, B in fp16" when a sensitivity run of the model exists, and
// the lookup table, editable (edits are saved to the project and update the tree at once).
// "Apply" emits a QuantizeConfig JSON (to_json(QuantizeConfig), qwb/jobs.h) for a New Run dialog.
//
//   auto* v = new DecisionView;
//   v->setProject(project);                          // reads (and seeds) the table in the background
//   v->setModel(path, QStringLiteral("cnn"));        // ModelSummary::architecture
//   connect(v, &DecisionView::runConfigRequested, this, &MainWindow::openNewRunDialog);
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "qwb/decide.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTextBrowser;

namespace qwb::ui {

class DecisionTableModel;
class DecisionTreeView;

class DecisionView : public QWidget {
  Q_OBJECT

 public:
  explicit DecisionView(QWidget* parent = nullptr);
  ~DecisionView() override;

  // The project whose decision table is shown and edited (null: the compiled-in seed, read-only).
  // Its table is read in the background (seeded on first use), with the newest succeeded
  // sensitivity run of the current model and the data of its newest run (for Apply).
  void setProject(std::shared_ptr<qwb::Project> project);
  // The model to recommend for and its detected architecture family (ModelSummary::architecture:
  // cnn, transformer, rnn, mlp, other); the architecture combo returns to "detected".
  void setModel(const QString& modelPath, const QString& architecture);
  // A "sensitivity" document of the model (Project::document(run, "sensitivity")); it takes
  // precedence over the one found in the project. A null or empty document clears it.
  void setSensitivityDocument(const nlohmann::json& doc);

  // Inputs (each change updates the recommendation at once).
  QString hardware() const;  // hardware_name(): "x86-vnni", ...
  void setHardware(const QString& name);
  double budget() const;  // accuracy budget, top-1 points
  void setBudget(double points);
  QString goal() const;  // goal_name(): "balanced", "size", "latency"
  void setGoal(const QString& name);
  // Empty: the detected architecture; else a family of the table.
  void setArchitectureOverride(const QString& family);
  QString architecture() const;  // the one in use

  // The inputs as handed to qwb::recommend(); the architecture reason is "detected" or "chosen
  // in the view; detected X", the hardware reason "this machine" or "chosen in the view".
  qwb::RecommendInputs inputs() const;
  // What the view shows, for tests and the main window.
  bool isLoading() const { return pending_ > 0; }
  bool hasRecommendation() const { return rec_.has_value(); }
  QString recommendedFormat() const;
  QStringList reasoningLines() const;
  QString recommendationText() const;  // the recommendation panel as plain text
  QStringList highlightedPath() const;  // root (model file), family, hardware, format
  QString message() const;              // the last error or rejected edit shown ("" if none)
  // The config Apply emits; null without a model or a recommendation. Errors go to message().
  nlohmann::json quantizeConfig() const;
  DecisionTableModel* tableModel() const { return model_; }
  DecisionTreeView* treeView() const { return tree_; }
  QTableView* tableView() const { return table_; }

 public slots:
  void apply();

 signals:
  // A QuantizeConfig JSON (quantize_config_from_json accepts it) for the recommended format.
  void runConfigRequested(const nlohmann::json& quantizeConfig);
  // The background read of the project finished (the table and the model's facts are in place).
  void loaded();

 private:
  struct Loaded;
  static Loaded loadFacts(const std::shared_ptr<qwb::Project>& project, const std::string& model);  // off the UI thread
  void reload();
  void onLoaded(const Loaded& result);
  void refillArchitectures();
  void refilter();
  void recompute();  // recommendation, tree and text from the current inputs and rows
  void showMessage(const QString& text);

  QComboBox* hardware_;
  QDoubleSpinBox* budget_;
  QComboBox* goal_;
  QComboBox* architecture_;
  QPushButton* apply_;
  DecisionTreeView* tree_;
  QTextBrowser* text_;
  QLabel* message_;
  QCheckBox* allRows_;
  DecisionTableModel* model_;
  QSortFilterProxyModel* filter_;
  QTableView* table_;

  std::shared_ptr<qwb::Project> project_;
  QString modelPath_, detected_;
  std::optional<qwb::SensitivitySummary> explicitSensitivity_, projectSensitivity_;
  nlohmann::json calib_, eval_;  // data of the model's newest run in the project (null: none)
  std::optional<qwb::Recommendation> rec_;
  QString error_;  // why there is no recommendation
  int generation_ = 0, pending_ = 0;
  bool updating_ = false;
};

}  // namespace qwb::ui
