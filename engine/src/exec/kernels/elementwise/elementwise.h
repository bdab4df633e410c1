// Helpers shared by the element-wise kernel families (unary, activation, binary, cast):
// dtype visiting with float16/bfloat16 computed in float, a generic unary kernel, numpy
// broadcasting reduced to contiguous runs, and the ONNX Cast conversion.
//
//   struct ExpOp { template <class T> T operator()(T x) const { return std::exp(x); } };
//   ew::add_unary<ExpOp, ew::kFloatTypes>(r, "Exp", 1);  // UnaryKernel<ExpOp, ...> from opset 1
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb::ew {

// The identity of a node (name, op, opset) without its attributes, kept by kernels so that
// compute() can name the node in a Status without relying on the Node outliving the kernel.
inline Node node_identity(const Node& n) {
  Node id;
  id.name = n.name;
  id.op_type = n.op_type;
  id.domain = n.domain;
  id.opset = n.opset;
  id.index = n.index;
  return id;
}

// ---------------------------------------------------------------------------------------------
// Dtype visiting

template <class T> struct Tag { using type = T; };

struct HalfCodec {
  static float load(uint16_t b) { return half_to_float(b); }
  static uint16_t store(float f) { return float_to_half(f); }
};
struct BF16Codec {
  static float load(uint16_t b) { return bfloat16_to_float(b); }
  static uint16_t store(float f) { return float_to_bfloat16(f); }
};

// Wraps an op written for float so it runs on float16/bfloat16 storage: arguments are decoded to
// float, a float result is encoded back (other results, e.g. bool, pass through).
template <class Codec, class Op>
struct ViaFloat {
  Op op;
  template <class... S>
  auto operator()(S... s) const {
    auto r = op(Codec::load(s)...);
    if constexpr (std::is_same_v<decltype(r), float>) return Codec::store(r);
    else return r;
  }
};

// How a visited storage type is computed on: directly, or through float for half types.
struct Direct {
  template <class S> using compute = S;
  template <class S> static S load(S s) { return s; }
  template <class Op> static const Op& wrap(const Op& op) { return op; }
};
template <class Codec>
struct Via {
  template <class S> using compute = float;
  static float load(uint16_t s) { return Codec::load(s); }
  template <class Op> static ViaFloat<Codec, Op> wrap(const Op& op) { return {op}; }
};

enum TypeSet : unsigned {
  kFloatTypes = 1,     // float32, float64, float16, bfloat16
  kSignedTypes = 2,    // int8..int64
  kUnsignedTypes = 4,  // uint8..uint64
  kBoolType = 8,       // bool, stored as uint8_t
  kIntTypes = kSignedTypes | kUnsignedTypes,
  kNumericTypes = kFloatTypes | kIntTypes,
  kAllTypes = kNumericTypes | kBoolType,
};

// Calls fn(Tag<S>{}, W{}) where S is the storage type of `dt` and W is Direct or Via<Codec>.
// Returns false (fn not called) when `dt` is not in kTypes.
template <unsigned kTypes, class Fn>
bool visit_dtype(DType dt, Fn&& fn) {
  if constexpr ((kTypes & kFloatTypes) != 0) {
    switch (dt) {
      case DType::kFloat32: fn(Tag<float>{}, Direct{}); return true;
      case DType::kFloat64: fn(Tag<double>{}, Direct{}); return true;
      case DType::kFloat16: fn(Tag<uint16_t>{}, Via<HalfCodec>{}); return true;
      case DType::kBFloat16: fn(Tag<uint16_t>{}, Via<BF16Codec>{}); return true;
      default: break;
    }
  }
  if constexpr ((kTypes & kSignedTypes) != 0) {
    switch (dt) {
      case DType::kInt8: fn(Tag<int8_t>{}, Direct{}); return true;
      case DType::kInt16: fn(Tag<int16_t>{}, Direct{}); return true;
      case DType::kInt32: fn(Tag<int32_t>{}, Direct{}); return true;
      case DType::kInt64: fn(Tag<int64_t>{}, Direct{}); return true;
      default: break;
    }
  }
  if constexpr ((kTypes & kUnsignedTypes) != 0) {
    switch (dt) {
      case DType::kUInt8: fn(Tag<uint8_t>{}, Direct{}); return true;
      case DType::kUInt16: fn(Tag<uint16_t>{}, Direct{}); return true;
      case DType::kUInt32: fn(Tag<uint32_t>{}, Direct{}); return true;
      case DType::kUInt64: fn(Tag<uint64_t>{}, Direct{}); return true;
      default: break;
    }
  }
  if constexpr ((kTypes & kBoolType) != 0) {
    if (dt == DType::kBool) { fn(Tag<uint8_t>{}, Direct{}); return true; }
  }
  return false;
}

// Op instances are built from the node when they have attributes, else default-constructed.
template <class Op>
Op make_op(const Node& node) {
  if constexpr (std::is_constructible_v<Op, const Node&>) return Op(node);
  else return Op{};
}

// ---------------------------------------------------------------------------------------------
// Unary map

// y[i] = op(x[i]) in parallel.
template <class S, class R, class Op>
void map_array(const S* x, R* y, int64_t n, int threads, const Op& op) {
  parallel_for(n, threads, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = static_cast<R>(op(x[i]));
  });
}

