// qwb-cli project new|info|runs|show|diff|export-json and rerun: read and write *.qwb files.
#include "cli_project.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <set>

#include "cli_common.h"
#include "qwb/jobs.h"
#include "qwb/store.h"

using json = nlohmann::json;

namespace cli {

namespace {

json run_json(const qwb::RunRecord& r, bool full) {
  json j = {{"id", r.id}, {"kind", r.kind}, {"status", qwb::run_status_name(r.status)}, {"created", r.created},
            {"started", r.started}, {"finished", r.finished}, {"metrics", r.metrics}, {"model_id", r.model_id},
            {"model_sha256", r.model_sha256}, {"tool_version", r.tool_version}, {"error", r.error}};
  if (full) {
    j["config"] = r.config;
    j["seed"] = r.seed;
    j["dataset_id"] = r.dataset_id;
    j["eval_dataset_id"] = r.eval_dataset_id;
    j["sample_ids_sha256"] = r.sample_ids_sha256;
    j["samples"] = r.sample_ids.size();
  }
  return j;
}

std::string short_metrics(const std::map<std::string, double>& m) {
  std::string s;
  for (const char* k : {"quantized.top1", "top1", "delta_top1_pts", "agreement"}) {
    auto it = m.find(k);
    if (it == m.end()) continue;
    const bool pct = std::string(k).find("top1") != std::string::npos && std::string(k) != "delta_top1_pts";
    s += fmt::format("{}{}={}", s.empty() ? "" : " ", k,
                     pct || std::string(k) == "agreement" ? fmt::format("{:.2f}%", 100 * it->second) : fmt::format("{:+.2f}", it->second));
  }
  return s;
}

// Flattens a JSON object into dotted keys for a side-by-side diff.
void flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out[prefix] = j.dump();
  }
}

int cmd_new(const ProjectArgs& a) {
  auto p = qwb::Project::create(a.file);
  if (!p) return fail(p.status());
  if (a.json) std::cout << json{{"path", a.file}, {"schema_version", qwb::Project::schema_version()}}.dump(2) << "\n";
  else std::cout << "Created " << a.file << " (schema version " << qwb::Project::schema_version() << ")\n";
  return 0;
}

