// qwb-cli's quantization commands (quantize, calibrate, stats, export, validate, sensitivity, autoquant).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace cli {

struct QuantArgs {
  std::string model, calib, eval, mean, stddev, out, format = "qdq", crop, layout, project;
  std::string kind = "quantize";  // run kind recorded in a project
  int64_t resize = 0, channels = 0;
  int64_t samples = 256, eval_limit = -1, batch = 64, layer_error_samples = 256;
  std::string sampling = "first";
  uint64_t seed = 0;
  std::string weights = "int8", activations = "uint8", granularity = "channel", method = "minmax";
  double percentile = 99.999, entropy_max_clip = 1e-4;
  bool moving_average = false, symmetric_activations = false, affine_weights = false, reduce_range = false;
  std::vector<std::string> exclude, overrides;
  bool verify_export = false, json = false, predictions = false;
  int threads = 0;
  // sensitivity
  std::vector<std::string> modes{"only"}, parts{"weights", "activations", "both"}, layers;
  int64_t sweep_batch = 16;
  bool no_propagation = false, time_baseline = false;
  // autoquant
  double max_drop = 0.5, time_budget = 300;
  bool relative = false;
  std::string objective = "size", candidates;
  int64_t sensitivity_samples = 500;
};

struct ExportArgs {
  std::string format, block_ops, block_nodes;
  bool fp16_io = false;
};

struct QuantCommands {
  QuantArgs args;
  QuantArgs auto_args;  // autoquant: its own defaults (int4 block:32 weights, float activations)
  ExportArgs export_args;
  std::string stats_tensor, validate_reference;
  bool stats_all = false;
  CLI::App *quantize = nullptr, *stats = nullptr, *export_ = nullptr, *validate = nullptr, *calibrate = nullptr,
           *sensitivity = nullptr, *autoquant = nullptr;
};

// Registered options point into the returned object; keep it alive until the command ran.
std::unique_ptr<QuantCommands> add_quant_commands(CLI::App& app);
// Runs the parsed command; -1 when none of these was given.
int run_quant_commands(const QuantCommands& c);

}  // namespace cli
