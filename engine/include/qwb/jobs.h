// Jobs: the workbench's long operations as plain functions of a config and a progress sink.
// The CLI calls them directly; the GUI runs them in the background. Each returns a report that
// serialises to JSON (CLI output, later the project file).
//
//   qwb::QuantizeConfig c;
//   c.model = "model.onnx";
//   c.calib = {.spec = "fashion-mnist:train", .samples = 256};
//   c.eval = {.spec = "fashion-mnist:test"};
//   c.out = "model.int8.onnx";
//   auto r = qwb::run_quantize(c, progress);
//   std::cout << qwb::to_json(*r).dump(2);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qwb/data.h"
#include "qwb/eval.h"
#include "qwb/export.h"
#include "qwb/model.h"
#include "qwb/progress.h"
#include "qwb/quant.h"
#include "qwb/sensitivity.h"
#include "qwb/store.h"

namespace qwb {

// A dataset named by spec, with preprocessing from the model's metadata unless overridden.
struct DataSource {
  std::string spec;
  std::vector<float> mean, stddev;  // empty: model metadata (qwb.mean / qwb.std)
  int64_t limit = -1;
  // Images (images:DIR): 0 / empty keeps the model metadata's qwb.resize, qwb.crop, qwb.channels.
  int64_t resize = 0, crop_height = 0, crop_width = 0, channels = 0;
  std::string layout;
};
Result<Dataset> load_for_model(const Model& model, const DataSource& source);
nlohmann::json to_json(const DataSource& source);
DataSource data_source_from_json(const nlohmann::json& j);

struct CalibrationSource {
  DataSource data;
  int64_t samples = 256;
  Sampling sampling = Sampling::kFirst;
  uint64_t seed = 0;
  std::vector<int64_t> ids;  // explicit sample ids (a rerun); overrides samples/sampling/seed
};

struct QuantizeConfig {
  std::string model;
  CalibrationSource calib;
  DataSource eval;            // empty spec: no evaluation
  QuantOptions quant;
  CalibOptions method;
  std::string out;            // empty: no export
  std::string format = "qdq"; // qdq | trt-cache | ort-calib
  bool verify_export = false; // also evaluate the exported QDQ file with the executor
  int64_t layer_error_samples = 256;  // evaluation samples for the per-layer error (0: none)
  int threads = 0;
  int64_t batch = 64;
};

struct QuantizeReport {
  std::string model, model_sha256;
  std::vector<int64_t> sample_ids;
  std::string sample_ids_sha256;
  ValidationReport validation;
  std::shared_ptr<const Quantization> quantization;
  std::shared_ptr<const Statistics> statistics;
  std::optional<Comparison> comparison;        // FP32 vs simulated
  std::optional<EvaluateResult> exported_eval;  // the exported file run by the executor
  double exported_agreement = 0;                // exported vs simulated top-1 agreement
  std::vector<LayerError> layer_errors;          // with evaluation data: per quantized node, on its first samples
  std::optional<ExportResult> exported;
  std::string out, format;
  double calib_seconds = 0, seconds = 0;
  nlohmann::json config;
  std::vector<std::string> notices;  // advice a user should see (e.g. reduce_range on this CPU)
};

Result<QuantizeReport> run_quantize(const QuantizeConfig& config, ProgressSink& progress);

// The quantize job's first stages, shared with sensitivity and autoquant: the model and its
// session, sampled and validated calibration ids, statistics and the calibrated quantization.
// Reports progress as stages 0..2 of `stages`.
struct Calibrated {
  std::shared_ptr<const Model> model;
  std::shared_ptr<Session> session;
  std::string model_sha256;
  std::vector<int64_t> sample_ids;
  std::string sample_ids_sha256;
  ValidationReport validation;
  std::shared_ptr<const Statistics> statistics;
  std::shared_ptr<const Quantization> quantization;
  std::vector<std::string> notices;
};
Result<Calibrated> calibrate_for(const QuantizeConfig& config, ProgressSink& progress, int stages);
nlohmann::json to_json(const QuantizeConfig& config);
Result<QuantizeConfig> quantize_config_from_json(const nlohmann::json& j);
nlohmann::json to_json(const QuantizeReport& report);
nlohmann::json to_json(const ClassificationMetrics& m);
nlohmann::json to_json(const Comparison& c, size_t max_flipped = 1000);

// Evaluation of one model (optionally against a reference model on the same batches).
struct EvaluateConfig {
  std::string model, reference;  // reference: empty for none
  DataSource data;
  int threads = 0;
  int64_t batch = 64;
  Backend backend = Backend::kFast;
  std::optional<Backend> reference_backend;  // default: the same as backend
};

struct EvaluateReport {
  std::string model_sha256;
  EvaluateResult result;
  std::optional<Comparison> comparison;  // with a reference
  int threads = 0;
  std::string preprocess;
};

Result<EvaluateReport> run_evaluate(const EvaluateConfig& config, ProgressSink& progress);
nlohmann::json to_json(const EvaluateConfig& config);
Result<EvaluateConfig> evaluate_config_from_json(const nlohmann::json& j);
nlohmann::json to_json(const EvaluateReport& report);

// A model and a dataset attached to a project without a run (the GUI's explorer, the demo
// project); both deduplicate like the runs' own records (path + sha256, spec + preprocessing).
Result<int64_t> attach_model(Project& project, const std::string& path);
Result<int64_t> attach_dataset(Project& project, const std::string& model_path, const DataSource& data);

// The same jobs recorded as runs of a project: the run is created and started before the work,
// every result is stored in its own transaction, and the run ends succeeded, failed or
// cancelled (or, if the process dies, interrupted on the next open). `run_id` receives the id.
Result<QuantizeReport> run_quantize(Project& project, const QuantizeConfig& config, ProgressSink& progress,
                                    int64_t* run_id, const std::string& kind = "quantize");
Result<EvaluateReport> run_evaluate(Project& project, const EvaluateConfig& config, ProgressSink& progress,
                                    int64_t* run_id);

Result<ExportResult> run_export_fp16(Project& project, const std::string& model, const Fp16Options& options,
                                     const std::string& out, int64_t* run_id);

// Records a written file (sha256, bytes) as an artifact of `run`.
Status add_file_artifact(Project& project, int64_t run, const std::string& path, const std::string& kind);

// The model a run used, checked to be unchanged since (its sha256 against the recorded one).
Result<ModelRecord> unchanged_model(const Project& project, int64_t run);

// The calibration a quantize, calibrate or export run stored, restored without recalibrating:
// the plan from the run's config and its (unchanged) model, every activation's stored range,
// weights and int32 biases quantized as calibrate() does. Every restored scale is checked
// against the stored one; a difference is an error naming the tensor.
struct StoredCalibration {
  std::shared_ptr<const Model> model;
  Quantization quantization;
};
Result<StoredCalibration> stored_calibration(const Project& project, int64_t run);

// Writes a run's stored calibration as `format` (qdq | trt-cache | ort-calib) to `out` and records
// the file as an artifact of that run. All three formats carry the same scales.
Result<ExportResult> export_stored_calibration(Project& project, int64_t run, const std::string& format,
                                               const std::string& out);

// Per-layer sensitivity of a quantization (qwb/sensitivity.h) calibrated as `base` says;
// base.eval names the data the sweep runs on (base.out and base.format are not used).
struct SensitivityConfig {
  QuantizeConfig base;
  SensitivityOptions options;
};

struct SensitivityJobReport {
  std::string model, model_sha256;
  std::vector<int64_t> calib_ids;
  std::string calib_ids_sha256;
  std::string format;  // the weights' format under study, e.g. "int8"
  std::string scheme;  // both specs, described
  SensitivityReport report;
  double seconds = 0;
};

Result<SensitivityJobReport> run_sensitivity(const SensitivityConfig& config, ProgressSink& progress);
nlohmann::json to_json(const SensitivityConfig& config);
Result<SensitivityConfig> sensitivity_config_from_json(const nlohmann::json& j);
// Layers sorted by harm with every metric; "format", "layers", "propagation", "cancelled", ...
nlohmann::json to_json(const SensitivityJobReport& report);
// Recorded as a run of kind "sensitivity": per-layer results, metrics (fp32.top1, all.top1,
// samples), and the document "sensitivity" (to_json of the report). A cancelled sweep keeps its
// partial results (layers marked "complete": false) and ends the run as cancelled.
Result<SensitivityJobReport> run_sensitivity(Project& project, const SensitivityConfig& config, ProgressSink& progress,
                                             int64_t* run_id);

// Accuracy-aware mixed precision: per-layer weight formats chosen from `candidates` (cheapest
// first; "fp32" keeps a layer in float) so that the top-1 drop against FP32 on base.eval stays
// within the budget at the lowest cost. Sensitivity (only-this-layer, on sensitivity_samples
// of the evaluation data) orders the layers; every candidate plan is evaluated on the whole
// evaluation set; the best plan that meets the budget is kept and returned when time runs out;
// every evaluated plan is reported and the accuracy-cost Pareto front marked.
enum class Objective { kSize, kBitops, kLatency };
const char* objective_name(Objective o);
Result<Objective> parse_objective(const std::string& s);  // size | bitops | latency

struct AutoquantConfig {
  QuantizeConfig base;  // base.quant.weights is the cheapest format; base.out the export
  std::vector<QuantSpec> candidates;  // empty: base.quant.weights, int8 per channel, fp16, fp32
  double max_drop = 0.5;  // points (or % of FP32 top-1 with relative)
  bool relative = false;
  Objective objective = Objective::kSize;
  double time_budget_seconds = 300;
  int64_t sensitivity_samples = 500;
};

struct AutoquantPlan {
  std::map<std::string, std::string> formats;  // layer -> candidate name ("int4 block:32", "fp32")
  double top1 = 0, drop_pts = 0, cost = 0;
  double low_bit_share = 0;  // share of the quantizable weight parameters at the cheapest format
  bool meets_budget = false, pareto = false;
  double seconds = 0;        // when it was evaluated, since the start
};

struct AutoquantReport {
  std::string model, model_sha256;
  double fp32_top1 = 0, allowed_drop_pts = 0;
  std::vector<std::string> candidates;   // names, cheapest first
  std::vector<std::string> layer_order;  // most harmful first
  std::vector<AutoquantPlan> evaluated;  // in evaluation order
  int best = -1;                          // index into evaluated
  bool budget_met = false, timed_out = false;
  std::string statement;                  // one line: what was found and whether it meets the budget
  std::optional<ExportResult> exported;
  std::shared_ptr<const Quantization> quantization;  // of the best plan
  double cost_fp32 = 0;                   // the objective's cost with every layer in fp32
  double seconds = 0;
  nlohmann::json config;
};

Result<AutoquantReport> run_autoquant(const AutoquantConfig& config, ProgressSink& progress);
nlohmann::json to_json(const AutoquantConfig& config);
nlohmann::json to_json(const AutoquantReport& report);
// Recorded as a run of kind "autoquant": metrics, per-layer formats and the document "autoquant".
Result<AutoquantReport> run_autoquant(Project& project, const AutoquantConfig& config, ProgressSink& progress,
                                      int64_t* run_id);

// Latency of a model on seeded synthetic inputs (batch B), after warm-up runs.
struct BenchConfig {
  std::string model;
  int64_t batch = 1;
  int threads = 0;
  int runs = 20, warmup = 3;
  uint64_t seed = 0;
  Backend backend = Backend::kFast;
  bool profile = false;  // time every step: BenchReport::op_ms
};

struct BenchReport {
  std::string model;
  Backend backend = Backend::kFast;
  int64_t batch = 1;
  int threads = 0;
  std::vector<double> times_ms;
  double median_ms = 0, p90_ms = 0, min_ms = 0, peak_rss_mb = 0;
  std::map<std::string, int> fast_ops, reference_ops, folded_ops;  // op -> nodes per backend
  // With profile: mean ms per timed run by step kind ("fast Conv+Relu", "reference Transpose").
  std::map<std::string, double> op_ms;
};

Result<BenchReport> run_bench(const BenchConfig& config, ProgressSink& progress);
// Batch-1 latency of several models on seeded synthetic inputs, timed in turn (one run of each,
// `runs` times, after `warmup` runs of each; sessions created once), so that load from other
// processes weighs on all alike: the median ms of each, in order. What a report and the Compare
// view store as latency.fp32_ms / latency.quantized_ms.
Result<std::vector<double>> measure_latencies(const std::vector<std::string>& models, ProgressSink& progress, int runs = 20,
                                              int warmup = 3);
nlohmann::json to_json(const BenchReport& report);

// Repeats a recorded run from what the project holds (model path with a hash check, data spec,
// sample ids, config, seed) as a new run, and compares metrics and artifact hashes.
struct RerunResult {
  int64_t original = 0, rerun = 0;
  bool metrics_equal = false, artifacts_equal = false;
  nlohmann::json differences;  // metric -> [old, new]; artifact -> [old sha, new sha]
};
Result<RerunResult> rerun(Project& project, int64_t run_id, ProgressSink& progress);

}  // namespace qwb
