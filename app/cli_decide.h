// qwb-cli's decision commands: recommend (the format decision tree), gate (the accuracy gate as
// the exit code) and decision-table export|import.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace cli {

struct DecideArgs {
  std::string model, arch, hardware, goal = "balanced", project, file;
  double max_drop = 0, review_band = 0, min_compression = 0, min_speedup = 0, baseline = 0;
  bool relative = false, json = false;
  int64_t run = 0;
};

struct DecideCommands {
  DecideArgs args;
  CLI::App *recommend = nullptr, *gate = nullptr, *table = nullptr, *table_export = nullptr, *table_import = nullptr;
};

// Registered options point into the returned object; keep it alive until the command ran.
std::unique_ptr<DecideCommands> add_decide_commands(CLI::App& app);
// Runs the parsed command; -1 when none of these was given.
int run_decide_commands(const DecideCommands& c);

}  // namespace cli
