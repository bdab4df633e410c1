// The sensitivity job: calibrate as the quantize job does, then sweep the layers on the
// evaluation data (qwb/sensitivity.h).
#include <chrono>
#include <cmath>

#include "qwb/jobs.h"

namespace qwb {

using json = nlohmann::json;

namespace {

json num(double v) { return std::isfinite(v) ? json(v) : std::isnan(v) ? json(nullptr) : json(v > 0 ? "inf" : "-inf"); }

json metrics_json(const LayerMetrics& m) {
  return {{"delta_top1_pts", num(m.delta_top1_pts)}, {"output_sqnr_db", num(m.output_sqnr_db)},
          {"output_cosine", num(m.output_cosine)}, {"logits_kl", num(m.logits_kl)},
          {"local_sqnr_db", num(m.local_sqnr_db)}, {"samples", m.samples}};
}

}  // namespace

Result<SensitivityJobReport> run_sensitivity(const SensitivityConfig& c, ProgressSink& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (c.base.eval.spec.empty()) return invalid_argument("sensitivity needs evaluation data (--eval)");
  const int stages = 4;
  QWB_ASSIGN_OR_RETURN(Calibrated cal, calibrate_for(c.base, progress, stages));
  QWB_ASSIGN_OR_RETURN(Dataset eval, load_for_model(*cal.model, c.base.eval));
  SensitivityJobReport r;
  r.model = c.base.model;
  r.model_sha256 = cal.model_sha256;
  r.calib_ids = cal.sample_ids;
  r.calib_ids_sha256 = cal.sample_ids_sha256;
  r.format = c.base.quant.weights.enabled() ? dtype_name(c.base.quant.weights.dtype) : "none";
  r.scheme = c.base.quant.weights.describe() + " weights, " +
             (c.base.quant.activations.enabled() ? c.base.quant.activations.describe() : "float") + " activations";
  StageProgress sp(progress, 2, stages - 1, "sensitivity");
  QWB_ASSIGN_OR_RETURN(r.report, analyze_sensitivity(*cal.session, *cal.quantization, eval, c.options, sp));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

json to_json(const SensitivityConfig& c) {
  json j = to_json(c.base);
  json modes = json::array(), parts = json::array();
  for (auto m : c.options.modes) modes.push_back(sweep_mode_name(m));
  for (auto p : c.options.parts) parts.push_back(sweep_part_name(p));
  j["sensitivity"] = {{"modes", modes}, {"parts", parts}, {"batch", c.options.batch},
                      {"ids", c.options.ids}, {"output", c.options.output},
                      {"propagation", c.options.propagation}, {"layers", c.options.layers}};
  return j;
}

Result<SensitivityConfig> sensitivity_config_from_json(const json& j) {
  SensitivityConfig c;
  QWB_ASSIGN_OR_RETURN(c.base, quantize_config_from_json(j));
  try {
    const json& s = j.at("sensitivity");
    c.options.modes.clear();
    c.options.parts.clear();
    for (const auto& m : s.at("modes")) {
      QWB_ASSIGN_OR_RETURN(SweepMode v, parse_sweep_mode(m.get<std::string>()));
      c.options.modes.push_back(v);
    }
    for (const auto& p : s.at("parts")) {
      QWB_ASSIGN_OR_RETURN(SweepPart v, parse_sweep_part(p.get<std::string>()));
      c.options.parts.push_back(v);
    }
    c.options.batch = s.value("batch", int64_t{16});
    c.options.ids = s.value("ids", std::vector<int64_t>{});
    c.options.output = s.value("output", "");
    c.options.propagation = s.value("propagation", true);
    c.options.layers = s.value("layers", std::vector<std::string>{});
    return c;
  } catch (const json::exception& e) {
    return invalid_argument(std::string("stored sensitivity config is incomplete or malformed: ") + e.what());
  }
}

json to_json(const SensitivityJobReport& r) {
  const SensitivityReport& s = r.report;
  json layers = json::array();
  for (const auto& l : s.layers) {
    json m = json::object();
    for (const auto& [k, v] : l.metrics) m[k] = metrics_json(v);
    json row = {{"layer", l.layer}, {"op", l.op}, {"index", l.index}, {"harm", num(l.harm)},
                {"complete", l.complete}, {"metrics", m}};
    // The headline numbers of "only this layer quantized" (the decision tree reads these).
    if (auto it = l.metrics.find("only.both"); it != l.metrics.end()) {
      row["delta_top1_pts"] = num(it->second.delta_top1_pts);
      row["output_sqnr_db"] = num(it->second.output_sqnr_db);
    }
    layers.push_back(row);
  }
  json prop = json::array();
  for (const auto& t : s.propagation) {
    prop.push_back({{"tensor", t.tensor}, {"producer", t.producer}, {"order", t.order},
                    {"accumulated_sqnr_db", num(t.accumulated_sqnr_db)}, {"local_sqnr_db", num(t.local_sqnr_db)}});
  }
  return {{"model", r.model}, {"model_sha256", r.model_sha256}, {"format", r.format}, {"scheme", r.scheme},
          {"calib_ids_sha256", r.calib_ids_sha256}, {"variants", s.variants}, {"has_labels", s.has_labels},
          {"fp32_top1", num(s.fp32_top1)}, {"all_top1", num(s.all_top1)}, {"samples", s.samples},
          {"planned_samples", s.planned_samples}, {"cancelled", s.cancelled}, {"partial", s.cancelled},
          {"seconds", r.seconds}, {"sweep_seconds", s.seconds},
          {"reuse_seconds", s.reuse_seconds}, {"baseline_seconds", s.baseline_seconds},
          {"simulation_seconds", s.simulation_seconds}, {"baseline_max_abs_diff", s.baseline_max_abs_diff},
          {"layers", layers}, {"propagation", prop}};
}

}  // namespace qwb
