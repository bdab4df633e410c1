// The quantize job: sample and validate calibration data, collect statistics, calibrate,
// simulate against FP32 on the evaluation set, export.
#include <chrono>
#include <numeric>

#include "qwb/hash.h"
#include "qwb/jobs.h"
#include "qwb/version.h"

namespace qwb {

namespace {

using json = nlohmann::json;

json spec_json(const QuantSpec& s) {
  if (!s.enabled()) return "none";
  json j = {{"dtype", dtype_name(s.dtype)}, {"symmetric", s.symmetric}, {"reduce_range", s.reduce_range}};
  j["granularity"] = s.granularity == Granularity::kTensor ? "tensor" : s.granularity == Granularity::kChannel ? "channel" : "block";
  if (s.granularity == Granularity::kBlock) j["block_size"] = s.block_size;
  return j;
}

json error_json(const OutputError& e) {
  return {{"sqnr_db", std::isfinite(e.sqnr_db) ? json(e.sqnr_db) : json("inf")},
          {"cosine", e.cosine}, {"mse", e.mse}, {"nmse", e.nmse}, {"max_abs", e.max_abs}};
}


}  // namespace

Result<Dataset> load_for_model(const Model& model, const DataSource& source) {
  DatasetOptions opt;
  opt.preprocess = Preprocess::from_metadata(model.summary().metadata);
  if (!source.mean.empty()) {
    opt.preprocess.mean = source.mean;
    opt.preprocess.apply_to_float = true;
  }
  if (!source.stddev.empty()) {
    opt.preprocess.stddev = source.stddev;
    opt.preprocess.apply_to_float = true;
  }
  if (source.resize > 0) opt.preprocess.resize = source.resize;
  if (source.crop_height > 0) {
    opt.preprocess.crop_height = source.crop_height;
    opt.preprocess.crop_width = source.crop_width;
  }
  if (source.channels > 0) opt.preprocess.channels = source.channels;
  if (!source.layout.empty()) opt.preprocess.layout = source.layout;
  opt.limit = source.limit;
  return load_dataset(source.spec, opt);
}

Result<Calibrated> calibrate_for(const QuantizeConfig& c, ProgressSink& progress, int stages) {
  Calibrated r;
  if (!progress.report(0, stages * 1000, "loading model")) return cancelled("quantization cancelled");
  auto loaded = Model::load(c.model, {.run_checker = true, .measure_shapes = false});
  if (!loaded) return loaded.status();
  r.model = std::make_shared<const Model>(std::move(*loaded));
  QWB_ASSIGN_OR_RETURN(r.model_sha256, sha256_file(c.model));
  QWB_ASSIGN_OR_RETURN(QuantPlan plan, make_plan(*r.model, c.quant));
  QWB_ASSIGN_OR_RETURN(Session session, Session::create(r.model, {.threads = c.threads}));
  r.session = std::make_shared<Session>(std::move(session));

  // Calibration data: sample, then validate the sample against the set it came from.
  QWB_ASSIGN_OR_RETURN(Dataset calib_all, load_for_model(*r.model, c.calib.data));
  if (calib_all.size() == 0) return invalid_argument("calibration data '" + c.calib.data.spec + "' is empty");
  QWB_ASSIGN_OR_RETURN(Shape target, model_sample_shape(*r.model, calib_all));
  (void)target;
  if (!c.calib.ids.empty()) {
    QWB_ASSIGN_OR_RETURN(r.sample_ids, resolve_sample_ids(calib_all, c.calib.ids));
  } else {
    QWB_ASSIGN_OR_RETURN(r.sample_ids, sample_ids(calib_all, c.calib.samples, c.calib.sampling, c.calib.seed));
  }
  r.sample_ids_sha256 = sample_ids_sha256(r.sample_ids);
  {
    Dataset chosen = calib_all.subset(r.sample_ids);
    ValidationOptions vo;
    vo.seed = c.calib.seed;
    QWB_ASSIGN_OR_RETURN(r.validation, validate_calibration(chosen, &calib_all, vo));
  }

  StageProgress sp_stats(progress, 1, stages, "statistics");
  QWB_ASSIGN_OR_RETURN(Statistics stats, collect_statistics(*r.session, calib_all, r.sample_ids, &plan, {.batch = c.batch}, sp_stats));
  auto shared_stats = std::make_shared<const Statistics>(std::move(stats));
  r.statistics = shared_stats;
  if (!progress.report(2 * 1000, stages * 1000, "calibrating")) return cancelled("quantization cancelled");
  QWB_ASSIGN_OR_RETURN(Quantization q, calibrate(*r.model, plan, *shared_stats, c.method));
  const QuantSpec& ws = c.quant.weights;
  if ((ws.dtype == DType::kInt8 || ws.dtype == DType::kUInt8) && !ws.reduce_range && c.quant.activations.is_integer() &&
      !cpu_has_vnni()) {
    r.notices.push_back("this CPU has no VNNI: ONNX Runtime's 8-bit kernels here saturate pairs of u8 x s8 products in "
                        "int16, so the exported model can run less accurately than simulated; use reduce_range "
                        "(--reduce-range) for CPUs without VNNI");
  }
  r.quantization = std::make_shared<const Quantization>(std::move(q));
  return r;
}

Result<QuantizeReport> run_quantize(const QuantizeConfig& c, ProgressSink& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  QuantizeReport r;
  r.config = to_json(c);
  r.model = c.model;
  r.out = c.out;
  r.format = c.format;
  if (c.format != "qdq" && c.format != "trt-cache" && c.format != "ort-calib") {
    return invalid_argument("unknown export format '" + c.format + "' for a quantization (known: qdq, trt-cache, ort-calib)");
  }
  const int stages = 5;
  QWB_ASSIGN_OR_RETURN(Calibrated cal, calibrate_for(c, progress, stages));
  const auto& model = cal.model;
  const Session& session = *cal.session;
  r.model_sha256 = cal.model_sha256;
  r.sample_ids = cal.sample_ids;
  r.sample_ids_sha256 = cal.sample_ids_sha256;
  r.validation = cal.validation;
  r.statistics = cal.statistics;
  r.calib_seconds = cal.statistics->seconds;
  r.quantization = cal.quantization;
  r.notices = cal.notices;

  if (!c.out.empty()) {
    if (!progress.report(3 * 1000, stages * 1000, "exporting")) return cancelled("quantization cancelled");
    if (c.format == "qdq") {
      QWB_ASSIGN_OR_RETURN(r.exported, export_qdq(*model, *r.quantization, c.out));
    } else if (c.format == "trt-cache") {
      QWB_RETURN_IF_ERROR(write_tensorrt_cache(*r.quantization, c.out));
    } else {
      QWB_RETURN_IF_ERROR(write_ort_calibration_table(*r.quantization, c.out));
    }
  }

  if (!c.eval.spec.empty()) {
    QWB_ASSIGN_OR_RETURN(Dataset eval, load_for_model(*model, c.eval));
    Simulation sim(r.quantization);
    StageProgress sp_eval(progress, 4, stages, "evaluating FP32 and simulated");
    EvaluateOptions eo;
    eo.batch = c.batch;
    QWB_ASSIGN_OR_RETURN(r.comparison, compare(session, {}, session, sim.run_options(), eval, eo, sp_eval));
    if (c.layer_error_samples > 0) {
      std::vector<int64_t> first(static_cast<size_t>(std::min<int64_t>(c.layer_error_samples, eval.size())));
      std::iota(first.begin(), first.end(), int64_t{0});
      StageProgress sp_layers(progress, 4, stages, "per-layer error");
      QWB_ASSIGN_OR_RETURN(r.layer_errors, layer_errors(session, r.quantization, eval, first, c.batch, sp_layers));
    }
    if (c.verify_export && r.exported) {
      auto exported_model = Model::load(c.out, {.run_checker = false, .measure_shapes = false});
      if (!exported_model) return exported_model.status();
      QWB_ASSIGN_OR_RETURN(Session es, Session::create(std::make_shared<const Model>(std::move(*exported_model)), {.threads = c.threads}));
      StageProgress sp_exp(progress, 4, stages, "evaluating the exported model");
      QWB_ASSIGN_OR_RETURN(Comparison ce, compare(session, sim.run_options(), es, {}, eval, eo, sp_exp));
      r.exported_eval = ce.candidate;
      r.exported_agreement = ce.agreement;
    }
  }
  progress.report(stages * 1000, stages * 1000, "done");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

json to_json(const QuantizeConfig& c) {
  json ov = json::object();
  for (const auto& [node, o] : c.quant.overrides) {
    ov[node] = {{"weights", o.weights ? spec_json(*o.weights) : json(nullptr)},
                {"activations", o.activations ? spec_json(*o.activations) : json(nullptr)}};
  }
  return {{"model", c.model},
          {"calib", {{"data", to_json(c.calib.data)}, {"samples", c.calib.samples},
                     {"sampling", sampling_name(c.calib.sampling)}, {"seed", c.calib.seed}}},
          {"eval", to_json(c.eval)},
          {"weights", spec_json(c.quant.weights)},
          {"activations", spec_json(c.quant.activations)},
          {"exclude", c.quant.exclude},
          {"overrides", ov},
          {"method", calib_method_name(c.method.method)},
          {"percentile", c.method.percentile},
          {"moving_average", c.method.moving_average},
          {"entropy_max_clip", c.method.entropy_max_clip},
          {"out", c.out},
          {"format", c.format},
          {"threads", c.threads},
          {"batch", c.batch},
          {"layer_error_samples", c.layer_error_samples}};
}

namespace {

Result<QuantSpec> spec_from_json(const json& j) {
  QuantSpec s;
  if (j.is_string()) return s;  // "none"
  std::string dt = j.value("dtype", "none");
  if (dt == "float16") dt = "fp16";
  if (dt == "bfloat16") dt = "bf16";
  QWB_ASSIGN_OR_RETURN(s.dtype, parse_quant_dtype(dt));
  s.symmetric = j.value("symmetric", true);
  s.reduce_range = j.value("reduce_range", false);
  const std::string g = j.value("granularity", "tensor");
  QWB_ASSIGN_OR_RETURN(auto gran, parse_granularity(g == "block" ? "block:" + std::to_string(j.value("block_size", 0)) : g));
  s.granularity = gran.first;
  s.block_size = gran.second;
  return s;
}

}  // namespace

json to_json(const DataSource& d) {
  return {{"spec", d.spec}, {"mean", d.mean}, {"std", d.stddev}, {"limit", d.limit}, {"resize", d.resize},
          {"crop", {d.crop_height, d.crop_width}}, {"channels", d.channels}, {"layout", d.layout}};
}

DataSource data_source_from_json(const json& j) {
  DataSource d;
  d.spec = j.value("spec", "");
  d.mean = j.value("mean", std::vector<float>{});
  d.stddev = j.value("std", std::vector<float>{});
  d.limit = j.value("limit", int64_t{-1});
  d.resize = j.value("resize", int64_t{0});
  auto crop = j.value("crop", std::vector<int64_t>{0, 0});
  if (crop.size() == 2) {
    d.crop_height = crop[0];
    d.crop_width = crop[1];
  }
  d.channels = j.value("channels", int64_t{0});
  d.layout = j.value("layout", "");
  return d;
}

Result<QuantizeConfig> quantize_config_from_json(const json& j) {
  try {
    QuantizeConfig c;
    c.model = j.at("model").get<std::string>();
    const json& cal = j.at("calib");
    c.calib.data = data_source_from_json(cal.at("data"));
    c.calib.samples = cal.value("samples", int64_t{256});
    QWB_ASSIGN_OR_RETURN(c.calib.sampling, parse_sampling(cal.value("sampling", "first")));
    c.calib.seed = cal.value("seed", uint64_t{0});
    c.eval = data_source_from_json(j.value("eval", json::object()));
    QWB_ASSIGN_OR_RETURN(c.quant.weights, spec_from_json(j.at("weights")));
    QWB_ASSIGN_OR_RETURN(c.quant.activations, spec_from_json(j.at("activations")));
    c.quant.exclude = j.value("exclude", std::vector<std::string>{});
    const json overrides = j.value("overrides", json::object());  // items() must not outlive it
    for (const auto& [node, ov] : overrides.items()) {
      NodeOverride o;
      if (!ov.at("weights").is_null()) {
        QWB_ASSIGN_OR_RETURN(auto w, spec_from_json(ov.at("weights")));
        o.weights = w;
      }
      if (!ov.at("activations").is_null()) {
        QWB_ASSIGN_OR_RETURN(auto a, spec_from_json(ov.at("activations")));
        o.activations = a;
      }
      c.quant.overrides[node] = o;
    }
    QWB_ASSIGN_OR_RETURN(c.method.method, parse_calib_method(j.value("method", "minmax")));
    c.method.percentile = j.value("percentile", 99.999);
    c.method.moving_average = j.value("moving_average", false);
    c.method.entropy_max_clip = j.value("entropy_max_clip", 1e-4);
    c.out = j.value("out", "");
    c.format = j.value("format", "qdq");
    c.threads = j.value("threads", 0);
    c.batch = j.value("batch", int64_t{64});
    c.layer_error_samples = j.value("layer_error_samples", int64_t{256});
    return c;
  } catch (const json::exception& e) {
    return invalid_argument(std::string("stored quantize config is incomplete or malformed: ") + e.what());
  }
}

json to_json(const ClassificationMetrics& m) {
  json pc = json::array();
  for (const auto& c : m.per_class) pc.push_back({{"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1}, {"support", c.support}});
  return {{"samples", m.samples}, {"top1", m.top1}, {"top5", m.top5}, {"macro_f1", m.macro_f1},
          {"weighted_f1", m.weighted_f1}, {"per_class", pc}, {"confusion", m.confusion}};
}

json to_json(const Comparison& c, size_t max_flipped) {
  json j;
  if (c.has_labels) {
    j["fp32"] = to_json(c.reference.metrics);
    j["fp32"]["ece"] = c.reference.ece;
    j["quantized"] = to_json(c.candidate.metrics);
    j["quantized"]["ece"] = c.candidate.ece;
    j["delta_top1_pts"] = 100.0 * (c.candidate.metrics.top1 - c.reference.metrics.top1);
  }
  j["agreement"] = c.agreement;
  j["output_error"] = error_json(c.output_error);
  j["flipped_count"] = c.flipped.size();
  j["flipped"] = json::array();
  for (size_t i = 0; i < c.flipped.size() && i < max_flipped; ++i) {
    const auto& f = c.flipped[i];
    j["flipped"].push_back({{"index", f.index}, {"label", f.label}, {"fp32", f.reference}, {"quantized", f.candidate},
                            {"fp32_confidence", f.reference_confidence}, {"quantized_confidence", f.candidate_confidence}});
  }
  j["seconds"] = c.seconds;
  return j;
}

json to_json(const QuantizeReport& r) {
  json j;
  j["model"] = r.model;
  j["model_sha256"] = r.model_sha256;
  j["config"] = r.config;
  j["samples"] = r.sample_ids.size();
  j["sample_ids_sha256"] = r.sample_ids_sha256;
  j["sample_ids"] = r.sample_ids;
  j["validation"] = to_json(r.validation);
  const Quantization& q = *r.quantization;
  j["quantized_nodes"] = q.plan.quantized_nodes;
  j["excluded_nodes"] = q.plan.excluded_nodes;
  j["quantized_weights"] = q.weights.size();
  j["quantized_activations"] = q.activations.size();
  j["int32_biases"] = q.biases.size();
  json acts = json::object();
  for (const auto& [name, t] : q.activations) {
    json a = {{"dtype", dtype_name(t.spec.dtype)}, {"lo", t.range.lo}, {"hi", t.range.hi}};
    if (t.scale.defined()) {
      a["scale"] = t.scale.data<float>()[0];
      a["zero_point"] = t.zero_point.get_int64(0);
    }
    acts[name] = a;
  }
  j["activations"] = acts;
  if (r.comparison) {
    json c = to_json(*r.comparison);
    for (auto it = c.begin(); it != c.end(); ++it) j[it.key()] = it.value();
  }
  if (r.exported) {
    j["exported"] = {{"path", r.exported->path}, {"opset", r.exported->opset}, {"bytes", r.exported->bytes},
                     {"checked", r.exported->checked}, {"notices", r.exported->notices},
                     {"quantize_nodes", r.exported->quantize_nodes}, {"dequantize_nodes", r.exported->dequantize_nodes}};
  }
  if (r.exported_eval) {
    j["exported_eval"] = to_json(r.exported_eval->metrics);
    j["exported_eval"]["agreement_with_simulation"] = r.exported_agreement;
  }
  if (!r.layer_errors.empty()) {
    json le = json::array();
    for (const auto& l : r.layer_errors) {
      json e = error_json(l.error);
      e["layer"] = l.layer;
      e["op"] = l.op;
      e["tensor"] = l.tensor;
      le.push_back(std::move(e));
    }
    j["layer_errors"] = std::move(le);
  }
  j["notices"] = r.notices;
  j["out"] = r.out;
  j["format"] = r.format;
  j["calib_seconds"] = r.calib_seconds;
  j["seconds"] = r.seconds;
  return j;
}

}  // namespace qwb
