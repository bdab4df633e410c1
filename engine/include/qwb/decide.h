// Decisions: which format to quantize to (the decision tree over a lookup table that learns from
// finished runs) and whether a quantized result may ship (the accuracy gate).
//
// The table has one row per architecture x hardware x format with the expected top-1 loss,
// compression and speed-up. It is seeded from resources/decision_table.json (compiled in), lives
// in the project file, imports and exports as JSON, and every finished quantize run that measured
// its accuracy replaces the seed prior of its row by a running mean of the measurements.
//
//   auto rows = qwb::decision_table(project);            // seeded on first use
//   qwb::RecommendInputs in{.architecture = "cnn", .hardware = qwb::Hardware::kX86Vnni, .max_drop = 0.5};
//   auto rec = qwb::recommend(in, *rows);
//   std::cout << rec->format << "\n";                    // "int8"
//   for (const auto& step : rec->path) std::cout << step << "\n";
//
//   auto g = qwb::gate(project, run_id, {.max_drop = 1.0, .review_band = 0.2});
//   return g->outcome == qwb::GateOutcome::kPass ? 0 : ...;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qwb/status.h"
#include "qwb/store.h"

namespace qwb {

// ---------------------------------------------------------------------------------------------
// Hardware

enum class Hardware { kNvidiaGpu, kAmdGpu, kX86Vnni, kX86, kArm, kNpu };
// Every hardware class, in the order pickers list them.
const std::vector<Hardware>& hardware_classes();
const char* hardware_name(Hardware h);  // "nvidia-gpu", "amd-gpu", "x86-vnni", "x86", "arm", "npu"
Result<Hardware> parse_hardware(const std::string& s);
// What the hardware class means for quantization (one line, used in the reasoning).
const char* hardware_traits(Hardware h);
// The class of the machine this process runs on (x86-vnni, x86 or arm): measured runs update it.
Hardware this_machine_hardware();

// ---------------------------------------------------------------------------------------------
// The lookup table

struct DecisionRow {
  std::string architecture;  // a detector family (cnn, transformer, rnn, mlp, other) or "*" for any
  std::string hardware;      // hardware_name()
  std::string format;        // int8, int8-mixed, int4-block, int16, fp16, bf16, fp8, ...
  std::string scheme;        // readable: symmetry, granularity, what the hardware wants
  std::string calibration;   // minmax | percentile | entropy | mse | none
  std::string cli;           // the qwb-cli command line that produces it ("quantize --weights int8 ...")
  double expected_loss_pts = 0;  // top-1 points lost (fp32 minus quantized)
  double compression = 1;        // fp32 bytes / quantized bytes
  double speedup = 1;            // fp32 latency / quantized latency on this hardware
  bool supported = true;         // the hardware's usual runtime runs it natively
  // Measurements averaged into the row (each value has its own count: not every run exports a
  // file or measures latency). count is the number of runs behind expected_loss_pts.
  int64_t count = 0, compression_count = 0, speedup_count = 0;
  std::string source = "seed";   // seed | measured | edited
  std::string notes;
  nlohmann::json prior;          // the seed values a measurement replaced (null while seed)

