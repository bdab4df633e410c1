// The Export Report dialog: a review report of one succeeded run of the open project, optionally
// beside a second run, as HTML, PDF, Markdown, CSV or JSON (qwb/report.h; PDF through
// qwb/ui/report_pdf.h). The decision section's target hardware and accuracy budget (unset: the
// gate's threshold when the run was gated, else 1.0 points) and whether latency is measured when
// the run has none stored are asked here too.
//
// The run list is read and the report built and written in the background, each on its own
// connection to the project file (never the window's Project object); the dialog stays
// responsive, shows the stage the engine reports, and keeps errors in the dialog (it stays open).
// On success it says which files were written and offers to open the first.
#pragma once

#include <QDialog>
#include <QStringList>

#include <memory>

#include "qwb/report.h"

namespace qwb {
class Project;
}

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTimer;

namespace qwb::ui {

class ReportDialog : public QDialog {
  Q_OBJECT

 public:
  // `run`: the run to preselect (0: the newest succeeded run).
  explicit ReportDialog(std::shared_ptr<qwb::Project> project, qint64 run = 0, QWidget* parent = nullptr);
  ~ReportDialog() override;

  // Selects a run (and, for `compare`, a second run; 0: none) once the run list has loaded.
  void setRun(qint64 run);
  void setCompareRun(qint64 run);
  void setFormat(qwb::ReportFormat format);
  void setOutputPath(const QString& path);

  // What export() would do: the options and file from the fields.
  qint64 run() const;
  qint64 compareRun() const;  // 0: none
  qwb::ReportFormat format() const;
  QString outputPath() const;
  qwb::ReportOptions options() const;
  // "<project dir>/run-<id>-report.<ext>".
  QString defaultOutputPath() const;

  // Builds the report and writes it in the background; exported or exportFailed follows.
  void exportReport();
  bool isLoading() const { return loading_; }
  bool isExporting() const { return exporting_; }
  QString errorText() const;
  QString resultText() const;
  QStringList writtenFiles() const { return written_; }

  // Widgets, for tests and the screenshot tour.
  QComboBox* runBox() const { return run_; }
  QComboBox* compareBox() const { return compare_; }
  QComboBox* formatBox() const { return format_; }
  QComboBox* hardwareBox() const { return hardware_; }
  QLineEdit* outputEdit() const { return output_; }
  QCheckBox* budgetCheck() const { return budgetOn_; }
  QDoubleSpinBox* budgetSpin() const { return budget_; }
  QCheckBox* measureCheck() const { return measure_; }
  QPushButton* exportButton() const { return export_; }
  QPushButton* openButton() const { return open_; }

 signals:
  void runsLoaded();
  void exported(const QStringList& files);
  void exportFailed(const QString& message);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  struct Progress;
  struct RunItem {
    qint64 id = 0;
    QString label;
  };
  void loadRuns();
  void fillRuns(const QList<RunItem>& runs, const QString& error);
  void fillCompare();
  void formatChanged();
  void runChanged();
  void browse();
  void poll();
  void finish(const QStringList& files, const QString& error);
  void showError(const QString& message);
  void updateEnabled();

  std::shared_ptr<qwb::Project> project_;
  QString projectPath_;
  QList<RunItem> runs_;
  qint64 wantedRun_ = 0, wantedCompare_ = 0;
  QString lastDefault_;  // the output path last suggested; a path the user typed is kept
  bool loading_ = true, exporting_ = false;
  QStringList written_;
  std::shared_ptr<Progress> progress_;  // the running export's stage and cancel flag

  QComboBox* run_;
  QComboBox* compare_;
  QComboBox* format_;
  QLineEdit* output_;
  QComboBox* hardware_;
  QCheckBox* budgetOn_;
  QDoubleSpinBox* budget_;
  QCheckBox* measure_;
  QProgressBar* busy_;
  QLabel* stage_;
  QLabel* error_;
  QLabel* result_;
  QPushButton* open_;
  QPushButton* export_;
  QTimer* timer_;
};

}  // namespace qwb::ui