// Ops whose float32 form is also written as an Eigen array expression (`eigen(x)`): Eigen's
// vectorised tanh/erf/exp are ~10x faster than the scalar libm calls on large activations.
template <class Op>
concept HasEigenForm = requires(const Op& op, const Eigen::Map<const Eigen::ArrayXf>& x) {
  { op.eigen(x) };
};

// y = op(x) for float32 through the op's Eigen form, in parallel chunks.
template <class Op>
void map_eigen(const float* x, float* y, int64_t n, int threads, const Op& op) {
  parallel_for(n, threads, [&](int64_t b, int64_t e) {
    Eigen::Map<const Eigen::ArrayXf> xs(x + b, e - b);
    Eigen::Map<Eigen::ArrayXf> ys(y + b, e - b);
    ys = op.eigen(xs);
  }, 8);
}

// A kernel y = Op(x) for the dtypes in kTypes, y of x's dtype (bool when kBoolOut). Op provides
// a templated call operator (float types see float or double; half types are computed in
// float) and optionally an Eigen form used for float32.
template <class Op, unsigned kTypes, bool kBoolOut = false>
class UnaryKernel final : public Kernel {
 public:
  explicit UnaryKernel(const Node& node) : id_(node_identity(node)), op_(make_op<Op>(node)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    Tensor y(kBoolOut ? DType::kBool : x.dtype(), x.shape());
    bool ok = visit_dtype<kTypes>(x.dtype(), [&](auto tag, auto w) {
      using S = typename decltype(tag)::type;
      using R = std::conditional_t<kBoolOut, uint8_t, S>;
      if constexpr (HasEigenForm<Op> && std::is_same_v<S, float> && !kBoolOut) {
        map_eigen(x.data<float>(), y.data<float>(), x.numel(), ctx.threads, op_);
      } else {
        map_array(x.data<S>(), y.data<R>(), x.numel(), ctx.threads, decltype(w)::wrap(op_));
      }
    });
    if (!ok) return unsupported_dtype(id_, x.dtype());
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

 private:
  Node id_;
  Op op_;
};

// Registers a UnaryKernel<Op, kTypes, kBoolOut> for opsets [since, kMaxOpset].
template <class Op, unsigned kTypes, bool kBoolOut = false>
void add_unary(KernelRegistry& r, const char* op_type, int since) {
  r.add(op_type, since, kMaxOpset, make_kernel<UnaryKernel<Op, kTypes, kBoolOut>>);
}

// ---------------------------------------------------------------------------------------------
// Broadcasting

// Numpy broadcasting of N inputs, with dimensions collapsed so that iteration happens over
// contiguous runs of the output: along the last collapsed dim each input moves with stride 0
// or 1 (e.g. NCHW + [1,C,1,1] becomes runs of H*W elements against one channel value).
template <int N>
struct Broadcast {
  Shape out_shape;
  int64_t numel = 0;
  std::vector<int64_t> dims;                     // collapsed output dims, never empty
  std::array<std::vector<int64_t>, N> strides;   // per input, per collapsed dim
};

template <int N>
Result<Broadcast<N>> plan_broadcast(const std::array<Shape, N>& shapes, const Node& id) {
  Broadcast<N> b;
  QWB_ASSIGN_OR_RETURN(b.out_shape, broadcast_shapes(std::vector<Shape>(shapes.begin(), shapes.end()), id));
  b.numel = shape_numel(b.out_shape);
  std::array<std::vector<int64_t>, N> full;
  for (int k = 0; k < N; ++k) full[k] = broadcast_strides(shapes[k], b.out_shape);
  for (size_t d = 0; d < b.out_shape.size(); ++d) {
    const int64_t size = b.out_shape[d];
    if (size == 1) continue;  // size-1 dims do not affect addressing
    bool merge = !b.dims.empty();
    for (int k = 0; k < N && merge; ++k) merge = b.strides[k].back() == full[k][d] * size;
    if (merge) {
      b.dims.back() *= size;
      for (int k = 0; k < N; ++k) b.strides[k].back() = full[k][d];
    } else {
      b.dims.push_back(size);
      for (int k = 0; k < N; ++k) b.strides[k].push_back(full[k][d]);
    }
  }
  if (b.dims.empty()) {
    b.dims.push_back(1);
    for (int k = 0; k < N; ++k) b.strides[k].push_back(0);
  }
  return b;
}

// Calls fn(out_offset, in_offsets, in_strides, count) for contiguous runs covering the output
// once, in parallel; in_strides are the inputs' element strides along the run (0 or 1).
template <int N, class Fn>
void for_each_run(const Broadcast<N>& b, int threads, const Fn& fn) {
  if (b.numel == 0) return;
  const int rank = static_cast<int>(b.dims.size());
  const int64_t inner = b.dims.back();
  const int64_t outer = b.numel / inner;
  // Few long rows (same-shape inputs collapse to one row) are split so all threads get work.
  int64_t piece = inner;
  if (threads > 1 && outer < 4 * static_cast<int64_t>(threads)) {
    const int64_t target = (b.numel + 4 * threads - 1) / (4 * threads);
    piece = std::min(inner, std::max<int64_t>(4096, target));
  }
  const int64_t pieces_per_row = (inner + piece - 1) / piece;
  std::array<int64_t, N> run_stride;
  for (int k = 0; k < N; ++k) run_stride[k] = b.strides[k][rank - 1];
  parallel_for(outer * pieces_per_row, threads, [&](int64_t tb, int64_t te) {
    for (int64_t t = tb; t < te; ++t) {
      const int64_t row = t / pieces_per_row;
      const int64_t begin = (t % pieces_per_row) * piece;
      std::array<int64_t, N> off{};
      int64_t rem = row;
      for (int d = rank - 2; d >= 0; --d) {
        const int64_t i = rem % b.dims[d];
        rem /= b.dims[d];
        for (int k = 0; k < N; ++k) off[k] += i * b.strides[k][d];
      }
      for (int k = 0; k < N; ++k) off[k] += begin * run_stride[k];
      fn(row * inner + begin, off, run_stride, std::min(piece, inner - begin));
    }
  }, piece);
}

// y[i] = op(a[i*sa], b[i*sb]) for n elements, with the common stride patterns spelled out so
// the compiler vectorises them (same shape, tensor-scalar, scalar-tensor; the last case is
// both inputs broadcast along the run).
template <class S, class R, class Op>
inline void binary_run(const S* a, int64_t sa, const S* b, int64_t sb, R* y, int64_t n, const Op& op) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<R>(op(a[i], b[i]));
  } else if (sa == 1 && sb == 0) {
    const S bv = *b;
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<R>(op(a[i], bv));
  } else if (sa == 0 && sb == 1) {
    const S av = *a;
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<R>(op(av, b[i]));
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<R>(op(a[i * sa], b[i * sb]));
  }
}

