// qwb-cli: the headless Quantization Workbench. Thin: parses arguments, calls the engine,
// prints text or JSON. Exit codes: 0 ok, 2 bad input (model, data, options), 1 internal error.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "qwb/data.h"
#include "qwb/eval.h"
#include "qwb/executor.h"
#include "qwb/model.h"
#include "qwb/tensor_io.h"
#include "qwb/version.h"
#include "cli_common.h"
#include "cli_decide.h"
#include "cli_project.h"
#include "cli_quant.h"
#include "cli_report.h"
#include "qwb/jobs.h"

using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

using cli::exit_code;
using cli::fail;

std::string human(double v) {
  const char* units[] = {"", "K", "M", "G", "T"};
  int u = 0;
  while (std::abs(v) >= 1000 && u < 4) { v /= 1000; ++u; }
  return u == 0 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f} {}", v, units[u]);
}

json value_json(const qwb::ValueInfo& v) {
  json shape = json::array();
  for (const auto& d : v.dims) shape.push_back(d.known() ? json(d.value) : json(d.param.empty() ? "?" : d.param));
  return {{"name", v.name}, {"dtype", qwb::dtype_name(v.dtype)}, {"shape", v.has_shape ? shape : json(nullptr)}};
}

// Loads a model for execution (no summary shape measurement) and builds its session.
qwb::Result<qwb::Session> open_session(const std::string& path, int threads, qwb::Backend backend) {
  auto loaded = qwb::Model::load(path, {.run_checker = true, .measure_shapes = false});
  if (!loaded) return loaded.status();
  return qwb::Session::create(std::make_shared<const qwb::Model>(std::move(*loaded)), {.threads = threads, .backend = backend});
}

