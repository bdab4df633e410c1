// Executor: runs a Model on the engine's kernels.
//
// A Session is built once per model: it picks a kernel for every node from the single kernel
// registry (attributes parsed once) and fails with a Status naming the node if any op is missing.
// `run` executes on concrete inputs of any batch size; shapes are computed per run, so dynamic
// shape ops (Shape, Gather on shapes, ConstantOfShape, Range, Expand) work. Intermediate tensors
// are released after their last consumer.
//
// Taps see every tensor a node produces and may replace it (fake quantization, statistics):
//
//   auto session = qwb::Session::create(model, {.threads = 2});
//   qwb::RunOptions ro;
//   ro.tap = [](const qwb::TapEvent& e, qwb::Tensor& t) { record(e.value, t); };
//   auto outputs = session->run({{"input", x}}, ro);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qwb/model.h"
#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

// kFast runs the ops oneDNN handles (Conv, ConvTranspose, Gemm, MatMul, pooling, BatchNorm,
// element-wise chains fused as post-ops, QDQ patterns as real INT8) on oneDNN and the rest on the
// reference kernels; kReference runs every node on the reference kernels (plain C++/Eigen), the
// oracle the conformance test covers.
enum class Backend { kFast, kReference };
const char* backend_name(Backend b);
std::optional<Backend> parse_backend(std::string_view name);  // "fast" | "reference"

struct SessionOptions {
  int threads = 0;  // 0: all cores
  Backend backend = Backend::kFast;
};

// How many nodes of each op type a session runs on fast (oneDNN) and on reference kernels, for a
// run without taps.
// Nodes fused into a fast primitive (a Relu post-op, a DequantizeLinear folded into an INT8
// Conv) count as fast.
struct BackendStats {
  std::map<std::string, int> fast;
  std::map<std::string, int> reference;
  std::map<std::string, int> folded;  // computed once from constants when the session was created
};

struct TapEvent {
  const Node* node = nullptr;  // producer (nullptr for graph inputs when tap_inputs is set)
  int output_index = 0;
  const std::string* value = nullptr;  // value name
};

// Called after a node produced `tensor`; the tap may replace it (assign a new Tensor, same or
// different shape) but must not write into its buffer: ops such as Reshape and Identity alias
// their input's buffer, so an in-place write would corrupt another value or an initializer.
using Tap = std::function<void(const TapEvent& event, Tensor& tensor)>;

using TensorMap = std::map<std::string, Tensor>;

struct RunOptions {
  Tap tap;
  bool tap_inputs = false;  // also call the tap for graph inputs before the first node
  // Extra values to return besides the graph outputs (e.g. an intermediate activation).
  std::vector<std::string> fetch;
  // Called after each node; returning false cancels the run with a kCancelled status.
  std::function<bool(int done, int total)> progress;
  // Replaces initializers by name for this run (fake-quantized weights); same dtype and shape.
  std::shared_ptr<const std::map<std::string, Tensor>> initializers;
  // Values already computed for these same inputs (e.g. FP32 activations reused by a
  // sensitivity sweep, or replaced activations): a step whose outputs are all here is skipped
  // and takes them, and a known value always replaces what a step computes; no tap is called
  // for skipped steps. The caller leaves out every value its changes (initializers, replaced
  // activations) would alter.
  std::shared_ptr<const TensorMap> known;
  // Return every value this run materialises (fusion stays on, so values inside a fused step
  // are not among them); graph inputs and initializers are not returned.
  bool fetch_all = false;
  // Run only what `fetch` needs (given `known`); graph outputs are then not returned.
  bool fetch_only = false;
  // Called after each step with its kind ("fast Conv+Add+Relu", "reference Softmax") and its
  // wall time; for profiling.
  std::function<void(const std::string& kind, double ms)> profile;
};

class Session {
 public:
  static Result<Session> create(std::shared_ptr<const Model> model, const SessionOptions& options = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // Inputs by graph input name. Validates dtype and rank/static dims against the model and
  // returns a Status naming the input on mismatch.
  Result<TensorMap> run(const TensorMap& inputs, const RunOptions& options = {}) const;

  const Model& model() const;
  int threads() const;
  Backend backend() const;
  BackendStats backend_stats() const;

 private:
  Session();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Ops the registry supports, as "Op" or "domain:Op", sorted.
std::vector<std::string> supported_ops();
// Whether a node's op (at its opset) has a kernel.
bool op_supported(const std::string& op_type, const std::string& domain, int opset);
// Ops the fast backend can take, sorted. A node of such an op still runs on its reference
// kernel when an attribute, dtype or shape is outside what the fast kernel handles.
std::vector<std::string> fast_ops();

}  // namespace qwb