  std::string key() const;       // "cnn/x86/int8"
};

nlohmann::json to_json(const DecisionRow& row);
// Strict: unknown fields, wrong types, unknown hardware, non-positive compression or speed-up are
// errors naming the field.
Result<DecisionRow> decision_row_from_json(const nlohmann::json& j);
// A table document ({"rows": [...]} as exported, or a bare array): errors name the row index, its
// key and the field; a key given twice is an error.
Result<std::vector<DecisionRow>> decision_rows_from_json(const nlohmann::json& doc);
nlohmann::json decision_table_json(const std::vector<DecisionRow>& rows);  // the exported document

// The compiled-in seed (resources/decision_table.json).
const std::vector<DecisionRow>& seed_decision_table();
// The project's table; seed rows it lacks (all, on first use) are added first.
Result<std::vector<DecisionRow>> decision_table(Project& project);
// Validates every row first, then upserts them (rows not in the document stay). Returns the count.
Result<int64_t> import_decision_table(Project& project, const nlohmann::json& doc);

// The table format a quantize config (to_json(QuantizeConfig)) produces: int8, int8-mixed (int8
// with exclusions or overrides), int8-weight-only, int4-block, int4, int16, fp16, bf16, fp8, ...
Result<std::string> decision_format(const nlohmann::json& quantize_config);

// Running mean: the first measurement replaces the prior, the n-th moves the mean by (x - mean)/n.
void add_measurement(double value, double& mean, int64_t& count);

// Learning: a succeeded run that measured its accuracy (metric delta_top1_pts) updates the row of
// its model's architecture x `hardware` x its config's format: loss = -delta_top1_pts; compression
// = model file bytes / exported.bytes when a QDQ file was written; speed-up from a "speedup"
// metric when a run has one. A missing row is created. Returns nullopt when the run measured
// nothing. Read-modify-write of one row: concurrent learners may lose an update.
Result<std::optional<DecisionRow>> learn_from_run(Project& project, int64_t run, Hardware hardware);

// ---------------------------------------------------------------------------------------------
// The decision tree

enum class Goal { kBalanced, kSize, kLatency };  // balanced: largest compression x speed-up
const char* goal_name(Goal g);
Result<Goal> parse_goal(const std::string& s);

struct RecommendInputs {
  std::string architecture;
  std::string architecture_reason;  // "detected: ..." or "given"
  Hardware hardware = Hardware::kX86Vnni;
  std::string hardware_reason;      // e.g. "this machine"
  double max_drop = 1.0;            // top-1 points, or percent of the fp32 accuracy when relative
  bool relative = false;
  std::optional<double> baseline_pct;  // fp32 top-1 in percent; needed when relative
  Goal goal = Goal::kBalanced;
  double min_compression = 0, min_speedup = 0;  // optional goals; 0: none
};

// Measured per-layer sensitivity (the "sensitivity" document of a sensitivity run).
struct LayerHarm {
  std::string layer, op;
  double harm = 0;                       // larger: more harmful to quantize
  std::optional<double> delta_top1_pts;  // top-1 change with only this layer quantized (negative: loss)
};
struct SensitivitySummary {
  std::string format = "int8";       // table format the layers were quantized to (dtype names mapped: float16 -> fp16, ...)
  std::vector<LayerHarm> layers;  // sorted by harm, descending
  std::optional<double> all_loss_pts;  // measured top-1 loss with every layer quantized (fp32_top1 - all_top1)
  int64_t run = 0;                   // the run it came from (0: unknown)
  std::string scheme;                // the sweep's quantization, readable ("int8 symmetric per-channel weights, ...")
};
// {"format": "int8", "layers": [{"layer": "conv1", "op": "Conv", "harm": 0.42, "delta_top1_pts": -0.3}, ...]}
// as the sensitivity job stores it (with "fp32_top1" and "all_top1" fractions when it measured
// them); null (NaN) deltas count as missing, a null harm as 0.
Result<SensitivitySummary> sensitivity_summary_from_json(const nlohmann::json& doc);

// What a project knows about a model (matched by sha256): its newest succeeded sensitivity run
// and its fp32 top-1 in percent (for relative budgets) from its newest evaluate or quantize run.
struct ModelFacts {
  std::optional<SensitivitySummary> sensitivity;
  std::optional<double> fp32_pct;
};
Result<ModelFacts> model_facts(const Project& project, const std::string& model_sha256);

struct Alternative {
  std::string format, row, source, why;  // row: the key of the row its numbers come from
  double expected_loss_pts = 0, compression = 1, speedup = 1;
  int64_t count = 0;
  bool supported = true, fits = false;
};

struct MixedPlan {
  std::string format;                  // the sensitivity's format (int8)
  std::vector<std::string> keep_fp16;  // layers kept in fp16, most harmful first
  double expected_loss_pts = 0;        // estimate for the rest quantized
  bool fits = false;
  // How the estimate was made: a whole-model loss (measured with every layer quantized, else the
  // per-layer losses summed, else the table row) shared in proportion to per-layer loss or harm.
  std::string rule;
  std::string summary;                 // "int8; keep layers A, B in fp16"
};

struct Recommendation {
  std::string architecture, hardware;
  std::string format, scheme, calibration, cli, row, source;
  double expected_loss_pts = 0, compression = 1, speedup = 1;
  int64_t count = 0;
  double budget_pts = 0;
  bool budget_met = false;
  std::vector<Alternative> alternatives;  // every other format of the table, each from its own row
  std::vector<std::string> path;          // the readable path through the tree
  std::vector<std::string> rows_used;     // keys of the rows the path read
  std::optional<MixedPlan> mixed_plan;    // with a sensitivity
};

// Among the formats whose expected loss fits the budget, the one best for the goal that the
// hardware runs natively; if none fits, the lowest-loss format with budget_met = false and a
// suggestion of mixed precision. A sensitivity refines into a mixed-precision plan.
Result<Recommendation> recommend(const RecommendInputs& inputs, const std::vector<DecisionRow>& rows,
                                 const SensitivitySummary* sensitivity = nullptr);
nlohmann::json to_json(const Recommendation& r);

// ---------------------------------------------------------------------------------------------
// The accuracy gate

enum class GateOutcome { kPass, kFail, kReview };
const char* gate_outcome_name(GateOutcome o);  // "pass", "fail", "review"

struct GateOptions {
  double max_drop = 1.0;     // top-1 points, or percent of the fp32 accuracy when relative
  bool relative = false;
  double review_band = 0;    // points below the threshold that still need a human look
};

struct GateResult {
  GateOutcome outcome = GateOutcome::kFail;
  int64_t run = 0;
  double fp32_pct = 0, quantized_pct = 0;  // top-1 in percent
  double drop_pts = 0;                     // fp32 - quantized
  double threshold_pts = 0, band_pts = 0;
  std::string message;                     // the numbers that decided it, in one sentence
};

// The rule: drop > threshold: fail; threshold - band < drop <= threshold: review; else pass.
// A drop over the threshold never passes, and a band of 0 gives pass/fail only. Relative:
// threshold = max_drop% of the fp32 accuracy. Comparisons allow 1e-9 points of rounding.
Result<GateResult> decide_gate(double fp32_top1, double quantized_top1, const GateOptions& options);
// Reads fp32.top1 and quantized.top1 of a succeeded run, decides, and stores metrics gate.* and
// the document "gate" on that run.
Result<GateResult> gate(Project& project, int64_t run, const GateOptions& options);
nlohmann::json to_json(const GateResult& g);

}  // namespace qwb
