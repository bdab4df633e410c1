// The HTML report: one self-contained file (inline SVG charts, PNG samples as data: URLs, no
// scripts, no network), or the same markup with named images for Qt's rich text (the PDF).
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "qwb/report.h"
#include "report/charts.h"
#include "report/report_text.h"

namespace qwb {

using json = nlohmann::json;
using namespace report;

namespace {

// The page box only for browsers; Qt's rich text (the PDF) lays out on its own page.
constexpr const char* kBrowserCss = R"(
body { max-width: 1000px; margin: 24px auto; padding: 0 16px; }
)";
constexpr const char* kCss = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
h3 { font-size: 14px; margin-top: 18px; }
table { border-collapse: collapse; margin: 6px 0 10px 0; }
th, td { border: 1px solid #d0d0d0; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; }
.pass { color: #1a7f37; font-weight: bold; }
.fail { color: #c62828; font-weight: bold; }
.review { color: #b26a00; font-weight: bold; }
pre { background: #f6f8fa; border: 1px solid #ddd; padding: 8px; font-size: 11px; white-space: pre-wrap; }
img.sample { image-rendering: pixelated; border: 1px solid #aaa; }
td.sample { text-align: center; font-size: 11px; }
)";

// A number, possibly signed and with a unit ("-0.02", "92.14%", "0.309 ms", "3.87x smaller"), or
// "-" for none: right-aligned. Sentences starting with a digit are not.
bool numeric(const std::string& c) {
  if (c == "-") return true;
  const size_t digit = c.size() > 1 && (c[0] == '-' || c[0] == '+') ? 1 : 0;
  return digit < c.size() && std::isdigit(static_cast<unsigned char>(c[digit])) && std::count(c.begin(), c.end(), ' ') <= 1;
}

class Html {
 public:
  explicit Html(HtmlImages mode) : mode_(mode) {}
  std::string out;
  std::vector<ReportImage> images;

  void add(const std::string& s) { out += s; }
  void h(int level, const std::string& s, const std::string& id = "") {
    out += fmt::format("<h{}{}>{}</h{}>\n", level, id.empty() ? "" : " id=\"" + id + "\"", html_escape(s), level);
  }
  void p(const std::string& s, const char* cls = nullptr) {
    out += fmt::format("<p{}>{}</p>\n", cls ? fmt::format(" class=\"{}\"", cls) : "", html_escape(s));
  }
  void chart(const Svg& svg) {
    if (mode_ == HtmlImages::kInline) {
      out += "<div class=\"chart\">" + svg.text + "</div>\n";
      return;
    }
    const std::string name = fmt::format("chart-{}", images.size() + 1);
    images.push_back({name, "image/svg+xml", svg.text, svg.width, svg.height});
    out += fmt::format("<p><img src=\"{}\" width=\"{}\" height=\"{}\"></p>\n", name, svg.width, svg.height);
  }
  void png(const std::string& name, const std::string& base64, int size, const std::string& alt) {
    if (mode_ == HtmlImages::kInline) {
      out += fmt::format("<img class=\"sample\" src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" alt=\"{}\">", base64, size,
                         size, html_escape(alt));
      return;
    }
    images.push_back({name, "image/png", base64_decode(base64), size, size});
    out += fmt::format("<img src=\"{}\" width=\"{}\" height=\"{}\">", name, size, size);
  }
  // A key/value table (th in the first column).
  void kv(const std::vector<std::pair<std::string, std::string>>& rows) {
    out += "<table>\n";
    for (const auto& [k, v] : rows) out += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", html_escape(k), html_escape(v));
    out += "</table>\n";
  }
  // A table with a header row; cells starting with a digit, sign or '-' alone are right-aligned.
  void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
    out += "<table>\n<thead><tr>";
    for (const auto& c : head) out += "<th>" + html_escape(c) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& r : rows) {
      out += "<tr>";
      for (const auto& c : r) {
        out += (numeric(c) ? "<td class=\"n\">" : "<td>") + html_escape(c) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
  }

 private:
  HtmlImages mode_;
};

std::vector<std::string> class_labels(const json& run) {
  std::vector<std::string> names;
  for (const auto& c : field(run, "classes")) names.push_back(str(c, "name"));
  return names;
}

std::string gate_text(const json& gate) {
  if (!gate.is_object()) return "not gated";
  return str(gate, "outcome");
}

void summary(Html& h, const json& runs) {
  h.h(2, "Summary", "summary");
  std::vector<std::string> head = {""};
  for (const auto& r : runs) head.push_back(run_title(r));
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& name, auto fn) {
    std::vector<std::string> cells = {name};
    for (const auto& r : runs) cells.push_back(fn(r));
    rows.push_back(std::move(cells));
  };
  row("Model", [](const json& r) { return file_name(str(field(r, "model"), "path")); });
  row("Format", [](const json& r) { return run_format(r); });
  row("Scheme", [](const json& r) { return scheme(r); });
  row("FP32 top-1", [](const json& r) { return pct(field(field(field(r, "accuracy"), "fp32"), "top1")); });
  row("Quantized top-1", [](const json& r) { return pct(field(field(field(r, "accuracy"), "quantized"), "top1")); });
  row("Change (points)", [](const json& r) { return pts(field(field(r, "accuracy"), "delta_top1_pts")); });
  row("Top-1 agreement with FP32", [](const json& r) { return pct(field(field(r, "accuracy"), "agreement")); });
  row("Size", [](const json& r) {
    const json& s = field(r, "size");
    if (!has_number(field(s, "quantized_bytes"))) return bytes(field(s, "fp32_bytes")) + " (no exported file)";
    return bytes(field(s, "fp32_bytes")) + " \u2192 " + bytes(field(s, "quantized_bytes")) + " (" + smaller(field(s, "compression")) + ")";
  });
  row("Latency, batch 1", [](const json& r) {
    const json& l = field(r, "latency");
    if (!has_number(field(l, "fp32_ms")) || !has_number(field(l, "quantized_ms"))) return std::string("not measured");
    return ms(field(l, "fp32_ms")) + " \u2192 " + ms(field(l, "quantized_ms")) + " (" + faster(field(l, "speedup")) + ")";
  });
  row("Gate", [](const json& r) { return gate_text(field(r, "gate")); });
  h.table(head, rows);
  for (const auto& r : runs) {
    const json& g = field(r, "gate");
    if (g.is_object()) {
      const std::string o = str(g, "outcome");
      h.add(fmt::format("<p>Gate of run {}: <span class=\"{}\">{}</span> \u2014 {}</p>\n", run_id(r), html_escape(o),
                        html_escape(o == "pass" ? "PASS" : o == "fail" ? "FAIL" : o == "review" ? "REVIEW" : o), html_escape(str(g, "message"))));
    }
  }
}

// Changes against FP32 by class (F1 points) for every run, and per-layer output SQNR for every run.
void comparison_charts(Html& h, const json& runs) {
  const std::vector<const char*> colors = {kQuantColor, kOtherColor, kFp32Color};
  BarChart f1{"Per-class F1 change against FP32", "F1 points", class_labels(runs[0]), {}, true, 2};
  for (size_t i = 0; i < runs.size(); ++i) {
    Series s{fmt::format("run {}", run_id(runs[i])), colors[i % colors.size()], {}};
    for (const auto& c : field(runs[i], "classes"))
      s.values.push_back(f1_change_pts(c));
    if (!s.values.empty()) f1.series.push_back(std::move(s));
  }
  if (!f1.series.empty() && !f1.labels.empty()) h.chart(bar_chart(f1));
  std::vector<std::string> layers;
  std::set<std::string> seen;
  for (const auto& r : runs)
    for (const auto& l : field(r, "layers"))
      if (!std::isnan(sqnr_value(field(l, "output_sqnr_db"))))
        if (seen.insert(str(l, "layer")).second) layers.push_back(str(l, "layer"));
  if (layers.empty()) return;
  BarChart sq{"Per-layer output SQNR against FP32 (higher is better)", "dB", layers, {}, false, 1};
  for (size_t i = 0; i < runs.size(); ++i) {
    std::map<std::string, double> v;
    for (const auto& l : field(runs[i], "layers")) {
      const double x = sqnr_value(field(l, "output_sqnr_db"));
      if (!std::isnan(x)) v[str(l, "layer")] = x;
    }
    Series s{fmt::format("run {}", run_id(runs[i])), colors[i % colors.size()], {}};
    for (const auto& name : layers) s.values.push_back(v.count(name) ? v[name] : NAN);
    sq.series.push_back(std::move(s));
  }
  h.chart(bar_chart(sq));
}

void model_and_data(Html& h, const json& run) {
  const json& m = field(run, "model");
  h.h(3, "Model");
  if (m.is_object()) {
    h.kv({{"File", str(m, "path")},
          {"SHA-256", str(m, "sha256") + (field(m, "file_matches").is_boolean() && !field(m, "file_matches").get<bool>()
                                               ? "  (the file on disk has changed or is missing since the run)"
                                               : "  (the file on disk matches)")},
          {"Opset", str(m, "opset")},
          {"Architecture", str(m, "architecture") + " \u2014 " + str(m, "architecture_reason")},
          {"Parameters", str(m, "parameters")},
          {"File size", bytes(field(m, "file_bytes"))},
          {"Producer", str(m, "producer")}});
  }
  const json& d = field(run, "data");
  h.h(3, "Data");
  std::vector<std::pair<std::string, std::string>> rows;
  for (const char* role : {"calibration", "evaluation"}) {
    const json& ds = field(d, role);
    if (!ds.is_object()) continue;
    rows.push_back({role == std::string("calibration") ? "Calibration data" : "Evaluation data",
                    fmt::format("{} ({} samples, {} classes; {})", str(ds, "spec"), str(ds, "samples"), str(ds, "num_classes"),
                                str(ds, "preprocess"))});
  }
  if (num(field(d, "calibration_samples"), 0) > 0) {
    rows.push_back({"Calibration samples", fmt::format("{} drawn {} (seed {})", str(d, "calibration_samples"), str(d, "sampling"),
                                                       str(d, "sampling_seed"))});
    rows.push_back({"Sample ids SHA-256", str(d, "sample_ids_sha256")});
  }
  if (!rows.empty()) h.kv(rows);
  const json& v = field(d, "validation");
  if (v.is_object()) {
    h.p("Calibration-data validation: " + str(v, "status"));
    std::vector<std::vector<std::string>> checks;
    for (const auto& c : field(v, "checks"))
      checks.push_back({str(c, "status"), str(c, "name"), fixed(field(c, "value"), 4), fixed(field(c, "threshold"), 4), str(c, "message")});
    h.table({"Status", "Check", "Value", "Threshold", "Message"}, checks);
    for (const auto& n : field(v, "notes")) h.p("Note: " + n.get<std::string>());
  }
}

void decision(Html& h, const json& run) {
  const json& d = field(run, "decision");
  if (!d.is_object()) return;
  h.h(3, "Decision tree");
  const json& in = field(d, "inputs");
  h.p(fmt::format("Inputs: architecture {} ({}), hardware {} ({}), accuracy budget {} top-1 points ({}).", str(in, "architecture"),
                  str(in, "architecture_reason"), str(in, "hardware"), str(in, "hardware_reason"), fixed(field(in, "max_drop_pts"), 2),
                  str(in, "budget_source")));
  if (d.contains("error")) {
    h.p("No recommendation: " + str(d, "error"));
    return;
  }
  const json& rec = field(d, "recommendation");
  std::string verdict;
  if (d.contains("run_format")) {
    verdict = field(d, "run_matches").is_boolean() && field(d, "run_matches").get<bool>()
                  ? " This run used the recommended format."
                  : " This run used " + str(d, "run_format") + ".";
  }
  h.p(fmt::format("Recommendation: {} \u2014 expected loss {} points {} the budget, {}, {} (row {}, {}).{}", str(rec, "format"),
                  fixed(field(rec, "expected_loss_pts"), 2), field(rec, "budget_met").is_boolean() && field(rec, "budget_met").get<bool>() ? "within" : "OVER",
                  smaller(field(rec, "compression")), faster(field(rec, "speedup")), str(rec, "row"), str(rec, "source"), verdict));
  const json& mixed = field(rec, "mixed_plan");
  if (mixed.is_object()) h.p("Mixed-precision plan from the measured sensitivity: " + str(mixed, "summary"));
  h.add("<ol>\n");
  for (const auto& step : field(rec, "path")) h.add("<li>" + html_escape(step.get<std::string>()) + "</li>\n");
  h.add("</ol>\n");
  std::vector<std::vector<std::string>> alts;
  for (const auto& a : field(rec, "alternatives"))
    alts.push_back({str(a, "format"), fixed(field(a, "expected_loss_pts"), 2), times(field(a, "compression")), times(field(a, "speedup")),
                    field(a, "fits").is_boolean() && field(a, "fits").get<bool>() ? "yes" : "no", str(a, "row"), str(a, "why")});
  if (!alts.empty()) h.table({"Alternative", "Loss (points)", "Smaller", "Faster", "Fits", "Row", "Why"}, alts);
}

void accuracy(Html& h, const json& run) {
  const json& a = field(run, "accuracy");
  h.h(3, "Accuracy: FP32 against quantized");
  std::vector<std::vector<std::string>> rows;
  const json &f = field(a, "fp32"), &q = field(a, "quantized");
  rows.push_back({"Top-1", pct(field(f, "top1")), pct(field(q, "top1"))});
  if (f.contains("top5")) {
    rows.push_back({"Top-5", pct(field(f, "top5")), pct(field(q, "top5"))});
    rows.push_back({"Macro F1", fixed(field(f, "macro_f1"), 4), fixed(field(q, "macro_f1"), 4)});
    rows.push_back({"Weighted F1", fixed(field(f, "weighted_f1"), 4), fixed(field(q, "weighted_f1"), 4)});
    rows.push_back({"Expected calibration error", fixed(field(f, "ece"), 4), fixed(field(q, "ece"), 4)});
    rows.push_back({"Samples", str(f, "samples"), str(q, "samples")});
  }
  h.table({"Metric", "FP32", "Quantized (simulated)"}, rows);
  std::vector<std::pair<std::string, std::string>> kv = {{"Top-1 change", pts(field(a, "delta_top1_pts")) + " points"},
                                                         {"Top-1 agreement with FP32", pct(field(a, "agreement"))}};
  const json& oe = field(a, "output_error");
  if (oe.is_object()) kv.push_back({"Output SQNR / cosine", db(field(oe, "sqnr_db")) + " / " + fixed(field(oe, "cosine"), 6)});
  const json& ex = field(a, "exported");
  if (ex.is_object())
    kv.push_back({"Exported file run by the executor", "top-1 " + pct(field(ex, "top1")) + ", agreement with the simulation " +
                                                            pct(field(ex, "agreement_with_simulation"))});
  h.kv(kv);

  const json& classes = field(run, "classes");
  if (classes.empty()) return;
  std::vector<std::vector<std::string>> pc;
  for (const auto& c : classes) {
    const json &cf = field(c, "fp32"), &cq = field(c, "quantized");
    pc.push_back({str(c, "class"), str(c, "name"), str(c, "support"), fixed(field(cf, "precision"), 4), fixed(field(cf, "recall"), 4),
                  fixed(field(cf, "f1"), 4), fixed(field(cq, "precision"), 4), fixed(field(cq, "recall"), 4), fixed(field(cq, "f1"), 4),
                  pts(json(f1_change_pts(c)))});
  }
  h.h(3, "Per class");
  h.table({"#", "Class", "Support", "FP32 P", "FP32 R", "FP32 F1", "Quant. P", "Quant. R", "Quant. F1", "F1 change (pts)"}, pc);
  h.p("P: precision, R: recall; quantized is the simulated model.", "meta");
  const json& conf = field(run, "confusion");
  const json &cf = field(conf, "fp32"), &cq = field(conf, "quantized");
  if (cf.is_array() && cq.is_array() && cf.size() == cq.size() && !cf.empty()) {
    std::vector<std::vector<long long>> delta(cf.size());
    for (size_t i = 0; i < cf.size(); ++i)
      for (size_t j = 0; j < cf[i].size() && j < cq[i].size(); ++j) delta[i].push_back(cq[i][j].get<long long>() - cf[i][j].get<long long>());
    h.chart(confusion_delta_chart("Confusion matrix change (quantized minus FP32)", class_labels(run), delta));
  }
}

void flipped(Html& h, const json& run) {
  const json& f = field(run, "flipped");
  if (!f.is_object()) return;
  const json& shown = field(f, "shown");
  h.h(3, "Flipped samples");
  h.p(fmt::format("{} evaluation samples change their top-1 class when quantized; the first {} are shown.", str(f, "count"),
                  shown.size()));
  if (shown.empty()) return;
  constexpr size_t kPerRow = 6;
  h.add("<table>\n");
  for (size_t i = 0; i < shown.size(); ++i) {
    const json& s = shown[i];
    if (i % kPerRow == 0) h.add("<tr>");
    h.add("<td class=\"sample\">");
    if (s.contains("image_png_base64"))
      h.png(fmt::format("sample-{}-{}", run_id(run), str(s, "index")), field(s, "image_png_base64").get<std::string>(), 56,
            "sample " + str(s, "index"));
    const bool fixed_it = s.value("label", -1) == s.value("quantized", -2), broke = s.value("label", -1) == s.value("fp32", -2);
    h.add(fmt::format("<br>#{}<br>true: {}<br>FP32: {} ({:.0f}%)<br>quantized: {} ({:.0f}%){}", str(s, "index"),
                      html_escape(str(s, "label_name")), html_escape(str(s, "fp32_name")), 100 * num(field(s, "fp32_confidence"), 0),
                      html_escape(str(s, "quantized_name")), 100 * num(field(s, "quantized_confidence"), 0),
                      broke ? "<br><span class=\"fail\">now wrong</span>" : fixed_it ? "<br><span class=\"pass\">now right</span>" : ""));
    h.add("</td>");
    if (i % kPerRow == kPerRow - 1 || i + 1 == shown.size()) h.add("</tr>\n");
  }
  h.add("</table>\n");
}

void layers(Html& h, const json& run) {
  const json& ls = field(run, "layers");
  if (ls.empty()) return;
  h.h(3, "Per layer");
  const json& sens = field(run, "sensitivity");
  if (sens.is_object())
    h.p(fmt::format("Sensitivity from run {} ({}; {}): the top-1 change with only that layer quantized.", str(sens, "run"),
                    str(sens, "format"), str(sens, "scheme")));
  else
    h.p("No sensitivity run of this model in the project; run `qwb-cli sensitivity --project` to add the sensitivity columns.");
  std::vector<std::string> names;
  Series sqnr{"output SQNR", kQuantColor, {}}, harm{"top-1 change", kFp32Color, {}};
  bool any_sqnr = false, any_harm = false;
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : ls) {
    names.push_back(str(l, "layer"));
    const json& x = field(l, "output_sqnr_db");
    sqnr.values.push_back(sqnr_value(x));
    any_sqnr |= !x.is_null();
    const json& d = field(l, "sensitivity_delta_top1_pts");
    harm.values.push_back(num(d));
    any_harm |= has_number(d);
    rows.push_back({str(l, "layer"), str(l, "op"), layer_format(l),
                    db(field(l, "output_sqnr_db")), fixed(field(l, "output_cosine"), 6), pts(d)});
  }
  if (any_sqnr) h.chart(bar_chart({"Per-layer output SQNR against FP32 (whole model simulated; higher is better)", "dB", names, {sqnr}, false, 1}));
  if (any_harm) h.chart(bar_chart({"Per-layer sensitivity: top-1 change with only this layer quantized", "points", names, {harm}, true, 2}));
  h.table({"Layer", "Op", "Format", "Output SQNR", "Output cosine", "Sensitivity (top-1 points)"}, rows);
}

void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else if (!prefix.empty()) {
    out.emplace_back(prefix, j.is_string() ? j.get<std::string>() : j.dump());
  }
}

void size_latency(Html& h, const json& run) {
  h.h(3, "Size and latency");
  const json &s = field(run, "size"), &l = field(run, "latency");
  const bool measured = has_number(field(l, "fp32_ms")) && has_number(field(l, "quantized_ms"));
  h.table({"", "FP32", "Quantized", "Ratio"},
          {{"File size", bytes(field(s, "fp32_bytes")), bytes(field(s, "quantized_bytes")), smaller(field(s, "compression"))},
           measured ? std::vector<std::string>{"Latency (batch 1, median)", ms(field(l, "fp32_ms")), ms(field(l, "quantized_ms")),
                                               faster(field(l, "speedup"))}
                    : std::vector<std::string>{"Latency (batch 1, median)", "not measured", "", ""}});
  if (l.is_object()) h.p("Latency: " + str(l, "note") + ". Measured by the workbench's executor on the machine that ran the report.", "meta");
}

void provenance(Html& h, const json& run) {
  h.h(3, "Configuration");
  // Flattened to dotted keys: a short table instead of pages of pretty-printed JSON (the JSON
  // report has it as stored).
  std::vector<std::pair<std::string, std::string>> config;
  flatten(field(run, "config"), "", config);
  std::vector<std::vector<std::string>> pairs;  // two settings per row: half the length
  for (size_t i = 0; i < config.size(); i += 2) {
    pairs.push_back({config[i].first, config[i].second, i + 1 < config.size() ? config[i + 1].first : "",
                     i + 1 < config.size() ? config[i + 1].second : ""});
  }
  h.table({"Setting", "Value", "Setting", "Value"}, pairs);
  const json& aq = field(run, "autoquant");
  if (aq.is_object()) h.p("Mixed-precision search: " + str(aq, "statement"));
  h.h(3, "Artifacts and provenance");
  std::vector<std::vector<std::string>> arts;
  for (const auto& a : field(run, "artifacts")) arts.push_back({str(a, "kind"), str(a, "path"), bytes(field(a, "bytes")), str(a, "sha256")});
  if (!arts.empty()) h.table({"Kind", "File", "Size", "SHA-256"}, arts);
  h.kv({{"Run", fmt::format("{} ({}), {}", str(run, "id"), str(run, "kind"), str(run, "status"))},
        {"Created / started / finished (UTC)", str(run, "created") + " / " + str(run, "started") + " / " + str(run, "finished")},
        {"Recorded by", "Quantization Workbench " + str(run, "tool_version")},
        {"Seed", str(run, "seed")}});
  for (const auto& n : field(run, "notices")) h.p("Notice: " + n.get<std::string>(), "meta");
}

}  // namespace

HtmlReport render_html(const json& report, HtmlImages mode) {
  Html h(mode);
  const json& runs = field(report, "runs");
  std::string title = "Quantization review: ";
  for (size_t i = 0; i < runs.size(); ++i) title += (i ? " vs " : "") + run_title(runs[i]);
  h.add("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) + "</title>\n<style>" +
        kCss + (mode == HtmlImages::kInline ? kBrowserCss : "") + "</style>\n</head>\n<body>\n");
  h.h(1, title);
  const json& tool = field(report, "tool");
  h.p(fmt::format("Generated {} by {} {} (commit {}) from project {}.", str(report, "generated"), str(tool, "name"), str(tool, "version"),
                  str(tool, "commit"), str(field(report, "project"), "path")),
      "meta");
  summary(h, runs);
  if (runs.size() > 1) {
    h.h(2, "Comparison");
    comparison_charts(h, runs);
  }
  for (const auto& run : runs) {
    h.h(2, run_title(run), fmt::format("run-{}", run_id(run)));
    model_and_data(h, run);
    decision(h, run);
    accuracy(h, run);
    flipped(h, run);
    layers(h, run);
    size_latency(h, run);
    provenance(h, run);
  }
  h.h(2, "Tool");
  h.add("<pre>" + html_escape(str(tool, "name") + " " + str(tool, "version") + " (commit " + str(tool, "commit") + ")\n" +
                              str(tool, "libraries")) +
        "</pre>\n");
  h.add("</body>\n</html>\n");
  return {std::move(h.out), std::move(h.images)};
}

}  // namespace qwb
