// Review reports from the GUI side, on a real quantize run recorded by the engine (the sample CNN,
// Fashion-MNIST, int8, 64 calibration samples, evaluated on the first 500 test images):
// - write_pdf_report: a PDF file (the "%PDF" signature) of more than one A4 page (page objects
//   counted in the file), and an error naming the file when its folder does not exist;
// - ReportDialog: exports in the background (the event loop keeps running, a timer keeps ticking,
//   Export is disabled meanwhile), writes the chosen format to the chosen file, and keeps an error
//   in the dialog, which stays open;
// - MainWindow: File > Export Report is enabled once a project with a succeeded run is open.
// Expected values: the run id and file names come from the test's own project; page counts from
// the PDF's page objects ("/Type /Page", not "/Type /Pages").
//
// With QWB_UI_SNAPSHOT_DIR set, the dialog is rendered to report_dialog.png (after an export) and
// report_dialog_error.png, and the PDFs kept as report.pdf and report_dialog.pdf there.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QAction>

#include <gtest/gtest.h>

#include <algorithm>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/jobs.h"
#include "qwb/report.h"
#include "qwb/store.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/report_dialog.h"
#include "qwb/ui/report_pdf.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 120000;

class ReportTest : public RecordedRunSuite {
 protected:
  static void SetUpTestSuite() {
    recordRun(QStringLiteral("report.qwb"), sampleQuantizeConfig(64, 500), QStringLiteral("fmnist_cnn.int8.onnx"));
  }
  // A dialog whose run list has arrived.
  static std::unique_ptr<ReportDialog> loadedDialog() {
    auto d = std::make_unique<ReportDialog>(project_, run_);
    QSignalSpy loaded(d.get(), &ReportDialog::runsLoaded);
    if (!d->isLoading() || !QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs)) return d;
    d->measureCheck()->setChecked(false);  // latency is not what these tests are about
    return d;
  }

};

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int pageObjects(const QByteArray& pdf) {
  int pages = 0;
  for (qsizetype i = pdf.indexOf("/Type /Page"); i >= 0; i = pdf.indexOf("/Type /Page", i + 1)) {
    if (pdf.mid(i + 11, 1) != "s") ++pages;
  }
  return pages;
}

TEST_F(ReportTest, PdfOfAQuantizeRunHasSeveralA4Pages) {
  NullProgress np;
  ReportOptions o;
  o.measure_latency = false;
  auto doc = build_report(*project_, run_, o, np);
  ASSERT_TRUE(doc) << doc.status().message();
  const QString path = dir_->filePath(QStringLiteral("report.pdf"));
  const Status st = write_pdf_report(*doc, QFile::encodeName(path).toStdString());
  ASSERT_TRUE(st) << st.message();
  const QByteArray pdf = readAll(path);
  EXPECT_TRUE(pdf.startsWith("%PDF-")) << pdf.left(16).toStdString();
  EXPECT_GT(pageObjects(pdf), 1);
  // A4 in points (595 x 842), as the media box of the pages says.
  EXPECT_TRUE(pdf.contains("/MediaBox [0 0 595.000000 842.000000]")) << "no A4 media box";
  if (const QByteArray snap = qgetenv("QWB_UI_SNAPSHOT_DIR"); !snap.isEmpty()) {
    QFile::remove(QDir(QString::fromLocal8Bit(snap)).filePath(QStringLiteral("report.pdf")));
    QFile::copy(path, QDir(QString::fromLocal8Bit(snap)).filePath(QStringLiteral("report.pdf")));
  }
}

TEST_F(ReportTest, PdfIntoAMissingFolderFailsNamingTheFile) {
  NullProgress np;
  ReportOptions o;
  o.measure_latency = false;
  auto doc = build_report(*project_, run_, o, np);
  ASSERT_TRUE(doc) << doc.status().message();
  const std::string path = QFile::encodeName(dir_->filePath(QStringLiteral("no-such-folder/report.pdf"))).toStdString();
  const Status st = write_pdf_report(*doc, path);
  ASSERT_FALSE(st);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_FALSE(QFileInfo::exists(QString::fromStdString(path)));
}

