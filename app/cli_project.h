// qwb-cli's project commands (project new|info|runs|show|diff|export-json, rerun).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace cli {

struct ProjectArgs {
  std::string file, out;
  int64_t run_a = 0, run_b = 0;
  bool json = false;
};

struct ProjectCommands {
  ProjectArgs args;
  CLI::App *project = nullptr, *new_ = nullptr, *info = nullptr, *runs = nullptr, *show = nullptr, *diff = nullptr,
           *export_json = nullptr, *rerun = nullptr;
};

// Registered options point into the returned object; keep it alive until the command ran.
std::unique_ptr<ProjectCommands> add_project_commands(CLI::App& app);
// Runs the parsed command; -1 when none of these was given.
int run_project_commands(const ProjectCommands& c);

}  // namespace cli
