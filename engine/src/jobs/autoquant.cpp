// The autoquant job: accuracy-aware mixed precision guided by sensitivity (qwb/jobs.h).
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <unistd.h>

#include "qwb/hash.h"
#include "qwb/jobs.h"

namespace qwb {

using json = nlohmann::json;

const char* objective_name(Objective o) {
  switch (o) {
    case Objective::kSize: return "size";
    case Objective::kBitops: return "bitops";
    default: return "latency";
  }
}

Result<Objective> parse_objective(const std::string& s) {
  if (s == "size") return Objective::kSize;
  if (s == "bitops") return Objective::kBitops;
  if (s == "latency") return Objective::kLatency;
  return invalid_argument("unknown objective '" + s + "' (known: size, bitops, latency)");
}

namespace {

using Clock = std::chrono::steady_clock;

std::string candidate_name(const QuantSpec& s) {
  if (!s.enabled()) return "fp32";
  if (s.is_cast()) return s.dtype == DType::kFloat16 ? "fp16" : "bf16";
  std::string g = s.granularity == Granularity::kTensor ? "tensor"
                  : s.granularity == Granularity::kChannel ? "channel"
                                                           : "block:" + std::to_string(s.block_size);
  return std::string(dtype_name(s.dtype)) + " " + g;
}

// Stored bits per weight, scales included (a float32 scale per block).
double weight_bits(const QuantSpec& s) {
  if (!s.enabled()) return 32;
  double bits = 8;
  switch (s.dtype) {
    case DType::kInt4: case DType::kUInt4: bits = 4; break;
    case DType::kInt16: case DType::kFloat16: case DType::kBFloat16: bits = 16; break;
    default: break;
  }
  if (s.granularity == Granularity::kBlock && s.block_size > 0) bits += 32.0 / static_cast<double>(s.block_size);
  return bits;
}

double activation_bits(const QuantSpec& a) {
  if (!a.enabled()) return 32;
  return a.dtype == DType::kInt16 || a.is_cast() ? 16 : 8;
}

struct LayerInfo {
  std::string name;
  int64_t params = 0;  // quantizable weight parameters
  int64_t macs = 0;
};

}  // namespace

Result<AutoquantReport> run_autoquant(const AutoquantConfig& c, ProgressSink& progress) {
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  if (c.base.eval.spec.empty()) return invalid_argument("autoquant needs labelled evaluation data (--eval)");
  if (!(c.max_drop >= 0)) return invalid_argument("--max-drop must be a number >= 0");
  if (!(c.time_budget_seconds > 0)) return invalid_argument("--time-budget must be positive");
  if (!c.base.quant.weights.enabled()) return invalid_argument("autoquant needs a weight format to start from (--weights)");
  AutoquantReport r;
  r.model = c.base.model;
  r.config = to_json(c);
  std::vector<QuantSpec> cands = c.candidates;
  if (cands.empty()) {
    cands = {c.base.quant.weights, {DType::kInt8, true, Granularity::kChannel, 0, c.base.quant.weights.reduce_range},
             {DType::kFloat16, true, Granularity::kTensor, 0, false}, QuantSpec{}};
    // The start format may already be one of the later ones.
    for (size_t i = 1; i < cands.size(); ++i) {
      if (candidate_name(cands[i]) == candidate_name(cands[0])) cands.erase(cands.begin() + static_cast<long>(i--));
    }
  }
  for (const auto& s : cands) r.candidates.push_back(candidate_name(s));

  const int stages = 5;  // load/stats/calibrate, sensitivity, search (2 shares), export
  QuantizeConfig base = c.base;
  base.quant.weights = cands[0];
  QWB_ASSIGN_OR_RETURN(Calibrated cal, calibrate_for(base, progress, stages));
  r.model_sha256 = cal.model_sha256;
  const Model& model = *cal.model;
  const Session& session = *cal.session;
  QWB_ASSIGN_OR_RETURN(Dataset eval, load_for_model(model, c.base.eval));
  if (!eval.has_labels()) return invalid_argument("evaluation data '" + c.base.eval.spec + "' has no labels; autoquant needs top-1");

  // Layers with their weight parameters (and MACs for bitops).
  std::map<std::string, int64_t> macs;
  if (c.objective == Objective::kBitops) {
    QWB_ASSIGN_OR_RETURN(Model measured, Model::load(c.base.model, {.run_checker = false, .measure_shapes = true}));
    for (const auto& n : measured.summary().nodes) macs[n.name] = n.macs;
  }
  std::vector<LayerInfo> layers;
  int64_t total_params = 0, other_params = 0;
  for (const auto& name : cal.quantization->plan.quantized_nodes) {
    LayerInfo l{name, 0, macs.count(name) ? macs[name] : 0};
    for (const auto& [w, e] : cal.quantization->plan.weights) {
      if (e.node == name) l.params += model.graph().initializers.at(w).numel();
    }
    total_params += l.params;
    layers.push_back(l);
  }
  for (const auto& [name, t] : model.graph().initializers) {
    if (t.dtype() == DType::kFloat32 && !cal.quantization->plan.weights.count(name)) other_params += t.numel();
  }
  if (layers.empty()) return invalid_argument("file '" + c.base.model + "': no layer can be quantized");

  EvaluateOptions eo;
  eo.batch = c.base.batch;
  NullProgress quiet;
  QWB_ASSIGN_OR_RETURN(EvaluateResult fp32, evaluate(session, eval, eo, quiet));
  r.fp32_top1 = fp32.metrics.top1;
  // Points; relative: max_drop % of the FP32 top-1 (a fraction), e.g. 1% of 92% = 0.92 points.
  r.allowed_drop_pts = c.relative ? c.max_drop * r.fp32_top1 : c.max_drop;

  // Sensitivity of each layer alone at the cheapest format orders the search.
  {
    SensitivityOptions so;
    so.parts = {c.base.quant.activations.enabled() ? SweepPart::kBoth : SweepPart::kWeights};
    so.propagation = false;
    so.batch = std::min<int64_t>(c.base.batch, 64);
    for (int64_t i = 0; i < std::min<int64_t>(c.sensitivity_samples, eval.size()); ++i) so.ids.push_back(i);
    StageProgress sp(progress, 1, stages, "sensitivity");
    QWB_ASSIGN_OR_RETURN(SensitivityReport sr, analyze_sensitivity(session, *cal.quantization, eval, so, sp));
    if (sr.cancelled) return cancelled("autoquant cancelled");
    for (const auto& l : sr.layers) r.layer_order.push_back(l.layer);
  }

  // One plan: a level (index into cands) per layer, in r.layer_order.
  std::map<std::string, size_t> layer_index;
  for (size_t i = 0; i < layers.size(); ++i) layer_index[layers[i].name] = i;
  auto cost_of = [&](const std::vector<size_t>& level, const std::string& exported) -> Result<double> {
    double cost = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      const QuantSpec& s = cands[level[i]];
      const double wb = weight_bits(s);
      if (c.objective == Objective::kSize) cost += static_cast<double>(layers[i].params) * wb / 8;
      if (c.objective == Objective::kBitops) {
        const double ab = s.enabled() && s.is_integer() ? activation_bits(c.base.quant.activations) : wb;
        cost += static_cast<double>(layers[i].macs) * std::min(wb, 32.0) * ab;
      }
    }
    if (c.objective == Objective::kSize) cost += static_cast<double>(other_params) * 4;
    if (c.objective == Objective::kLatency) {
      BenchConfig bc;
      bc.model = exported;
      bc.batch = 1;
      bc.threads = c.base.threads;
      bc.runs = 10;
      QWB_ASSIGN_OR_RETURN(BenchReport br, run_bench(bc, quiet));
      cost = br.median_ms;
    }
    return cost;
  };
  std::map<std::vector<size_t>, size_t> seen;  // level vector -> index in r.evaluated
  std::vector<std::shared_ptr<const Quantization>> quants;
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("qwb_autoquant_" + std::to_string(::getpid()) + ".onnx");
  auto quantization_of = [&](const std::vector<size_t>& level) -> Result<Quantization> {
    QuantOptions qo = base.quant;
    for (size_t i = 0; i < layers.size(); ++i) {
      const QuantSpec& s = cands[level[i]];
      if (!s.enabled()) {
        qo.exclude.push_back(layers[i].name);
      } else if (level[i] != 0) {
        qo.overrides[layers[i].name].weights = s;
      }
    }
    QWB_ASSIGN_OR_RETURN(QuantPlan plan, make_plan(model, qo));
    return calibrate(model, plan, *cal.statistics, base.method);
  };
  double eval_seconds = 0;
  int64_t evaluations = 0;
  // Evaluates a plan (once); false when the time budget leaves no room for it.
  auto try_plan = [&](const std::vector<size_t>& level) -> Result<std::optional<size_t>> {
    if (auto it = seen.find(level); it != seen.end()) return std::optional<size_t>(it->second);
    const double per_eval = evaluations ? eval_seconds / static_cast<double>(evaluations) : 0;
    // The first plan is always evaluated: a result needs at least one measured plan.
    if (evaluations > 0 && elapsed() + per_eval > c.time_budget_seconds) {
      r.timed_out = true;
      return std::optional<size_t>();
    }
    const auto te = Clock::now();
    if (!progress.report(2000 + std::min<int64_t>(evaluations * 40, 1990), stages * 1000,
                         "evaluating plan " + std::to_string(evaluations + 1))) {
      return cancelled("autoquant cancelled");
    }
    QWB_ASSIGN_OR_RETURN(Quantization q, quantization_of(level));
    auto shared = std::make_shared<const Quantization>(std::move(q));
    std::string exported;
    if (c.objective == Objective::kLatency) {
      QWB_ASSIGN_OR_RETURN(ExportResult er, export_qdq(model, *shared, scratch.string()));
      exported = er.path;
    }
    Simulation sim(shared);
    EvaluateOptions so = eo;
    so.run = sim.run_options();
    QWB_ASSIGN_OR_RETURN(EvaluateResult res, evaluate(session, eval, so, quiet));
    AutoquantPlan p;
    int64_t low = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
      p.formats[layers[i].name] = r.candidates[level[i]];
      if (level[i] == 0) low += layers[i].params;
    }
    p.top1 = res.metrics.top1;
    p.drop_pts = 100.0 * (r.fp32_top1 - p.top1);
    p.meets_budget = p.drop_pts <= r.allowed_drop_pts + 1e-9;
    p.low_bit_share = total_params ? static_cast<double>(low) / static_cast<double>(total_params) : 0;
    QWB_ASSIGN_OR_RETURN(p.cost, cost_of(level, exported));
    eval_seconds += std::chrono::duration<double>(Clock::now() - te).count();
    ++evaluations;
    p.seconds = elapsed();
    r.evaluated.push_back(p);
    quants.push_back(shared);
    seen[level] = r.evaluated.size() - 1;
    return std::optional<size_t>(r.evaluated.size() - 1);
  };
  auto meets = [&](const std::optional<size_t>& i) { return i && r.evaluated[*i].meets_budget; };
  // The plan with the `k` most harmful layers at `lv` and the rest at the cheapest format.
  auto top_k = [&](size_t k, size_t lv) {
    std::vector<size_t> level(layers.size(), 0);
    for (size_t i = 0; i < k && i < r.layer_order.size(); ++i) level[layer_index.at(r.layer_order[i])] = lv;
    return level;
  };

  // 1. Everything at the cheapest format. 2. Per higher format, the fewest most-harmful layers
  // that must move up (bisection; accuracy is close to monotone in k, and every plan is
  // evaluated, so a non-monotone step costs time, not correctness). 3. Move single layers back
  // down, least harmful first, while the budget holds.
  QWB_ASSIGN_OR_RETURN(auto first, try_plan(top_k(0, 0)));
  std::vector<size_t> current = top_k(0, 0);
  bool found = meets(first);
  for (size_t lv = 1; lv < cands.size() && !found && !r.timed_out; ++lv) {
    QWB_ASSIGN_OR_RETURN(auto all, try_plan(top_k(layers.size(), lv)));
    if (!meets(all)) continue;
    size_t lo = 0, hi = layers.size();  // fails at lo, meets at hi
    while (hi - lo > 1 && !r.timed_out) {
      const size_t mid = (lo + hi) / 2;
      QWB_ASSIGN_OR_RETURN(auto m, try_plan(top_k(mid, lv)));
      if (!m) break;
      (meets(m) ? hi : lo) = mid;
    }
    current = top_k(hi, lv);
    found = true;
  }
  if (found) {
    for (auto it = r.layer_order.rbegin(); it != r.layer_order.rend() && !r.timed_out; ++it) {
      const size_t i = layer_index.at(*it);
      if (current[i] == 0) continue;
      std::vector<size_t> down = current;
      down[i] = 0;
      QWB_ASSIGN_OR_RETURN(auto d, try_plan(down));
      if (meets(d)) current = down;
    }
  }
  progress.report(4000, stages * 1000, "search done");

  // Best: the cheapest plan that meets the budget, else the most accurate one.
  for (size_t i = 0; i < r.evaluated.size(); ++i) {
    const AutoquantPlan& p = r.evaluated[i];
    if (r.best < 0) {
      r.best = static_cast<int>(i);
      continue;
    }
    const AutoquantPlan& b = r.evaluated[static_cast<size_t>(r.best)];
    const bool better = p.meets_budget != b.meets_budget ? p.meets_budget
                        : p.meets_budget ? (p.cost < b.cost || (p.cost == b.cost && p.top1 > b.top1))
                                         : p.top1 > b.top1;
    if (better) r.best = static_cast<int>(i);
  }
  for (auto& p : r.evaluated) {
    p.pareto = std::none_of(r.evaluated.begin(), r.evaluated.end(), [&](const AutoquantPlan& o) {
      return o.cost <= p.cost && o.top1 >= p.top1 && (o.cost < p.cost || o.top1 > p.top1);
    });
  }
  {
    std::vector<size_t> all_fp32(layers.size(), cands.size() - 1);
    if (!cands.back().enabled() && c.objective != Objective::kLatency) {
      QWB_ASSIGN_OR_RETURN(r.cost_fp32, cost_of(all_fp32, ""));
    }
  }
  const AutoquantPlan& best = r.evaluated[static_cast<size_t>(r.best)];
  r.budget_met = best.meets_budget;
  r.quantization = quants[static_cast<size_t>(r.best)];
  size_t low_layers = 0;
  for (const auto& [l, f] : best.formats) low_layers += f == r.candidates[0];
  r.statement =
      (r.budget_met ? "budget met: " : "budget NOT met (best plan found returned): ") +
      fmt::format("top-1 {:.2f}% vs FP32 {:.2f}% (drop {:.2f} points, allowed {:.2f}); {} of {} layers and {:.1f}% of the "
                  "weight parameters at {}; {} plans evaluated in {:.0f} s{}",
                  100 * best.top1, 100 * r.fp32_top1, best.drop_pts, r.allowed_drop_pts, low_layers, layers.size(),
                  100 * best.low_bit_share, r.candidates[0], r.evaluated.size(), elapsed(),
                  r.timed_out ? " (time budget reached)" : "");
  if (!c.base.out.empty()) {
    if (!progress.report(4000, stages * 1000, "exporting")) return cancelled("autoquant cancelled");
    QWB_ASSIGN_OR_RETURN(r.exported, export_qdq(model, *r.quantization, c.base.out));
  }
  std::error_code ec;
  std::filesystem::remove(scratch, ec);
  progress.report(stages * 1000, stages * 1000, "done");
  r.seconds = elapsed();
  return r;
}

