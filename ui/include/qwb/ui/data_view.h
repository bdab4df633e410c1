// The Data view: the project's attached datasets, a form to load a dataset (source kind, path,
// preprocessing that defaults to the current model's metadata) with a preview of its first
// samples, attaching it to the project, and calibration-data validation (count, KS test, range
// and label coverage of a calibration sample against a reference set) as a table of checks.
// Loading and validation run off the UI thread; bad input is reported in the view.
#pragma once

#include <QFutureWatcher>
#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>

#include <memory>

#include "qwb/data.h"
#include "qwb/jobs.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace qwb {
class Model;
class Project;
}  // namespace qwb

namespace qwb::ui {

class DataSampleGrid;

class DataView : public QWidget {
  Q_OBJECT

 public:
  // One row of the validation table, for tests and other views.
  struct ValidationRow {
    QString name;     // engine check name: sample_count, ks_test, ...
    QString status;   // "ok" | "warning" | "error"
    double value = 0;
    double threshold = 0;
    QString message;
  };

  // What a background load produced (public so the worker can be a free function).
  struct Loaded {
    DataSource source;
    std::shared_ptr<const Dataset> dataset;
    QString error;
    QList<QImage> images;
    QList<qint64> labels;  // -1: no label
    QStringList captions;
  };
  struct Validated {
    QList<ValidationRow> rows;
    QStringList notes;
    QString error;
  };

  explicit DataView(QWidget* parent = nullptr);
  ~DataView() override;

  void setProject(std::shared_ptr<qwb::Project> project);
  // The model whose metadata gives the default preprocessing (and class names); may be null.
  void setModel(std::shared_ptr<const qwb::Model> model);

  // The source fields as a spec string ("idx:/a/images.gz,/a/labels.gz"), and back.
  QString spec() const;
  void setSpec(const QString& spec);
  // Starts loading what the form says; returns false (and shows why) if the form is invalid.
  bool load();
  // Stores the loaded dataset in the project (Project::add_dataset); emits datasetAttached.
  bool attach();
  // Starts validating `samples` samples (first N) of `calibration` against `reference`: combo
  // labels or specs; an attached dataset (the full set of that spec) keeps its stored
  // preprocessing, other specs use the form's.
  bool validateCalibration(const QString& calibration, const QString& reference, int samples);
  bool isLoading() const;
  bool isValidating() const;

  // What the view shows, for tests.
  QList<QImage> previewImages() const { return loaded_.images; }
  QList<qint64> previewLabels() const { return loaded_.labels; }
  QStringList previewCaptions() const { return loaded_.captions; }
  QString loadedSummary() const;
  QList<ValidationRow> validationRows() const { return validation_.rows; }
  QString lastError() const { return last_error_; }
  int datasetRowCount() const;
  QString datasetCell(int row, int column) const;

 signals:
  void datasetAttached(qint64 id);
  void datasetLoaded();
  void loadFailed(const QString& message);
  void validationFinished();

 private:
  void buildUi();
  void refreshDatasets();
  void refreshDefaults();  // hint texts of the empty fields: the model's preprocessing
  void updateKindFields();
  void browse();
  // The form as a DataSource; false with a message naming the bad field.
  bool sourceFromForm(DataSource* out, QString* error) const;
  // A validation choice (a combo label or a typed spec) as a DataSource.
  DataSource sourceForSpec(const QString& text) const;
  void showError(const QString& message);
  void onLoaded();
  void onValidated();

  std::shared_ptr<qwb::Project> project_;
  std::shared_ptr<const qwb::Model> model_;
  std::vector<DatasetRecord> records_;
  QList<QPair<QString, int>> choices_;  // validation combo label -> index in records_

  QTableWidget* datasets_;
  QComboBox* kind_;
  QLabel* path_label_;
  QLineEdit* path_;
  QPushButton* browse_;
  QLabel* extra_label_;
  QLineEdit* extra_;
  QLineEdit* mean_;
  QLineEdit* std_;
  QLineEdit* resize_;
  QLineEdit* crop_;
  QComboBox* channels_;
  QComboBox* layout_;
  QPushButton* load_;
  QProgressBar* load_busy_;
  QLabel* message_;
  QLabel* summary_;
  DataSampleGrid* grid_;
  QPushButton* attach_;
  QComboBox* calib_;
  QComboBox* reference_;
  QSpinBox* samples_;
  QPushButton* validate_;
  QProgressBar* validate_busy_;
  QTableWidget* checks_;
  QLabel* notes_;

  QFutureWatcher<Loaded> load_watcher_;
  QFutureWatcher<Validated> validate_watcher_;
  Loaded loaded_;
  Validated validation_;
  QString last_error_;
};

}  // namespace qwb::ui
