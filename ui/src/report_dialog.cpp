#include "qwb/ui/report_dialog.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <exception>
#include <map>
#include <mutex>

#include "qwb/decide.h"
#include "qwb/store.h"
#include "qwb/ui/format.h"
#include "qwb/ui/report_pdf.h"

namespace qwb::ui {

namespace {

constexpr qwb::ReportFormat kFormats[] = {qwb::ReportFormat::kHtml, qwb::ReportFormat::kPdf, qwb::ReportFormat::kMarkdown,
                                          qwb::ReportFormat::kCsv, qwb::ReportFormat::kJson};

// The file extension of a format: the engine's format name ("html", "md", ...).
QString extension(qwb::ReportFormat f) { return QString::fromLatin1(qwb::report_format_name(f)); }

// Format names are the same in every language; only the CSV note is translated.
QString formatLabel(qwb::ReportFormat f) {
  switch (f) {
    case qwb::ReportFormat::kHtml: return QStringLiteral("HTML");
    case qwb::ReportFormat::kPdf: return QStringLiteral("PDF");
    case qwb::ReportFormat::kMarkdown: return QStringLiteral("Markdown");
    case qwb::ReportFormat::kCsv: return ReportDialog::tr("CSV (per-layer and per-class tables)");
    case qwb::ReportFormat::kJson: return QStringLiteral("JSON");
  }
  return {};
}

QString fileFilter(qwb::ReportFormat f) {
  switch (f) {
    case qwb::ReportFormat::kHtml: return ReportDialog::tr("HTML files (*.html *.htm)");
    case qwb::ReportFormat::kPdf: return ReportDialog::tr("PDF files (*.pdf)");
    case qwb::ReportFormat::kMarkdown: return ReportDialog::tr("Markdown files (*.md)");
    case qwb::ReportFormat::kCsv: return ReportDialog::tr("CSV files (*.csv)");
    case qwb::ReportFormat::kJson: return ReportDialog::tr("JSON files (*.json)");
  }
  return {};
}

// Whether a file name's extension names a report format (then a format change replaces it).
bool isReportExtension(const QString& path) { return static_cast<bool>(qwb::report_format_for_path(path.toStdString())); }

std::string fileName(const QString& path) { return QFile::encodeName(path).toStdString(); }

// What the background read of the run list returns (formatted into labels on the UI thread).
struct RunList {
  std::vector<qwb::RunRecord> runs;      // succeeded, newest first
  std::map<int64_t, std::string> models;  // id -> path
  QString error;
};

struct Outcome {
  QStringList files;
  QString error;
};

}  // namespace

// The running export's stage (written by the engine's progress reports on the worker thread,
// read by the dialog's timer) and the cancel flag the dialog sets when it closes.
struct ReportDialog::Progress final : qwb::ProgressSink {
  bool report(int64_t, int64_t, const std::string& message) override {
    if (!message.empty()) {
      std::lock_guard lock(mutex);
      stage = message;
    }
    return !cancel.load();
  }
  std::string current() {
    std::lock_guard lock(mutex);
    return stage;
  }
  std::mutex mutex;
  std::string stage;
  std::atomic<bool> cancel{false};
};

ReportDialog::ReportDialog(std::shared_ptr<qwb::Project> project, qint64 run, QWidget* parent)
    : QDialog(parent),
      project_(std::move(project)),
      wantedRun_(run),
      run_(new QComboBox),
      compare_(new QComboBox),
      format_(new QComboBox),
      output_(new QLineEdit),
      hardware_(new QComboBox),
      budgetOn_(new QCheckBox(tr("Accuracy budget:"))),
      budget_(new QDoubleSpinBox),
      measure_(new QCheckBox(tr("Measure latency if not stored"))),
      busy_(new QProgressBar),
      stage_(new QLabel),
      error_(new QLabel),
      result_(new QLabel),
      open_(new QPushButton(tr("Open"))),
      export_(new QPushButton(tr("Export"))),
      timer_(new QTimer(this)) {
  setWindowTitle(tr("Export Report"));
  setMinimumWidth(600);
  if (project_) projectPath_ = QFileInfo(QFile::decodeName(project_->path().c_str())).absoluteFilePath();

  run_->setObjectName(QStringLiteral("run"));
  run_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  run_->setMinimumContentsLength(36);
  compare_->setObjectName(QStringLiteral("compare"));
  compare_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  compare_->setMinimumContentsLength(36);
  compare_->setToolTip(tr("A second run shown beside the first in every section"));
  for (qwb::ReportFormat f : kFormats) format_->addItem(formatLabel(f), static_cast<int>(f));
  format_->setObjectName(QStringLiteral("format"));
  output_->setObjectName(QStringLiteral("output"));
  for (qwb::Hardware h : qwb::hardware_classes()) {
    hardware_->addItem(qstr(qwb::hardware_name(h)), static_cast<int>(h));
    hardware_->setItemData(hardware_->count() - 1, qstr(qwb::hardware_traits(h)), Qt::ToolTipRole);
  }
  hardware_->setCurrentIndex(hardware_->findData(static_cast<int>(qwb::this_machine_hardware())));
  hardware_->setToolTip(tr("The hardware the decision section recommends formats for"));
  budget_->setRange(0, 100);
  budget_->setDecimals(2);
  budget_->setSingleStep(0.1);
  budget_->setValue(1.0);
  budget_->setSuffix(tr(" points"));
  budget_->setEnabled(false);
  budgetOn_->setToolTip(tr("Largest acceptable top-1 drop for the decision section"));
  auto* budgetHint = new QLabel(tr("off: the run's gate threshold, else 1.0 points"));
  budgetHint->setEnabled(false);  // greyed: an explanation, not a value
  budgetHint->setWordWrap(true);
  measure_->setChecked(true);
  measure_->setToolTip(tr("Benchmarks FP32 and the exported model (batch 1, median of 20) and stores the result with the run"));

  busy_->setRange(0, 0);  // indeterminate: the engine's stages have no common scale
  busy_->setTextVisible(false);
  busy_->setMaximumWidth(160);
  busy_->hide();
  stage_->setWordWrap(true);
  error_->setObjectName(QStringLiteral("error"));
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->setStyleSheet(QStringLiteral("color: #b00020"));
  error_->hide();
  result_->setObjectName(QStringLiteral("result"));
  result_->setWordWrap(true);
  result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  open_->hide();

  auto* browse = new QPushButton(tr("Browse..."));
  connect(browse, &QPushButton::clicked, this, &ReportDialog::browse);
  auto* outputRow = new QHBoxLayout;
  outputRow->addWidget(output_, 1);
  outputRow->addWidget(browse);
  auto* budgetRow = new QHBoxLayout;
  budgetRow->addWidget(budget_);
  budgetRow->addWidget(budgetHint, 1);
  budget_->setMinimumWidth(budget_->sizeHint().width());

  auto* form = new QFormLayout;
  form->addRow(tr("Run:"), run_);
  form->addRow(tr("Compare with:"), compare_);
  form->addRow(tr("Format:"), format_);
  form->addRow(tr("Output file:"), outputRow);
  form->addRow(tr("Target hardware:"), hardware_);
  form->addRow(budgetOn_, budgetRow);
  form->addRow(QString(), measure_);

  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(busy_);
  progressRow->addWidget(stage_, 1);
  auto* resultRow = new QHBoxLayout;
  resultRow->addWidget(result_, 1);
  resultRow->addWidget(open_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  // ActionRole: exporting must not close the dialog (errors and the result are shown in it).
  buttons->addButton(export_, QDialogButtonBox::ActionRole);
  export_->setDefault(true);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(export_, &QPushButton::clicked, this, &ReportDialog::exportReport);
  connect(open_, &QPushButton::clicked, this, [this] {
    if (!written_.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(written_.first()));
  });

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(progressRow);
  layout->addWidget(error_);
  layout->addLayout(resultRow);
  layout->addStretch(1);
  layout->addWidget(buttons);

  connect(run_, &QComboBox::currentIndexChanged, this, &ReportDialog::runChanged);
  connect(format_, &QComboBox::currentIndexChanged, this, &ReportDialog::formatChanged);
  connect(output_, &QLineEdit::textChanged, this, &ReportDialog::updateEnabled);
  connect(budgetOn_, &QCheckBox::toggled, this, &ReportDialog::updateEnabled);
  connect(timer_, &QTimer::timeout, this, &ReportDialog::poll);
  timer_->setInterval(100);

  updateEnabled();
  loadRuns();
}

ReportDialog::~ReportDialog() {
  // A report still being built stops at the engine's next progress report; its result is dropped.
  if (progress_) progress_->cancel = true;
}

void ReportDialog::closeEvent(QCloseEvent* event) {
  if (progress_) progress_->cancel = true;
  QDialog::closeEvent(event);
}

void ReportDialog::loadRuns() {
  if (!project_) {
    fillRuns({}, tr("No project is open."));
    return;
  }
  auto* watcher = new QFutureWatcher<RunList>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
    watcher->deleteLater();
    const RunList list = watcher->result();
    QList<RunItem> items;
    for (const qwb::RunRecord& r : list.runs) {
      const auto m = list.models.find(r.model_id);
      const QString model = m == list.models.end() ? QString() : QFileInfo(QFile::decodeName(m->second.c_str())).fileName();
      QString label = tr("#%1 %2").arg(r.id).arg(runKindName(r.kind));
      if (!model.isEmpty()) label += QStringLiteral(" \u2014 ") + model;
      items.append({r.id, label});
    }
    fillRuns(items, list.error);
  });
  // Its own connection: the window's Project object belongs to the UI thread.
  const std::string file = fileName(projectPath_);
  watcher->setFuture(QtConcurrent::run([file]() -> RunList {
    RunList out;
    try {
      auto p = qwb::Project::open(file);
      if (!p) {
        out.error = qstr(p.status().message());
        return out;
      }
      auto runs = p->list_runs();
      auto models = p->list_models();
      if (!runs || !models) {
        out.error = qstr((!runs ? runs.status() : models.status()).message());
        return out;
      }
      for (auto& r : *runs) {
        if (r.status == qwb::RunStatus::kSucceeded && qwb::is_reportable_run_kind(r.kind)) out.runs.push_back(std::move(r));
      }
      for (const auto& m : *models) out.models[m.id] = m.path;
    } catch (const std::exception& e) {
      out.error = QString::fromLocal8Bit(e.what());
    }
    return out;
  }));
}

