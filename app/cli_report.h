// qwb-cli report (review reports of recorded runs) and export-run (a run's stored calibration as
// QDQ, TensorRT cache or ONNX Runtime table).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

namespace cli {

struct ReportArgs {
  std::string project, format, out, hardware;
  int64_t run = 0;
  std::optional<int64_t> compare;
  std::optional<double> max_drop;
  size_t flipped = 24;
  bool no_latency = false, remeasure = false, json = false;
};

struct ReportCommands {
  ReportArgs args;
  CLI::App *report = nullptr, *export_run = nullptr;
};

// Registered options point into the returned object; keep it alive until the command ran.
std::unique_ptr<ReportCommands> add_report_commands(CLI::App& app);
// Runs the parsed command; -1 when none of these was given.
int run_report_commands(const ReportCommands& c);

}  // namespace cli
