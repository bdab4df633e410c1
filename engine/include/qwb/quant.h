// Quantization: statistics, calibrators, quantization specs and plans, fake-quant simulation.
//
// The flow from a float model to a quantized one:
//   1. make_plan(model, options)            which weights and activations get which format
//   2. collect_statistics(session, data...) one streaming pass: min/max, mean/std, histograms
//   3. calibrate(plan, stats, method)       thresholds from the stored histograms -> scales
//   4. Simulation(quantization)             fake quantization through executor taps
//   5. export_qdq(model, quantization)      (qwb/export.h) the ONNX file ONNX Runtime runs
//
//   auto plan = qwb::make_plan(*model, opts);
//   auto stats = qwb::collect_statistics(session, calib, *plan, {}, progress);
//   auto q = qwb::calibrate(*model, *plan, *stats, {.method = qwb::CalibMethod::kEntropy});
//   qwb::Simulation sim(*q);
//   auto out = session.run(inputs, sim.run_options());
//
// Numerics follow ../shared/design.md section 6 (ONNX Runtime's scale/zero-point rules,
// round half to even, symmetric int8 weights in [-127, 127]).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qwb/data.h"
#include "qwb/executor.h"
#include "qwb/model.h"
#include "qwb/progress.h"
#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

// ---------------------------------------------------------------------------------------------
// Formats

enum class Granularity { kTensor, kChannel, kBlock };

struct QuantSpec {
  // int8, uint8, int16, int4, uint4 (integer, scale + zero point); float16, bfloat16 (a cast);
  // float8e4m3fn, float8e5m2 (scale, zero point 0). kUndefined: not quantized.
  DType dtype = DType::kUndefined;
  bool symmetric = true;
  Granularity granularity = Granularity::kTensor;
  int64_t block_size = 0;    // kBlock: 32, 64, 128 (any power of two >= 16 is accepted)
  bool reduce_range = false;  // 7-bit ranges for CPUs without VNNI (int8/uint8 only)

  bool enabled() const { return dtype != DType::kUndefined; }
  bool is_integer() const;
  bool is_float8() const;
  bool is_cast() const;  // float16 / bfloat16
  std::string describe() const;  // "int8 symmetric per-channel"
};

// "int8", "uint8", "int16", "int4", "uint4", "fp16", "bf16", "fp8e4m3"/"fp8", "fp8e5m2", "none".
Result<DType> parse_quant_dtype(const std::string& s);
// "tensor", "channel", "block:N".
Result<std::pair<Granularity, int64_t>> parse_granularity(const std::string& s);
// A spec from its parts as the CLI and the GUI take them: make_quant_spec("int8", true, "channel").
Result<QuantSpec> make_quant_spec(const std::string& type, bool symmetric, const std::string& granularity,
                                  bool reduce_range = false);

// The integer range a spec quantizes into (reduce_range and symmetric ranges applied).
struct IntRange {
  int32_t lo = 0, hi = 0;
};
IntRange int_range(const QuantSpec& spec);

// Scale and zero point from a real range, as ONNX Runtime computes them (design section 6).
struct ScaleZp {
  float scale = 1.0f;
  int32_t zero_point = 0;
};
ScaleZp scale_zero_point(float rmin, float rmax, const QuantSpec& spec);

// Largest finite value of a float8 type (448 for e4m3fn, 57344 for e5m2).
float float8_max(DType t);

// ---------------------------------------------------------------------------------------------
// Statistics

// Streaming histogram over a symmetric range [-R, R] (2048 signed bins) and [0, R] (2048 bins of
// |x|). When data exceeds R, R grows by an integer factor k and k neighbouring bins merge into
// one: the counts stay exact, nothing is re-collected, and memory is fixed per tensor.
class Histogram {
 public:
  static constexpr int kBins = 2048;
  Histogram();
  // Adds finite values; returns the number of NaN/Inf values seen (they are not binned).
  int64_t add(const float* x, int64_t n);
  // Same, when the caller already knows max |x| and the count of finite values.
  void add_finite(const float* x, int64_t n, double amax, int64_t finite);

  double range() const { return range_; }  // R
  const std::vector<double>& abs_bins() const { return abs_; }
  const std::vector<double>& signed_bins() const { return signed_; }
  double total() const { return total_; }
  // Rebuilds from stored parts (the project file).
  static Histogram from_parts(double range, std::vector<double> abs_bins, std::vector<double> signed_bins);

 private:
  void grow_to(double amax);
  double range_ = 0;
  double total_ = 0;
  std::vector<double> abs_, signed_;
};

struct TensorStats {
  std::string name;
  bool is_weight = false;
  Shape shape;           // weights: full shape; activations: shape of the last batch
  int64_t count = 0;     // finite values seen
  int64_t nonfinite = 0; // NaN/Inf values seen
  double min = 0, max = 0;
  double ma_min = 0, ma_max = 0;  // moving average of per-batch min/max (factor 0.01)
  double sum = 0, sum_sq = 0;
  Histogram hist;
  // Weights: per-channel min/max along the plan's channel axis.
  int channel_axis = -1;
  std::vector<float> channel_min, channel_max;

  double mean() const;
  double stddev() const;
  void add(const float* x, int64_t n);  // one batch
};

struct Statistics {
  std::map<std::string, TensorStats> tensors;
  std::vector<int64_t> sample_ids;  // the calibration samples used, in order
  int64_t samples = 0;
  double seconds = 0;
};

// ---------------------------------------------------------------------------------------------
// Plans

struct NodeOverride {
  std::optional<QuantSpec> weights;
  std::optional<QuantSpec> activations;
};

