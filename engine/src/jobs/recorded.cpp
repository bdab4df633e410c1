// Jobs recorded in a project file, and reruns of recorded runs.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "qwb/decide.h"
#include "qwb/hash.h"
#include "qwb/jobs.h"

namespace qwb {

using json = nlohmann::json;

namespace {

// Finishes a run as failed or cancelled and passes the job's status on.
Status fail_run(Project& p, int64_t run, const Status& st) {
  (void)p.finish_run(run, st.code() == StatusCode::kCancelled ? RunStatus::kCancelled : RunStatus::kFailed, st.message());
  return st;
}

// The model recorded in the project, loaded once for the datasets' preprocessing too.
struct RecordedModel {
  int64_t id = 0;
  Model model;
};

Result<RecordedModel> add_model(Project& p, const std::string& path) {
  QWB_ASSIGN_OR_RETURN(std::string sha, sha256_file(path));
  QWB_ASSIGN_OR_RETURN(Model m, Model::load(path, {.run_checker = false, .measure_shapes = false}));
  const ModelSummary& s = m.summary();
  json summary = {{"opset", s.opset}, {"parameters", s.parameters}, {"parameter_bytes", s.parameter_bytes},
                  {"architecture", s.architecture}, {"architecture_reason", s.architecture_reason},
                  {"producer", s.producer}, {"nodes", s.nodes.size()}};
  QWB_ASSIGN_OR_RETURN(int64_t id, p.add_model(path, sha, summary));
  return RecordedModel{id, std::move(m)};
}

Result<int64_t> add_dataset(Project& p, const Model& model, const DataSource& d) {
  if (d.spec.empty()) return int64_t{0};
  QWB_ASSIGN_OR_RETURN(Dataset ds, load_for_model(model, d));
  json pre = to_json(d);
  pre["describe"] = ds.preprocess().describe();
  return p.add_dataset(d.spec, pre, ds.size(), ds.has_labels() ? ds.num_classes() : 0);
}

void put_metric(std::map<std::string, double>& m, const std::string& k, double v) {
  if (std::isfinite(v)) m[k] = v;
}

std::map<std::string, double> comparison_metrics(const Comparison& c) {
  std::map<std::string, double> m;
  if (c.has_labels) {
    for (const auto& [prefix, e] : {std::pair{"fp32", &c.reference}, std::pair{"quantized", &c.candidate}}) {
      put_metric(m, std::string(prefix) + ".top1", e->metrics.top1);
      put_metric(m, std::string(prefix) + ".top5", e->metrics.top5);
      put_metric(m, std::string(prefix) + ".macro_f1", e->metrics.macro_f1);
      put_metric(m, std::string(prefix) + ".weighted_f1", e->metrics.weighted_f1);
      put_metric(m, std::string(prefix) + ".ece", e->ece);
    }
    put_metric(m, "delta_top1_pts", 100.0 * (c.candidate.metrics.top1 - c.reference.metrics.top1));
  }
  put_metric(m, "agreement", c.agreement);
  put_metric(m, "flipped", static_cast<double>(c.flipped.size()));
  put_metric(m, "output.sqnr_db", c.output_error.sqnr_db);
  put_metric(m, "output.cosine", c.output_error.cosine);
  put_metric(m, "output.mse", c.output_error.mse);
  put_metric(m, "output.max_abs", c.output_error.max_abs);
  return m;
}

std::vector<LayerResult> layer_rows(const Quantization& q, const std::vector<LayerError>& errors) {
  std::map<std::string, json> rows;
  for (const auto& e : errors) {
    json& r = rows[e.layer];
    r["output_sqnr_db"] = std::isfinite(e.error.sqnr_db) ? json(e.error.sqnr_db) : json("inf");
    r["output_cosine"] = e.error.cosine;
    r["output_nmse"] = e.error.nmse;
  }
  for (const auto& [name, w] : q.plan.weights) {
    const QuantizedTensor& t = q.weights.at(name);
    json& r = rows[w.node];
    r["weight"] = name;
    r["weight_format"] = w.spec.describe();
    r["weight_range"] = {t.range.lo, t.range.hi};
    if (t.scale.defined()) {
      const float* s = t.scale.data<float>();
      r["weight_scale_min"] = *std::min_element(s, s + t.scale.numel());
      r["weight_scale_max"] = *std::max_element(s, s + t.scale.numel());
    }
  }
  for (const std::string& n : q.plan.excluded_nodes) rows[n]["excluded"] = true;
  std::vector<LayerResult> out;
  for (auto& [node, v] : rows) out.push_back({node, std::move(v)});
  return out;
}


// Records the model and the calibration and evaluation data of a quantize-like job, then
// creates and starts its run.
Result<int64_t> start_recorded_run(Project& p, const std::string& kind, const QuantizeConfig& c, const json& config,
                                   int64_t* run_id) {
  QWB_ASSIGN_OR_RETURN(RecordedModel model, add_model(p, c.model));
  QWB_ASSIGN_OR_RETURN(int64_t calib_id, add_dataset(p, model.model, c.calib.data));
  QWB_ASSIGN_OR_RETURN(int64_t eval_id, add_dataset(p, model.model, c.eval));
  RunConfig rc;
  rc.kind = kind;
  rc.model_id = model.id;
  rc.dataset_id = calib_id;
  rc.eval_dataset_id = eval_id;
  rc.config = config;
  rc.seed = c.calib.seed;
  QWB_ASSIGN_OR_RETURN(int64_t run, p.create_run(rc));
  if (run_id) *run_id = run;
  QWB_RETURN_IF_ERROR(p.start_run(run));
  return run;
}

}  // namespace

Status add_file_artifact(Project& p, int64_t run, const std::string& path, const std::string& kind) {
  QWB_ASSIGN_OR_RETURN(std::string sha, sha256_file(path));
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  return p.add_artifact(run, {path, sha, ec ? 0 : static_cast<int64_t>(bytes), kind});
}

Result<int64_t> attach_model(Project& p, const std::string& path) {
  QWB_ASSIGN_OR_RETURN(RecordedModel m, add_model(p, path));
  return m.id;
}

Result<int64_t> attach_dataset(Project& p, const std::string& model_path, const DataSource& data) {
  if (data.spec.empty()) return invalid_argument("no dataset spec given");
  QWB_ASSIGN_OR_RETURN(Model m, Model::load(model_path, {.run_checker = false, .measure_shapes = false}));
  return add_dataset(p, m, data);
}

Result<QuantizeReport> run_quantize(Project& p, const QuantizeConfig& c, ProgressSink& progress, int64_t* run_id,
                                    const std::string& kind) {
  QWB_ASSIGN_OR_RETURN(int64_t run, start_recorded_run(p, kind, c, to_json(c), run_id));
  auto r = run_quantize(c, progress);
  if (!r) return fail_run(p, run, r.status());
  // Each result is its own transaction: a kill between them loses only what is not yet written.
  std::map<std::string, double> m = r->comparison ? comparison_metrics(*r->comparison) : std::map<std::string, double>{};
  put_metric(m, "calib_seconds", r->calib_seconds);
  put_metric(m, "seconds", r->seconds);
  put_metric(m, "quantized_nodes", static_cast<double>(r->quantization->plan.quantized_nodes.size()));
  if (r->exported) put_metric(m, "exported.bytes", static_cast<double>(r->exported->bytes));
  Status st = p.set_run_inputs(run, r->sample_ids, r->sample_ids_sha256, r->model_sha256);
  if (st) st = p.add_metrics(run, m);
  if (st) st = p.add_statistics(run, *r->statistics);
  if (st) st = p.add_thresholds(run, *r->quantization);
  if (st) st = p.add_layer_results(run, layer_rows(*r->quantization, r->layer_errors));
  if (st) {
    json doc = to_json(*r);
    doc["sample_ids_sha256"] = r->sample_ids_sha256;
    st = p.put_document(run, "report", doc);
  }
  if (st && !c.out.empty()) st = add_file_artifact(p, run, c.out, c.format);
  if (!st) return fail_run(p, run, st);
  QWB_RETURN_IF_ERROR(p.finish_run(run, RunStatus::kSucceeded));
  // The measured loss (and compression) updates this architecture x machine x format row of the
  // decision table (qwb/decide.h). The run has succeeded already, so a failure here is a notice.
  if (auto learned = learn_from_run(p, run, this_machine_hardware()); !learned)
    r->notices.push_back("decision table not updated: " + learned.status().message());
  return r;
}

Result<SensitivityJobReport> run_sensitivity(Project& p, const SensitivityConfig& c, ProgressSink& progress,
                                             int64_t* run_id) {
  QWB_ASSIGN_OR_RETURN(int64_t run, start_recorded_run(p, "sensitivity", c.base, to_json(c), run_id));
  auto r = run_sensitivity(c, progress);
  if (!r) return fail_run(p, run, r.status());
  const SensitivityReport& s = r->report;
  std::map<std::string, double> m;
  put_metric(m, "fp32.top1", s.fp32_top1);
  put_metric(m, "all.top1", s.all_top1);
  put_metric(m, "samples", static_cast<double>(s.samples));
  put_metric(m, "layers", static_cast<double>(s.layers.size()));
  put_metric(m, "seconds", r->seconds);
  const json doc = to_json(*r);
  std::vector<LayerResult> rows;
  for (const auto& l : doc.at("layers")) rows.push_back({l.at("layer").get<std::string>(), l});
  Status st = p.set_run_inputs(run, r->calib_ids, r->calib_ids_sha256, r->model_sha256);
  if (st) st = p.add_metrics(run, m);
  if (st) st = p.add_layer_results(run, rows);
  if (st) st = p.put_document(run, "sensitivity", doc);
  if (!st) return fail_run(p, run, st);
  // A cancelled sweep keeps what it measured; the run says it did not finish.
  QWB_RETURN_IF_ERROR(p.finish_run(run, s.cancelled ? RunStatus::kCancelled : RunStatus::kSucceeded,
                                   s.cancelled ? "cancelled after " + std::to_string(s.samples) + " of " +
                                                     std::to_string(s.planned_samples) + " samples" : ""));
  return r;
}

Result<AutoquantReport> run_autoquant(Project& p, const AutoquantConfig& c, ProgressSink& progress, int64_t* run_id) {
  QWB_ASSIGN_OR_RETURN(int64_t run, start_recorded_run(p, "autoquant", c.base, to_json(c), run_id));
  auto r = run_autoquant(c, progress);
  if (!r) return fail_run(p, run, r.status());
  const AutoquantPlan& best = r->evaluated.at(static_cast<size_t>(r->best));
  std::map<std::string, double> m;
  put_metric(m, "fp32.top1", r->fp32_top1);
  put_metric(m, "quantized.top1", best.top1);
  put_metric(m, "delta_top1_pts", -best.drop_pts);
  put_metric(m, "budget_met", r->budget_met ? 1 : 0);
  put_metric(m, "low_bit_share", best.low_bit_share);
  put_metric(m, "cost", best.cost);
  put_metric(m, "plans_evaluated", static_cast<double>(r->evaluated.size()));
  put_metric(m, "seconds", r->seconds);
  if (r->exported) put_metric(m, "exported.bytes", static_cast<double>(r->exported->bytes));
  std::vector<LayerResult> rows;
  for (const auto& [layer, format] : best.formats) rows.push_back({layer, {{"format", format}}});
  Status st = p.add_metrics(run, m);
  if (st) st = p.add_layer_results(run, rows);
  if (st) st = p.put_document(run, "autoquant", to_json(*r));
  if (st) st = p.add_thresholds(run, *r->quantization);
  if (st && r->exported) st = add_file_artifact(p, run, r->exported->path, "qdq");
  if (!st) return fail_run(p, run, st);
  QWB_RETURN_IF_ERROR(p.finish_run(run, RunStatus::kSucceeded));
  return r;
}

Result<EvaluateReport> run_evaluate(Project& p, const EvaluateConfig& c, ProgressSink& progress, int64_t* run_id) {
  QWB_ASSIGN_OR_RETURN(RecordedModel model, add_model(p, c.model));
  QWB_ASSIGN_OR_RETURN(int64_t data_id, add_dataset(p, model.model, c.data));
  const int64_t model_id = model.id;
  RunConfig rc;
  rc.kind = "evaluate";
  rc.model_id = model_id;
  rc.eval_dataset_id = data_id;
  rc.config = to_json(c);
  QWB_ASSIGN_OR_RETURN(int64_t run, p.create_run(rc));
  if (run_id) *run_id = run;
  QWB_RETURN_IF_ERROR(p.start_run(run));
  auto r = run_evaluate(c, progress);
  if (!r) return fail_run(p, run, r.status());
  std::map<std::string, double> m;
  if (r->comparison) m = comparison_metrics(*r->comparison);
  put_metric(m, "top1", r->result.metrics.top1);
  put_metric(m, "top5", r->result.metrics.top5);
  put_metric(m, "macro_f1", r->result.metrics.macro_f1);
  put_metric(m, "weighted_f1", r->result.metrics.weighted_f1);
  put_metric(m, "ece", r->result.ece);
  put_metric(m, "seconds", r->result.seconds);
  Status st = p.set_run_inputs(run, {}, "", r->model_sha256);
  if (st) st = p.add_metrics(run, m);
  if (st) st = p.put_document(run, "report", to_json(*r));
  if (!st) return fail_run(p, run, st);
  QWB_RETURN_IF_ERROR(p.finish_run(run, RunStatus::kSucceeded));
  return r;
}

Result<ExportResult> run_export_fp16(Project& p, const std::string& model_path, const Fp16Options& o,
                                     const std::string& out, int64_t* run_id) {
  QWB_ASSIGN_OR_RETURN(RecordedModel model, add_model(p, model_path));
  const int64_t model_id = model.id;
  RunConfig rc;
  rc.kind = "export";
  rc.model_id = model_id;
  rc.config = {{"model", model_path}, {"format", "fp16"}, {"out", out}, {"keep_io_types", o.keep_io_types},
               {"block_ops", o.block_ops}, {"block_nodes", o.block_nodes}};
  QWB_ASSIGN_OR_RETURN(int64_t run, p.create_run(rc));
  if (run_id) *run_id = run;
  QWB_RETURN_IF_ERROR(p.start_run(run));
  auto r = export_fp16(model.model, o, out);
  if (!r) return fail_run(p, run, r.status());
  Status st = add_file_artifact(p, run, out, "fp16");
  if (!st) return fail_run(p, run, st);
  QWB_RETURN_IF_ERROR(p.finish_run(run, RunStatus::kSucceeded));
  return r;
}

Result<ModelRecord> unchanged_model(const Project& p, int64_t run_id) {
  QWB_ASSIGN_OR_RETURN(RunRecord run, p.get_run(run_id));
  QWB_ASSIGN_OR_RETURN(ModelRecord model, p.get_model(run.model_id));
  auto sha = sha256_file(model.path);
  if (!sha) return Status(sha.status().code(), "run " + std::to_string(run_id) + " used model '" + model.path + "': " + sha.status().message());
  const std::string& recorded = run.model_sha256.empty() ? model.sha256 : run.model_sha256;
  if (*sha != recorded) {
    return invalid_argument("model '" + model.path + "' changed since run " + std::to_string(run_id) + " (sha256 " +
                            sha->substr(0, 12) + "..., recorded " + recorded.substr(0, 12) + "...)");
  }
  return model;
}

namespace {

// The restored tensor's scales against the stored row's, relative 1e-6 (float32 stored as REAL).
Status check_scales(const ThresholdRecord& row, const QuantizedTensor& t) {
  const int64_t n = t.scale.defined() ? t.scale.numel() : 0;
  const size_t stored = row.scales.empty() ? (row.has_scale ? 1 : 0) : row.scales.size();
  if (static_cast<size_t>(n) != stored) {
    return invalid_argument(row.role + " '" + row.tensor + "': stored " + std::to_string(stored) + " scale(s), restored " +
                            std::to_string(n));
  }
  for (int64_t i = 0; i < n; ++i) {
    const double want = row.scales.empty() ? row.scale : row.scales[static_cast<size_t>(i)];
    const double got = t.scale.get_double(i);
    if (std::abs(got - want) > 1e-6 * std::max(std::abs(want), 1e-30)) {
      return invalid_argument(fmt::format("{} '{}': restored scale {:.9g} differs from the stored {:.9g} (index {})", row.role,
                                          row.tensor, got, want, i));
    }
  }
  return Status::ok();
}

}  // namespace

Result<StoredCalibration> stored_calibration(const Project& p, int64_t run_id) {
  const std::string which = "run " + std::to_string(run_id);
  QWB_ASSIGN_OR_RETURN(RunRecord run, p.get_run(run_id));
  if (run.kind != "quantize" && run.kind != "calibrate" && run.kind != "export") {
    return invalid_argument(which + " is a '" + run.kind + "' run; calibrations are stored by quantize, calibrate and export runs");
  }
  if (run.status != RunStatus::kSucceeded) return invalid_argument(which + " is " + run_status_name(run.status) + ", not succeeded");
  QWB_ASSIGN_OR_RETURN(ModelRecord record, unchanged_model(p, run_id));
  auto config = quantize_config_from_json(run.config);
  if (!config) return config.status().with_context(which + "'s config");
  QWB_ASSIGN_OR_RETURN(Model model, Model::load(record.path, {.run_checker = false, .measure_shapes = false}));
  QWB_ASSIGN_OR_RETURN(QuantPlan plan, make_plan(model, config->quant));
  QWB_ASSIGN_OR_RETURN(std::vector<ThresholdRecord> rows, p.thresholds(run_id));
  if (rows.empty()) return invalid_argument(which + " stored no thresholds");
  std::map<std::string, Range> ranges;
  for (const auto& r : rows) {
    if (r.role == "activation") ranges[r.tensor] = Range{static_cast<float>(r.lo), static_cast<float>(r.hi)};
  }
  auto q = quantize_with_ranges(model, plan, ranges, config->method);
  if (!q) return q.status().with_context(which);
  for (const auto& r : rows) {
    const auto& tensors = r.role == "activation" ? q->activations : r.role == "weight" ? q->weights : q->biases;
    auto it = tensors.find(r.tensor);
    if (it == tensors.end()) return invalid_argument(which + ": stored " + r.role + " '" + r.tensor + "' is not in the plan its config makes");
    QWB_RETURN_IF_ERROR(check_scales(r, it->second).with_context(which));
  }
  return StoredCalibration{std::make_shared<const Model>(std::move(model)), std::move(*q)};
}

Result<ExportResult> export_stored_calibration(Project& p, int64_t run, const std::string& format, const std::string& out) {
  if (format != "qdq" && format != "trt-cache" && format != "ort-calib") {
    return invalid_argument("format '" + format + "': expected qdq, trt-cache or ort-calib");
  }
  QWB_ASSIGN_OR_RETURN(StoredCalibration c, stored_calibration(p, run));
  ExportResult r;
  if (format == "qdq") {
    QWB_ASSIGN_OR_RETURN(r, export_qdq(*c.model, c.quantization, out));
  } else {
    QWB_RETURN_IF_ERROR(format == "trt-cache" ? write_tensorrt_cache(c.quantization, out) : write_ort_calibration_table(c.quantization, out));
    r.path = out;
    std::error_code ec;
    r.bytes = static_cast<int64_t>(std::filesystem::file_size(out, ec));
  }
  QWB_RETURN_IF_ERROR(add_file_artifact(p, run, out, format));
  return r;
}

Result<RerunResult> rerun(Project& p, int64_t run_id, ProgressSink& progress) {
  QWB_ASSIGN_OR_RETURN(RunRecord old, p.get_run(run_id));
  if (old.status != RunStatus::kSucceeded) {
    return invalid_argument("run " + std::to_string(run_id) + " is " + run_status_name(old.status) +
                            "; only succeeded runs can be repeated");
  }
  QWB_ASSIGN_OR_RETURN(ModelRecord model, unchanged_model(p, run_id));
  QWB_ASSIGN_OR_RETURN(auto old_artifacts, p.artifacts(run_id));
  RerunResult rr;
  rr.original = run_id;
  std::map<std::string, double> new_metrics;
  std::vector<ArtifactRecord> new_artifacts;
  auto beside = [&](const std::string& path) {
    // Beside the original, so both files exist for comparison.
    std::filesystem::path out(path);
    return (out.parent_path() / (out.stem().string() + ".rerun-of-" + std::to_string(run_id) + out.extension().string())).string();
  };
  if (old.kind == "export" && old.config.value("format", "") == "fp16") {
    Fp16Options o;
    o.keep_io_types = old.config.value("keep_io_types", true);
    o.block_ops = old.config.value("block_ops", std::vector<std::string>{});
    o.block_nodes = old.config.value("block_nodes", std::vector<std::string>{});
    QWB_ASSIGN_OR_RETURN(ExportResult e, run_export_fp16(p, model.path, o, beside(old.config.value("out", "model.onnx")), &rr.rerun));
    (void)e;
  } else if (old.kind == "quantize" || old.kind == "calibrate" || old.kind == "export") {
    QWB_ASSIGN_OR_RETURN(QuantizeConfig c, quantize_config_from_json(old.config));
    c.calib.ids = old.sample_ids;  // the exact calibration samples, not a new draw
    if (!c.out.empty()) c.out = beside(c.out);
    QWB_ASSIGN_OR_RETURN(QuantizeReport r, run_quantize(p, c, progress, &rr.rerun, old.kind));
    (void)r;
  } else if (old.kind == "evaluate") {
    QWB_ASSIGN_OR_RETURN(EvaluateConfig c, evaluate_config_from_json(old.config));
    QWB_ASSIGN_OR_RETURN(EvaluateReport r, run_evaluate(p, c, progress, &rr.rerun));
    (void)r;
  } else {
    return unsupported("run " + std::to_string(run_id) + " is a '" + old.kind + "' run, which rerun does not repeat yet");
  }
  QWB_ASSIGN_OR_RETURN(RunRecord fresh, p.get_run(rr.rerun));
  QWB_ASSIGN_OR_RETURN(new_artifacts, p.artifacts(rr.rerun));
  // Timings differ by nature; everything else must be identical.
  auto timing = [](const std::string& k) { return k == "seconds" || k == "calib_seconds"; };
  rr.metrics_equal = true;
  rr.differences = json::object();
  for (const auto& [k, v] : old.metrics) {
    if (timing(k)) continue;
    auto it = fresh.metrics.find(k);
    if (it == fresh.metrics.end() || it->second != v) {
      rr.metrics_equal = false;
      rr.differences[k] = {v, it == fresh.metrics.end() ? json(nullptr) : json(it->second)};
    }
  }
  rr.artifacts_equal = old_artifacts.size() == new_artifacts.size();
  for (size_t i = 0; i < old_artifacts.size() && i < new_artifacts.size(); ++i) {
    if (old_artifacts[i].sha256 != new_artifacts[i].sha256) {
      rr.artifacts_equal = false;
      rr.differences[old_artifacts[i].path] = {old_artifacts[i].sha256, new_artifacts[i].sha256};
    }
  }
  return rr;
}

}  // namespace qwb
