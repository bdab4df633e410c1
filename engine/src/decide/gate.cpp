// The accuracy gate: pass / review / fail from a run's fp32 and quantized top-1, stored on the run.
#include <fmt/format.h>

#include <cmath>

#include "qwb/decide.h"

namespace qwb {

using json = nlohmann::json;

const char* gate_outcome_name(GateOutcome o) {
  return o == GateOutcome::kPass ? "pass" : o == GateOutcome::kReview ? "review" : "fail";
}

Result<GateResult> decide_gate(double fp32_top1, double quantized_top1, const GateOptions& o) {
  if (!std::isfinite(o.max_drop) || o.max_drop < 0) return invalid_argument(fmt::format("--max-drop must be >= 0, got {}", o.max_drop));
  if (!std::isfinite(o.review_band) || o.review_band < 0)
    return invalid_argument(fmt::format("--review-band must be >= 0, got {}", o.review_band));
  for (double v : {fp32_top1, quantized_top1})
    if (!(v >= 0 && v <= 1)) return invalid_argument(fmt::format("top-1 accuracy {} is not a fraction in [0, 1]", v));
  GateResult g;
  g.fp32_pct = 100 * fp32_top1;
  g.quantized_pct = 100 * quantized_top1;
  g.drop_pts = g.fp32_pct - g.quantized_pct;
  g.threshold_pts = o.relative ? o.max_drop / 100 * g.fp32_pct : o.max_drop;
  g.band_pts = o.review_band;
  // 1e-9 points: 0.9 - 0.885 is 1.5000000000000013 points in binary and must equal a 1.5 threshold.
  constexpr double kEps = 1e-9;
  const std::string threshold = o.relative ? fmt::format("{:.3f} pts ({:g}% of fp32 {:.2f}%)", g.threshold_pts, o.max_drop, g.fp32_pct)
                                           : fmt::format("{:.3f} pts", g.threshold_pts);
  const std::string numbers = fmt::format("fp32 top-1 {:.2f}%, quantized {:.2f}%: drop {:.3f} pts", g.fp32_pct, g.quantized_pct, g.drop_pts);
  if (g.drop_pts > g.threshold_pts + kEps) {
    g.outcome = GateOutcome::kFail;
    g.message = numbers + " > threshold " + threshold;
  } else if (g.drop_pts > g.threshold_pts - g.band_pts + kEps) {
    g.outcome = GateOutcome::kReview;
    g.message = fmt::format("{} <= threshold {}, but within the review band of {:.3f} pts (pass needs <= {:.3f})", numbers, threshold,
                            g.band_pts, g.threshold_pts - g.band_pts);
  } else {
    g.outcome = GateOutcome::kPass;
    g.message = g.band_pts > 0 ? fmt::format("{} <= {:.3f} pts (threshold {} minus review band {:.3f})", numbers,
                                             g.threshold_pts - g.band_pts, threshold, g.band_pts)
                               : numbers + " <= threshold " + threshold;
  }
  return g;
}

Result<GateResult> gate(Project& p, int64_t run_id, const GateOptions& o) {
  QWB_ASSIGN_OR_RETURN(RunRecord run, p.get_run(run_id));
  const std::string who = "run " + std::to_string(run_id);
  if (run.status != RunStatus::kSucceeded)
    return invalid_argument(who + " is " + run_status_name(run.status) + "; the gate needs a succeeded run");
  auto metric = [&](const char* name) -> Result<double> {
    auto it = run.metrics.find(name);
    if (it == run.metrics.end())
      return invalid_argument(who + " (" + run.kind + ") has no metric '" + name +
                              "': quantize with --eval, or evaluate with --reference, records fp32.top1 and quantized.top1");
    return it->second;
  };
  QWB_ASSIGN_OR_RETURN(double fp32, metric("fp32.top1"));
  QWB_ASSIGN_OR_RETURN(double quantized, metric("quantized.top1"));
  QWB_ASSIGN_OR_RETURN(GateResult g, decide_gate(fp32, quantized, o));
  g.run = run_id;
  g.message = who + ": " + g.message;
  // gate.outcome uses the CLI's exit codes: 0 pass, 1 fail, 3 review.
  const double code = g.outcome == GateOutcome::kPass ? 0 : g.outcome == GateOutcome::kFail ? 1 : 3;
  QWB_RETURN_IF_ERROR(p.add_metrics(run_id, {{"gate.outcome", code}, {"gate.drop_pts", g.drop_pts},
                                             {"gate.threshold_pts", g.threshold_pts}, {"gate.review_band_pts", g.band_pts}}));
  json doc = to_json(g);
  doc["options"] = {{"max_drop", o.max_drop}, {"relative", o.relative}, {"review_band", o.review_band}};
  QWB_RETURN_IF_ERROR(p.put_document(run_id, "gate", doc));
  return g;
}

json to_json(const GateResult& g) {
  return {{"outcome", gate_outcome_name(g.outcome)}, {"run", g.run}, {"fp32_top1_pct", g.fp32_pct},
          {"quantized_top1_pct", g.quantized_pct}, {"drop_pts", g.drop_pts}, {"threshold_pts", g.threshold_pts},
          {"review_band_pts", g.band_pts}, {"message", g.message}};
}

}  // namespace qwb
