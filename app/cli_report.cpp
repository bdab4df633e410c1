#include "cli_report.h"

#include <fmt/format.h>

#include <iostream>

#include "cli_common.h"
#include "qwb/jobs.h"
#include "qwb/report.h"
#ifdef QWB_HAVE_PDF
#include "qwb/ui/report_pdf.h"
#endif

using json = nlohmann::json;

namespace cli {

namespace {

int cmd_report(const ReportArgs& a) {
  auto format = a.format.empty() ? qwb::report_format_for_path(a.out) : qwb::parse_report_format(a.format);
  if (!format) return fail(format.status());
#ifndef QWB_HAVE_PDF
  if (*format == qwb::ReportFormat::kPdf) return fail(qwb::unsupported("this qwb-cli was built without Qt (QWB_BUILD_GUI=OFF); PDF reports need it"));
#endif
  qwb::ReportOptions o;
  o.compare_run = a.compare;
  o.max_drop = a.max_drop;
  o.max_flipped = a.flipped;
  o.measure_latency = !a.no_latency;
  o.remeasure_latency = a.remeasure;
  if (!a.hardware.empty()) {
    auto h = qwb::parse_hardware(a.hardware);
    if (!h) return fail(h.status());
    o.hardware = *h;
  }
  auto p = qwb::Project::open(a.project);
  if (!p) return fail(p.status());
  TtyProgress progress(!a.json);
  auto doc = qwb::build_report(*p, a.run, o, progress);
  if (!doc) return fail(doc.status());
  std::vector<std::string> files;
  if (*format == qwb::ReportFormat::kPdf) {
#ifdef QWB_HAVE_PDF
    if (auto st = qwb::ui::write_pdf_report(*doc, a.out); !st) return fail(st);
    files.push_back(a.out);
#endif
  } else {
    auto written = qwb::write_report(*doc, *format, a.out);
    if (!written) return fail(written.status());
    files = std::move(*written);
  }
  if (auto st = qwb::add_report_artifacts(*p, a.run, files, *format); !st) return fail(st);
  if (a.json) {
    std::cout << json{{"files", files}, {"format", qwb::report_format_name(*format)}, {"runs", (*doc)["runs"].size()}}.dump(2) << "\n";
  } else {
    for (const auto& f : files) std::cout << "Wrote " << f << "\n";
  }
  return 0;
}

int cmd_export_run(const ReportArgs& a) {
  auto p = qwb::Project::open(a.project);
  if (!p) return fail(p.status());
  auto r = qwb::export_stored_calibration(*p, a.run, a.format, a.out);
  if (!r) return fail(r.status());
  if (a.json) {
    std::cout << json{{"out", r->path}, {"format", a.format}, {"bytes", r->bytes}, {"opset", r->opset}, {"checked", r->checked}}.dump(2) << "\n";
  } else {
    std::cout << fmt::format("Wrote {} ({}, {} bytes) from run {}'s stored thresholds\n", r->path, a.format, r->bytes, a.run);
    for (const auto& n : r->notices) std::cout << "Notice: " << n << "\n";
  }
  return 0;
}

}  // namespace

std::unique_ptr<ReportCommands> add_report_commands(CLI::App& app) {
  auto owned = std::make_unique<ReportCommands>();
  ReportCommands& c = *owned;
  ReportArgs& a = c.args;
  c.report = app.add_subcommand("report",
                                "A review report of a recorded run (or two, side by side): model identity, data and validation, config, "
                                "decision path, FP32 vs quantized with per-class table, flipped samples, per-layer error and "
                                "sensitivity, size, latency, gate, versions");
  c.report->add_option("project", a.project, "Project file (*.qwb)")->required();
  c.report->add_option("run", a.run, "Run id (see `qwb-cli project runs`)")->required();
  c.report->add_option("--compare", a.compare, "A second run shown beside the first");
  c.report->add_option("--format,-f", a.format, "html (self-contained), pdf, md, csv (per-layer FILE and per-class FILE.classes.csv), json "
                                                "(default: from the --out extension)")
      ->check(CLI::IsMember({"html", "pdf", "md", "markdown", "csv", "json"}));
  c.report->add_option("--out,-o", a.out, "Output file")->required();
  c.report->add_option("--hardware", a.hardware, "Target hardware of the decision section: nvidia-gpu, amd-gpu, x86-vnni, x86, arm, npu "
                                                 "(default: this machine)");
  c.report->add_option("--max-drop", a.max_drop, "Accuracy budget of the decision section, top-1 points (default: the run's gate threshold, else 1.0)");
  c.report->add_option("--flipped", a.flipped, "Flipped samples listed (with images)")->capture_default_str();
  c.report->add_flag("--no-latency", a.no_latency, "Do not measure batch-1 latency when the run has none stored");
  c.report->add_flag("--remeasure-latency", a.remeasure, "Measure batch-1 latency again (and store it) even when the run has one stored, "
                                                        "e.g. one taken on a busy machine")->excludes("--no-latency");
  c.report->add_flag("--json", a.json, "Print JSON: files, format");

  c.export_run = app.add_subcommand("export-run", "Write a recorded run's stored calibration (no recalibration) as a QDQ model, a TensorRT "
                                                  "calibration cache or an ONNX Runtime calibration table; all three carry the same scales");
  c.export_run->add_option("project", a.project, "Project file (*.qwb)")->required();
  c.export_run->add_option("run", a.run, "A quantize, calibrate or export run")->required();
  c.export_run->add_option("--format,-f", a.format, "qdq | trt-cache | ort-calib")->required()->check(CLI::IsMember({"qdq", "trt-cache", "ort-calib"}));
  c.export_run->add_option("--out,-o", a.out, "Output file")->required();
  c.export_run->add_flag("--json", a.json, "Print JSON");
  return owned;
}

int run_report_commands(const ReportCommands& c) {
  if (*c.report) return cmd_report(c.args);
  if (*c.export_run) return cmd_export_run(c.args);
  return -1;
}

}  // namespace cli