struct QuantOptions {
  QuantSpec weights{DType::kInt8, true, Granularity::kChannel, 0, false};
  QuantSpec activations{DType::kUInt8, false, Granularity::kTensor, 0, false};  // kUndefined: weight-only
  std::vector<std::string> exclude;                 // node names kept in float
  std::map<std::string, NodeOverride> overrides;   // node name -> specs for that node
};

struct WeightEntry {
  std::string node;  // consuming node
  QuantSpec spec;
  int axis = -1;     // channel axis (kChannel) or block axis (kBlock); -1 per tensor
  int channel_axis = 0;  // the op's output-channel axis (for per-channel statistics)
};

struct BiasEntry {
  std::string node;
  std::string input;   // activation feeding the node (its scale)
  std::string weight;  // weight initializer (its scale)
  int weight_axis = -1;
};

struct QuantPlan {
  std::map<std::string, QuantSpec> activations;  // activation tensor -> spec
  std::map<std::string, WeightEntry> weights;    // initializer -> entry
  std::map<std::string, BiasEntry> biases;       // int32 bias initializer -> entry
  std::vector<std::string> quantized_nodes;      // in graph order
  std::vector<std::string> excluded_nodes;
  bool weight_only() const { return activations.empty(); }
};

// Ops whose weights and activation inputs are quantized.
bool is_quantizable_op(const std::string& op_type);

// Validates the options against the model (exclusions must name nodes, formats must be valid for
// their role) and assigns specs to every weight and activation input of quantizable nodes.
Result<QuantPlan> make_plan(const Model& model, const QuantOptions& options);

struct StatsOptions {
  int64_t batch = 32;
  // Activations to collect; empty: the plan's activations (or all float activations if no plan).
  bool all_activations = false;
};

// One streaming pass over `ids` of `data` (all samples if empty). Weight statistics come from the
// initializers. Memory is bounded by the number of tensors, not the number of samples.
Result<Statistics> collect_statistics(const Session& session, const Dataset& data, const std::vector<int64_t>& ids,
                                      const QuantPlan* plan, const StatsOptions& options, ProgressSink& progress);

// ---------------------------------------------------------------------------------------------
// Calibrators

enum class CalibMethod { kMinMax, kPercentile, kEntropy, kMse };
Result<CalibMethod> parse_calib_method(const std::string& s);
const char* calib_method_name(CalibMethod m);

struct CalibOptions {
  CalibMethod method = CalibMethod::kMinMax;
  double percentile = 99.999;
  bool moving_average = false;  // MinMax only
  double entropy_max_clip = 1e-4;  // Entropy: clip at most this fraction of values (0: pure KL)
};

struct Range {
  float lo = 0, hi = 0;
};

// The clipping range a method picks for one tensor's statistics and target spec.
Range calibrate_range(const TensorStats& stats, const QuantSpec& spec, const CalibOptions& options);

// Symmetric thresholds from an |x| histogram (bins over [0, range]); exposed for tests.
double percentile_threshold(const std::vector<double>& abs_bins, double range, double percentile);
double entropy_threshold(const std::vector<double>& abs_bins, double range, int levels);
double mse_threshold(const std::vector<double>& abs_bins, double range, int levels);

// ---------------------------------------------------------------------------------------------
// Quantized parameters

struct QuantizedTensor {
  QuantSpec spec;
  int axis = -1;        // per-channel or block axis; -1 per tensor
  Tensor q;             // stored values (spec.dtype; int32 for biases); undefined for activations
  Tensor scale;         // float32: scalar, [C], or the blocked shape
  Tensor zero_point;    // spec.dtype (int32 for biases), same shape as scale; undefined for casts
  Tensor dequantized;   // float32 fake-quantized weight (what the simulation runs)
  Range range;          // calibrated range (activations) or data range (weights)
};

struct Quantization {
  QuantPlan plan;
  CalibOptions calib;
  std::map<std::string, QuantizedTensor> activations;
  std::map<std::string, QuantizedTensor> weights;
  std::map<std::string, QuantizedTensor> biases;
};

// Quantizes a weight tensor per its spec and axis (per tensor, per channel, or blocks along axis).
Result<QuantizedTensor> quantize_weight(const Tensor& w, const QuantSpec& spec, int axis, const std::string& name);

// Scales for every planned tensor from statistics and the chosen calibrator; quantizes weights
// and int32 biases (s_bias = s_input * s_weight).
Result<Quantization> calibrate(const Model& model, const QuantPlan& plan, const Statistics& stats,
                               const CalibOptions& options);
// calibrate() once every activation's range is known: scales and zero points from the ranges,
// quantized weights and int32 biases. Restores a stored calibration (its lo/hi) exactly.
Result<Quantization> quantize_with_ranges(const Model& model, const QuantPlan& plan,
                                          const std::map<std::string, Range>& activation_ranges,
                                          const CalibOptions& options);

// Fake quantization of a float tensor with resolved parameters (returns a new tensor).
Tensor fake_quantize_tensor(const Tensor& x, const QuantizedTensor& qt);

// ---------------------------------------------------------------------------------------------
// Simulation

// Runs a quantization through a float Session: weights are replaced by their fake-quantized
// values, and a tap fake-quantizes every planned activation right after it is produced.
class Simulation {
 public:
  explicit Simulation(std::shared_ptr<const Quantization> q);
  // Options for Session::run; `base` may carry progress or fetch settings.
  RunOptions run_options(RunOptions base = {}) const;
  const Quantization& quantization() const { return *q_; }

 private:
  std::shared_ptr<const Quantization> q_;
  std::shared_ptr<TensorMap> weights_;
};

}  // namespace qwb
