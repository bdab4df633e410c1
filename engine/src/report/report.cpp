// build_report: one JSON document with everything a reviewer needs about a run (docs/reports.md).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

#include "qwb/hash.h"
#include "qwb/jobs.h"
#include "qwb/report.h"
#include "qwb/version.h"

namespace qwb {

using json = nlohmann::json;

namespace {

std::string now_utc() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t file_bytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(n);
}

std::optional<double> metric(const RunRecord& r, const std::string& name) {
  auto it = r.metrics.find(name);
  if (it == r.metrics.end()) return std::nullopt;
  return it->second;
}

json opt(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json model_section(const ModelRecord& m, const RunRecord& r) {
  json j = {{"id", m.id}, {"path", m.path}, {"sha256", r.model_sha256.empty() ? m.sha256 : r.model_sha256},
            {"file_bytes", file_bytes(m.path)}};
  for (const char* k : {"opset", "architecture", "architecture_reason", "parameters", "parameter_bytes", "producer", "nodes"}) {
    j[k] = m.summary.contains(k) ? m.summary[k] : json(nullptr);
  }
  // Whether the file on disk is still the one the run used: a reviewer must know if it moved on.
  auto sha = sha256_file(m.path);
  j["file_matches"] = sha && *sha == j["sha256"].get<std::string>();
  if (!sha) j["file_error"] = sha.status().message();
  return j;
}

json dataset_section(const Project& p, int64_t id) {
  if (id == 0) return nullptr;
  auto d = p.get_dataset(id);
  if (!d) return {{"id", id}, {"error", d.status().message()}};
  return {{"id", d->id}, {"spec", d->spec}, {"samples", d->samples}, {"num_classes", d->num_classes},
          {"preprocess", d->preprocess.value("describe", "")}};
}

// A flipped sample's input as a PNG when it is an image: uint8 (or float, min-max scaled) pixels
// shaped [H, W], [H, W, C] (NHWC) or [C, H, W] with C = 1 or 3. Empty otherwise.
std::string sample_png(const Dataset& ds, int64_t index) {
  const Shape s = ds.sample_shape();
  int64_t h = 0, w = 0, c = 1;
  bool chw = false;
  if (s.size() == 2) {
    h = s[0], w = s[1];
  } else if (s.size() == 3 && (s[2] == 1 || s[2] == 3) && ds.preprocess().layout == "NHWC") {
    h = s[0], w = s[1], c = s[2];
  } else if (s.size() == 3 && (s[0] == 1 || s[0] == 3)) {
    c = s[0], h = s[1], w = s[2], chw = true;
  } else {
    return {};
  }
  if (h < 4 || w < 4 || index < 0 || index >= ds.size()) return {};
  const Tensor& raw = ds.raw_samples();
  const int64_t n = h * w * c, base = index * n;
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = raw.get_double(base + i);
  double lo = 0, hi = 255;
  if (raw.dtype() != DType::kUInt8) {
    lo = *std::min_element(v.begin(), v.end());
    hi = *std::max_element(v.begin(), v.end());
    if (!(hi > lo)) hi = lo + 1;
  }
  std::vector<uint8_t> px(static_cast<size_t>(n));
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) {
        const int64_t src = chw ? (k * h + y) * w + x : (y * w + x) * c + k;
        const double t = std::clamp((v[static_cast<size_t>(src)] - lo) / (hi - lo), 0.0, 1.0);
        px[static_cast<size_t>((y * w + x) * c + k)] = static_cast<uint8_t>(std::lround(255 * t));
      }
  return encode_png(px.data(), static_cast<int>(w), static_cast<int>(h), static_cast<int>(c));
}

std::string class_name(const std::vector<std::string>& names, int64_t i) {
  if (i >= 0 && static_cast<size_t>(i) < names.size()) return names[static_cast<size_t>(i)];
  return std::to_string(i);
}

// FP32 vs quantized metrics, per-class table, confusion matrices and flipped samples of a quantize
// run's "report" document.
void accuracy_sections(const json& doc, const RunRecord& r, const Dataset* eval, const ReportOptions& o, json& j) {
  const std::vector<std::string> names = eval ? eval->class_names() : std::vector<std::string>{};
  json acc = json::object();
  for (const char* side : {"fp32", "quantized"}) {
    if (!doc.contains(side)) continue;
    const json& m = doc[side];
    acc[side] = {{"top1", m.value("top1", 0.0)}, {"top5", m.value("top5", 0.0)}, {"macro_f1", m.value("macro_f1", 0.0)},
                 {"weighted_f1", m.value("weighted_f1", 0.0)}, {"ece", m.value("ece", 0.0)}, {"samples", m.value("samples", 0)}};
  }
  if (doc.contains("exported_eval")) {
    const json& e = doc["exported_eval"];
    acc["exported"] = {{"top1", e.value("top1", 0.0)}, {"top5", e.value("top5", 0.0)}, {"samples", e.value("samples", 0)},
                       {"agreement_with_simulation", e.value("agreement_with_simulation", 0.0)}};
  }
  acc["delta_top1_pts"] = opt(metric(r, "delta_top1_pts"));
  acc["agreement"] = opt(metric(r, "agreement"));
  acc["output_error"] = doc.value("output_error", json(nullptr));
  j["accuracy"] = acc;

  json classes = json::array();
  if (doc.contains("fp32") && doc.contains("quantized")) {
    const json& a = doc["fp32"]["per_class"];
    const json& b = doc["quantized"]["per_class"];
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      auto side = [](const json& c) {
        return json{{"precision", c.value("precision", 0.0)}, {"recall", c.value("recall", 0.0)}, {"f1", c.value("f1", 0.0)}};
      };
      classes.push_back({{"class", i}, {"name", class_name(names, static_cast<int64_t>(i))}, {"support", a[i].value("support", 0)},
                         {"fp32", side(a[i])}, {"quantized", side(b[i])}});
    }
    j["confusion"] = {{"fp32", doc["fp32"].value("confusion", json::array())},
                      {"quantized", doc["quantized"].value("confusion", json::array())}};
  }
  j["classes"] = classes;

