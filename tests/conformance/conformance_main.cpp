// ONNX backend node-test conformance runner.
//
// For every test directory under /usr/share/libonnx-testdata/data/node (model.onnx plus
// test_data_set_*/input_*.pb and output_*.pb, produced by ONNX's reference implementation),
// loads the model, runs it and compares each output with the expected TensorProto:
// |got - want| <= atol + rtol * |want| (rtol 1e-3, atol 1e-6; NaN must match NaN).
// Each test runs in a forked child so that a crashing kernel is reported as a failure instead
// of ending the run. Tests whose ops the registry does not claim are "unsupported" (skipped);
// a test of a claimed op that fails is a failure and makes the exit code 1.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "qwb/executor.h"
#include "qwb/model.h"
#include "qwb/tensor_io.h"

namespace fs = std::filesystem;
using namespace qwb;

namespace {

struct Outcome {
  char kind = 'F';  // P pass, F fail, U unsupported
  std::string message;
};

std::string lower_nounderscore(std::string s) {
  std::string out;
  for (char c : s) if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> sorted_files(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0) files.push_back(e.path().string());
  // input_0.pb, input_1.pb, ... input_10.pb: sort by the number.
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    auto num = [](const std::string& s) {
      auto us = s.find_last_of('_');
      return std::stoi(s.substr(us + 1));
    };
    return num(a) < num(b);
  });
  return files;
}

// ONNX 1.12's test data stores bfloat16 tensors as uint16 TensorProtos (same bits).
Tensor as_bfloat16_if_bits(const Tensor& t, DType expected) {
  if (expected != DType::kBFloat16 || t.dtype() != DType::kUInt16) return t;
  Tensor r(DType::kBFloat16, t.shape());
  std::memcpy(r.raw(), t.raw(), t.nbytes());
  return r;
}

std::string compare(const Tensor& got, const Tensor& want_in, double rtol, double atol) {
  const Tensor want = as_bfloat16_if_bits(want_in, got.dtype());
  if (got.shape() != want.shape()) return "shape " + shape_str(got.shape()) + " != expected " + shape_str(want.shape());
  if (got.dtype() != want.dtype()) {
    return std::string("dtype ") + dtype_name(got.dtype()) + " != expected " + dtype_name(want.dtype());
  }
  const bool is_float = dtype_is_float(want.dtype());
  for (int64_t i = 0; i < want.numel(); ++i) {
    if (is_float) {
      double a = got.get_double(i), b = want.get_double(i);
      if (std::isnan(b) && std::isnan(a)) continue;
      if (std::isinf(b) && a == b) continue;
      if (!(std::fabs(a - b) <= atol + rtol * std::fabs(b))) {
        return "element " + std::to_string(i) + ": got " + std::to_string(a) + ", expected " + std::to_string(b);
      }
    } else if (got.get_int64(i) != want.get_int64(i)) {
      return "element " + std::to_string(i) + ": got " + std::to_string(got.get_int64(i)) + ", expected " +
             std::to_string(want.get_int64(i));
    }
  }
  return "";
}

// Node tests whose data in ONNX 1.12 contradicts the current spec (and ONNX Runtime): they are
// reported as skipped with the reason instead of being run.
const std::map<std::string, std::string>& known_bad_test_data() {
  static const std::map<std::string, std::string> m = {
      {"test_cast_FLOAT_to_BFLOAT16", "ONNX 1.12 data truncates float->bfloat16; the spec and ONNX Runtime round to nearest even"},
      {"test_castlike_FLOAT_to_BFLOAT16", "model declares input 'like' as [3, 4] but the data is [1]"},
      {"test_castlike_FLOAT_to_BFLOAT16_expanded", "model declares input 'like' as [3, 4] but the data is [1]"},
      {"test_castlike_BFLOAT16_to_FLOAT", "model declares input 'like' as [3, 4] but the data is [1]"},
      {"test_castlike_BFLOAT16_to_FLOAT_expanded", "model declares input 'like' as [3, 4] but the data is [1]"},
  };
  return m;
}

// --backend: reference (default) runs every node on the reference kernels; fast runs the tests
// in which the fast backend takes at least one node, and counts a test as passed only when no
// fast step fell back to reference kernels.
Backend g_backend = Backend::kReference;

