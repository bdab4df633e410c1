// Review reports of a run, or of two runs side by side, for a reviewer who does not have the tool.
//
// build_report() gathers everything the project knows about a run into one JSON document (the
// JSON format is that document); the HTML, Markdown and CSV renderers are pure functions of it,
// so every format says the same thing. PDF is the HTML rendered by Qt (qwb/ui/report_pdf.h),
// which cannot show inline SVG: render_html(kReferenced) names its images instead and hands them
// over separately.
//
//   auto doc = qwb::build_report(project, run, {.compare_run = 7});
//   std::string html = qwb::render_html(*doc).html;          // self-contained, no network
//   qwb::write_report(*doc, qwb::ReportFormat::kMarkdown, "review.md");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qwb/decide.h"
#include "qwb/progress.h"
#include "qwb/status.h"
#include "qwb/store.h"

namespace qwb {

struct ReportOptions {
  std::optional<int64_t> compare_run;  // a second run shown beside the first
  // The decision-tree section: target hardware and accuracy budget (top-1 points). Unset budget:
  // the gate's threshold when the run was gated, else 1.0.
  Hardware hardware = this_machine_hardware();
  std::optional<double> max_drop;
  size_t max_flipped = 24;      // flipped samples listed (with images where inputs are images)
  // Batch-1 latency of FP32 and the exported model when the run has none stored (median of 20
  // runs, stored on the run like the GUI's measurement).
  bool measure_latency = true;
  bool remeasure_latency = false;  // measure (and store) even when the run has a latency stored
};

// Everything about `run` (and options.compare_run): model identity, data and validation, config,
// decision path, metrics with per-class table, flipped samples, per-layer error and sensitivity,
// size, latency, gate, artifacts, tool version and timestamps. Schema: docs/reports.md.
Result<nlohmann::json> build_report(Project& project, int64_t run, const ReportOptions& options, ProgressSink& progress);

// Runs a report describes: those that quantized (quantize, autoquant, sensitivity, calibrate,
// export); build_report refuses others with a message saying so.
bool is_reportable_run_kind(const std::string& kind);

enum class ReportFormat { kHtml, kPdf, kMarkdown, kCsv, kJson };
// "html", "pdf", "md" (or "markdown"), "csv", "json".
Result<ReportFormat> parse_report_format(const std::string& s);
const char* report_format_name(ReportFormat f);
// From a file name's extension (.html/.htm, .pdf, .md, .csv, .json).
Result<ReportFormat> report_format_for_path(const std::string& path);

struct ReportImage {
  std::string name;   // referenced as <img src="NAME"> in kReferenced HTML
  std::string mime;   // image/svg+xml | image/png
  std::string data;   // SVG text or PNG bytes
  int width = 0, height = 0;  // display size in CSS pixels
};
struct HtmlReport {
  std::string html;
  std::vector<ReportImage> images;  // kReferenced only
};
enum class HtmlImages {
  kInline,      // SVG inline, PNG as data: URLs (a browser; one self-contained file)
  kReferenced,  // <img src="chart-1"> and the images in HtmlReport::images (Qt's rich text)
};
HtmlReport render_html(const nlohmann::json& report, HtmlImages images = HtmlImages::kInline);
std::string render_markdown(const nlohmann::json& report);
// Two tables: per layer (CSV of the layers, one row per layer and run) and per class.
std::string render_csv_layers(const nlohmann::json& report);
std::string render_csv_classes(const nlohmann::json& report);
// The file of the per-class table written next to a CSV report: "r.csv" -> "r.classes.csv".
std::string classes_csv_path(const std::string& csv_path);

// Writes html, md, csv (two files) or json; kPdf needs Qt and is written by qwb/ui/report_pdf.h.
// Returns the files written.
Result<std::vector<std::string>> write_report(const nlohmann::json& report, ReportFormat format, const std::string& path);

// Records written report files as artifacts of `run` (kind "report-html", "report-pdf", ...), so
// the project lists what was handed to reviewers.
Status add_report_artifacts(Project& project, int64_t run, const std::vector<std::string>& files, ReportFormat format);

// Base64 (RFC 4648) and PNG encoding, for images embedded in reports.
std::string base64_encode(const std::string& bytes);
// 8-bit grey (channels 1) or RGB (3) pixels, row-major.
std::string encode_png(const uint8_t* pixels, int width, int height, int channels);

}  // namespace qwb