  json shown = json::array();
  if (doc.contains("flipped")) {
    for (const auto& f : doc["flipped"]) {
      if (shown.size() >= o.max_flipped) break;
      json s = {{"index", f.value("index", -1)},
                {"label", f.value("label", -1)},
                {"fp32", f.value("fp32", -1)},
                {"quantized", f.value("quantized", -1)},
                {"fp32_confidence", f.value("fp32_confidence", 0.0)},
                {"quantized_confidence", f.value("quantized_confidence", 0.0)}};
      s["label_name"] = s["label"].get<int64_t>() < 0 ? "" : class_name(names, s["label"].get<int64_t>());
      s["fp32_name"] = class_name(names, s["fp32"].get<int64_t>());
      s["quantized_name"] = class_name(names, s["quantized"].get<int64_t>());
      if (eval) {
        const std::string png = sample_png(*eval, s["index"].get<int64_t>());
        if (!png.empty()) s["image_png_base64"] = base64_encode(png);
      }
      shown.push_back(std::move(s));
    }
  }
  j["flipped"] = {{"count", doc.value("flipped_count", shown.size())}, {"shown", shown}};
}

// One row per quantized layer in graph order: op, formats, output error against FP32, and the
// layer's measured sensitivity when the project has a sensitivity run of the same model.
json layer_rows(const Project& p, const RunRecord& r, const Model* model, const std::optional<SensitivitySummary>& sens) {
  std::map<std::string, json> rows;
  if (auto lr = p.layer_results(r.id)) {
    for (const auto& row : *lr) rows[row.layer] = row.values;
  }
  std::map<std::string, const LayerHarm*> harm;
  if (sens) {
    for (const auto& l : sens->layers) harm[l.layer] = &l;
  }
  std::vector<std::string> order;
  std::map<std::string, std::string> ops;
  if (model) {
    for (const auto& n : model->summary().nodes) {
      ops[n.name] = n.op_type;
      if (rows.count(n.name) || harm.count(n.name)) order.push_back(n.name);
    }
  }
  std::set<std::string> placed(order.begin(), order.end());
  for (const auto& [name, v] : rows)
    if (!placed.count(name)) order.push_back(name);
  json out = json::array();
  for (const auto& name : order) {
    json row = {{"layer", name}};
    auto op = ops.find(name);
    row["op"] = op != ops.end() ? op->second : (harm.count(name) ? harm[name]->op : "");
    if (auto it = rows.find(name); it != rows.end()) {
      for (const auto& [k, v] : it->second.items()) row[k] = v;
    }
    if (auto h = harm.find(name); h != harm.end()) {
      row["sensitivity_harm"] = h->second->harm;
      row["sensitivity_delta_top1_pts"] = opt(h->second->delta_top1_pts);
    }
    out.push_back(std::move(row));
  }
  return out;
}

