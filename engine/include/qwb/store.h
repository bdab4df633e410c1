// Project file: one SQLite database (*.qwb) holding models, datasets, runs and everything a run
// computed. WAL journal, foreign keys, busy timeout; the schema version is PRAGMA user_version
// and files of older versions are migrated on open. The schema is documented in
// docs/project_file.md.
//
//   auto p = qwb::Project::create("demo.qwb");                 // or Project::open(path)
//   int64_t model = *p->add_model("m.onnx", sha256, summary_json);
//   int64_t run = *p->create_run({.kind = "quantize", .model_id = model, .config = cfg});
//   p->start_run(run);                                          // running, this process's pid
//   p->add_metrics(run, {{"fp32.top1", 0.92}, {"quantized.top1", 0.919}});
//   p->add_artifact(run, {"model.int8.onnx", sha, bytes, "qdq"});
//   p->finish_run(run, qwb::RunStatus::kSucceeded);
//
// Every call is its own transaction (or a batch inside one), so a killed process leaves every
// finished step intact; a run still "running" whose process is gone becomes "interrupted" on the
// next open. Two processes may use one file at once: writers wait (busy timeout) instead of
// failing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qwb/quant.h"
#include "qwb/status.h"

namespace qwb {

enum class RunStatus { kQueued, kRunning, kSucceeded, kFailed, kCancelled, kInterrupted };
const char* run_status_name(RunStatus s);  // "queued", "running", ...
Result<RunStatus> parse_run_status(const std::string& s);

struct ModelRecord {
  int64_t id = 0;
  std::string path, sha256;
  nlohmann::json summary;  // params, MACs, opset, architecture, ...
  std::string added;       // ISO 8601 UTC
};

struct DatasetRecord {
  int64_t id = 0;
  std::string spec;            // e.g. "fashion-mnist:train"
  nlohmann::json preprocess;   // scale, mean, std, layout, resize, crop, channels
  int64_t samples = 0;
  int64_t num_classes = 0;     // 0 without labels
  std::string added;
};

struct RunConfig {
  std::string kind;            // calibrate | quantize | evaluate | export | sensitivity | ...
  int64_t model_id = 0;        // 0: none
  int64_t dataset_id = 0;      // calibration (or evaluation) data; 0: none
  int64_t eval_dataset_id = 0; // 0: none
  nlohmann::json config;       // the full job config
  uint64_t seed = 0;
  std::vector<int64_t> sample_ids;
  std::string sample_ids_sha256;
  std::string model_sha256;
};

struct RunRecord {
  int64_t id = 0;
  std::string kind;
  RunStatus status = RunStatus::kQueued;
  int64_t model_id = 0, dataset_id = 0, eval_dataset_id = 0;
  nlohmann::json config;
  std::string tool_version;
  uint64_t seed = 0;
  std::string model_sha256, sample_ids_sha256;
  std::vector<int64_t> sample_ids;  // filled by get_run, not by list_runs
  std::string created, started, finished;  // ISO 8601 UTC; empty when not yet
  std::string error;
  std::map<std::string, double> metrics;   // name -> value
};

struct ArtifactRecord {
  std::string path, sha256;
  int64_t bytes = 0;
  std::string kind;  // qdq | fp16 | trt-cache | ort-calib | report-html | ...
};

// One row per layer (node) of a run: sensitivity, quantization error, chosen format, ...
struct LayerResult {
  std::string layer;
  nlohmann::json values;
};

// One calibrated tensor of a run as stored by add_thresholds (read back by thresholds()).
struct ThresholdRecord {
  std::string tensor;
  std::string method;  // calibrator name (q.calib.method) the row was calibrated with
  std::string role;    // activation | weight | bias
  std::string dtype;   // "int8", "float16", ...
  std::string spec;    // QuantSpec::describe()
  int axis = -1;       // per-channel or block axis; -1 per tensor
  double lo = 0, hi = 0;  // calibrated (activation) or data (weight) range
  bool has_scale = false;  // casts (fp16, bf16) have no scale or zero point
  double scale = 0;        // the per-tensor value, or the first of scales
  int64_t zero_point = 0;
  Shape scale_shape;              // [] per tensor, [C] per channel, the blocked shape for blocks
  std::vector<float> scales;      // every value when scale_shape has more than one element
  std::vector<int64_t> zero_points;
};

class Project {
 public:
  // Fails if `path` exists. Creates the schema at the current version.
  static Result<Project> create(const std::string& path);
  // Opens an existing project for reading and writing. Errors (file untouched): not found, not
  // SQLite, SQLite but not a project, a newer schema than this build knows, read-only file.
  static Result<Project> open(const std::string& path);
  // Opens or creates.
  static Result<Project> open_or_create(const std::string& path);
  ~Project();
  Project(Project&&) noexcept;
  Project& operator=(Project&&) noexcept;