int cmd_inspect(const std::string& path, bool as_json) {
  auto model = qwb::Model::load(path);
  if (!model) return fail(model.status());
  const auto& s = model->summary();
  if (as_json) {
    json j;
    j["path"] = s.path;
    j["producer"] = s.producer;
    j["ir_version"] = s.ir_version;
    j["opset"] = s.opset;
    j["opsets"] = s.opsets;
    j["nodes"] = s.nodes.size();
    j["parameters"] = s.parameters;
    j["parameter_bytes"] = s.parameter_bytes;
    j["macs"] = s.macs;
    j["architecture"] = s.architecture;
    j["architecture_reason"] = s.architecture_reason;
    j["inputs"] = json::array();
    for (const auto& v : s.inputs) j["inputs"].push_back(value_json(v));
    j["outputs"] = json::array();
    for (const auto& v : s.outputs) j["outputs"].push_back(value_json(v));
    j["ops"] = s.op_counts;
    j["unsupported_ops"] = s.unsupported_ops;
    j["metadata"] = s.metadata;
    j["notices"] = s.notices;
    j["layers"] = json::array();
    for (const auto& n : s.nodes) {
      j["layers"].push_back({{"name", n.name}, {"op", n.op_type}, {"input_shapes", n.input_shapes},
                             {"output_shapes", n.output_shapes}, {"parameters", n.parameters}, {"macs", n.macs}});
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "Model:        " << s.path << "\n";
  std::cout << "Producer:     " << s.producer << ", IR " << s.ir_version << ", opset " << s.opset << "\n";
  std::cout << "Architecture: " << s.architecture << " (" << s.architecture_reason << ")\n";
  std::cout << "Parameters:   " << human(static_cast<double>(s.parameters)) << " (" << s.parameter_bytes << " bytes)\n";
  std::cout << "MACs:         " << human(static_cast<double>(s.macs)) << " (batch 1)\n";
  for (const auto& v : s.inputs) std::cout << "Input:        " << v.name << " " << qwb::dtype_name(v.dtype) << " " << v.shape_str() << "\n";
  for (const auto& v : s.outputs) std::cout << "Output:       " << v.name << " " << qwb::dtype_name(v.dtype) << " " << v.shape_str() << "\n";
  std::cout << "Ops:         ";
  for (const auto& [op, c] : s.op_counts) std::cout << " " << op << " x" << c;
  std::cout << "\nUnsupported:  " << (s.unsupported_ops.empty() ? "none" : "");
  for (const auto& u : s.unsupported_ops) std::cout << u << "; ";
  std::cout << "\n";
  for (const auto& n : s.notices) std::cout << "Notice:       " << n << "\n";
  std::cout << fmt::format("\n{:>4}  {:<32} {:<18} {:<22} {:>10} {:>12}\n", "#", "name", "op", "output shape", "params", "MACs");
  int i = 0;
  for (const auto& n : s.nodes) {
    std::string name = n.name.size() > 32 ? n.name.substr(0, 29) + "..." : n.name;
    std::cout << fmt::format("{:>4}  {:<32} {:<18} {:<22} {:>10} {:>12}\n", i++, name, n.op_type,
                             n.output_shapes.empty() ? "" : n.output_shapes[0], n.parameters, n.macs);
  }
  return 0;
}

// --backend fast|reference on a subcommand that executes models.
void add_backend_option(CLI::App* cmd, qwb::Backend& backend) {
  cmd->add_option_function<std::string>(
         "--backend",
         [&backend](const std::string& s) { backend = *qwb::parse_backend(s); },
         "fast: oneDNN kernels where they apply (default); reference: the plain C++ kernels only")
      ->check(CLI::IsMember({"fast", "reference"}));
}

int cmd_run(const std::string& path, const std::vector<std::string>& input_args, const std::string& outdir, int threads,
            qwb::Backend backend) {
  auto session = open_session(path, threads, backend);
  if (!session) return fail(session.status());
  const qwb::Model* model = &session->model();
  qwb::TensorMap inputs;
  for (const auto& arg : input_args) {
    std::string name, file;
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      if (model->graph().inputs.size() != 1) {
        return fail(qwb::invalid_argument("--input '" + arg + "': the model has " +
                                          std::to_string(model->graph().inputs.size()) + " inputs; use NAME=FILE.npy"));
      }
      name = model->graph().inputs[0].name;
      file = arg;
    } else {
      name = arg.substr(0, eq);
      file = arg.substr(eq + 1);
    }
    auto t = qwb::read_npy(file);
    if (!t) return fail(t.status());
    // float64 arrays (numpy's default) are accepted for float32 inputs.
    for (const auto& vi : model->graph().inputs) {
      if (vi.name == name && vi.dtype == qwb::DType::kFloat32 && t->dtype() == qwb::DType::kFloat64) *t = t->cast(qwb::DType::kFloat32);
    }
    inputs[name] = *t;
  }
  auto out = session->run(inputs);
  if (!out) return fail(out.status());
  std::error_code ec;
  fs::create_directories(outdir, ec);
  if (ec) return fail(qwb::io_error("--outdir '" + outdir + "': cannot create directory: " + ec.message()));
  for (const auto& o : model->graph().outputs) {
    qwb::Tensor t = out->at(o.name);
    if (qwb::dtype_is_float(t.dtype()) && t.dtype() != qwb::DType::kFloat32) t = t.cast(qwb::DType::kFloat32);
    std::string file_name = o.name;
    for (char& c : file_name) if (c == '/' || c == '\\' || c == ':') c = '_';
    std::string file = (fs::path(outdir) / (file_name + ".npy")).string();
    qwb::Status st = qwb::write_npy(file, t);
    if (!st) return fail(st);
    std::cout << o.name << " " << qwb::dtype_name(t.dtype()) << " " << qwb::shape_str(t.shape()) << " -> " << file << "\n";
  }
  return 0;
}

struct EvalArgs {
  std::string model, data, mean, stddev, reference, project;
  int64_t limit = -1, batch = 64;
  int threads = 0;
  bool json = false;
  qwb::Backend backend = qwb::Backend::kFast;
  std::optional<qwb::Backend> reference_backend;
};

int cmd_evaluate(const EvalArgs& a) {
  qwb::EvaluateConfig c;
  c.model = a.model;
  c.reference = a.reference;
  c.data = {a.data, {}, {}, a.limit};
  c.threads = a.threads;
  c.batch = a.batch;
  c.backend = a.backend;
  c.reference_backend = a.reference_backend;
  if (!a.mean.empty()) {
    auto v = cli::parse_float_list(a.mean, "--mean");
    if (!v) return fail(v.status());
    c.data.mean = *v;
  }
  if (!a.stddev.empty()) {
    auto v = cli::parse_float_list(a.stddev, "--std");
    if (!v) return fail(v.status());
    c.data.stddev = *v;
  }
  cli::TtyProgress progress(!a.json);
  int64_t run = 0;
  qwb::Result<qwb::EvaluateReport> r = qwb::invalid_argument("unset");
  if (!a.project.empty()) {
    auto p = qwb::Project::open_or_create(a.project);
    if (!p) return fail(p.status());
    r = qwb::run_evaluate(*p, c, progress, &run);
  } else {
    r = qwb::run_evaluate(c, progress);
  }
  if (!r) return fail(r.status());
  const auto& m = r->result.metrics;
  if (a.json) {
    json j = qwb::to_json(*r);
    j["model"] = a.model;
    j["data"] = a.data;
    j["batch"] = a.batch;
    if (!a.reference.empty()) j["reference"] = a.reference;
    if (run) j["run"] = run;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  const double sps = r->result.seconds > 0 ? static_cast<double>(m.samples) / r->result.seconds : 0.0;
  std::cout << fmt::format("{}: {} samples of {} ({})\n", a.model, m.samples, a.data, r->preprocess);
  std::cout << fmt::format("top-1 {:.2f}%  top-5 {:.2f}%  macro-F1 {:.4f}  weighted-F1 {:.4f}  ECE {:.4f}  ({:.2f} s, {:.0f} samples/s, {} threads)\n",
                           100 * m.top1, 100 * m.top5, m.macro_f1, m.weighted_f1, r->result.ece, r->result.seconds, sps, r->threads);
  if (r->comparison) {
    const auto& cmp = *r->comparison;
    std::cout << fmt::format("reference {}: top-1 {:.2f}%; delta {:+.2f} points; agreement {:.2f}% ({} flipped); output SQNR {:.1f} dB\n",
                             a.reference, 100 * cmp.reference.metrics.top1, 100 * (m.top1 - cmp.reference.metrics.top1),
                             100 * cmp.agreement, cmp.flipped.size(), cmp.output_error.sqnr_db);
  }
  if (run) std::cout << fmt::format("Recorded as run {} in {}\n", run, a.project);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qwb-cli: Quantization Workbench (headless). Inspects, runs, evaluates, calibrates, quantizes and exports ONNX models."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("qwb-cli ") + qwb::version() + " (commit " + qwb::git_commit() + ")\n" +
                                        qwb::library_versions());

  std::string model_path;
  bool as_json = false;
  auto* inspect = app.add_subcommand("inspect", "Summary and layer table of a model");
  inspect->add_option("model", model_path, "ONNX model file")->required();
  inspect->add_flag("--json", as_json, "Print JSON");

  std::vector<std::string> run_inputs;
  std::string outdir;
  int threads = 0;
  auto* run = app.add_subcommand("run", "Run a model on .npy inputs; write every output as OUTDIR/<name>.npy");
  run->add_option("model", model_path, "ONNX model file")->required();
  run->add_option("--input,-i", run_inputs, "NAME=FILE.npy (or FILE.npy for a single-input model)")->required();
  run->add_option("--outdir,-o", outdir, "Directory for the outputs")->required();
  run->add_option("--threads,-t", threads, "Threads (default: all cores)");
  qwb::Backend run_backend = qwb::Backend::kFast;
  add_backend_option(run, run_backend);

  EvalArgs ev;
  auto* evaluate = app.add_subcommand("evaluate", "Accuracy of a classifier on a labelled dataset");
  evaluate->add_option("model", ev.model, "ONNX model file")->required();
  evaluate->add_option("--data,-d", ev.data,
                       "fashion-mnist:test | fashion-mnist:train | idx:IMAGES[,LABELS] | npy:FILE[,LABELS] | npz:FILE[,KEY[,LABELKEY]] | images:DIR | pb:DIR")->required();
  evaluate->add_option("--limit", ev.limit, "Use only the first N samples");
  evaluate->add_option("--batch,-b", ev.batch, "Batch size")->capture_default_str();
  evaluate->add_option("--threads,-t", ev.threads, "Threads (default: all cores)");
  evaluate->add_option("--mean", ev.mean, "Per-channel mean after scaling to [0,1], e.g. 0.485,0.456,0.406 (default: model metadata qwb.mean)");
  evaluate->add_option("--std", ev.stddev, "Per-channel std (default: model metadata qwb.std)");
  evaluate->add_option("--reference,-r", ev.reference, "Also run this model (e.g. the FP32 original) and report agreement and flipped samples");
  evaluate->add_option("--project,-p", ev.project, "Record the run in this project file (*.qwb; created if missing)");
  evaluate->add_flag("--json", ev.json, "Print JSON");
  add_backend_option(evaluate, ev.backend);
  evaluate->add_option_function<std::string>(
              "--reference-backend", [&ev](const std::string& s) { ev.reference_backend = qwb::parse_backend(s); },
              "Backend of the --reference model (default: --backend); e.g. a QDQ model on fast INT8 kernels "
              "against the same file on the reference kernels (the simulation)")
      ->check(CLI::IsMember({"fast", "reference"}));

  qwb::BenchConfig bc;
  bool bench_json = false;
  auto* bench = app.add_subcommand("bench", "Latency of a model on seeded synthetic inputs: median, p90, min, peak RSS");
  bench->add_option("model", bc.model, "ONNX model file")->required();
  bench->add_option("--batch,-b", bc.batch, "Batch size")->capture_default_str();
  bench->add_option("--threads,-t", bc.threads, "Threads (default: all cores)");
  bench->add_option("--runs,-n", bc.runs, "Timed runs")->capture_default_str();
  bench->add_option("--warmup,-w", bc.warmup, "Untimed runs first")->capture_default_str();
  bench->add_option("--seed", bc.seed, "Seed of the synthetic inputs")->capture_default_str();
  bench->add_flag("--json", bench_json, "Print JSON: median_ms, p90_ms, min_ms, runs, threads, batch, peak_rss_mb, backend");
  add_backend_option(bench, bc.backend);
  bench->add_flag("--profile", bc.profile, "Also time every step and print the mean ms per run by step kind");

  auto* ops = app.add_subcommand("ops", "List the ops the executor supports");
  auto quant = cli::add_quant_commands(app);
  auto project = cli::add_project_commands(app);
  auto decide = cli::add_decide_commands(app);
  auto report = cli::add_report_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  cli::install_interrupt_handler();
  if (*inspect) return cmd_inspect(model_path, as_json);
  if (*run) return cmd_run(model_path, run_inputs, outdir, threads, run_backend);
  if (*evaluate) return cmd_evaluate(ev);
  if (*bench) {
    cli::TtyProgress progress(!bench_json);
    auto r = qwb::run_bench(bc, progress);
    if (!r) return fail(r.status());
    if (bench_json) {
      std::cout << qwb::to_json(*r).dump(2) << "\n";
    } else {
      int fast = 0, ref = 0, folded = 0;
      for (const auto& [op, n] : r->fast_ops) fast += n;
      for (const auto& [op, n] : r->reference_ops) ref += n;
      for (const auto& [op, n] : r->folded_ops) folded += n;
      std::cout << fmt::format("{}: batch {}, {} threads, {} runs: median {:.3f} ms, p90 {:.3f} ms, min {:.3f} ms; peak RSS {:.1f} MB; "
                               "{} nodes on fast kernels, {} on reference kernels, {} folded to constants\n",
                               bc.model, r->batch, r->threads, r->times_ms.size(), r->median_ms, r->p90_ms, r->min_ms,
                               r->peak_rss_mb, fast, ref, folded);
      if (bc.profile) {
        std::vector<std::pair<double, std::string>> rows;
        for (const auto& [kind, ms] : r->op_ms) rows.emplace_back(ms, kind);
        std::sort(rows.rbegin(), rows.rend());
        for (const auto& [ms, kind] : rows) std::cout << fmt::format("  {:9.3f} ms  {}\n", ms, kind);
      }
    }
    return 0;
  }
  if (int rc = cli::run_quant_commands(*quant); rc >= 0) return rc;
  if (int rc = cli::run_project_commands(*project); rc >= 0) return rc;
  if (int rc = cli::run_decide_commands(*decide); rc >= 0) return rc;
  if (int rc = cli::run_report_commands(*report); rc >= 0) return rc;
  if (*ops) {
    for (const auto& op : qwb::supported_ops()) std::cout << op << "\n";
    return 0;
  }
  return 2;
}