// The decision tree's answer for this model and the format the run actually used.
json decision_section(Project& p, const RunRecord& r, const json& model, const std::optional<SensitivitySummary>& sens,
                      const std::optional<double>& fp32_pct, const json& gate, const ReportOptions& o) {
  RecommendInputs in;
  in.architecture = model.value("architecture", json("other")).is_string() ? model.value("architecture", "other") : "other";
  in.architecture_reason = "detected: " + (model["architecture_reason"].is_string() ? model["architecture_reason"].get<std::string>() : "");
  in.hardware = o.hardware;
  in.hardware_reason = o.hardware == this_machine_hardware() ? "this machine" : "given";
  std::string budget_source = "default";
  in.max_drop = 1.0;
  if (o.max_drop) {
    in.max_drop = *o.max_drop, budget_source = "given";
  } else if (gate.is_object() && gate.contains("threshold_pts")) {
    in.max_drop = gate["threshold_pts"].get<double>(), budget_source = "the run's gate";
  }
  in.baseline_pct = fp32_pct;
  json j = {{"inputs", {{"architecture", in.architecture}, {"architecture_reason", in.architecture_reason},
                        {"hardware", hardware_name(in.hardware)}, {"hardware_reason", in.hardware_reason},
                        {"max_drop_pts", in.max_drop}, {"budget_source", budget_source}}}};
  auto rows = decision_table(p);
  if (!rows) {
    j["error"] = rows.status().message();
    return j;
  }
  auto rec = recommend(in, *rows, sens ? &*sens : nullptr);
  if (!rec) {
    j["error"] = rec.status().message();
    return j;
  }
  j["recommendation"] = to_json(*rec);
  if (auto f = decision_format(r.config)) {
    j["run_format"] = *f;
    j["run_matches"] = *f == rec->format;
  }
  return j;
}

// Size of the model and of the run's exported file, and batch-1 latency of both (measured now
// and stored on the run when missing and allowed).
void size_latency(Project& p, RunRecord& r, const json& model, const std::vector<ArtifactRecord>& artifacts, const ReportOptions& o,
                  ProgressSink& progress, json& j) {
  const ArtifactRecord* exported = nullptr;
  for (const auto& a : artifacts)
    if (a.kind == "qdq" || a.kind == "fp16") exported = &a;
  const int64_t fp32 = model.value("file_bytes", int64_t{-1});
  json size = {{"fp32_bytes", fp32 >= 0 ? json(fp32) : json(nullptr)}, {"quantized_bytes", nullptr}, {"compression", nullptr}};
  if (exported) {
    size["quantized_bytes"] = exported->bytes;
    size["quantized_path"] = exported->path;
    if (fp32 > 0 && exported->bytes > 0) size["compression"] = static_cast<double>(fp32) / static_cast<double>(exported->bytes);
  }
  j["size"] = size;

  auto f = metric(r, "latency.fp32_ms"), q = metric(r, "latency.quantized_ms");
  std::string note = "stored with the run";
  if ((!f || !q || o.remeasure_latency) && exported && (o.measure_latency || o.remeasure_latency) && file_bytes(exported->path) > 0 &&
      fp32 > 0) {
    auto ms = measure_latencies({model["path"].get<std::string>(), exported->path}, progress);
    if (!ms) {
      if (ms.status().code() == StatusCode::kCancelled) return;
      note = "not measured: " + ms.status().message();
    } else {
      f = (*ms)[0], q = (*ms)[1];
      const std::map<std::string, double> measured = {{"latency.fp32_ms", *f}, {"latency.quantized_ms", *q}};
      (void)p.add_metrics(r.id, measured);  // kept with the run, as the GUI's measurement is
      for (const auto& [k, v] : measured) r.metrics[k] = v;
      note = "measured for this report (batch 1, median of 20 runs each, the two models timed in turn) and stored with the run";
    }
  } else if (!f || !q) {
    note = exported ? "not measured" : "no exported model";
  }
  j["latency"] = {{"fp32_ms", opt(f)}, {"quantized_ms", opt(q)},
                  {"speedup", f && q && *q > 0 ? json(*f / *q) : json(nullptr)}, {"note", note}};
}