json to_json(const AutoquantConfig& c) {
  json j = to_json(c.base);
  json cands = json::array();
  for (const auto& s : c.candidates) cands.push_back(candidate_name(s));
  j["autoquant"] = {{"max_drop", c.max_drop}, {"relative", c.relative}, {"objective", objective_name(c.objective)},
                    {"time_budget_seconds", c.time_budget_seconds}, {"sensitivity_samples", c.sensitivity_samples},
                    {"candidates", cands}};
  return j;
}

json to_json(const AutoquantReport& r) {
  json plans = json::array();
  for (const auto& p : r.evaluated) {
    plans.push_back({{"top1", p.top1}, {"drop_pts", p.drop_pts}, {"cost", p.cost}, {"low_bit_share", p.low_bit_share},
                     {"meets_budget", p.meets_budget}, {"pareto", p.pareto}, {"seconds", p.seconds}, {"formats", p.formats}});
  }
  json j = {{"model", r.model}, {"model_sha256", r.model_sha256}, {"fp32_top1", r.fp32_top1},
            {"allowed_drop_pts", r.allowed_drop_pts}, {"candidates", r.candidates},
            {"layer_order", r.layer_order}, {"budget_met", r.budget_met}, {"timed_out", r.timed_out},
            {"statement", r.statement}, {"cost_fp32", r.cost_fp32}, {"seconds", r.seconds}, {"plans", plans},
            {"config", r.config}};
  if (r.best >= 0) j["best"] = plans[static_cast<size_t>(r.best)];
  if (r.exported) {
    j["exported"] = {{"path", r.exported->path}, {"opset", r.exported->opset}, {"bytes", r.exported->bytes},
                     {"checked", r.exported->checked}, {"notices", r.exported->notices}};
  }
  return j;
}

}  // namespace qwb