int cmd_info(qwb::Project& p, const ProjectArgs& a) {
  auto models = p.list_models();
  auto datasets = p.list_datasets();
  auto runs = p.list_runs();
  if (!models) return fail(models.status());
  if (!datasets) return fail(datasets.status());
  if (!runs) return fail(runs.status());
  std::map<std::string, int> by_status;
  for (const auto& r : *runs) by_status[qwb::run_status_name(r.status)]++;
  if (a.json) {
    json j = {{"path", p.path()}, {"schema_version", qwb::Project::schema_version()}, {"runs", runs->size()},
              {"runs_by_status", by_status}, {"interrupted_on_open", p.interrupted_on_open()}};
    j["models"] = json::array();
    for (const auto& m : *models) j["models"].push_back({{"id", m.id}, {"path", m.path}, {"sha256", m.sha256}, {"summary", m.summary}});
    j["datasets"] = json::array();
    for (const auto& d : *datasets)
      j["datasets"].push_back({{"id", d.id}, {"spec", d.spec}, {"samples", d.samples}, {"num_classes", d.num_classes}, {"preprocess", d.preprocess}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("Project {} (schema {})\n", p.path(), qwb::Project::schema_version());
  for (const auto& m : *models) std::cout << fmt::format("  model {}: {} ({}..., {})\n", m.id, m.path, m.sha256.substr(0, 12), m.summary.value("architecture", "?"));
  for (const auto& d : *datasets) std::cout << fmt::format("  dataset {}: {} ({} samples)\n", d.id, d.spec, d.samples);
  std::cout << fmt::format("  {} runs:", runs->size());
  for (const auto& [s, n] : by_status) std::cout << fmt::format(" {} {}", n, s);
  std::cout << "\n";
  for (int64_t id : p.interrupted_on_open()) std::cout << fmt::format("  run {} was left running by a process that is gone: now interrupted\n", id);
  return 0;
}

int cmd_runs(qwb::Project& p, const ProjectArgs& a) {
  auto runs = p.list_runs();
  if (!runs) return fail(runs.status());
  if (a.json) {
    json j = json::array();
    for (const auto& r : *runs) j.push_back(run_json(r, false));
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:>5}  {:<10} {:<12} {:<24} {}\n", "id", "kind", "status", "created", "metrics");
  for (const auto& r : *runs)
    std::cout << fmt::format("{:>5}  {:<10} {:<12} {:<24} {}\n", r.id, r.kind, qwb::run_status_name(r.status), r.created, short_metrics(r.metrics));
  return 0;
}

int cmd_show(qwb::Project& p, const ProjectArgs& a) {
  auto r = p.get_run(a.run_a);
  if (!r) return fail(r.status());
  auto arts = p.artifacts(a.run_a);
  if (!arts) return fail(arts.status());
  json j = run_json(*r, true);
  j["artifacts"] = json::array();
  for (const auto& x : *arts) j["artifacts"].push_back({{"path", x.path}, {"sha256", x.sha256}, {"bytes", x.bytes}, {"kind", x.kind}});
  if (a.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("Run {} ({}): {}\n  created {}  started {}  finished {}\n  tool {}  model sha256 {}\n", r->id, r->kind,
                           qwb::run_status_name(r->status), r->created, r->started, r->finished, r->tool_version, r->model_sha256);
  if (!r->error.empty()) std::cout << "  error: " << r->error << "\n";
  if (!r->sample_ids.empty()) std::cout << fmt::format("  {} samples, ids sha256 {}\n", r->sample_ids.size(), r->sample_ids_sha256);
  std::cout << "  config: " << r->config.dump() << "\n  metrics:\n";
  for (const auto& [k, v] : r->metrics) std::cout << fmt::format("    {:<24} {:.6g}\n", k, v);
  for (const auto& x : *arts) std::cout << fmt::format("  artifact {} ({}, {} bytes, sha256 {})\n", x.path, x.kind, x.bytes, x.sha256);
  return 0;
}

int cmd_diff(qwb::Project& p, const ProjectArgs& a) {
  auto ra = p.get_run(a.run_a);
  if (!ra) return fail(ra.status());
  auto rb = p.get_run(a.run_b);
  if (!rb) return fail(rb.status());
  std::map<std::string, std::string> ca, cb;
  flatten(ra->config, "", ca);
  flatten(rb->config, "", cb);
  std::set<std::string> keys;
  for (const auto& [k, v] : ca) keys.insert(k);
  for (const auto& [k, v] : cb) keys.insert(k);
  json config = json::object(), metrics = json::object();
  for (const auto& k : keys) {
    const std::string va = ca.count(k) ? ca[k] : "-", vb = cb.count(k) ? cb[k] : "-";
    if (va != vb) config[k] = {va, vb};
  }
  std::set<std::string> mk;
  for (const auto& [k, v] : ra->metrics) mk.insert(k);
  for (const auto& [k, v] : rb->metrics) mk.insert(k);
  for (const auto& k : mk) {
    const auto ia = ra->metrics.find(k), ib = rb->metrics.find(k);
    json va = ia == ra->metrics.end() ? json(nullptr) : json(ia->second), vb = ib == rb->metrics.end() ? json(nullptr) : json(ib->second);
    metrics[k] = {va, vb};
  }
  if (a.json) {
    std::cout << json{{"a", a.run_a}, {"b", a.run_b}, {"config", config}, {"metrics", metrics}}.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<36} {:>24} {:>24}\n", "config", fmt::format("run {}", a.run_a), fmt::format("run {}", a.run_b));
  for (const auto& [k, v] : config.items()) std::cout << fmt::format("{:<36} {:>24} {:>24}\n", k, v[0].get<std::string>(), v[1].get<std::string>());
  std::cout << fmt::format("\n{:<36} {:>24} {:>24} {:>12}\n", "metric", fmt::format("run {}", a.run_a), fmt::format("run {}", a.run_b), "b - a");
  for (const auto& [k, v] : metrics.items()) {
    auto show = [](const json& x) { return x.is_null() ? std::string("-") : fmt::format("{:.6g}", x.get<double>()); };
    std::string d = v[0].is_null() || v[1].is_null() ? "" : fmt::format("{:+.4g}", v[1].get<double>() - v[0].get<double>());
    std::cout << fmt::format("{:<36} {:>24} {:>24} {:>12}\n", k, show(v[0]), show(v[1]), d);
  }
  return 0;
}

int cmd_export_json(qwb::Project& p, const ProjectArgs& a) {
  auto j = p.export_json();
  if (!j) return fail(j.status());
  if (a.out.empty()) {
    std::cout << j->dump(2) << "\n";
    return 0;
  }
  std::ofstream f(a.out);
  f << j->dump(2) << "\n";
  if (!f) return fail(qwb::io_error("file '" + a.out + "': cannot be written"));
  std::cout << "Wrote " << a.out << "\n";
  return 0;
}

int cmd_rerun(qwb::Project& p, const ProjectArgs& a) {
  TtyProgress progress(!a.json);
  auto r = qwb::rerun(p, a.run_a, progress);
  if (!r) return fail(r.status());
  const bool same = r->metrics_equal && r->artifacts_equal;
  if (a.json) {
    std::cout << json{{"original", r->original}, {"rerun", r->rerun}, {"metrics_equal", r->metrics_equal},
                      {"artifacts_equal", r->artifacts_equal}, {"differences", r->differences}}.dump(2) << "\n";
  } else {
    std::cout << fmt::format("Run {} repeated as run {}: metrics {}, artifacts {}\n", r->original, r->rerun,
                             r->metrics_equal ? "identical" : "DIFFER", r->artifacts_equal ? "identical (sha256)" : "DIFFER");
    for (const auto& [k, v] : r->differences.items()) std::cout << "  " << k << ": " << v[0].dump() << " -> " << v[1].dump() << "\n";
  }
  // A different result is an answer, not an error: exit 4 so scripts can tell.
  return same ? 0 : 4;
}

}  // namespace

std::unique_ptr<ProjectCommands> add_project_commands(CLI::App& app) {
  auto owned = std::make_unique<ProjectCommands>();
  ProjectCommands& c = *owned;
  ProjectArgs& a = c.args;
  c.project = app.add_subcommand("project", "Create and read project files (*.qwb)");
  c.project->require_subcommand(1);
  auto file_arg = [&](CLI::App* s) { s->add_option("file", a.file, "Project file (*.qwb)")->required(); };
  c.new_ = c.project->add_subcommand("new", "Create an empty project");
  file_arg(c.new_);
  c.new_->add_flag("--json", a.json, "Print JSON");
  c.info = c.project->add_subcommand("info", "Models, datasets and run counts");
  file_arg(c.info);
  c.info->add_flag("--json", a.json, "Print JSON");
  c.runs = c.project->add_subcommand("runs", "List runs, newest first");
  file_arg(c.runs);
  c.runs->add_flag("--json", a.json, "Print JSON: id, kind, status, created, started, finished, metrics, ...");
  c.show = c.project->add_subcommand("show", "One run: config, metrics, artifacts");
  file_arg(c.show);
  c.show->add_option("run", a.run_a, "Run id")->required();
  c.show->add_flag("--json", a.json, "Print JSON");
  c.diff = c.project->add_subcommand("diff", "Config and metric differences of two runs, side by side");
  file_arg(c.diff);
  c.diff->add_option("run_a", a.run_a, "Run id")->required();
  c.diff->add_option("run_b", a.run_b, "Run id")->required();
  c.diff->add_flag("--json", a.json, "Print JSON");
  c.export_json = c.project->add_subcommand("export-json", "The whole project as JSON");
  file_arg(c.export_json);
  c.export_json->add_option("--out,-o", a.out, "Write to this file instead of stdout");
  c.rerun = app.add_subcommand("rerun", "Repeat a recorded run and report whether metrics and artifact hashes are identical (exit 4 if not)");
  file_arg(c.rerun);
  c.rerun->add_option("run", a.run_a, "Run id")->required();
  c.rerun->add_flag("--json", a.json, "Print JSON");
  return owned;
}

int run_project_commands(const ProjectCommands& c) {
  const ProjectArgs& a = c.args;
  if (*c.new_) return cmd_new(a);
  if (!*c.project && !*c.rerun) return -1;
  auto p = qwb::Project::open(a.file);
  if (!p) return fail(p.status());
  if (*c.info) return cmd_info(*p, a);
  if (*c.runs) return cmd_runs(*p, a);
  if (*c.show) return cmd_show(*p, a);
  if (*c.diff) return cmd_diff(*p, a);
  if (*c.export_json) return cmd_export_json(*p, a);
  if (*c.rerun) return cmd_rerun(*p, a);
  return -1;
}

}  // namespace cli