Result<json> run_section(Project& p, int64_t id, const ReportOptions& o, ProgressSink& progress) {
  QWB_ASSIGN_OR_RETURN(RunRecord r, p.get_run(id));
  json j = {{"id", r.id},           {"kind", r.kind},       {"status", run_status_name(r.status)}, {"created", r.created},
            {"started", r.started}, {"finished", r.finished}, {"tool_version", r.tool_version},    {"error", r.error},
            {"seed", r.seed},       {"config", r.config},   {"metrics", r.metrics}};
  std::optional<Model> model;
  json mj = nullptr;
  if (r.model_id) {
    QWB_ASSIGN_OR_RETURN(ModelRecord m, p.get_model(r.model_id));
    // The model file may have moved or changed; the report still describes what was recorded.
    if (auto loaded = Model::load(m.path, {.run_checker = false, .measure_shapes = false})) model = std::move(*loaded);
    mj = model_section(m, r);
  }
  j["model"] = mj;
  json doc = nullptr;
  if (auto d = p.document(r.id, "report")) doc = *d;
  QWB_ASSIGN_OR_RETURN(auto artifacts, p.artifacts(r.id));

  json data = {{"calibration", dataset_section(p, r.dataset_id)}, {"evaluation", dataset_section(p, r.eval_dataset_id)},
               {"calibration_samples", r.sample_ids.size()}, {"sample_ids_sha256", r.sample_ids_sha256}};
  if (r.config.contains("calib")) {
    const json& c = r.config["calib"];
    data["sampling"] = c.value("sampling", "");
    data["sampling_seed"] = c.value("seed", 0);
  }
  data["validation"] = doc.is_object() ? doc.value("validation", json(nullptr)) : json(nullptr);
  j["data"] = data;

  // The evaluation data again, for class names and the flipped samples' images.
  std::optional<Dataset> eval;
  if (model && r.config.contains("eval") && r.config["eval"].is_object()) {
    DataSource src = data_source_from_json(r.config["eval"]);
    if (!src.spec.empty()) {
      if (auto ds = load_for_model(*model, src)) eval = std::move(*ds);
      else j["notices"].push_back("evaluation data not loaded (no class names or images): " + ds.status().message());
    }
  }
  if (doc.is_object()) accuracy_sections(doc, r, eval ? &*eval : nullptr, o, j);
  if (!j.contains("accuracy")) {
    // Runs without a comparison document (sensitivity, autoquant) still have metrics; a sweep's
    // quantized top-1 is the one with every layer quantized.
    auto f = metric(r, "fp32.top1"), q = metric(r, r.kind == "sensitivity" ? "all.top1" : "quantized.top1");
    auto delta = metric(r, "delta_top1_pts");
    if (!delta && f && q) delta = 100 * (*q - *f);
    j["accuracy"] = {{"fp32", {{"top1", opt(f)}}}, {"quantized", {{"top1", opt(q)}}}, {"delta_top1_pts", opt(delta)}};
  }

  std::optional<SensitivitySummary> sens;
  std::optional<double> fp32_pct;
  if (mj.is_object()) {
    QWB_ASSIGN_OR_RETURN(ModelFacts facts, model_facts(p, mj["sha256"].get<std::string>()));
    sens = facts.sensitivity;
    fp32_pct = facts.fp32_pct;
  }
  if (sens) {
    j["sensitivity"] = {{"run", sens->run}, {"format", sens->format}, {"scheme", sens->scheme}, {"layers", sens->layers.size()},
                        {"all_loss_pts", opt(sens->all_loss_pts)}};
  } else {
    j["sensitivity"] = nullptr;
  }
  j["layers"] = layer_rows(p, r, model ? &*model : nullptr, sens);

  json gate = nullptr;
  if (auto g = p.document(r.id, "gate")) gate = *g;
  j["gate"] = gate;
  if (mj.is_object()) j["decision"] = decision_section(p, r, mj, sens, fp32_pct, gate, o);
  if (auto a = p.document(r.id, "autoquant")) {
    j["autoquant"] = {{"statement", a->value("statement", "")}, {"budget_met", a->value("budget_met", false)},
                      {"timed_out", a->value("timed_out", false)}, {"plans", a->contains("plans") ? (*a)["plans"].size() : 0}};
  }
  if (mj.is_object()) size_latency(p, r, mj, artifacts, o, progress, j);
  json arts = json::array();
  for (const auto& a : artifacts) arts.push_back({{"path", a.path}, {"sha256", a.sha256}, {"bytes", a.bytes}, {"kind", a.kind}});
  j["artifacts"] = arts;
  j["metrics"] = r.metrics;  // with a latency measured above
  if (doc.is_object() && doc.contains("notices")) {
    for (const auto& n : doc["notices"]) j["notices"].push_back(n);
  }
  if (!j.contains("notices")) j["notices"] = json::array();
  return j;
}

}  // namespace