  const std::string& path() const;
  static int schema_version();  // the version this build writes
  // Runs turned from running to interrupted when this object opened the file.
  const std::vector<int64_t>& interrupted_on_open() const;

  // Models and datasets are deduplicated: same path + sha256 (model), same spec + preprocess
  // (dataset) return the existing id.
  Result<int64_t> add_model(const std::string& path, const std::string& sha256, const nlohmann::json& summary);
  Result<ModelRecord> get_model(int64_t id) const;
  Result<std::vector<ModelRecord>> list_models() const;
  Result<int64_t> add_dataset(const std::string& spec, const nlohmann::json& preprocess, int64_t samples,
                              int64_t num_classes);
  Result<DatasetRecord> get_dataset(int64_t id) const;
  Result<std::vector<DatasetRecord>> list_datasets() const;

  // Run lifecycle: queued -> running -> succeeded | failed | cancelled (| interrupted on open).
  Result<int64_t> create_run(const RunConfig& run);
  Status start_run(int64_t run);  // records this process's pid and start time
  Status finish_run(int64_t run, RunStatus status, const std::string& error = "");
  // What a job learns after the run started: the sample ids it drew and the model's hash.
  Status set_run_inputs(int64_t run, const std::vector<int64_t>& sample_ids, const std::string& sample_ids_sha256,
                        const std::string& model_sha256);

  // Results of a run; each call one transaction. Writing a name again replaces its value; a layer
  // written again has its JSON object merged (new keys win), so steps can add columns.
  Status add_metrics(int64_t run, const std::map<std::string, double>& metrics);
  Status add_layer_results(int64_t run, const std::vector<LayerResult>& rows);
  // Per-tensor statistics with both histograms as BLOBs (and per-channel ranges).
  Status add_statistics(int64_t run, const Statistics& stats);
  // Calibrated thresholds: tensor -> method -> (lo, hi, scale, zero point).
  Status add_thresholds(int64_t run, const Quantization& q);
  Status add_artifact(int64_t run, const ArtifactRecord& artifact);
  // A named JSON document of a run (the full report, flipped samples, confusion matrices, ...).
  Status put_document(int64_t run, const std::string& name, const nlohmann::json& doc);
  // Deletes a run and everything it stored (metrics, statistics, thresholds, ... cascade).
  Status delete_run(int64_t run);

  // Reading.
  Result<std::vector<RunRecord>> list_runs() const;  // newest first, with metrics
  Result<RunRecord> get_run(int64_t run) const;
  Result<std::vector<ArtifactRecord>> artifacts(int64_t run) const;
  Result<std::vector<LayerResult>> layer_results(int64_t run) const;
  Result<std::vector<std::string>> statistics_tensors(int64_t run) const;
  Result<TensorStats> tensor_statistics(int64_t run, const std::string& tensor) const;  // one tensor, fast
  Result<nlohmann::json> document(int64_t run, const std::string& name) const;
  Result<std::vector<std::string>> document_names(int64_t run) const;
  Result<std::vector<ThresholdRecord>> thresholds(int64_t run) const;

  // The decision table (for the decision-tree issue): architecture x hardware x format rows.
  Status put_decision_row(const nlohmann::json& row);
  Result<std::vector<nlohmann::json>> decision_rows() const;

  // Everything as one JSON document (models, datasets, runs with metrics, artifacts, layer
  // results, thresholds; histograms summarised, not dumped).
  Result<nlohmann::json> export_json() const;

 private:
  Project();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qwb