void ReportDialog::fillRuns(const QList<RunItem>& runs, const QString& error) {
  loading_ = false;
  runs_ = runs;
  {
    const QSignalBlocker block(run_);
    run_->clear();
    for (const RunItem& r : runs_) run_->addItem(r.label, QVariant::fromValue<qint64>(r.id));
    const int i = wantedRun_ ? run_->findData(QVariant::fromValue<qint64>(wantedRun_)) : -1;
    run_->setCurrentIndex(i >= 0 ? i : 0);
  }
  if (!error.isEmpty()) showError(tr("Could not read the runs of %1: %2").arg(QDir::toNativeSeparators(projectPath_), error));
  else if (runs_.isEmpty()) showError(tr("The project has no succeeded run to report on."));
  runChanged();
  emit runsLoaded();
}

void ReportDialog::fillCompare() {
  const qint64 keep = wantedCompare_ ? wantedCompare_ : compareRun();
  const QSignalBlocker block(compare_);
  compare_->clear();
  compare_->addItem(tr("none"), QVariant::fromValue<qint64>(0));
  for (const RunItem& r : runs_) {
    if (r.id != run()) compare_->addItem(r.label, QVariant::fromValue<qint64>(r.id));
  }
  const int i = compare_->findData(QVariant::fromValue<qint64>(keep));
  compare_->setCurrentIndex(i >= 0 ? i : 0);
}