// `model` is the test's model.onnx, loaded (with the checker) once by the parent.
Outcome run_test(const fs::path& dir, const Result<Model>& model) {
  if (auto it = known_bad_test_data().find(dir.filename().string()); it != known_bad_test_data().end()) {
    return {'U', "test data inconsistent: " + it->second};
  }
  if (!model) {
    return {model.status().code() == StatusCode::kUnsupported ? 'U' : 'F', model.status().message()};
  }
  const Graph& g = model->graph();
  for (const auto& n : g.nodes) {
    if (!op_supported(n.op_type, n.domain, n.opset)) return {'U', n.describe() + " is not claimed"};
  }
  for (const auto& in : g.inputs) {
    if (in.dtype == DType::kUndefined || !dtype_is_supported(in.dtype)) {
      return {'U', "input '" + in.name + "' is not a numeric tensor"};
    }
  }
  for (const auto& out : g.outputs) {
    if (out.dtype == DType::kUndefined || !dtype_is_supported(out.dtype)) {
      return {'U', "output '" + out.name + "' is not a numeric tensor"};
    }
  }
  auto shared = std::make_shared<const Model>(*model);
  auto session = Session::create(shared, {.threads = 1, .backend = g_backend});
  if (!session) return {session.status().code() == StatusCode::kUnsupported ? 'U' : 'F', session.status().message()};
  if (g_backend == Backend::kFast && session->backend_stats().fast.empty()) {
    return {'U', "no node runs on the fast backend"};
  }

  int sets = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_directory() || e.path().filename().string().rfind("test_data_set_", 0) != 0) continue;
    ++sets;
    auto in_files = sorted_files(e.path(), "input_");
    auto out_files = sorted_files(e.path(), "output_");
    TensorMap inputs;
    // Inputs are positional over all graph inputs; initializers with defaults are excluded
    // from g.inputs, and node tests list only real inputs.
    if (in_files.size() > g.inputs.size()) return {'F', "more input files than graph inputs"};
    for (size_t i = 0; i < in_files.size(); ++i) {
      auto t = read_tensor_pb(in_files[i]);
      if (!t) return {t.status().code() == StatusCode::kUnsupported ? 'U' : 'F', t.status().message()};
      inputs[g.inputs[i].name] = as_bfloat16_if_bits(*t, g.inputs[i].dtype);
    }
    auto outs = session->run(inputs);
    if (!outs) return {outs.status().code() == StatusCode::kUnsupported ? 'U' : 'F', outs.status().message()};
    if (out_files.size() != g.outputs.size()) return {'F', "output file count differs from graph outputs"};
    for (size_t i = 0; i < out_files.size(); ++i) {
      auto want = read_tensor_pb(out_files[i]);
      if (!want) return {want.status().code() == StatusCode::kUnsupported ? 'U' : 'F', want.status().message()};
      auto it = outs->find(g.outputs[i].name);
      if (it == outs->end()) return {'F', "missing output " + g.outputs[i].name};
      std::string diff = compare(it->second, *want, 1e-3, 1e-6);
      if (!diff.empty()) return {'F', "output '" + g.outputs[i].name + "' " + diff};
    }
  }
  if (sets == 0) return {'U', "no test_data_set"};
  if (g_backend == Backend::kFast && !session->backend_stats().reference.empty()) {
    std::string ops;
    for (const auto& [op, n] : session->backend_stats().reference) ops += " " + op;
    // A fell-back step ran (and passed) on reference kernels: not evidence for the fast path.
    if (session->backend_stats().fast.empty()) return {'U', "the fast step fell back to reference kernels:" + ops};
  }
  return {'P', ""};
}