TEST_F(ReportTest, DialogPreselectsTheRunAndSuggestsAFileNextToTheProject) {
  auto d = loadedDialog();
  ASSERT_FALSE(d->isLoading());
  EXPECT_EQ(d->run(), run_);
  EXPECT_EQ(d->compareRun(), 0);
  EXPECT_TRUE(d->errorText().isEmpty()) << d->errorText();
  const QString dir = QFileInfo(dir_->filePath(QStringLiteral("report.qwb"))).absolutePath();
  EXPECT_EQ(d->outputPath(), QDir(dir).filePath(QStringLiteral("run-%1-report.html").arg(run_)));
  // The extension follows the format, for the suggested name and for a name the user typed.
  d->setFormat(ReportFormat::kPdf);
  EXPECT_EQ(d->outputPath(), QDir(dir).filePath(QStringLiteral("run-%1-report.pdf").arg(run_)));
  d->setOutputPath(QStringLiteral("/tmp/review.pdf"));
  d->setFormat(ReportFormat::kMarkdown);
  EXPECT_EQ(d->outputPath(), QStringLiteral("/tmp/review.md"));
  // The budget is unset (the engine's default) until the box is ticked.
  EXPECT_FALSE(d->options().max_drop.has_value());
  d->budgetCheck()->setChecked(true);
  d->budgetSpin()->setValue(0.25);
  ASSERT_TRUE(d->options().max_drop.has_value());
  EXPECT_DOUBLE_EQ(*d->options().max_drop, 0.25);
  EXPECT_EQ(d->options().hardware, this_machine_hardware());
}

TEST_F(ReportTest, DialogExportsInTheBackground) {
  auto d = loadedDialog();
  ASSERT_FALSE(d->isLoading());
  d->show();
  d->setFormat(ReportFormat::kHtml);
  const QString out = dir_->filePath(QStringLiteral("dialog-report.html"));
  d->setOutputPath(out);
  ASSERT_TRUE(d->exportButton()->isEnabled());

  int ticks = 0;
  QTimer timer;
  QObject::connect(&timer, &QTimer::timeout, [&] { ++ticks; });
  timer.start(5);
  QSignalSpy done(d.get(), &ReportDialog::exported);
  QSignalSpy failed(d.get(), &ReportDialog::exportFailed);
  QTest::mouseClick(d->exportButton(), Qt::LeftButton);
  // The click returned while the report is still being built: the work is off the UI thread.
  EXPECT_TRUE(d->isExporting());
  EXPECT_FALSE(d->exportButton()->isEnabled());
  ASSERT_TRUE(QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, kTimeoutMs));
  ASSERT_TRUE(failed.isEmpty()) << d->errorText();
  EXPECT_GT(ticks, 0);
  EXPECT_TRUE(d->exportButton()->isEnabled());

  const QByteArray html = readAll(out);
  ASSERT_FALSE(html.isEmpty());
  EXPECT_TRUE(html.contains(QStringLiteral("#%1").arg(run_).toUtf8()) || html.contains(QStringLiteral("Run %1").arg(run_).toUtf8()) ||
              html.contains(QStringLiteral("run %1").arg(run_).toUtf8()));
  EXPECT_EQ(d->writtenFiles(), QStringList{out});
  EXPECT_EQ(d->resultText(), QStringLiteral("Wrote %1").arg(QDir::toNativeSeparators(out)));
  EXPECT_TRUE(d->openButton()->isVisible());
  EXPECT_TRUE(d->errorText().isEmpty());
  // Recorded with the run, as qwb-cli report records it.
  auto artifacts = project_->artifacts(run_);
  ASSERT_TRUE(artifacts);
  EXPECT_TRUE(std::any_of(artifacts->begin(), artifacts->end(), [&](const ArtifactRecord& a) {
    return a.kind == "report-html" && a.path == QFile::encodeName(out).toStdString();
  }));
  if (const QByteArray snap = qgetenv("QWB_UI_SNAPSHOT_DIR"); !snap.isEmpty()) {
    d->grab().save(QDir(QString::fromLocal8Bit(snap)).filePath(QStringLiteral("report_dialog.png")));
  }
}

