// Per-layer sensitivity and error propagation of a quantization.
//
//   auto q = qwb::calibrate(*model, plan, stats, {});          // the formats under study
//   qwb::SensitivityOptions o;                                   // only / all-but, w / a / both
//   auto r = qwb::analyze_sensitivity(session, *q, eval_data, o, progress);
//   for (const auto& l : r->layers) std::cout << l.layer << " " << l.harm << "\n";  // most harmful first
//
// "only L": just layer L quantized (its weights and/or its input activations); every value that
// L cannot change is taken from one FP32 pass per batch (RunOptions::known), so only L and what
// follows it run again. "all but L": everything quantized except L (a full run per layer).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qwb/data.h"
#include "qwb/eval.h"
#include "qwb/executor.h"
#include "qwb/progress.h"
#include "qwb/quant.h"
#include "qwb/status.h"

namespace qwb {

enum class SweepMode { kOnly, kAllBut };
enum class SweepPart { kWeights, kActivations, kBoth };
const char* sweep_mode_name(SweepMode m);  // "only", "all_but"
const char* sweep_part_name(SweepPart p);  // "weights", "activations", "both"
Result<SweepMode> parse_sweep_mode(const std::string& s);  // only | all-but (all_but)
Result<SweepPart> parse_sweep_part(const std::string& s);  // weights | activations | both

// How far one quantized variant's output is from FP32, over the evaluated samples.
struct LayerMetrics {
  double delta_top1_pts = std::numeric_limits<double>::quiet_NaN();  // candidate - FP32 (labels only)
  double output_sqnr_db = 0;  // model output vs FP32 (OutputError)
  double output_cosine = 1;
  double logits_kl = 0;       // mean over samples of KL(softmax(FP32) || softmax(candidate)), nats
  double local_sqnr_db = 0;   // "only" modes: the layer's own output vs FP32 (its first output)
  int64_t samples = 0;
};

struct LayerSensitivity {
  std::string layer, op;
  int index = 0;  // position among the plan's quantized nodes (graph order)
  std::map<std::string, LayerMetrics> metrics;  // "<mode>.<part>", e.g. "only.both"
  // Ranking key, larger is worse: output NMSE (10^(-SQNR/10)) of the first requested variant
  // (only.both by default); ties and NaN-free for every layer.
  double harm = 0;
  bool complete = false;  // every requested variant saw every planned sample
};

// Error along the graph: SQNR of each float value of the quantized model against FP32.
struct TensorError {
  std::string tensor, producer;  // producer node name
  int order = 0;                 // producer's position in graph order
  double accumulated_sqnr_db = 0;  // whole model quantized
  // Only the producer quantized (only.both); NaN when the producer is not a quantized layer.
  double local_sqnr_db = std::numeric_limits<double>::quiet_NaN();
};

struct SensitivityOptions {
  std::vector<SweepMode> modes{SweepMode::kOnly};
  std::vector<SweepPart> parts{SweepPart::kWeights, SweepPart::kActivations, SweepPart::kBoth};
  int64_t batch = 16;
  std::vector<int64_t> ids;  // evaluation samples (empty: all)
  std::string output;        // output holding the logits (default: the first)
  bool propagation = true;   // also compute TensorError for every float value
  // Also time the plain way (a whole-model run per layer and variant, plus the FP32 run) on
  // every batch and report both times; its results are not used.
  bool time_baseline = false;
  std::vector<std::string> layers;  // restrict to these quantized nodes (empty: all)
};

struct SensitivityReport {
  std::vector<LayerSensitivity> layers;  // sorted by harm, most harmful first
  std::vector<TensorError> propagation;  // graph order
  std::vector<std::string> variants;     // "<mode>.<part>" in the order computed
  bool has_labels = false;
  double fp32_top1 = std::numeric_limits<double>::quiet_NaN();
  double all_top1 = std::numeric_limits<double>::quiet_NaN();  // everything quantized
  int64_t samples = 0, planned_samples = 0;
  bool cancelled = false;  // stopped early: layers carry what was measured, marked incomplete
  double seconds = 0;
  // time_baseline: seconds of the "only" sweep with reuse (FP32 pass included) and of the
  // plain way, over all batches.
  // baseline: the same runs without reuse; simulation: each layer through Simulation-style taps.
  double reuse_seconds = 0, baseline_seconds = 0, simulation_seconds = 0;
  double baseline_max_abs_diff = 0;  // largest |output difference| between the two ways
};

// Cancelling through `progress` returns the partial report (cancelled = true), not an error.
Result<SensitivityReport> analyze_sensitivity(const Session& session, const Quantization& q, const Dataset& data,
                                              const SensitivityOptions& options, ProgressSink& progress);

// The error of each quantized node's first output with the whole model simulated, against FP32
// (as its consumers see it: after its activation quantization, when it has one),
// on samples ids[0, n) of `data`: where along the graph a quantization loses its precision (the
// Compare view's per-layer error; quantize runs store it per layer).
struct LayerError {
  std::string layer, op, tensor;
  OutputError error;
};
Result<std::vector<LayerError>> layer_errors(const Session& session, std::shared_ptr<const Quantization> q,
                                             const Dataset& data, const std::vector<int64_t>& ids, int64_t batch,
                                             ProgressSink& progress);

}  // namespace qwb
