// Fast backend on oneDNN (engine-internal).
//
// The planner (planner.cpp) walks the graph once per session and groups nodes into fast steps:
// a Conv with its folded BatchNormalization, residual Add (sum post-op) and activation chain;
// DequantizeLinear -> Conv/Gemm/MatMul [-> QuantizeLinear] as one INT8 primitive; pooling,
// element-wise ops and Q/DQ reorders that keep oneDNN's blocked layouts. Every node keeps its
// reference kernel: a fast step that meets something it does not handle at run time (a dtype, a
// shape oneDNN rejects) reports "not handled" and the session runs the covered nodes on the
// reference kernels instead, so the fast path only ever accelerates.
//
// Values flow between steps as fast::Value: a plain row-major Tensor, a oneDNN memory in the
// layout the producing primitive preferred (nChw8c on AVX2, ...), or both. Consecutive fast ops
// pass blocked memories along; a reference kernel, a tap or a graph output converts to plain.
//
//   fast::Plan plan = fast::plan_model(model, /*fuse=*/true);
//   for (auto& step : plan.steps) step.op->run(ctx, inputs, outputs);   // Result<bool>: handled?
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <utility>
#include <vector>

#include "qwb/model.h"
#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb::fast {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using md_t = dnnl::memory::desc;

const dnnl::engine& cpu_engine();

// oneDNN data type of a DType, or dt::undef when oneDNN has none.
dt to_dnnl(DType t);
dnnl::memory::dims to_dims(const Shape& s);
// Row-major strides of dims.
dnnl::memory::dims row_major(const dnnl::memory::dims& d);
// Row-major descriptor of a shape (rank 0 is treated as [1]).
md_t plain_md(const Shape& s, DType t);

struct Value {
  Tensor plain;      // defined when the value exists in plain row-major layout
  dnnl::memory mem;  // set when it exists in a oneDNN layout (may be blocked)
  std::shared_ptr<void> owner;  // mem's buffer, when it comes from new_memory()
  Shape shape;
  DType dtype = DType::kUndefined;

  bool defined() const { return plain.defined() || static_cast<bool>(mem); }
  static Value of(Tensor t) {
    Value v;
    v.shape = t.shape();
    v.dtype = t.dtype();
    v.plain = std::move(t);
    return v;
  }
  static Value of(dnnl::memory m, Shape shape, DType dtype, std::shared_ptr<void> owner = nullptr) {
    Value v;
    v.mem = std::move(m);
    v.owner = std::move(owner);
    v.shape = std::move(shape);
    v.dtype = dtype;
    return v;
  }
};

struct RunCtx {
  dnnl::stream& stream;
  // Per step input: this step is its last reader, so an op may reuse its buffer for the output
  // (the residual operand of a Conv's sum post-op).
  std::vector<bool> last_use;
};

// The plain Tensor of a value, reordering from its oneDNN layout once (cached in the value).
const Tensor& to_plain(Value& v, dnnl::stream& s);
// The value as a memory with descriptor `md` (no copy when it already has it).
dnnl::memory as_md(Value& v, const md_t& md, dnnl::stream& s);
// The value's memory descriptor (its oneDNN layout, or plain).
md_t md_of(const Value& v);
// A plain Tensor as a oneDNN memory without copying (the memory does not own the buffer).
dnnl::memory wrap(const Tensor& t);
// An output buffer with descriptor `md` from the block cache; `owner` keeps it alive.
dnnl::memory new_memory(const md_t& md, std::shared_ptr<void>& owner);

// Post-op of a fused element-wise node.
struct Eltwise {
  dnnl::algorithm alg;
  float alpha = 0.0f;
  float beta = 0.0f;
};

// Appends element-wise post-ops. With a quantized output the post-ops see values in output
// units (divided by its scale), so clip bounds are scaled by `out_unit` = 1 / scale.
void append_eltwise_post_ops(dnnl::post_ops& po, const std::vector<Eltwise>& post, float out_unit);

// Output quantization fused into an INT8 primitive (a trailing QuantizeLinear).
struct QuantOut {
  float scale = 1.0f;
  int32_t zero_point = 0;
  DType dtype = DType::kUInt8;
};

// Per-tensor quantization of an INT8 primitive's activation input.
struct QuantIn {
  float scale = 1.0f;
  int32_t zero_point = 0;
  DType dtype = DType::kUInt8;
};

class FastOp {
 public:
  virtual ~FastOp() = default;
  // `in` holds one Value per step input (nullptr for a missing optional input); `out` is sized to
  // the step outputs. Returns false, touching nothing, when this call is outside what the op
  // handles; the session then runs the covered nodes on reference kernels.
  virtual Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const = 0;
};

struct Step {
  std::vector<int> nodes;            // covered node indices, graph order; runs at nodes.back()
  // DequantizeLinear nodes an INT8 step reads around (their quantized inputs feed it directly);
  // a fallback to reference kernels runs them first.
  std::vector<int> bypassed;
  std::vector<std::string> inputs;   // value names ("" for a missing optional input)
  std::vector<std::string> outputs;  // value names
  std::unique_ptr<FastOp> op;
};