void ReportDialog::runChanged() {
  fillCompare();
  // The suggested name follows the run; a path the user chose stays.
  if (output_->text().isEmpty() || output_->text() == lastDefault_) {
    lastDefault_ = run() ? defaultOutputPath() : QString();
    output_->setText(lastDefault_);
  }
  updateEnabled();
}

void ReportDialog::formatChanged() {
  const QString path = output_->text();
  if (path.isEmpty() || path == lastDefault_) {
    lastDefault_ = run() ? defaultOutputPath() : QString();
    output_->setText(lastDefault_);
  } else {
    // The extension follows the format: "review.html" becomes "review.pdf".
    const QFileInfo info(path);
    if (isReportExtension(path)) {
      output_->setText(path.left(path.size() - info.suffix().size()) + extension(format()));
    }
  }
}

void ReportDialog::setRun(qint64 run) {
  wantedRun_ = run;
  if (loading_) return;
  const int i = run_->findData(QVariant::fromValue<qint64>(run));
  if (i >= 0) run_->setCurrentIndex(i);
}

void ReportDialog::setCompareRun(qint64 run) {
  wantedCompare_ = run;
  if (loading_) return;
  const int i = compare_->findData(QVariant::fromValue<qint64>(run));
  if (i >= 0) compare_->setCurrentIndex(i);
}

void ReportDialog::setFormat(qwb::ReportFormat format) {
  format_->setCurrentIndex(format_->findData(static_cast<int>(format)));
}

void ReportDialog::setOutputPath(const QString& path) { output_->setText(path); }

qint64 ReportDialog::run() const { return run_->currentIndex() >= 0 ? run_->currentData().toLongLong() : 0; }

qint64 ReportDialog::compareRun() const {
  return compare_->currentIndex() >= 0 ? compare_->currentData().toLongLong() : 0;
}

qwb::ReportFormat ReportDialog::format() const { return static_cast<qwb::ReportFormat>(format_->currentData().toInt()); }

QString ReportDialog::outputPath() const { return output_->text().trimmed(); }

qwb::ReportOptions ReportDialog::options() const {
  qwb::ReportOptions o;
  if (const qint64 c = compareRun()) o.compare_run = c;
  o.hardware = static_cast<qwb::Hardware>(hardware_->currentData().toInt());
  if (budgetOn_->isChecked()) o.max_drop = budget_->value();  // unset: the engine picks gate or 1.0
  o.measure_latency = measure_->isChecked();
  return o;
}