// PDF from the dialog: QTextDocument and QPdfWriter on a worker thread of the GUI application.
TEST_F(ReportTest, DialogWritesAPdfOffTheUiThread) {
  auto d = loadedDialog();
  ASSERT_FALSE(d->isLoading());
  d->setFormat(ReportFormat::kPdf);
  const QString out = dir_->filePath(QStringLiteral("dialog-report.pdf"));
  d->setOutputPath(out);
  QSignalSpy done(d.get(), &ReportDialog::exported);
  QSignalSpy failed(d.get(), &ReportDialog::exportFailed);
  d->exportReport();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, kTimeoutMs));
  ASSERT_TRUE(failed.isEmpty()) << d->errorText();
  const QByteArray pdf = readAll(out);
  EXPECT_TRUE(pdf.startsWith("%PDF-"));
  EXPECT_GT(pageObjects(pdf), 1);
  if (const QByteArray snap = qgetenv("QWB_UI_SNAPSHOT_DIR"); !snap.isEmpty()) {
    const QString kept = QDir(QString::fromLocal8Bit(snap)).filePath(QStringLiteral("report_dialog.pdf"));
    QFile::remove(kept);
    QFile::copy(out, kept);
  }
}

TEST_F(ReportTest, DialogKeepsAnErrorNamingTheFileAndStaysOpen) {
  auto d = loadedDialog();
  ASSERT_FALSE(d->isLoading());
  d->show();
  const QString out = dir_->filePath(QStringLiteral("no-such-folder/report.html"));
  d->setOutputPath(out);
  QSignalSpy done(d.get(), &ReportDialog::exported);
  QSignalSpy failed(d.get(), &ReportDialog::exportFailed);
  QTest::mouseClick(d->exportButton(), Qt::LeftButton);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, kTimeoutMs));
  ASSERT_TRUE(done.isEmpty());
  EXPECT_TRUE(d->errorText().contains(QDir::toNativeSeparators(out))) << d->errorText();
  EXPECT_TRUE(d->isVisible());
  EXPECT_TRUE(d->exportButton()->isEnabled());
  EXPECT_FALSE(d->openButton()->isVisible());
  EXPECT_FALSE(QFileInfo::exists(out));
  if (const QByteArray snap = qgetenv("QWB_UI_SNAPSHOT_DIR"); !snap.isEmpty()) {
    d->grab().save(QDir(QString::fromLocal8Bit(snap)).filePath(QStringLiteral("report_dialog_error.png")));
  }
}

TEST_F(ReportTest, MainWindowOffersTheDialogForAProjectWithARun) {
  MainWindow w;
  EXPECT_FALSE(w.exportReportAction()->isEnabled());  // no project yet
  QSignalSpy opened(&w, &MainWindow::projectOpened);
  w.openProject(dir_->filePath(QStringLiteral("report.qwb")));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !opened.isEmpty(); }, kTimeoutMs));
  EXPECT_TRUE(w.exportReportAction()->isEnabled());
  ReportDialog* d = w.createReportDialog();
  ASSERT_TRUE(d);
  QSignalSpy loaded(d, &ReportDialog::runsLoaded);
  ASSERT_TRUE(QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kTimeoutMs));
  EXPECT_EQ(d->run(), run_);
  d->close();
  EXPECT_TRUE(QTest::qWaitFor([&] { return !w.isLoading(); }, kTimeoutMs));  // the project's model loads too
}

}  // namespace
}  // namespace qwb::ui