struct Plan {
  std::vector<Step> steps;
  std::vector<int> step_of_node;  // -1: the node runs on its reference kernel
};

// fuse=false: one step per node and no cross-node fusion (every value stays observable for taps).
// `folded`: values the session computed from constants (their nodes, `folded_node`, are skipped).
Plan plan_model(const Model& model, bool fuse, const std::map<std::string, Tensor>* folded = nullptr,
                const std::vector<bool>* folded_node = nullptr);

// Ops some fast step may take, for fast_ops().
std::vector<std::string> planned_op_types();

// ---- op factories (conv.cpp, matmul.cpp, simple_ops.cpp); nullptr when the node is not a fit.
// What an INT8 primitive (Conv, Gemm, MatMul from a QDQ pattern) needs besides its op.
struct QuantFusion {
  bool int8 = false;
  QuantIn qin;
  std::vector<float> w_scale;  // per output channel (or one value)
  bool bias_int32 = false;     // bias is the int32 input of DequantizeLinear(bias, s_x * s_w)
  bool has_qout = false;
  QuantOut qout;
  // Per step input: the constant tensor it is at plan time (undefined otherwise). Prepared
  // weights are cached only while a run passes exactly these tensors: a graph input or an
  // overridden initializer may change in place between runs.
  std::vector<Tensor> cache;
};
struct ConvFusion : QuantFusion {
  // BatchNormalization folded into the weights: per-channel scale and shift from constants.
  std::vector<float> bn_scale, bn_shift;
  bool sum = false;  // residual Add: step input 3 is added (sum post-op)
  std::vector<Eltwise> post;
};
// Step inputs: X, W, B ("" for none), [sum operand]. X is uint8/int8 when int8.
std::unique_ptr<FastOp> make_conv(const Node& conv, ConvFusion f);
std::unique_ptr<FastOp> make_conv_transpose(const Node& node);
// Gemm / MatMul with a constant 2-D weight or two activations. Step inputs: A, B, C/bias ("").
struct MatMulFusion : QuantFusion {
  bool bias_from_add = false;  // MatMul + Add(bias [N]) fused: the bias is step input 2
  std::vector<Eltwise> post;
};
std::unique_ptr<FastOp> make_gemm(const Node& node, MatMulFusion f);
std::unique_ptr<FastOp> make_matmul(const Node& node, MatMulFusion f);
std::unique_ptr<FastOp> make_pool(const Node& node);
std::unique_ptr<FastOp> make_eltwise(const Node& node, std::vector<Eltwise> chain);
std::unique_ptr<FastOp> make_binary(const Node& node);
// BatchNormalization with constant scale, bias, mean and variance (nullptr: not constant).
std::unique_ptr<FastOp> make_batchnorm(const Node& node, const Tensor* scale, const Tensor* bias, const Tensor* mean,
                                       const Tensor* var);
std::unique_ptr<FastOp> make_softmax(const Node& node);
// LayerNormalization over the last axis; step inputs X, Scale, B ("" for none).
std::unique_ptr<FastOp> make_layer_norm(const Node& node);
std::unique_ptr<FastOp> make_transpose(const Node& node);
// QuantizeLinear / DequantizeLinear with per-tensor constant scale and zero point.
std::unique_ptr<FastOp> make_quant_reorder(const Node& node, const Tensor* scale, const Tensor* zero_point);

// Small cache of per-shape state keyed by the input descriptors (primitives, prepared weights).
template <typename Entry>
class ShapeCache {
 public:
  template <typename Make>
  std::shared_ptr<Entry> get(const std::vector<md_t>& key, Make&& make) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [k, e] : entries_) {
      if (k == key) return e;
    }
    std::shared_ptr<Entry> e = make();
    if (e) entries_.emplace_back(key, e);
    return e;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<std::pair<std::vector<md_t>, std::shared_ptr<Entry>>> entries_;
};

// Whether input i of a run is the constant tensor the plan saw (`cache`, see ConvFusion).
inline bool is_planned_constant(const std::vector<Tensor>& cache, size_t i, const Tensor* t) {
  if (!t) return true;
  return i < cache.size() && cache[i].defined() && cache[i].raw() == t->raw();
}

// Weights prepared (folded, reordered) for one source tensor: cached for the planned constants,
// prepared afresh on every run otherwise (overridden initializers, weights as graph inputs).
struct PreparedWeights {
  Tensor source_w, source_b;  // keep the sources alive: their addresses identify them
  Tensor data;                // what the reorders read (source_w, or BatchNorm-folded weights)
  Tensor bias;                // float bias as the primitive wants it (undefined: none)
  std::vector<std::pair<md_t, dnnl::memory>> by_md;

  // `data` (row-major as `plain`) in the layout `want`, reordered once per layout.
  dnnl::memory in_layout(const md_t& want, const md_t& plain, dnnl::stream& s) {
    for (auto& [md, mem] : by_md) {
      if (md == want) return mem;
    }
    dnnl::memory src(plain, cpu_engine(), const_cast<void*>(data.raw()));
    dnnl::memory dst(want, cpu_engine());
    dnnl::reorder(src, dst).execute(s, src, dst);
    by_md.emplace_back(want, dst);
    return dst;
  }
};

}  // namespace qwb::fast