QString ReportDialog::defaultOutputPath() const {
  const QString dir = projectPath_.isEmpty() ? QDir::homePath() : QFileInfo(projectPath_).absolutePath();
  return QDir(dir).filePath(QStringLiteral("run-%1-report.%2").arg(run()).arg(extension(format())));
}

void ReportDialog::browse() {
  const QString start = outputPath().isEmpty() ? defaultOutputPath() : outputPath();
  QString path = QFileDialog::getSaveFileName(this, tr("Export Report"), start, fileFilter(format()));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + extension(format());
  output_->setText(path);
}

void ReportDialog::exportReport() {
  if (exporting_ || loading_) return;
  error_->hide();
  result_->clear();
  open_->hide();
  const QString path = outputPath();
  if (!run()) {
    showError(tr("The project has no succeeded run to report on."));
    return;
  }
  if (path.isEmpty()) {
    showError(tr("Choose an output file."));
    return;
  }
  exporting_ = true;
  written_.clear();
  progress_ = std::make_shared<Progress>();
  busy_->show();
  stage_->setText(tr("Building the report..."));
  timer_->start();
  updateEnabled();

  auto* watcher = new QFutureWatcher<Outcome>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
    watcher->deleteLater();
    const Outcome out = watcher->result();
    finish(out.files, out.error);
  });
  const std::string project = fileName(projectPath_), file = fileName(path);
  const qint64 run = this->run();
  const qwb::ReportOptions options = this->options();
  const qwb::ReportFormat format = this->format();
  std::shared_ptr<Progress> progress = progress_;
  watcher->setFuture(QtConcurrent::run([project, file, run, options, format, progress]() -> Outcome {
    Outcome out;
    try {
      // Its own connection: building may store a latency measurement on the run.
      auto p = qwb::Project::open(project);
      if (!p) {
        out.error = qstr(p.status().message());
        return out;
      }
      auto doc = qwb::build_report(*p, run, options, *progress);
      if (!doc) {
        out.error = qstr(doc.status().message());
        return out;
      }
      if (!progress->report(0, 0, "writing")) {
        out.error = qstr(qwb::cancelled().message());
        return out;
      }
      if (format == qwb::ReportFormat::kPdf) {
        if (Status st = write_pdf_report(*doc, file); !st) out.error = qstr(st.message());
        else out.files << QFile::decodeName(file.c_str());
      } else {
        auto files = qwb::write_report(*doc, format, file);
        if (!files) out.error = qstr(files.status().message());
        else for (const std::string& f : *files) out.files << QFile::decodeName(f.c_str());
      }
      std::vector<std::string> written;
      for (const QString& f : out.files) written.push_back(QFile::encodeName(f).toStdString());
      if (Status st = qwb::add_report_artifacts(*p, run, written, format); !st && out.error.isEmpty()) out.error = qstr(st.message());
    } catch (const std::exception& e) {
      out.error = QString::fromLocal8Bit(e.what());
    }
    return out;
  }));
}

void ReportDialog::poll() {
  if (!progress_) return;
  const std::string stage = progress_->current();
  if (!stage.empty()) stage_->setText(stage == "writing" ? tr("Writing %1...").arg(QFileInfo(outputPath()).fileName()) : qstr(stage));
}

void ReportDialog::finish(const QStringList& files, const QString& error) {
  exporting_ = false;
  timer_->stop();
  progress_.reset();
  busy_->hide();
  stage_->clear();
  if (!error.isEmpty()) {
    // The engine's message usually names the file already; the prefix makes sure it does.
    const QString message = tr("Could not write %1: %2").arg(QDir::toNativeSeparators(outputPath()), error);
    showError(message);
    updateEnabled();
    emit exportFailed(message);
    return;
  }
  written_ = files;
  QStringList shown;
  for (const QString& f : files) shown << QDir::toNativeSeparators(f);
  result_->setText(tr("Wrote %1").arg(shown.join(QStringLiteral(", "))));
  open_->setVisible(!files.isEmpty());
  updateEnabled();
  emit exported(files);
}

void ReportDialog::showError(const QString& message) {
  error_->setText(message);
  error_->show();
}

QString ReportDialog::errorText() const { return error_->isHidden() ? QString() : error_->text(); }

QString ReportDialog::resultText() const { return result_->text(); }

void ReportDialog::updateEnabled() {
  export_->setEnabled(!loading_ && !exporting_ && run() != 0 && !outputPath().isEmpty());
  budget_->setEnabled(budgetOn_->isChecked());
}

}  // namespace qwb::ui
