// qwb-cli recommend, gate and decision-table export|import.
#include "cli_decide.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cli_common.h"
#include "qwb/decide.h"
#include "qwb/hash.h"
#include "qwb/model.h"
#include "qwb/store.h"

using json = nlohmann::json;

namespace cli {

namespace {

int cmd_recommend(const DecideArgs& a) {
  if (a.model.empty() && a.arch.empty()) return fail(qwb::invalid_argument("give a MODEL or --arch"));
  qwb::RecommendInputs in;
  in.max_drop = a.max_drop;
  in.relative = a.relative;
  in.min_compression = a.min_compression;
  in.min_speedup = a.min_speedup;
  auto goal = qwb::parse_goal(a.goal);
  if (!goal) return fail(goal.status());
  in.goal = *goal;
  if (a.hardware.empty()) {
    in.hardware = qwb::this_machine_hardware();
    in.hardware_reason = "this machine";
  } else {
    auto h = qwb::parse_hardware(a.hardware);
    if (!h) return fail(h.status());
    in.hardware = *h;
    in.hardware_reason = "given";
  }
  std::string detected;
  if (!a.model.empty()) {
    auto m = qwb::Model::load(a.model, {.run_checker = false, .measure_shapes = false});
    if (!m) return fail(m.status());
    detected = m->summary().architecture;
    in.architecture = detected;
    in.architecture_reason = "detected: " + m->summary().architecture_reason;
  }
  if (!a.arch.empty()) {
    in.architecture = a.arch;
    in.architecture_reason = detected.empty() ? "given with --arch" : "given with --arch; detected " + detected;
  }

  std::optional<qwb::Project> project;
  std::vector<qwb::DecisionRow> rows = qwb::seed_decision_table();
  qwb::ModelFacts facts;
  if (!a.project.empty()) {
    auto p = qwb::Project::open(a.project);
    if (!p) return fail(p.status());
    project = std::move(*p);
    auto r = qwb::decision_table(*project);
    if (!r) return fail(r.status());
    rows = std::move(*r);
    if (!a.model.empty()) {
      auto sha = qwb::sha256_file(a.model);
      if (!sha) return fail(sha.status());
      auto f = qwb::model_facts(*project, *sha);
      if (!f) return fail(f.status());
      facts = std::move(*f);
    }
  }
  if (a.baseline > 0) in.baseline_pct = a.baseline;
  else in.baseline_pct = facts.fp32_pct;
  if (a.relative && !in.baseline_pct)
    return fail(qwb::invalid_argument("--relative needs the fp32 top-1: give --baseline PCT, or a MODEL and a --project holding a "
                                      "quantize or evaluate run of it"));
  auto rec = qwb::recommend(in, rows, facts.sensitivity ? &*facts.sensitivity : nullptr);
  if (!rec) return fail(rec.status());
  if (a.json) {
    json j = qwb::to_json(*rec);
    j["table"] = a.project.empty() ? "seed" : a.project;
    j["inputs"] = {{"model", a.model}, {"max_drop", a.max_drop}, {"relative", a.relative}, {"goal", a.goal},
                   {"baseline_pct", in.baseline_pct ? json(*in.baseline_pct) : json(nullptr)}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("Recommendation: {}  (expected loss {:.2f} pts {} budget {:.2f} pts; {:.1f}x smaller, {:.1f}x faster)\n",
                           rec->format, rec->expected_loss_pts, rec->budget_met ? "<=" : "> (NOT MET)", rec->budget_pts,
                           rec->compression, rec->speedup);
  std::cout << "  scheme:      " << rec->scheme << "\n  calibration: " << rec->calibration << "\n";
  if (!rec->cli.empty()) std::cout << "  command:     qwb-cli " << rec->cli << "\n";
  if (rec->mixed_plan) std::cout << "  mixed plan:  " << rec->mixed_plan->summary << fmt::format(" (estimated {:.2f} pts)\n", rec->mixed_plan->expected_loss_pts);
  std::cout << "  row:         " << rec->row << " (" << rec->source << (rec->count ? fmt::format(", {} run{}", rec->count, rec->count == 1 ? "" : "s") : "") << ")\n";
  std::cout << fmt::format("\nAlternatives (each from its own row):\n  {:<12} {:>9} {:>8} {:>8} {:<7} {}\n", "format", "loss pts",
                           "smaller", "faster", "native", "row: why");
  for (const auto& x : rec->alternatives)
    std::cout << fmt::format("  {:<12} {:>9.2f} {:>7.1f}x {:>7.1f}x {:<7} {}{}: {}\n", x.format, x.expected_loss_pts, x.compression,
                             x.speedup, x.supported ? "yes" : "no", x.row, x.count ? fmt::format(" ({} run{})", x.count, x.count == 1 ? "" : "s") : "", x.why);
  std::cout << "\nReasoning:\n";
  for (size_t i = 0; i < rec->path.size(); ++i) std::cout << fmt::format("  {:>2}. {}\n", i + 1, rec->path[i]);
  std::cout << "\nTable: " << (a.project.empty() ? "the seed (no --project)" : a.project) << "\n";
  return 0;
}

int cmd_gate(const DecideArgs& a) {
  auto p = qwb::Project::open(a.project);
  if (!p) return fail(p.status());
  auto g = qwb::gate(*p, a.run, {.max_drop = a.max_drop, .relative = a.relative, .review_band = a.review_band});
  if (!g) return fail(g.status());
  if (a.json) {
    std::cout << qwb::to_json(*g).dump(2) << "\n";
  } else {
    std::string outcome = qwb::gate_outcome_name(g->outcome);
    for (char& c : outcome) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::cout << outcome << ": " << g->message << "\n";
    std::cout << fmt::format("  fp32 {:.2f}%  quantized {:.2f}%  drop {:.3f} pts  threshold {:.3f} pts  review band {:.3f} pts\n",
                             g->fp32_pct, g->quantized_pct, g->drop_pts, g->threshold_pts, g->band_pts);
  }
  // The outcome is the exit code, so a CI step stops on a failed gate.
  return g->outcome == qwb::GateOutcome::kPass ? 0 : g->outcome == qwb::GateOutcome::kFail ? 1 : 3;
}

int cmd_table_export(const DecideArgs& a) {
  auto p = qwb::Project::open(a.project);
  if (!p) return fail(p.status());
  auto rows = qwb::decision_table(*p);
  if (!rows) return fail(rows.status());
  const std::string text = qwb::decision_table_json(*rows).dump(1) + "\n";
  if (a.file == "-") {
    std::cout << text;
    return 0;
  }
  std::ofstream f(a.file);
  f << text;
  if (!f) return fail(qwb::io_error("file '" + a.file + "': cannot be written"));
  std::cout << fmt::format("Wrote {} rows to {}\n", rows->size(), a.file);
  return 0;
}

int cmd_table_import(const DecideArgs& a) {
  std::ifstream f(a.file);
  if (!f) return fail(qwb::not_found("file '" + a.file + "': cannot be read"));
  std::stringstream ss;
  ss << f.rdbuf();
  json doc = json::parse(ss.str(), nullptr, false);
  if (doc.is_discarded()) return fail(qwb::invalid_argument("file '" + a.file + "' is not valid JSON"));
  auto p = qwb::Project::open(a.project);
  if (!p) return fail(p.status());
  auto n = qwb::import_decision_table(*p, doc);
  if (!n) return fail(n.status().with_context("file '" + a.file + "'"));
  std::cout << fmt::format("Imported {} rows into {}\n", *n, a.project);
  return 0;
}

}  // namespace

std::unique_ptr<DecideCommands> add_decide_commands(CLI::App& app) {
  auto owned = std::make_unique<DecideCommands>();
  DecideCommands& c = *owned;
  DecideArgs& a = c.args;
  const std::string drop_help = "Accuracy budget: top-1 points the quantized model may lose (with --relative: percent of the fp32 top-1)";

  c.recommend = app.add_subcommand("recommend", "Recommend a quantization format for a model (or --arch) on target hardware: "
                                                "scheme, calibration, alternatives with their own expected loss, and the reasoning");
  c.recommend->add_option("model", a.model, "ONNX model: its architecture is detected (and, with --project, its sensitivity runs are used)");
  c.recommend->add_option("--arch", a.arch, "Architecture family, overriding detection: cnn, transformer, rnn, mlp, other (or a family the table has rows for)");
  c.recommend->add_option("--hardware", a.hardware, "Target: nvidia-gpu, amd-gpu, x86-vnni, x86 (no VNNI), arm, npu (default: this machine)")
      ->check(CLI::IsMember({"nvidia-gpu", "amd-gpu", "x86-vnni", "x86", "arm", "npu"}));
  c.recommend->add_option("--max-drop", a.max_drop, drop_help)->required();
  c.recommend->add_flag("--relative", a.relative, "--max-drop is a percentage of the fp32 top-1 (from --baseline or the project's runs of MODEL)");
  c.recommend->add_option("--baseline", a.baseline, "fp32 top-1 in percent, for --relative (default: the newest run of MODEL in --project)");
  c.recommend->add_option("--goal", a.goal, "Ranks the formats that fit: balanced (compression x speed-up), size, latency")
      ->check(CLI::IsMember({"balanced", "size", "latency"}))->capture_default_str();
  c.recommend->add_option("--min-compression", a.min_compression, "Size goal: at least this many times smaller than fp32");
  c.recommend->add_option("--min-speedup", a.min_speedup, "Latency goal: at least this many times faster than fp32");
  c.recommend->add_option("--project,-p", a.project, "Use this project's decision table (seeded if empty) and its sensitivity runs of MODEL");
  c.recommend->add_flag("--json", a.json, "Print JSON: format, scheme, calibration, cli, expected_loss_pts, compression, speedup, "
                                          "budget_pts, budget_met, alternatives, path, rows_used, mixed_plan");

  c.gate = app.add_subcommand("gate", "Accuracy gate of a recorded run: exit 0 pass, 1 fail, 3 review (2 bad input); the result is stored on the run");
  c.gate->add_option("project", a.project, "Project file (*.qwb)")->required();
  c.gate->add_option("run", a.run, "Run id (a quantize run with --eval, or an evaluate run with --reference)")->required();
  c.gate->add_option("--max-drop", a.max_drop, drop_help + "; a larger drop fails")->required();
  c.gate->add_flag("--relative", a.relative, "--max-drop is a percentage of the run's fp32 top-1");
  c.gate->add_option("--review-band", a.review_band, "Points below the threshold that give review instead of pass (default 0)");
  c.gate->add_flag("--json", a.json, "Print JSON: outcome, run, fp32_top1_pct, quantized_top1_pct, drop_pts, threshold_pts, review_band_pts, message");

  c.table = app.add_subcommand("decision-table", "Export or import a project's decision table (JSON) to review and share it");
  c.table->require_subcommand(1);
  c.table_export = c.table->add_subcommand("export", "Write the project's table (seeded if empty) as JSON");
  c.table_export->add_option("project", a.project, "Project file (*.qwb)")->required();
  c.table_export->add_option("file", a.file, "Output JSON file ('-': stdout)")->required();
  c.table_import = c.table->add_subcommand("import", "Validate a JSON table and upsert its rows (rows not in the file stay)");
  c.table_import->add_option("project", a.project, "Project file (*.qwb)")->required();
  c.table_import->add_option("file", a.file, "JSON file: {\"rows\": [...]} as exported, or an array of rows")->required();
  return owned;
}

int run_decide_commands(const DecideCommands& c) {
  if (*c.recommend) return cmd_recommend(c.args);
  if (*c.gate) return cmd_gate(c.args);
  if (*c.table_export) return cmd_table_export(c.args);
  if (*c.table_import) return cmd_table_import(c.args);
  return -1;
}

}  // namespace cli
