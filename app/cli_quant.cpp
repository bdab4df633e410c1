// qwb-cli quantize | stats | export | validate: thin wrappers over engine jobs.
#include "cli_quant.h"

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "qwb/export.h"
#include "qwb/jobs.h"

using json = nlohmann::json;

namespace cli {

namespace {

void add_data_args(CLI::App* c, QuantArgs& a, bool calib_required = true) {
  c->add_option("--calib,-c", a.calib, "Calibration data: fashion-mnist:train | idx:... | npy:... | npz:... | images:DIR | pb:DIR")
      ->required(calib_required);
  c->add_option("--samples,-n", a.samples, "Calibration samples")->capture_default_str();
  c->add_option("--sampling", a.sampling, "first | random | stratified (by label)")->capture_default_str();
  c->add_option("--seed", a.seed, "Seed for random and stratified sampling")->capture_default_str();
  c->add_option("--mean", a.mean, "Per-channel mean after scaling to [0,1] (default: model metadata qwb.mean)");
  c->add_option("--std", a.stddev, "Per-channel std (default: model metadata qwb.std)");
  c->add_option("--resize", a.resize, "Images: resize the shorter side to N pixels (default: model metadata qwb.resize)");
  c->add_option("--crop", a.crop, "Images: center crop H,W or N (default: model metadata qwb.crop)");
  c->add_option("--channels", a.channels, "Images: 1 (grayscale) or 3 (RGB)");
  c->add_option("--layout", a.layout, "NCHW or NHWC");
  c->add_option("--threads,-t", a.threads, "Threads (default: all cores)");
  c->add_option("--batch,-b", a.batch, "Batch size")->capture_default_str();
  c->add_flag("--json", a.json, "Print JSON");
  c->add_option("--project,-p", a.project, "Record the run in this project file (*.qwb; created if missing)");
}

void add_format_args(CLI::App* c, QuantArgs& a) {
  c->add_option("--weights,-w", a.weights, "Weight type: int8 uint8 int16 int4 uint4 fp16 bf16 fp8e4m3 fp8e5m2 none")->capture_default_str();
  c->add_option("--activations,-a", a.activations, "Activation type: uint8 int8 int16 fp16 bf16 none (weight-only)")->capture_default_str();
  c->add_option("--granularity,-g", a.granularity, "Weights: tensor | channel | block:N (N = 32, 64, 128)")->capture_default_str();
  c->add_option("--method,-m", a.method, "Calibration: minmax | percentile | entropy | mse")->capture_default_str();
  c->add_option("--percentile", a.percentile, "Percentile for --method percentile")->capture_default_str();
  c->add_option("--entropy-max-clip", a.entropy_max_clip, "Entropy: clip at most this fraction of values (0: pure KL)")->capture_default_str();
  c->add_flag("--moving-average", a.moving_average, "MinMax: moving average of per-batch ranges (factor 0.01)");
  c->add_flag("--symmetric-activations", a.symmetric_activations, "Symmetric activations (zero point 0 / mid-range), as TensorRT wants");
  c->add_flag("--affine-weights", a.affine_weights, "Affine weights with zero points (default: symmetric)");
  c->add_flag("--reduce-range", a.reduce_range, "7-bit int8/uint8 ranges for CPUs without VNNI");
  c->add_option("--exclude,-x", a.exclude, "Nodes kept in float32, comma-separated");
  c->add_option("--override", a.overrides, "NODE=WTYPE[/ATYPE]: per-node formats, e.g. conv1=fp16 or fc=int8/none (repeatable)");
}

// A command on MODEL with calibration data, formats and required evaluation data.
CLI::App* add_evaluating_job(CLI::App& app, const std::string& name, const std::string& about, QuantArgs& a,
                             const std::string& eval_help) {
  CLI::App* c = app.add_subcommand(name, about);
  c->add_option("model", a.model, "ONNX model file")->required();
  add_data_args(c, a);
  add_format_args(c, a);
  c->add_option("--eval,-e", a.eval, eval_help)->required();
  c->add_option("--eval-limit", a.eval_limit, "Use only the first N evaluation samples");
  return c;
}


qwb::Result<qwb::QuantizeConfig> to_config(const QuantArgs& a) {
  qwb::QuantizeConfig c;
  c.model = a.model;
  c.calib.data.spec = a.calib;
  c.calib.samples = a.samples;
  QWB_ASSIGN_OR_RETURN(c.calib.sampling, qwb::parse_sampling(a.sampling));
  c.calib.seed = a.seed;
  if (!a.mean.empty()) {
    QWB_ASSIGN_OR_RETURN(c.calib.data.mean, parse_float_list(a.mean, "--mean"));
  }
  if (!a.stddev.empty()) {
    QWB_ASSIGN_OR_RETURN(c.calib.data.stddev, parse_float_list(a.stddev, "--std"));
  }
  c.calib.data.resize = a.resize;
  c.calib.data.channels = a.channels;
  c.calib.data.layout = a.layout;
  if (!a.crop.empty()) {
    QWB_ASSIGN_OR_RETURN(auto crop, parse_float_list(a.crop, "--crop"));
    if (crop.empty() || crop.size() > 2 || crop[0] <= 0) return qwb::invalid_argument("--crop '" + a.crop + "': expected H,W or N");
    c.calib.data.crop_height = static_cast<int64_t>(crop[0]);
    c.calib.data.crop_width = static_cast<int64_t>(crop.back());
  }
  c.eval = c.calib.data;
  c.eval.spec = a.eval;
  c.eval.limit = a.eval_limit;
  QWB_ASSIGN_OR_RETURN(c.quant.weights, qwb::make_quant_spec(a.weights, !a.affine_weights, a.granularity, a.reduce_range));
  QWB_ASSIGN_OR_RETURN(c.quant.activations, qwb::make_quant_spec(a.activations, a.symmetric_activations, "tensor", a.reduce_range && a.activations != "int16"));
  if (c.quant.weights.reduce_range && c.quant.weights.dtype != qwb::DType::kInt8 && c.quant.weights.dtype != qwb::DType::kUInt8)
    return qwb::invalid_argument("--reduce-range applies to int8/uint8 weights, not " + a.weights);
  for (const auto& e : a.exclude)
    for (const auto& n : split_list(e)) c.quant.exclude.push_back(n);
  for (const auto& o : a.overrides) {
    auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) return qwb::invalid_argument("--override '" + o + "': expected NODE=WTYPE[/ATYPE]");
    const std::string node = o.substr(0, eq), rest = o.substr(eq + 1);
    const auto slash = rest.find('/');
    qwb::NodeOverride ov;
    QWB_ASSIGN_OR_RETURN(auto ws, qwb::make_quant_spec(rest.substr(0, slash), !a.affine_weights, a.granularity, false));
    ov.weights = ws;
    if (slash != std::string::npos) {
      QWB_ASSIGN_OR_RETURN(auto as, qwb::make_quant_spec(rest.substr(slash + 1), a.symmetric_activations, "tensor", false));
      ov.activations = as;
    }
    c.quant.overrides[node] = ov;
  }
  QWB_ASSIGN_OR_RETURN(c.method.method, qwb::parse_calib_method(a.method));
  if (!(a.percentile > 0 && a.percentile <= 100)) return qwb::invalid_argument("--percentile must be in (0, 100], got " + fmt::format("{}", a.percentile));
  c.method.percentile = a.percentile;
  c.method.moving_average = a.moving_average;
  if (!(a.entropy_max_clip >= 0 && a.entropy_max_clip < 1)) return qwb::invalid_argument("--entropy-max-clip must be in [0, 1)");
  c.method.entropy_max_clip = a.entropy_max_clip;
  c.out = a.out;
  c.format = a.format;
  c.verify_export = a.verify_export;
  c.layer_error_samples = a.layer_error_samples;
  c.threads = a.threads;
  c.batch = a.batch;
  return c;
}

// Runs a job directly, or recorded as a run of `project` when one is given.
template <typename Job, typename Recorded>
auto run_job(const std::string& project, Job&& job, Recorded&& recorded) -> decltype(job()) {
  if (project.empty()) return job();
  auto p = qwb::Project::open_or_create(project);
  if (!p) return p.status();
  return recorded(*p);
}

void print_validation(const qwb::ValidationReport& v) {
  std::istringstream lines(qwb::format_validation_report(v));
  for (std::string l; std::getline(lines, l);) std::cout << "  " << l << "\n";
}

int cmd_quantize(const QuantArgs& a) {
  auto cfg = to_config(a);
  if (!cfg) return fail(cfg.status());
  TtyProgress progress(!a.json);
  int64_t run = 0;
  auto r = run_job(
      a.project, [&] { return qwb::run_quantize(*cfg, progress); },
      [&](qwb::Project& p) { return qwb::run_quantize(p, *cfg, progress, &run, a.kind); });
  if (!r) return fail(r.status());
  if (a.json) {
    json j = qwb::to_json(*r);
    if (run) j["run"] = run;
    if (a.predictions && r->comparison) {
      for (const auto* side : {&r->comparison->reference, &r->comparison->candidate}) {
        json p = json::array();
        for (const auto& t : side->topk) p.push_back(t.empty() ? -1 : t[0]);
        j[side == &r->comparison->reference ? "fp32_predictions" : "quantized_predictions"] = p;
      }
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const auto& q = *r->quantization;
  std::cout << fmt::format("{}: {} nodes quantized ({} excluded), {} weights, {} activations, {} int32 biases\n", a.model,
                           q.plan.quantized_nodes.size(), q.plan.excluded_nodes.size(), q.weights.size(), q.activations.size(),
                           q.biases.size());
  std::cout << fmt::format("weights {}; activations {}; calibration {} on {} samples ({}, ids sha256 {}...) in {:.2f} s\n",
                           cfg->quant.weights.describe(), cfg->quant.activations.describe(), a.method, r->sample_ids.size(),
                           a.sampling, r->sample_ids_sha256.substr(0, 12), r->calib_seconds);
  print_validation(r->validation);
  if (r->comparison) {
    const auto& c = *r->comparison;
    if (c.has_labels) {
      const auto &f = c.reference.metrics, &s = c.candidate.metrics;
      std::cout << fmt::format("FP32:      top-1 {}  top-5 {}  macro-F1 {:.4f}  ECE {:.4f}\n", pct(f.top1), pct(f.top5), f.macro_f1, c.reference.ece);
      std::cout << fmt::format("Quantized: top-1 {}  top-5 {}  macro-F1 {:.4f}  ECE {:.4f}  (simulated)\n", pct(s.top1), pct(s.top5), s.macro_f1, c.candidate.ece);
      std::cout << fmt::format("Delta top-1 {:+.2f} points\n", 100 * (s.top1 - f.top1));
    }
    std::cout << fmt::format("Agreement {} ({} flipped of {}), output SQNR {:.1f} dB, cosine {:.5f}\n", pct(c.agreement),
                             c.flipped.size(), c.reference.topk.size(), c.output_error.sqnr_db, c.output_error.cosine);
  }
  if (!r->layer_errors.empty()) {
    const auto worst = std::min_element(r->layer_errors.begin(), r->layer_errors.end(), [](const auto& x, const auto& y) {
      return x.error.sqnr_db < y.error.sqnr_db;
    });
    std::cout << fmt::format("Per-layer error ({} layers, {} samples): lowest output SQNR {:.1f} dB at '{}' ({}); see --json\n",
                             r->layer_errors.size(), std::min<int64_t>(a.layer_error_samples, static_cast<int64_t>(r->comparison->reference.topk.size())),
                             worst->error.sqnr_db, worst->layer, worst->op);
  }
  if (r->exported) {
    std::cout << fmt::format("Wrote {} (opset {}, {} bytes, {} Q / {} DQ nodes{})\n", r->exported->path, r->exported->opset,
                             r->exported->bytes, r->exported->quantize_nodes, r->exported->dequantize_nodes,
                             r->exported->checked ? ", passes the ONNX checker" : "");
    for (const auto& n : r->exported->notices) std::cout << "Notice: " << n << "\n";
  } else if (!a.out.empty()) {
    std::cout << "Wrote " << a.out << " (" << a.format << ")\n";
  }
  for (const auto& n : r->notices) std::cout << "Notice: " << n << "\n";
  if (run) std::cout << fmt::format("Recorded as run {} in {}\n", run, a.project);
  if (r->exported_eval) {
    std::cout << fmt::format("Exported file run by the executor: top-1 {}, agreement with the simulation {}\n",
                             pct(r->exported_eval->metrics.top1), pct(r->exported_agreement));
  }
  return 0;
}

int cmd_stats(const QuantArgs& a, const std::string& tensor, bool all) {
  auto cfg = to_config(a);
  if (!cfg) return fail(cfg.status());
  auto model = qwb::Model::load(a.model, {.run_checker = true, .measure_shapes = false});
  if (!model) return fail(model.status());
  auto shared = std::make_shared<const qwb::Model>(std::move(*model));
  auto plan = qwb::make_plan(*shared, cfg->quant);
  if (!plan) return fail(plan.status());
  auto session = qwb::Session::create(shared, {.threads = a.threads});
  if (!session) return fail(session.status());
  auto data = qwb::load_for_model(*shared, cfg->calib.data);
  if (!data) return fail(data.status());
  auto ids = qwb::sample_ids(*data, cfg->calib.samples, cfg->calib.sampling, cfg->calib.seed);
  if (!ids) return fail(ids.status());
  TtyProgress progress(!a.json);
  auto stats = qwb::collect_statistics(*session, *data, *ids, all ? nullptr : &*plan, {.batch = a.batch, .all_activations = all}, progress);
  if (!stats) return fail(stats.status());
  if (!tensor.empty() && !stats->tensors.count(tensor)) {
    return fail(qwb::not_found("no statistics for tensor '" + tensor + "' (use --all for every activation; weights and planned activations are collected by default)"));
  }
  const qwb::CalibMethod methods[] = {qwb::CalibMethod::kMinMax, qwb::CalibMethod::kPercentile, qwb::CalibMethod::kEntropy, qwb::CalibMethod::kMse};
  json out = json::array();
  if (!a.json) {
    std::cout << fmt::format("{} calibration samples, {:.2f} s. Ranges each calibrator picks for {} activations / {} weights:\n",
                             stats->samples, stats->seconds, cfg->quant.activations.describe(), cfg->quant.weights.describe());
  }
  for (const auto& [name, ts] : stats->tensors) {
    if (!tensor.empty() && name != tensor) continue;
    qwb::QuantSpec spec = ts.is_weight ? cfg->quant.weights : cfg->quant.activations;
    if (!spec.enabled() || spec.is_cast()) spec = qwb::QuantSpec{qwb::DType::kInt8, true, qwb::Granularity::kTensor, 0, false};
    spec.granularity = qwb::Granularity::kTensor;
    json j = {{"name", name}, {"kind", ts.is_weight ? "weight" : "activation"}, {"shape", ts.shape}, {"count", ts.count},
              {"nonfinite", ts.nonfinite}, {"min", ts.min}, {"max", ts.max}, {"mean", ts.mean()}, {"std", ts.stddev()},
              {"histogram_range", ts.hist.range()}, {"spec", spec.describe()}};
    if (!ts.channel_min.empty()) {
      j["channel_axis"] = ts.channel_axis;
      j["channel_min"] = ts.channel_min;
      j["channel_max"] = ts.channel_max;
    }
    if (!a.json) {
      std::cout << fmt::format("\n{} ({}, {}): min {:.6g} max {:.6g} mean {:.6g} std {:.6g}, {} values{}\n", name,
                               ts.is_weight ? "weight" : "activation", qwb::shape_str(ts.shape), ts.min, ts.max, ts.mean(), ts.stddev(),
                               ts.count, ts.nonfinite ? fmt::format(", {} NaN/Inf", ts.nonfinite) : "");
    }
    for (auto m : methods) {
      qwb::CalibOptions co = cfg->method;
      co.method = m;
      const qwb::Range rg = qwb::calibrate_range(ts, spec, co);
      const qwb::ScaleZp p = qwb::scale_zero_point(rg.lo, rg.hi, spec);
      j["thresholds"][qwb::calib_method_name(m)] = {{"lo", rg.lo}, {"hi", rg.hi}, {"scale", p.scale}, {"zero_point", p.zero_point}};
      if (!a.json) {
        std::cout << fmt::format("  {:<10} [{:>11.6g}, {:>11.6g}]  scale {:.6g}  zero point {}\n", qwb::calib_method_name(m), rg.lo, rg.hi,
                                 p.scale, p.zero_point);
      }
    }
    out.push_back(j);
  }
  if (a.json) std::cout << json{{"samples", stats->samples}, {"seconds", stats->seconds}, {"sample_ids_sha256", qwb::sample_ids_sha256(*ids)}, {"tensors", out}}.dump(2) << "\n";
  return 0;
}

int cmd_validate(const QuantArgs& a, const std::string& reference) {
  auto model = qwb::Model::load(a.model, {.run_checker = false, .measure_shapes = false});
  if (!model) return fail(model.status());
  auto cfg = to_config(a);
  if (!cfg) return fail(cfg.status());
  auto data = qwb::load_for_model(*model, cfg->calib.data);
  if (!data) return fail(data.status());
  auto ids = qwb::sample_ids(*data, cfg->calib.samples, cfg->calib.sampling, cfg->calib.seed);
  if (!ids) return fail(ids.status());
  qwb::Dataset chosen = data->subset(*ids);
  qwb::Result<qwb::Dataset> ref = qwb::invalid_argument("unset");
  const qwb::Dataset* refp = &*data;
  if (!reference.empty()) {
    qwb::DataSource rs = cfg->calib.data;
    rs.spec = reference;
    ref = qwb::load_for_model(*model, rs);
    if (!ref) return fail(ref.status());
    refp = &*ref;
  }
  qwb::ValidationOptions vo;
  vo.seed = a.seed;
  auto v = qwb::validate_calibration(chosen, refp, vo);
  if (!v) return fail(v.status());
  if (a.json) {
    json j = qwb::to_json(*v);
    j["samples"] = ids->size();
    j["sample_ids_sha256"] = qwb::sample_ids_sha256(*ids);
    std::cout << j.dump(2) << "\n";
  } else {
    print_validation(*v);
  }
  return v->worst() == qwb::CheckStatus::kError ? 2 : 0;
}

int cmd_export(const QuantArgs& a, const ExportArgs& e) {
  if (e.format == "fp16") {
    auto model = qwb::Model::load(a.model, {.run_checker = true, .measure_shapes = false});
    if (!model) return fail(model.status());
    qwb::Fp16Options o;
    o.keep_io_types = !e.fp16_io;
    o.block_ops = split_list(e.block_ops);
    o.block_nodes = split_list(e.block_nodes);
    int64_t run = 0;
    qwb::Result<qwb::ExportResult> r = qwb::invalid_argument("unset");
    if (!a.project.empty()) {
      auto p = qwb::Project::open_or_create(a.project);
      if (!p) return fail(p.status());
      r = qwb::run_export_fp16(*p, a.model, o, a.out, &run);
    } else {
      r = qwb::export_fp16(*model, o, a.out);
    }
    if (!r) return fail(r.status());
    if (run) std::cerr << fmt::format("Recorded as run {} in {}\n", run, a.project);
    if (a.json) {
      std::cout << json{{"out", r->path}, {"opset", r->opset}, {"bytes", r->bytes}, {"cast_nodes", r->cast_nodes}, {"checked", r->checked}}.dump(2) << "\n";
    } else {
      std::cout << fmt::format("Wrote {} (FP16, opset {}, {} bytes, {} Cast nodes{})\n", r->path, r->opset, r->bytes, r->cast_nodes,
                               r->checked ? ", passes the ONNX checker" : "");
    }
    return 0;
  }
  if (a.calib.empty()) return fail(qwb::invalid_argument("--calib is required for --format " + e.format));
  QuantArgs q = a;
  q.format = e.format;
  q.eval.clear();
  q.kind = "export";
  return cmd_quantize(q);
}

}  // namespace

std::string db(double v) { return std::isnan(v) ? "-" : std::isinf(v) ? "inf" : fmt::format("{:.1f}", v); }

int cmd_sensitivity(const QuantArgs& a) {
  auto base = to_config(a);
  if (!base) return fail(base.status());
  qwb::SensitivityConfig cfg{*base, {}};
  cfg.options.modes.clear();
  cfg.options.parts.clear();
  for (const auto& list : a.modes) {
    for (const auto& m : split_list(list)) {
      auto v = qwb::parse_sweep_mode(m);
      if (!v) return fail(v.status());
      cfg.options.modes.push_back(*v);
    }
  }
  for (const auto& list : a.parts) {
    for (const auto& m : split_list(list)) {
      auto v = qwb::parse_sweep_part(m);
      if (!v) return fail(v.status());
      cfg.options.parts.push_back(*v);
    }
  }
  for (const auto& list : a.layers) {
    for (const auto& l : split_list(list)) cfg.options.layers.push_back(l);
  }
  if (a.sweep_batch <= 0) return fail(qwb::invalid_argument("--sweep-batch must be positive"));
  cfg.options.batch = a.sweep_batch;
  cfg.options.propagation = !a.no_propagation;
  cfg.options.time_baseline = a.time_baseline;
  TtyProgress progress(!a.json);
  int64_t run = 0;
  auto r = run_job(
      a.project, [&] { return qwb::run_sensitivity(cfg, progress); },
      [&](qwb::Project& p) { return qwb::run_sensitivity(p, cfg, progress, &run); });
  if (!r) return fail(r.status());
  const qwb::SensitivityReport& s = r->report;
  if (a.json) {
    json j = qwb::to_json(*r);
    if (run) j["run"] = run;
    std::cout << j.dump(2) << "\n";
    return s.cancelled ? 3 : 0;
  }
  std::cout << fmt::format("{}: {} layers, {} on {} of {} samples in {:.1f} s{}\n", a.model, s.layers.size(), r->scheme,
                           s.samples, s.planned_samples, r->seconds, s.cancelled ? " (cancelled: partial results)" : "");
  if (s.has_labels) {
    std::cout << fmt::format("FP32 top-1 {}, everything quantized {}\n", pct(s.fp32_top1), std::isnan(s.all_top1) ? "-" : pct(s.all_top1));
  }
  std::cout << "Layers, most harmful first (output SQNR dB / top-1 delta in points / logits KL; local SQNR of the layer's output):\n";
  std::cout << fmt::format("  {:<4} {:<32} {:<10}", "rank", "layer", "op");
  for (const auto& v : s.variants) std::cout << fmt::format(" {:>28}", v);
  std::cout << fmt::format(" {:>8}\n", "local");
  int rank = 0;
  for (const auto& l : s.layers) {
    std::cout << fmt::format("  {:<4} {:<32} {:<10}", ++rank, l.layer.size() > 32 ? "..." + l.layer.substr(l.layer.size() - 29) : l.layer, l.op);
    double local = std::nan("");
    for (const auto& v : s.variants) {
      auto it = l.metrics.find(v);
      if (it == l.metrics.end()) {
        std::cout << fmt::format(" {:>28}", "-");
        continue;
      }
      const auto& m = it->second;
      std::cout << fmt::format(" {:>28}", fmt::format("{} / {} / {:.2g}", db(m.output_sqnr_db),
                                                       std::isnan(m.delta_top1_pts) ? "-" : fmt::format("{:+.2f}", m.delta_top1_pts), m.logits_kl));
      if (!std::isnan(m.local_sqnr_db) && std::isnan(local)) local = m.local_sqnr_db;
    }
    std::cout << fmt::format(" {:>8}{}\n", db(local), l.complete ? "" : "  (partial)");
  }
  if (!s.propagation.empty()) {
    // Where error is born (local) and where it grows (accumulated), along the graph.
    const auto worst = std::min_element(s.propagation.begin(), s.propagation.end(), [](const auto& x, const auto& y) {
      return x.accumulated_sqnr_db < y.accumulated_sqnr_db;
    });
    std::cout << fmt::format("Error propagation over {} tensors: lowest accumulated SQNR {} dB at '{}' ({}); see --json\n",
                             s.propagation.size(), db(worst->accumulated_sqnr_db), worst->tensor, worst->producer);
  }
  if (a.time_baseline) {
    const double reuse = std::max(s.reuse_seconds, 1e-9);
    std::cout << fmt::format("Sweep with reuse {:.3f} s; whole-model run per layer and variant: {:.3f} s with the same "
                             "program (ratio {:.2f}), {:.3f} s through simulation taps (ratio {:.2f}); largest output "
                             "difference {:.3g}\n",
                             s.reuse_seconds, s.baseline_seconds, s.baseline_seconds / reuse, s.simulation_seconds,
                             s.simulation_seconds / reuse, s.baseline_max_abs_diff);
  }
  if (run) std::cout << fmt::format("Recorded as run {} in {}\n", run, a.project);
  return s.cancelled ? 3 : 0;
}

int cmd_autoquant(const QuantArgs& a) {
  auto base = to_config(a);
  if (!base) return fail(base.status());
  qwb::AutoquantConfig cfg;
  cfg.base = *base;
  cfg.max_drop = a.max_drop;
  cfg.relative = a.relative;
  cfg.time_budget_seconds = a.time_budget;
  cfg.sensitivity_samples = a.sensitivity_samples;
  auto obj = qwb::parse_objective(a.objective);
  if (!obj) return fail(obj.status());
  cfg.objective = *obj;
  if (!a.candidates.empty()) {
    // Each item TYPE[:GRANULARITY], e.g. int4:block:32,int8:channel,fp16,none
    for (const auto& item : split_list(a.candidates)) {
      const auto colon = item.find(':');
      const std::string type = item.substr(0, colon);
      const std::string gran = colon == std::string::npos ? (type == "int8" || type == "uint8" ? "channel" : "tensor") : item.substr(colon + 1);
      auto spec = type == "fp32" ? qwb::Result<qwb::QuantSpec>(qwb::QuantSpec{}) : qwb::make_quant_spec(type, !a.affine_weights, gran, a.reduce_range && type == "int8");
      if (!spec) return fail(qwb::invalid_argument("--candidates '" + item + "': " + spec.status().message()));
      cfg.candidates.push_back(*spec);
    }
    cfg.base.quant.weights = cfg.candidates.front();
  }
  TtyProgress progress(!a.json);
  int64_t run = 0;
  auto r = run_job(
      a.project, [&] { return qwb::run_autoquant(cfg, progress); },
      [&](qwb::Project& p) { return qwb::run_autoquant(p, cfg, progress, &run); });
  if (!r) return fail(r.status());
  if (a.json) {
    json j = qwb::to_json(*r);
    if (run) j["run"] = run;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const auto& best = r->evaluated.at(static_cast<size_t>(r->best));
  std::cout << fmt::format("{}: {}\n", a.model, r->statement);
  std::cout << "Plan (layers most harmful first):\n";
  for (const auto& l : r->layer_order) std::cout << fmt::format("  {:<40} {}\n", l, best.formats.at(l));
  std::cout << fmt::format("Objective {}: {:.6g}{}\n", a.objective, best.cost,
                           r->cost_fp32 > 0 ? fmt::format(" ({:.1f}% of all-fp32 {:.6g})", 100 * best.cost / r->cost_fp32, r->cost_fp32) : "");
  std::cout << "Evaluated plans (top-1, drop points, cost; * Pareto front, > best):\n";
  for (size_t i = 0; i < r->evaluated.size(); ++i) {
    const auto& p = r->evaluated[i];
    std::cout << fmt::format("  {}{} {:>7}  {:+.2f}  {:.6g}{}\n", static_cast<int>(i) == r->best ? ">" : " ", p.pareto ? "*" : " ",
                             pct(p.top1), -p.drop_pts, p.cost, p.meets_budget ? "" : "  (over budget)");
  }
  if (r->exported) std::cout << fmt::format("Wrote {} (opset {}, {} bytes)\n", r->exported->path, r->exported->opset, r->exported->bytes);
  if (run) std::cout << fmt::format("Recorded as run {} in {}\n", run, a.project);
  return 0;
}

std::unique_ptr<QuantCommands> add_quant_commands(CLI::App& app) {
  auto owned = std::make_unique<QuantCommands>();
  QuantCommands& c = *owned;
  QuantArgs& a = c.args;
  c.quantize = app.add_subcommand("quantize", "Calibrate, quantize, simulate against FP32 and export an ONNX QDQ model");
  c.quantize->add_option("model", a.model, "ONNX model file")->required();
  add_data_args(c.quantize, a);
  add_format_args(c.quantize, a);
  c.quantize->add_option("--eval,-e", a.eval, "Evaluation data (labelled) for FP32 vs simulated accuracy, e.g. fashion-mnist:test");
  c.quantize->add_option("--eval-limit", a.eval_limit, "Use only the first N evaluation samples");
  c.quantize->add_option("--out,-o", a.out, "Output file (ONNX QDQ unless --format says otherwise)");
  c.quantize->add_option("--format", a.format, "qdq | trt-cache | ort-calib")->capture_default_str();
  c.quantize->add_flag("--predictions", a.predictions, "With --json: include every sample's FP32 and simulated top-1 prediction");
  c.quantize->add_option("--layer-error-samples", a.layer_error_samples,
                         "Evaluation samples for each quantized layer's output error against FP32 (0: skip)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  c.quantize->add_flag("--verify-export", a.verify_export, "Also evaluate the exported file with the executor and report its agreement with the simulation");

  c.calibrate = app.add_subcommand("calibrate", "Collect statistics and calibrate (no export, no evaluation); with --project the histograms and thresholds are stored");
  c.calibrate->add_option("model", a.model, "ONNX model file")->required();
  add_data_args(c.calibrate, a);
  add_format_args(c.calibrate, a);

  c.stats = app.add_subcommand("stats", "Per-tensor statistics on calibration data and the range each calibrator picks");
  c.stats->add_option("model", a.model, "ONNX model file")->required();
  add_data_args(c.stats, a);
  add_format_args(c.stats, a);
  c.stats->add_option("--tensor", c.stats_tensor, "Only this tensor");
  c.stats->add_flag("--all", c.stats_all, "Every float activation, not only the ones the plan quantizes");

  c.export_ = app.add_subcommand("export", "Export a model: qdq | fp16 | trt-cache | ort-calib");
  c.export_->add_option("model", a.model, "ONNX model file")->required();
  c.export_->add_option("--format,-f", c.export_args.format, "qdq | fp16 | trt-cache | ort-calib")->required();
  c.export_->add_option("--out,-o", a.out, "Output file")->required();
  add_data_args(c.export_, a, false);  // --calib: not needed for fp16
  add_format_args(c.export_, a);
  c.export_->add_flag("--fp16-io", c.export_args.fp16_io, "fp16: make graph inputs/outputs float16 too (default: keep float32)");
  c.export_->add_option("--block-ops", c.export_args.block_ops, "fp16: op types kept in float32, comma-separated");
  c.export_->add_option("--block-nodes", c.export_args.block_nodes, "fp16: node names kept in float32, comma-separated");

  c.validate = app.add_subcommand("validate", "Check calibration data: count, KS test and range coverage against a reference set, labels");
  c.validate->add_option("model", a.model, "ONNX model file (for its input shape and preprocessing)")->required();
  add_data_args(c.validate, a);
  c.validate->add_option("--reference,-r", c.validate_reference, "Reference data (default: the full set the samples are drawn from)");

  c.sensitivity = add_evaluating_job(app, "sensitivity", "Per-layer sensitivity: quantize one layer at a time (or all but one) and measure the harm",
                                     a, "Data the sweep runs on (labels give top-1 deltas), e.g. fashion-mnist:test");
  c.sensitivity->add_option("--modes", a.modes, "only (just this layer quantized) and/or all-but (everything but this layer), comma-separated")->capture_default_str();
  c.sensitivity->add_option("--parts", a.parts, "weights, activations and/or both, comma-separated")->capture_default_str();
  c.sensitivity->add_option("--layers", a.layers, "Only these quantized nodes, comma-separated (default: all)");
  c.sensitivity->add_option("--sweep-batch", a.sweep_batch, "Batch of the sweep (FP32 activations of a batch are kept in memory)")->capture_default_str();
  c.sensitivity->add_flag("--no-propagation", a.no_propagation, "Skip the per-tensor error propagation (saves one fetch-everything run per batch)");
  c.sensitivity->add_flag("--time-baseline", a.time_baseline, "Also time the plain way (a whole-model run per layer and variant) and print both times");

  QuantArgs& q = c.auto_args;
  q.weights = "int4";
  q.granularity = "block:32";
  q.activations = "none";
  c.autoquant = add_evaluating_job(app, "autoquant", "Accuracy-aware mixed precision: the cheapest per-layer formats within an accuracy budget",
                                   q, "Labelled data every candidate plan is evaluated on, e.g. fashion-mnist:test");
  c.autoquant->add_option("--max-drop", q.max_drop, "Accuracy budget: top-1 drop in points (with --relative: % of the FP32 top-1)")->capture_default_str();
  c.autoquant->add_flag("--relative", q.relative, "--max-drop is relative (%) instead of absolute points");
  c.autoquant->add_option("--objective", q.objective, "size (model bytes) | bitops (MACs x weight bits x activation bits) | latency (measured, batch 1)")->capture_default_str();
  c.autoquant->add_option("--time-budget", q.time_budget, "Seconds; the best plan found so far is returned when it runs out")->capture_default_str();
  c.autoquant->add_option("--candidates", q.candidates, "Per-layer formats, cheapest first, e.g. int4:block:32,int8:channel,fp16,fp32 (default: --weights, int8 per channel, fp16, fp32)");
  c.autoquant->add_option("--sensitivity-samples", q.sensitivity_samples, "Evaluation samples the sensitivity that orders the search uses")->capture_default_str();
  c.autoquant->add_option("--out,-o", q.out, "Write the best plan as an ONNX QDQ model");
  return owned;
}

int run_quant_commands(const QuantCommands& c) {
  if (*c.quantize) return cmd_quantize(c.args);
  if (*c.calibrate) {
    QuantArgs q = c.args;
    q.kind = "calibrate";
    return cmd_quantize(q);
  }
  if (*c.stats) return cmd_stats(c.args, c.stats_tensor, c.stats_all);
  if (*c.export_) return cmd_export(c.args, c.export_args);
  if (*c.validate) return cmd_validate(c.args, c.validate_reference);
  if (*c.sensitivity) return cmd_sensitivity(c.args);
  if (*c.autoquant) return cmd_autoquant(c.auto_args);
  return -1;
}

}  // namespace cli