// Runs run_test in a child process with a timeout; a crash or hang is a failure.
Outcome run_isolated(const fs::path& dir, const Result<Model>& model, int timeout_s) {
  int fds[2];
  if (pipe(fds) != 0) return run_test(dir, model);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Outcome o = run_test(dir, model);
    std::string msg = std::string(1, o.kind) + o.message;
    ssize_t w = write(fds[1], msg.data(), msg.size());
    (void)w;
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string buf;
  char tmp[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  while (true) {
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (ms <= 0) { timed_out = true; break; }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, ms);
    if (r <= 0) continue;
    ssize_t n = read(fds[0], tmp, sizeof tmp);
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) return {'F', "timed out after " + std::to_string(timeout_s) + " s"};
  if (WIFSIGNALED(status)) return {'F', "crashed with signal " + std::to_string(WTERMSIG(status))};
  if (buf.empty()) return {'F', "child produced no result"};
  return {buf[0], buf.substr(1)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "/usr/share/libonnx-testdata/data/node";
  std::string filter;
  bool verbose = false, show_unsupported = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "-v" || a == "--verbose") verbose = true;
    else if (a == "--unsupported") show_unsupported = true;
    else if (a == "--backend" && i + 1 < argc && parse_backend(argv[i + 1])) g_backend = *parse_backend(argv[++i]);
    else {
      std::cout << "usage: qwb_conformance [--data DIR] [--filter SUBSTRING] [--backend fast|reference] [-v] [--unsupported]\n"
                   "  Runs the ONNX backend node tests in DIR (default " << data << ").\n"
                   "  --filter   only tests whose directory name contains SUBSTRING\n"
                   "  --backend  reference (default): all reference kernels; fast: the tests the fast backend takes\n"
                   "  -v         one line per test\n"
                   "  --unsupported  also list each unsupported test with its reason\n";
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }
  if (!fs::is_directory(data)) {
    std::cerr << "conformance: test data directory '" << data << "' not found (install libonnx-testdata)\n";
    return 2;
  }
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(data))
    if (e.is_directory() && e.path().filename().string().find(filter) != std::string::npos) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());

  struct Family { int pass = 0, fail = 0, unsup = 0; std::vector<std::string> failures, unsupported; };
  std::map<std::string, Family> families;

  // Family names: the op types of every single-node test, so that "_expanded" tests (a function
  // body made of other ops) are counted under the op they expand.
  std::set<std::string> known_ops;
  std::map<std::string, std::vector<std::string>> model_ops;
  std::map<std::string, Result<Model>> models;
  for (const auto& dir : dirs) {
    auto model = Model::load((dir / "model.onnx").string(), {.run_checker = true, .measure_shapes = false});
    if (model) {
      for (const auto& n : model->graph().nodes) model_ops[dir.string()].push_back(n.op_type);
      if (model->graph().nodes.size() == 1) known_ops.insert(model->graph().nodes[0].op_type);
    }
    models.emplace(dir.string(), std::move(model));
  }

  for (const auto& dir : dirs) {
    std::string test = dir.filename().string();
    std::string family;
    const auto& ops = model_ops[dir.string()];
    if (ops.size() == 1) {
      family = ops[0];
    } else {
      std::string key = lower_nounderscore(test.substr(5));
      for (const auto& op : known_ops) {
        std::string k = lower_nounderscore(op);
        if (key.rfind(k, 0) == 0 && k.size() > lower_nounderscore(family).size()) family = op;
      }
    }
    if (family.empty()) family = "(" + test.substr(5) + ")";
    Outcome o = run_isolated(dir, models.at(dir.string()), 120);
    Family& f = families[family];
    if (o.kind == 'P') ++f.pass;
    else if (o.kind == 'U') { ++f.unsup; f.unsupported.push_back(test + ": " + o.message); }
    else { ++f.fail; f.failures.push_back(test + ": " + o.message); }
    if (verbose) std::cout << (o.kind == 'P' ? "PASS " : o.kind == 'U' ? "UNSUP " : "FAIL ") << test << (o.message.empty() ? "" : "  " + o.message) << "\n";
  }

  int pass = 0, fail = 0, unsup = 0;
  std::vector<std::string> unclaimed;
  std::cout << "ONNX node tests by op family (passed / failed / unsupported):\n";
  for (const auto& [name, f] : families) {
    pass += f.pass;
    fail += f.fail;
    unsup += f.unsup;
    if (f.pass == 0 && f.fail == 0) {
      unclaimed.push_back(name);
      if (!show_unsupported) continue;
    }
    std::cout << "  " << name << ": " << f.pass << " passed, " << f.fail << " failed"
              << (f.unsup ? ", " + std::to_string(f.unsup) + " unsupported" : "") << "\n";
    for (const auto& m : f.failures) std::cout << "      FAIL " << m << "\n";
    if (show_unsupported) for (const auto& m : f.unsupported) std::cout << "      UNSUPPORTED " << m << "\n";
  }
  std::cout << "Unsupported op families (" << unclaimed.size() << "):";
  for (const auto& u : unclaimed) std::cout << " " << u;
  std::cout << "\n";
  std::cout << "conformance: " << pass << " passed, " << fail << " failed, " << unsup << " skipped\n";
  return fail == 0 ? 0 : 1;
}