// y = op(a, b) with numpy broadcasting; a and b have storage type S, y has R.
template <class S, class R, class Op>
void broadcast_binary(const S* a, const S* b, R* y, const Broadcast<2>& bc, int threads, const Op& op) {
  for_each_run<2>(bc, threads, [&](int64_t o, const std::array<int64_t, 2>& off,
                                   const std::array<int64_t, 2>& st, int64_t n) {
    binary_run(a + off[0], st[0], b + off[1], st[1], y + o, n, op);
  });
}

inline Status check_same_dtype(const Tensor& a, const Tensor& b, const Node& id) {
  if (a.dtype() == b.dtype()) return Status::ok();
  return invalid_argument(id.describe() + ": input dtypes differ (" + dtype_name(a.dtype()) + " and " +
                          dtype_name(b.dtype()) + ")");
}

// y = op(a, b) with broadcasting (b viewed with shape b_shape, e.g. for legacy axis
// broadcasting); y is bool when kBoolOut, else a's dtype. Dtypes outside kTypes are unsupported.
template <unsigned kTypes, bool kBoolOut, class Op>
Result<Tensor> apply_binary(const Tensor& a, const Tensor& b, const Shape& b_shape, const Op& op, int threads,
                            const Node& id) {
  QWB_RETURN_IF_ERROR(check_same_dtype(a, b, id));
  QWB_ASSIGN_OR_RETURN(Broadcast<2> bc, plan_broadcast<2>({a.shape(), b_shape}, id));
  Tensor y(kBoolOut ? DType::kBool : a.dtype(), bc.out_shape);
  bool ok = visit_dtype<kTypes>(a.dtype(), [&](auto tag, auto w) {
    using S = typename decltype(tag)::type;
    using R = std::conditional_t<kBoolOut, uint8_t, S>;
    broadcast_binary(a.data<S>(), b.data<S>(), y.data<R>(), bc, threads, decltype(w)::wrap(op));
  });
  if (!ok) return unsupported_dtype(id, a.dtype());
  return y;
}

// ---------------------------------------------------------------------------------------------
// Cast (cast.cpp)

// Converts x to `to` as ONNX Cast does: float -> float rounds to nearest even (once, also from
// float64 to half types), float -> int truncates toward zero (saturating), int -> int wraps,
// anything -> bool is x != 0; `saturate` applies to float8 targets. String and undefined
// dtypes give an unsupported Status naming `id`.
Result<Tensor> cast_tensor(const Tensor& x, DType to, bool saturate, int threads, const Node& id);

}  // namespace qwb::ew