Result<json> build_report(Project& p, int64_t run, const ReportOptions& o, ProgressSink& progress) {
  std::vector<int64_t> ids = {run};
  if (o.compare_run) {
    if (*o.compare_run == run) return invalid_argument("--compare: run " + std::to_string(run) + " compared with itself");
    ids.push_back(*o.compare_run);
  }
  json runs = json::array();
  for (int64_t id : ids) {
    QWB_ASSIGN_OR_RETURN(RunRecord r, p.get_run(id));
    if (!is_reportable_run_kind(r.kind)) {
      return invalid_argument("run " + std::to_string(id) + " is a '" + r.kind +
                              "' run; reports describe a quantization: quantize, autoquant, sensitivity, calibrate or export runs");
    }
    if (r.status != RunStatus::kSucceeded && r.status != RunStatus::kCancelled) {
      return invalid_argument("run " + std::to_string(id) + " is " + run_status_name(r.status) +
                              "; reports are made of succeeded (or cancelled, partial) runs");
    }
    auto section = run_section(p, id, o, progress);
    if (!section) return section.status().with_context("run " + std::to_string(id));
    runs.push_back(std::move(*section));
  }
  progress.report(3, 3, "report assembled");
  return json{{"schema", "qwb.report/1"},
              {"generated", now_utc()},
              {"tool", {{"name", "Quantization Workbench"}, {"version", version()}, {"commit", git_commit()},
                        {"libraries", library_versions()}}},
              {"project", {{"path", p.path()}, {"schema_version", Project::schema_version()}}},
              {"runs", runs}};
}

bool is_reportable_run_kind(const std::string& kind) {
  return kind == "quantize" || kind == "autoquant" || kind == "sensitivity" || kind == "calibrate" || kind == "export";
}

Status add_report_artifacts(Project& p, int64_t run, const std::vector<std::string>& files, ReportFormat format) {
  for (const auto& f : files) QWB_RETURN_IF_ERROR(add_file_artifact(p, run, f, std::string("report-") + report_format_name(format)));
  return Status::ok();
}

Result<ReportFormat> parse_report_format(const std::string& s) {
  if (s == "html") return ReportFormat::kHtml;
  if (s == "pdf") return ReportFormat::kPdf;
  if (s == "md" || s == "markdown") return ReportFormat::kMarkdown;
  if (s == "csv") return ReportFormat::kCsv;
  if (s == "json") return ReportFormat::kJson;
  return invalid_argument("report format '" + s + "': expected html, pdf, md, csv or json");
}

const char* report_format_name(ReportFormat f) {
  switch (f) {
    case ReportFormat::kHtml: return "html";
    case ReportFormat::kPdf: return "pdf";
    case ReportFormat::kMarkdown: return "md";
    case ReportFormat::kCsv: return "csv";
    case ReportFormat::kJson: return "json";
  }
  return "?";
}

Result<ReportFormat> report_format_for_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (ext == ".htm") ext = ".html";
  if (ext.size() > 1) {
    if (auto f = parse_report_format(ext.substr(1))) return f;
  }
  return invalid_argument("file '" + path + "': cannot tell the report format from its extension; give --format html|pdf|md|csv|json");
}

}  // namespace qwb
