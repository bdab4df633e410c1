// Markdown and CSV reports: the same facts as the HTML, as text (no charts or images).
#include <fmt/format.h>

#include "qwb/report.h"
#include "report/report_text.h"

namespace qwb {

using json = nlohmann::json;
using namespace report;

namespace {

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

void md_table(std::string& out, const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  out += "|";
  for (const auto& h : head) out += " " + md_cell(h) + " |";
  out += "\n|";
  for (size_t i = 0; i < head.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& r : rows) {
    out += "|";
    for (const auto& c : r) out += " " + md_cell(c) + " |";
    out += "\n";
  }
  out += "\n";
}

void run_markdown(std::string& out, const json& run) {
  out += "## " + run_title(run) + "\n\n";
  const json& m = field(run, "model");
  if (m.is_object()) {
    out += "### Model\n\n";
    md_table(out, {"Field", "Value"},
             {{"File", str(m, "path")},
              {"SHA-256", str(m, "sha256") + (field(m, "file_matches").is_boolean() && !field(m, "file_matches").get<bool>() ? " (file changed or missing since the run)" : "")},
              {"Opset", str(m, "opset")},
              {"Architecture", str(m, "architecture") + " (" + str(m, "architecture_reason") + ")"},
              {"Parameters", str(m, "parameters")},
              {"File size", bytes(field(m, "file_bytes"))}});
  }
  const json& d = field(run, "data");
  out += "### Data\n\n";
  std::vector<std::vector<std::string>> data;
  for (const char* role : {"calibration", "evaluation"}) {
    const json& ds = field(d, role);
    if (ds.is_object())
      data.push_back({role, fmt::format("{} ({} samples; {})", str(ds, "spec"), str(ds, "samples"), str(ds, "preprocess"))});
  }
  if (num(field(d, "calibration_samples"), 0) > 0) {
    data.push_back({"calibration samples", fmt::format("{} drawn {} (seed {})", str(d, "calibration_samples"), str(d, "sampling"), str(d, "sampling_seed"))});
    data.push_back({"sample ids SHA-256", str(d, "sample_ids_sha256")});
  }
  md_table(out, {"Data", "Value"}, data);
  const json& v = field(d, "validation");
  if (v.is_object()) {
    std::vector<std::vector<std::string>> checks;
    for (const auto& c : field(v, "checks")) checks.push_back({str(c, "status"), str(c, "name"), str(c, "message")});
    out += "Calibration-data validation: **" + str(v, "status") + "**\n\n";
    md_table(out, {"Status", "Check", "Message"}, checks);
  }
  const json& dec = field(run, "decision");
  if (dec.is_object() && dec.contains("recommendation")) {
    const json& rec = field(dec, "recommendation");
    const json& in = field(dec, "inputs");
    out += "### Decision tree\n\n";
    out += fmt::format("Inputs: {} on {}, budget {} top-1 points ({}). Recommendation: **{}** (expected loss {} points, {}, {}, "
                       "row {}). This run used {}.\n\n",
                       str(in, "architecture"), str(in, "hardware"), fixed(field(in, "max_drop_pts"), 2), str(in, "budget_source"),
                       str(rec, "format"), fixed(field(rec, "expected_loss_pts"), 2), smaller(field(rec, "compression")),
                       faster(field(rec, "speedup")), str(rec, "row"), str(dec, "run_format"));
    int i = 0;
    for (const auto& step : field(rec, "path")) out += fmt::format("{}. {}\n", ++i, step.get<std::string>());
    out += "\n";
  }
  const json& a = field(run, "accuracy");
  const json &f = field(a, "fp32"), &q = field(a, "quantized");
  out += "### Accuracy\n\n";
  md_table(out, {"Metric", "FP32", "Quantized"},
           {{"Top-1", pct(field(f, "top1")), pct(field(q, "top1"))},
            {"Top-5", pct(field(f, "top5")), pct(field(q, "top5"))},
            {"Macro F1", fixed(field(f, "macro_f1"), 4), fixed(field(q, "macro_f1"), 4)},
            {"Top-1 change (points)", "", pts(field(a, "delta_top1_pts"))},
            {"Top-1 agreement", "", pct(field(a, "agreement"))}});
  std::vector<std::vector<std::string>> pc;
  for (const auto& c : field(run, "classes"))
    pc.push_back({str(c, "class"), str(c, "name"), str(c, "support"), fixed(field(field(c, "fp32"), "f1"), 4), fixed(field(field(c, "quantized"), "f1"), 4),
                  pts(json(f1_change_pts(c)))});
  if (!pc.empty()) md_table(out, {"#", "Class", "Support", "FP32 F1", "Quantized F1", "F1 change (points)"}, pc);
  const json& fl = field(run, "flipped");
  if (fl.is_object()) {
    out += fmt::format("### Flipped samples\n\n{} samples change their top-1 class (images in the HTML and PDF reports).\n\n", str(fl, "count"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : field(fl, "shown"))
      rows.push_back({str(s, "index"), str(s, "label_name"), str(s, "fp32_name"), str(s, "quantized_name")});
    if (!rows.empty()) md_table(out, {"Sample", "True", "FP32", "Quantized"}, rows);
  }
  std::vector<std::vector<std::string>> lr;
  for (const auto& l : field(run, "layers"))
    lr.push_back({str(l, "layer"), str(l, "op"), layer_format(l),
                  db(field(l, "output_sqnr_db")), pts(field(l, "sensitivity_delta_top1_pts"))});
  if (!lr.empty()) {
    out += "### Per layer\n\n";
    md_table(out, {"Layer", "Op", "Format", "Output SQNR", "Sensitivity (top-1 points)"}, lr);
  }
  const json &s = field(run, "size"), &l = field(run, "latency");
  out += "### Size and latency\n\n";
  md_table(out, {"", "FP32", "Quantized", "Ratio"},
           {{"File size", bytes(field(s, "fp32_bytes")), bytes(field(s, "quantized_bytes")), smaller(field(s, "compression"))},
            {"Latency (batch 1)", ms(field(l, "fp32_ms")), ms(field(l, "quantized_ms")), faster(field(l, "speedup"))}});
  const json& g = field(run, "gate");
  out += "### Gate\n\n" + (g.is_object() ? "**" + str(g, "outcome") + "**: " + str(g, "message") : std::string("not gated")) + "\n\n";
  out += "### Configuration\n\n```json\n" + field(run, "config").dump(2) + "\n```\n\n";
  std::vector<std::vector<std::string>> arts;
  for (const auto& x : field(run, "artifacts")) arts.push_back({str(x, "kind"), str(x, "path"), str(x, "sha256")});
  if (!arts.empty()) md_table(out, {"Artifact", "File", "SHA-256"}, arts);
  out += fmt::format("Run {}: created {}, started {}, finished {} (UTC); recorded by Quantization Workbench {}.\n\n", str(run, "id"),
                     str(run, "created"), str(run, "started"), str(run, "finished"), str(run, "tool_version"));
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string s;
  for (size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + csv_field(cells[i]);
  return s + "\n";
}

// Plain numbers for spreadsheets (no units, no % signs): empty when absent.
std::string csv_num(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return has_number(v) ? fmt::format("{:.9g}", v.get<double>()) : "";
}

}  // namespace

std::string render_markdown(const json& report) {
  const json& runs = field(report, "runs");
  std::string out = "# Quantization review: ";
  for (size_t i = 0; i < runs.size(); ++i) out += (i ? " vs " : "") + run_title(runs[i]);
  const json& tool = field(report, "tool");
  out += fmt::format("\n\nGenerated {} by {} {} (commit {}) from project `{}`.\n\n", str(report, "generated"), str(tool, "name"),
                     str(tool, "version"), str(tool, "commit"), str(field(report, "project"), "path"));
  std::vector<std::string> head = {""};
  for (const auto& r : runs) head.push_back(run_title(r));
  std::vector<std::vector<std::string>> rows = {{"Format"}, {"FP32 top-1"}, {"Quantized top-1"}, {"Change (points)"},
                                               {"Compression"}, {"Gate"}, {"Scheme"}};
  for (const auto& r : runs) {
    const json& a = field(r, "accuracy");
    rows[0].push_back(run_format(r));
    rows[1].push_back(pct(field(field(a, "fp32"), "top1")));
    rows[2].push_back(pct(field(field(a, "quantized"), "top1")));
    rows[3].push_back(pts(field(a, "delta_top1_pts")));
    rows[4].push_back(smaller(field(field(r, "size"), "compression")));
    rows[5].push_back(field(r, "gate").is_object() ? str(field(r, "gate"), "outcome") : "not gated");
    rows[6].push_back(scheme(r));
  }
  out += "## Summary\n\n";
  md_table(out, head, rows);
  for (const auto& r : runs) run_markdown(out, r);
  out += "## Tool\n\n```\n" + str(tool, "name") + " " + str(tool, "version") + " (commit " + str(tool, "commit") + ")\n" +
         str(tool, "libraries") + "\n```\n";
  return out;
}

std::string render_csv_layers(const json& report) {
  std::string out = csv_line({"run", "layer", "op", "weight", "format", "output_sqnr_db", "output_cosine", "output_nmse",
                              "sensitivity_delta_top1_pts", "sensitivity_harm"});
  for (const auto& run : field(report, "runs"))
    for (const auto& l : field(run, "layers"))
      out += csv_line({str(run, "id"), str(l, "layer"), str(l, "op"), str(l, "weight"),
                       layer_format(l), csv_num(field(l, "output_sqnr_db")),
                       csv_num(field(l, "output_cosine")), csv_num(field(l, "output_nmse")), csv_num(field(l, "sensitivity_delta_top1_pts")),
                       csv_num(field(l, "sensitivity_harm"))});
  return out;
}

std::string render_csv_classes(const json& report) {
  std::string out = csv_line({"run", "class", "name", "support", "fp32_precision", "fp32_recall", "fp32_f1", "quantized_precision",
                              "quantized_recall", "quantized_f1", "f1_change_pts"});
  for (const auto& run : field(report, "runs"))
    for (const auto& c : field(run, "classes")) {
      const json &f = field(c, "fp32"), &q = field(c, "quantized");
      out += csv_line({str(run, "id"), str(c, "class"), str(c, "name"), str(c, "support"), csv_num(field(f, "precision")),
                       csv_num(field(f, "recall")), csv_num(field(f, "f1")), csv_num(field(q, "precision")), csv_num(field(q, "recall")),
                       csv_num(field(q, "f1")), csv_num(json(f1_change_pts(c)))});
    }
  return out;
}

}  // namespace qwb
