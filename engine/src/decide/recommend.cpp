// The decision tree: architecture x hardware selects the table's rows, the budget filters them, the
// goal ranks what fits, and a measured sensitivity refines the choice into a mixed-precision plan.
// Every step is written to Recommendation::path so the answer can be checked by reading it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "qwb/decide.h"

namespace qwb {

using json = nlohmann::json;

namespace {

// Losses come from decimal JSON and sums; a value equal to the budget in decimal must fit.
constexpr double kEps = 1e-9;

bool fits(double loss, double budget) { return loss <= budget + kEps; }

// Larger is better; ties go to the lower loss, then the name (stable output).
std::tuple<double, double, double> rank(const DecisionRow& r, Goal g) {
  switch (g) {
    case Goal::kSize: return {r.compression, r.speedup, -r.expected_loss_pts};
    case Goal::kLatency: return {r.speedup, r.compression, -r.expected_loss_pts};
    default: return {r.compression * r.speedup, -r.expected_loss_pts, r.compression};
  }
}

bool better(const DecisionRow& a, const DecisionRow& b, Goal g) {
  auto ra = rank(a, g), rb = rank(b, g);
  return ra != rb ? ra > rb : a.format < b.format;
}

std::string origin(const DecisionRow& r) {
  if (r.count == 0) return r.source == "edited" ? "edited" : "seed prior";
  return fmt::format("measured, mean of {} run{}{}", r.count, r.count == 1 ? "" : "s",
                     r.compression_count ? fmt::format("; compression of {}", r.compression_count) : "");
}

std::string describe(const DecisionRow& r) {
  return fmt::format("row {}: expected loss {:.2f} pts, {:.1f}x smaller, {:.1f}x faster, {} ({})", r.key(),
                     r.expected_loss_pts, r.compression, r.speedup, r.supported ? "native" : "not native", origin(r));
}

std::string list_formats(const std::vector<const DecisionRow*>& rows, bool with_loss) {
  std::string s;
  for (const auto* r : rows)
    s += (s.empty() ? "" : ", ") + (with_loss ? fmt::format("{} ({:.2f})", r->format, r->expected_loss_pts) : r->format);
  return s.empty() ? "none" : s;
}

std::string goal_text(Goal g) {
  switch (g) {
    case Goal::kSize: return "size: the largest compression";
    case Goal::kLatency: return "latency: the largest speed-up";
    default: return "balanced: the largest compression x speed-up";
  }
}

std::string goal_value(const DecisionRow& r, Goal g) {
  switch (g) {
    case Goal::kSize: return fmt::format("{:.1f}x smaller", r.compression);
    case Goal::kLatency: return fmt::format("{:.1f}x faster", r.speedup);
    default: return fmt::format("{:.1f} x {:.1f} = {:.1f}", r.compression, r.speedup, r.compression * r.speedup);
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Keeps the most harmful layers in fp16 until the estimated loss of the rest fits the budget;
// nullopt when the sensitivity gives nothing to estimate a loss from. The whole-model loss (best:
// measured with every layer quantized; else the per-layer losses summed, which overestimates when
// errors partly cancel; else the table row) is shared among the layers in proportion to their
// own losses (or, without them, to harm).
std::optional<MixedPlan> mixed_plan(const SensitivitySummary& s, const DecisionRow* row, double budget, std::vector<std::string>& path) {
  MixedPlan m;
  m.format = s.format;
  const std::string from = fmt::format("sensitivity{} ({} layers quantized to {})", s.run ? fmt::format(" run {}", s.run) : "",
                                       s.layers.size(), s.format);
  std::vector<double> share(s.layers.size(), 0.0);
  double losses = 0, harm = 0;
  for (size_t i = 0; i < s.layers.size(); ++i) {
    share[i] = std::max(0.0, -s.layers[i].delta_top1_pts.value_or(0.0));
    losses += share[i];
    harm += std::max(0.0, s.layers[i].harm);
  }
  std::string basis = "their own losses (each layer quantized alone)";
  if (!(losses > 0)) {
    if (!(harm > 0) || !std::isfinite(harm)) {
      path.push_back(from + ": no per-layer losses and no finite harm to rank the layers by: no mixed plan");
      return std::nullopt;
    }
    for (size_t i = 0; i < s.layers.size(); ++i) share[i] = std::max(0.0, s.layers[i].harm);
    losses = harm;
    basis = "harm";
  }
  double total = 0;
  if (s.all_loss_pts) {
    total = std::max(0.0, *s.all_loss_pts);
    m.rule = fmt::format("the measured loss with every layer quantized ({:.2f} pts)", total);
  } else if (basis != "harm") {
    total = losses;
    m.rule = "the sum of the per-layer losses (assumed additive)";
  } else if (row) {
    total = row->expected_loss_pts;
    m.rule = fmt::format("row {}'s expected loss ({:.2f} pts)", row->key(), total);
  } else {
    path.push_back(from + ": no per-layer losses, no whole-model loss and no " + s.format + " row: no mixed plan");
    return std::nullopt;
  }
  m.rule += " shared among the layers in proportion to " + basis;
  double rest = total;
  for (size_t i = 0; i < s.layers.size() && !fits(rest, budget); ++i) {
    m.keep_fp16.push_back(s.layers[i].layer);
    rest -= total * share[i] / losses;
  }
  m.expected_loss_pts = std::max(0.0, rest);
  m.fits = fits(m.expected_loss_pts, budget);
  m.summary = m.keep_fp16.empty() ? s.format + "; no layer needs fp16"
                                  : s.format + "; keep layer" + (m.keep_fp16.size() > 1 ? "s " : " ") + join(m.keep_fp16) + " in fp16";
  path.push_back(fmt::format("{}: {}; all layers {:.2f} pts -> {} ({:.2f} pts {} budget {:.2f})", from, m.rule, total, m.summary,
                             m.expected_loss_pts, m.fits ? "<=" : ">", budget));
  return m;
}

}  // namespace

const char* goal_name(Goal g) { return g == Goal::kSize ? "size" : g == Goal::kLatency ? "latency" : "balanced"; }

Result<Goal> parse_goal(const std::string& s) {
  if (s == "balanced") return Goal::kBalanced;
  if (s == "size") return Goal::kSize;
  if (s == "latency") return Goal::kLatency;
  return invalid_argument("unknown goal '" + s + "' (known: balanced, size, latency)");
}

Result<SensitivitySummary> sensitivity_summary_from_json(const json& doc) {
  if (!doc.is_object() || !doc.contains("layers") || !doc["layers"].is_array())
    return invalid_argument("a sensitivity document needs a 'layers' array");
  SensitivitySummary s;
  if (doc.contains("format")) {
    if (!doc["format"].is_string()) return invalid_argument("sensitivity 'format' must be a string");
    // The sensitivity job names the weights' dtype; the table names formats.
    static const std::map<std::string, std::string> kTableFormat = {
        {"uint8", "int8"}, {"float16", "fp16"}, {"bfloat16", "bf16"}, {"float8e4m3fn", "fp8"}, {"int4", "int4-block"}, {"uint4", "int4-block"}};
    s.format = doc["format"].get<std::string>();
    if (auto it = kTableFormat.find(s.format); it != kTableFormat.end()) s.format = it->second;
  }
  if (doc.contains("scheme") && doc["scheme"].is_string()) s.scheme = doc["scheme"].get<std::string>();
  // The project writes non-finite numbers as null (NaN) or "inf"/"-inf".
  auto number = [](const json& v) -> std::optional<double> {
    if (v.is_number()) return v.get<double>();
    if (v == "inf") return std::numeric_limits<double>::infinity();
    if (v == "-inf") return -std::numeric_limits<double>::infinity();
    return std::nullopt;
  };
  for (size_t i = 0; i < doc["layers"].size(); ++i) {
    const json& l = doc["layers"][i];
    const std::string at = "sensitivity layer " + std::to_string(i);
    if (!l.is_object() || !l.contains("layer") || !l["layer"].is_string()) return invalid_argument(at + ": needs a string 'layer'");
    LayerHarm x{l["layer"].get<std::string>(), l.value("op", ""), 0, std::nullopt};
    auto harm = l.contains("harm") ? number(l["harm"]) : std::nullopt;
    if (!l.contains("harm") || (!harm && !l["harm"].is_null()))
      return invalid_argument(at + " (" + x.layer + "): needs a number 'harm'");
    x.harm = harm.value_or(0.0);  // null: not measured, ranked last
    if (l.contains("delta_top1_pts")) {
      const json& d = l["delta_top1_pts"];
      if (!d.is_null() && !number(d)) return invalid_argument(at + " (" + x.layer + "): 'delta_top1_pts' must be a number");
      if (auto v = number(d); v && std::isfinite(*v)) x.delta_top1_pts = *v;
    }
    s.layers.push_back(std::move(x));
  }
  std::stable_sort(s.layers.begin(), s.layers.end(), [](const auto& a, const auto& b) { return a.harm > b.harm; });
  // The sensitivity job also measures top-1 (fractions) with every layer quantized.
  if (doc.contains("fp32_top1") && doc.contains("all_top1")) {
    auto fp32 = number(doc["fp32_top1"]), all = number(doc["all_top1"]);
    if (fp32 && all && std::isfinite(*fp32 - *all)) s.all_loss_pts = 100 * (*fp32 - *all);
  }
  return s;
}

Result<Recommendation> recommend(const RecommendInputs& in, const std::vector<DecisionRow>& table, const SensitivitySummary* sens) {
  if (in.architecture.empty()) return invalid_argument("the architecture is empty (give a model or --arch)");
  if (!std::isfinite(in.max_drop) || in.max_drop < 0) return invalid_argument(fmt::format("--max-drop must be >= 0, got {}", in.max_drop));
  if (!(in.min_compression >= 0) || !(in.min_speedup >= 0)) return invalid_argument("size and latency goals must be >= 0");
  Recommendation rec;
  rec.architecture = in.architecture;
  rec.hardware = hardware_name(in.hardware);
  auto& path = rec.path;
  path.push_back("architecture = " + in.architecture + " (" + (in.architecture_reason.empty() ? "given" : in.architecture_reason) + ")");
  path.push_back(fmt::format("hardware = {} ({}): {}", rec.hardware, in.hardware_reason.empty() ? "given" : in.hardware_reason,
                             hardware_traits(in.hardware)));

  // One row per format: the architecture's own row, else the wildcard row.
  std::map<std::string, const DecisionRow*> by_format;
  std::set<std::string> archs;
  for (const auto& r : table) {
    if (r.hardware != rec.hardware) continue;
    archs.insert(r.architecture);
    if (r.architecture != in.architecture && r.architecture != "*") continue;
    auto& slot = by_format[r.format];
    if (!slot || r.architecture == in.architecture) slot = &r;
  }
  if (by_format.empty()) {
    std::string known;
    for (const auto& a : archs) known += (known.empty() ? "" : ", ") + a;
    return not_found("the decision table has no rows for architecture '" + in.architecture + "' on " + rec.hardware +
                     " (architectures with rows there: " + (known.empty() ? "none" : known) + ")");
  }

  if (in.relative) {
    if (!in.baseline_pct || !(*in.baseline_pct > 0 && *in.baseline_pct <= 100))
      return invalid_argument("a relative budget needs the fp32 top-1 accuracy in percent (0, 100]");
    rec.budget_pts = in.max_drop / 100.0 * *in.baseline_pct;
    path.push_back(fmt::format("budget = {:g}% of fp32 top-1 {:.2f}% = {:.3f} pts", in.max_drop, *in.baseline_pct, rec.budget_pts));
  } else {
    rec.budget_pts = in.max_drop;
    path.push_back(fmt::format("budget = {:.2f} pts of top-1 (absolute)", rec.budget_pts));
  }
  std::string goals;
  if (in.min_compression > 0) goals += fmt::format(", at least {:g}x smaller", in.min_compression);
  if (in.min_speedup > 0) goals += fmt::format(", at least {:g}x faster", in.min_speedup);
  path.push_back("goal = " + goal_text(in.goal) + goals);

  std::vector<const DecisionRow*> rows;
  for (const auto& [f, r] : by_format) rows.push_back(r);
  std::sort(rows.begin(), rows.end(), [&](const auto* a, const auto* b) { return better(*a, *b, in.goal); });
  for (const auto* r : rows) {
    path.push_back(describe(*r));
    rec.rows_used.push_back(r->key());
  }

  const double budget = rec.budget_pts;
  auto meets_goals = [&](const DecisionRow* r) { return r->compression >= in.min_compression && r->speedup >= in.min_speedup; };
  std::vector<const DecisionRow*> fit, no_fit, not_native;
  for (const auto* r : rows) (fits(r->expected_loss_pts, budget) ? fit : no_fit).push_back(r);
  for (const auto* r : fit)
    if (!r->supported) not_native.push_back(r);
  path.push_back(fmt::format("fit the budget (loss <= {:.2f} pts): {}; do not fit: {}", budget, list_formats(fit, true),
                             list_formats(no_fit, true)));
  if (!not_native.empty())
    path.push_back("not native on " + rec.hardware + ": " + list_formats(not_native, false) + " (chosen only when no native format fits)");

  // Tiers, best first: native + fits + goals; native + fits; fits (emulated: size benefit only).
  const DecisionRow* chosen = nullptr;
  std::string why;
  for (int tier = 0; tier < 3 && !chosen; ++tier) {
    for (const auto* r : fit) {
      if ((tier < 2 && !r->supported) || (tier == 0 && !meets_goals(r))) continue;
      chosen = r;
      break;
    }
    if (!chosen) continue;
    if (tier == 1 && !goals.empty()) path.push_back("no native format that fits meets" + goals + ": that goal is dropped");
    if (tier == 2) path.push_back("no native format fits: choosing among the emulated ones (smaller files, no speed-up)");
    why = fmt::format("chosen: {}: fits ({:.2f} <= {:.2f} pts) with the best {} ({}) among the {}formats that fit", chosen->format,
                      chosen->expected_loss_pts, budget, goal_name(in.goal), goal_value(*chosen, in.goal),
                      tier < 2 ? "native " : "");
  }
  rec.budget_met = chosen != nullptr;
  if (!chosen) {
    chosen = *std::min_element(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
      return std::tie(a->expected_loss_pts, a->format) < std::tie(b->expected_loss_pts, b->format);
    });
    why = fmt::format("no format fits {:.2f} pts: chosen {}, the lowest expected loss ({:.2f} pts); the budget is NOT met. "
                      "Mixed precision may meet it: measure per-layer sensitivity and keep the most harmful layers in fp16",
                      budget, chosen->format, chosen->expected_loss_pts);
  }
  path.push_back(why);

  auto take = [&](const DecisionRow& r) {
    rec.format = r.format;
    rec.scheme = r.scheme;
    rec.calibration = r.calibration;
    rec.cli = r.cli;
    rec.row = r.key();
    rec.source = r.source;
    rec.expected_loss_pts = r.expected_loss_pts;
    rec.compression = r.compression;
    rec.speedup = r.speedup;
    rec.count = r.count;
  };
  take(*chosen);

  if (sens) {
    const DecisionRow* base = by_format.count(sens->format) ? by_format[sens->format] : nullptr;
    rec.mixed_plan = mixed_plan(*sens, base, budget, path);
    // The plan wins when its format is what the goal would pick had it fit, or nothing fits.
    const bool preferred = base && base->supported && (base == chosen || !rec.budget_met || better(*base, *chosen, in.goal));
    if (const MixedPlan* plan = rec.mixed_plan ? &*rec.mixed_plan : nullptr; plan && plan->fits && preferred && !plan->keep_fp16.empty()) {
      const std::string mixed = sens->format + "-mixed";
      const DecisionRow* numbers = by_format.count(mixed) ? by_format[mixed] : base;
      take(*numbers);
      rec.format = mixed;
      rec.expected_loss_pts = plan->expected_loss_pts;
      rec.scheme = base->scheme + "; layers " + join(plan->keep_fp16) + " kept in fp16";
      rec.cli = base->cli;
      for (const auto& l : plan->keep_fp16) rec.cli += " --override " + l + "=fp16/fp16";
      rec.budget_met = true;
      path.push_back(fmt::format("refined: {} (estimated {:.2f} <= {:.2f} pts); compression and speed-up from row {}", plan->summary,
                                 plan->expected_loss_pts, budget, numbers->key()));
    } else if (plan) {
      path.push_back(!preferred                ? "mixed plan " + plan->summary + " not chosen: " + rec.format + " is better for the goal"
                     : plan->keep_fp16.empty() ? "no mixed plan needed: " + sens->format + " as a whole fits"
                                               : "mixed plan " + plan->summary + " does not fit");
    }
  }

  if (!rec.mixed_plan && rec.format.size() > 6 && rec.format.ends_with("-mixed"))
    path.push_back(rec.format + ": which layers stay in fp16 comes from a sensitivity run of the model (none given)");

  for (const auto* r : rows) {
    if (r->key() == rec.row) continue;
    Alternative a{r->format, r->key(), r->source, "", r->expected_loss_pts, r->compression, r->speedup, r->count, r->supported,
                  fits(r->expected_loss_pts, budget)};
    a.why = !a.fits ? fmt::format("does not fit: {:.2f} > {:.2f} pts", a.expected_loss_pts, budget)
            : !a.supported ? "fits, but not native on " + rec.hardware
            : !meets_goals(r) ? "fits, but misses" + goals
                              : fmt::format("fits; {} for the goal", better(*r, *chosen, in.goal) ? "better" : "worse");
    rec.alternatives.push_back(std::move(a));
  }
  return rec;
}

json to_json(const Recommendation& r) {
  json alts = json::array();
  for (const auto& a : r.alternatives)
    alts.push_back({{"format", a.format}, {"row", a.row}, {"source", a.source}, {"count", a.count},
                    {"expected_loss_pts", a.expected_loss_pts}, {"compression", a.compression}, {"speedup", a.speedup},
                    {"supported", a.supported}, {"fits", a.fits}, {"why", a.why}});
  json j = {{"architecture", r.architecture}, {"hardware", r.hardware}, {"format", r.format}, {"scheme", r.scheme},
            {"calibration", r.calibration}, {"cli", r.cli}, {"row", r.row}, {"source", r.source}, {"count", r.count},
            {"expected_loss_pts", r.expected_loss_pts}, {"compression", r.compression}, {"speedup", r.speedup},
            {"budget_pts", r.budget_pts}, {"budget_met", r.budget_met}, {"alternatives", alts}, {"path", r.path},
            {"rows_used", r.rows_used}, {"mixed_plan", nullptr}};
  if (r.mixed_plan) {
    const auto& m = *r.mixed_plan;
    j["mixed_plan"] = {{"format", m.format}, {"keep_fp16", m.keep_fp16}, {"expected_loss_pts", m.expected_loss_pts},
                       {"fits", m.fits}, {"rule", m.rule}, {"summary", m.summary}};
  }
  return j;
}

Result<ModelFacts> model_facts(const Project& p, const std::string& sha) {
  QWB_ASSIGN_OR_RETURN(auto models, p.list_models());
  std::map<int64_t, std::string> model_sha;
  for (const auto& m : models) model_sha[m.id] = m.sha256;
  QWB_ASSIGN_OR_RETURN(auto runs, p.list_runs());  // newest first
  ModelFacts f;
  for (const auto& r : runs) {
    const std::string& s = r.model_sha256.empty() ? model_sha[r.model_id] : r.model_sha256;
    if (r.status != RunStatus::kSucceeded || s != sha) continue;
    if (!f.sensitivity && r.kind == "sensitivity") {
      auto doc = p.document(r.id, "sensitivity");
      if (doc) {
        auto sens = sensitivity_summary_from_json(*doc);
        if (!sens) return sens.status().with_context("run " + std::to_string(r.id) + "'s sensitivity document");
        f.sensitivity = std::move(*sens);
        f.sensitivity->run = r.id;
      }
    }
    if (!f.fp32_pct) {
      // An evaluate run measured the model itself (top1); a quantize run used it as the fp32 reference.
      const char* metric = r.kind == "evaluate" ? "top1" : "fp32.top1";
      if (auto it = r.metrics.find(metric); it != r.metrics.end()) f.fp32_pct = 100 * it->second;
    }
  }
  return f;
}


}  // namespace qwb
