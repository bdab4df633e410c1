// Broadcasting binary, variadic and ternary element-wise ops.
//
// All ops use numpy broadcasting (ew::plan_broadcast collapses the shapes into contiguous runs,
// so same-shape, tensor-scalar and per-channel cases run as tight vectorisable loops). Opset < 7
// versions of the arithmetic/logic ops used `broadcast`/`axis` attributes instead; the axis form
// is mapped onto numpy broadcasting by reshaping B.
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/elementwise/elementwise.h"

namespace qwb {

namespace {

using ew::kAllTypes;
using ew::kBoolType;
using ew::kFloatTypes;
using ew::kIntTypes;
using ew::kNumericTypes;
using ew::kUnsignedTypes;

// Unsigned type at least as wide as unsigned int, so integer arithmetic wraps instead of
// overflowing a promoted signed int (e.g. uint16 * uint16).
template <class T>
using WrapT = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

#define QWB_ARITH_OP(NAME, OP)                                                          \
  struct NAME {                                                                         \
    template <class T>                                                                  \
    T operator()(T a, T b) const {                                                      \
      if constexpr (std::is_floating_point_v<T>) return a OP b;                         \
      else return static_cast<T>(static_cast<WrapT<T>>(a) OP static_cast<WrapT<T>>(b)); \
    }                                                                                   \
  }
QWB_ARITH_OP(AddOp, +);
QWB_ARITH_OP(SubOp, -);
QWB_ARITH_OP(MulOp, *);
#undef QWB_ARITH_OP

struct DivOp {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      return a / b;
    } else {
      // Integer division truncates (C, ONNX Runtime). Division by zero and MIN / -1 would trap;
      // they give 0 and the wrapped negation instead of killing the process.
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return static_cast<T>(WrapT<T>(0) - static_cast<WrapT<T>>(a));
      }
      return static_cast<T>(a / b);
    }
  }
};

struct ModOp {
  explicit ModOp(const Node& n) : fmod_(n.attrs.get_int("fmod", 0) != 0) {}
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) {
      T r = std::fmod(a, b);
      // fmod=0: the result takes the divisor's sign (numpy.mod).
      if (!fmod_ && r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else {
      if (b == 0) return T(0);  // would trap
      if constexpr (std::is_signed_v<T>) {
        if (b == -1) return T(0);  // MIN % -1 would trap
        T r = static_cast<T>(a % b);
        if (!fmod_ && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
        return r;
      } else {
        return static_cast<T>(a % b);
      }
    }
  }
  bool fmod_;
};

struct BitShiftOp {
  explicit BitShiftOp(const Node& n) : left_(n.attrs.get_string("direction", "") == "LEFT") {}
  template <class T>
  T operator()(T a, T b) const {
    if (b >= sizeof(T) * 8) return T(0);  // shifting out every bit; C++ leaves it undefined
    return left_ ? static_cast<T>(a << b) : static_cast<T>(a >> b);
  }
  bool left_;
};

#define QWB_CMP_OP(NAME, EXPR)           \
  struct NAME {                          \
    template <class T>                   \
    bool operator()(T a, T b) const {    \
      return EXPR;                       \
    }                                    \
  }
QWB_CMP_OP(EqualOp, a == b);
QWB_CMP_OP(LessOp, a < b);
QWB_CMP_OP(GreaterOp, a > b);
QWB_CMP_OP(LessOrEqualOp, a <= b);
QWB_CMP_OP(GreaterOrEqualOp, a >= b);
QWB_CMP_OP(AndOp, a && b);
QWB_CMP_OP(OrOp, a || b);
QWB_CMP_OP(XorOp, (a != 0) != (b != 0));
#undef QWB_CMP_OP

#define QWB_BITWISE_OP(NAME, OP)                          \
  struct NAME {                                           \
    template <class T>                                    \
    T operator()(T a, T b) const {                        \
      return static_cast<T>(a OP b);                      \
    }                                                     \
  }
QWB_BITWISE_OP(BitwiseAndOp, &);
QWB_BITWISE_OP(BitwiseOrOp, |);
QWB_BITWISE_OP(BitwiseXorOp, ^);
#undef QWB_BITWISE_OP

struct BitwiseNotOp {
  template <class T>
  T operator()(T x) const { return static_cast<T>(~x); }
};

// Max/Min propagate NaN like numpy.maximum/minimum.
struct MaxOp {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) return (a < b || std::isnan(b)) ? b : a;
    else return a < b ? b : a;
  }
};
struct MinOp {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>) return (b < a || std::isnan(b)) ? b : a;
    else return b < a ? b : a;
  }
};

// The opset < 7 `broadcast`/`axis` attributes: with an explicit axis, B's dims align with A's
// dims starting at `axis`; without one, numpy's trailing alignment gives the same result.
class LegacyBroadcast {
 public:
  explicit LegacyBroadcast(const Node& n)
      : active_(n.opset < 7 && n.attrs.get_int("broadcast", 0) != 0 && n.attrs.has("axis")),
        axis_(n.attrs.get_int("axis", 0)) {}

  Result<Shape> b_shape(const Shape& a, const Shape& b, const Node& id) const {
    if (!active_) return b;
    const int64_t rank = static_cast<int64_t>(a.size());
    const int64_t ax = axis_ < 0 ? axis_ + rank : axis_;
    if (ax < 0 || ax + static_cast<int64_t>(b.size()) > rank) {
      return invalid_argument(id.describe() + ": legacy broadcast axis " + std::to_string(axis_) + " does not fit " +
                              shape_str(b) + " into " + shape_str(a));
    }
    Shape s(a.size(), 1);
    for (size_t i = 0; i < b.size(); ++i) s[static_cast<size_t>(ax) + i] = b[i];
    return s;
  }

 private:
  bool active_;
  int64_t axis_;
};

template <class Op, unsigned kTypes, bool kBoolOut = false>
class BinaryKernel final : public Kernel {
 public:
  explicit BinaryKernel(const Node& node)
      : id_(ew::node_identity(node)), op_(ew::make_op<Op>(node)), legacy_(node) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    QWB_ASSIGN_OR_RETURN(Shape b_shape, legacy_.b_shape(a.shape(), b.shape(), id_));
    QWB_ASSIGN_OR_RETURN(ctx.output(0), (ew::apply_binary<kTypes, kBoolOut>(a, b, b_shape, op_, ctx.threads, id_)));
    return Status::ok();
  }

 private:
  Node id_;
  Op op_;
  LegacyBroadcast legacy_;
};

template <class Op, unsigned kTypes, bool kBoolOut = false>
void add_binary(KernelRegistry& r, const char* op_type, int since) {
  r.add(op_type, since, kMaxOpset, make_kernel<BinaryKernel<Op, kTypes, kBoolOut>>);
}

Result<std::unique_ptr<Kernel>> make_bitshift(const Node& node) {
  const std::string dir = node.attrs.get_string("direction", "");
  if (dir != "LEFT" && dir != "RIGHT") {
    return invalid_argument(node.describe() + ": attribute 'direction' must be LEFT or RIGHT, got '" + dir + "'");
  }
  return make_kernel<BinaryKernel<BitShiftOp, kUnsignedTypes>>(node);
}

// Sum, Mean, Max, Min over any number of inputs, folding pairwise with broadcasting.
template <class Op, unsigned kTypes, bool kMean = false>
class VariadicKernel final : public Kernel {
 public:
  explicit VariadicKernel(const Node& node) : id_(ew::node_identity(node)) {}

  Status compute(KernelContext& ctx) const override {
    const int n = ctx.num_inputs();
    for (int i = 0; i < n; ++i) {
      if (!ctx.has_input(i)) return invalid_argument(id_.describe() + ": input " + std::to_string(i) + " is missing");
    }
    if (n == 0) return invalid_argument(id_.describe() + ": needs at least one input");
    // A fresh buffer even for one input: the output may be modified in place by taps.
    Tensor acc = ctx.input(0).clone();
    for (int i = 1; i < n; ++i) {
      QWB_ASSIGN_OR_RETURN(acc, (ew::apply_binary<kTypes, false>(acc, ctx.input(i), ctx.input(i).shape(), Op{},
                                                            ctx.threads, id_)));
    }
    bool ok = ew::visit_dtype<kTypes>(acc.dtype(), [&](auto tag, auto w) {
      if constexpr (kMean) {
        using S = typename decltype(tag)::type;
        auto div = [n](auto v) { return v / static_cast<decltype(v)>(n); };
        ew::map_array(acc.data<S>(), acc.data<S>(), acc.numel(), ctx.threads, decltype(w)::wrap(div));
      }
    });
    if (!ok) return unsupported_dtype(id_, acc.dtype());
    ctx.output(0) = std::move(acc);
    return Status::ok();
  }

 private:
  Node id_;
};

// Pow: the exponent may have a different dtype than the base; the result has the base's dtype.
class PowKernel final : public Kernel {
 public:
  explicit PowKernel(const Node& node) : id_(ew::node_identity(node)), legacy_(node) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Tensor& e = ctx.input(1);
    QWB_ASSIGN_OR_RETURN(Shape e_shape, legacy_.b_shape(x.shape(), e.shape(), id_));
    const DType xt = x.dtype(), et = e.dtype();
    if (xt == et && (xt == DType::kFloat32 || xt == DType::kFloat64)) {
      // Same-dtype float: direct, with x^2 (LayerNorm variance) as a multiply.
      auto op = [](auto a, auto b) { return b == decltype(b)(2) ? a * a : std::pow(a, b); };
      QWB_ASSIGN_OR_RETURN(ctx.output(0), (ew::apply_binary<kFloatTypes, false>(x, e, e_shape, op, ctx.threads, id_)));
      return Status::ok();
    }
    if (!(dtype_is_float(xt) || dtype_is_integer(xt)) || xt == DType::kInt4 || xt == DType::kUInt4) {
      return unsupported_dtype(id_, xt, "base");
    }
    if (!(dtype_is_float(et) || dtype_is_integer(et)) || et == DType::kInt4 || et == DType::kUInt4) {
      return unsupported_dtype(id_, et, "exponent");
    }
    Tensor result;
    if (dtype_is_integer(xt) && dtype_is_integer(et)) {
      // Integer power by squaring in int64 (exact, wrapping), then cast to the base dtype.
      QWB_ASSIGN_OR_RETURN(Tensor xi, ew::cast_tensor(x, DType::kInt64, true, ctx.threads, id_));
      QWB_ASSIGN_OR_RETURN(Tensor ei, ew::cast_tensor(e, DType::kInt64, true, ctx.threads, id_));
      QWB_ASSIGN_OR_RETURN(result, (ew::apply_binary<ew::kSignedTypes, false>(xi, ei, e_shape, IntPow{},
                                                                             ctx.threads, id_)));
    } else {
      // Mixed dtypes: computed in double, rounded once to the base dtype (float -> int truncates).
      QWB_ASSIGN_OR_RETURN(Tensor xd, ew::cast_tensor(x, DType::kFloat64, true, ctx.threads, id_));
      QWB_ASSIGN_OR_RETURN(Tensor ed, ew::cast_tensor(e, DType::kFloat64, true, ctx.threads, id_));
      auto op = [](auto a, auto b) { return std::pow(a, b); };
      QWB_ASSIGN_OR_RETURN(result, (ew::apply_binary<kFloatTypes, false>(xd, ed, e_shape, op, ctx.threads, id_)));
    }
    QWB_ASSIGN_OR_RETURN(ctx.output(0), ew::cast_tensor(result, xt, true, ctx.threads, id_));
    return Status::ok();
  }

 private:
  struct IntPow {
    template <class T>
    T operator()(T base, T exp) const {
      if (exp < 0) return base == 1 ? T(1) : base == -1 ? (exp % 2 ? T(-1) : T(1)) : T(0);
      uint64_t r = 1, b = static_cast<uint64_t>(base);
      for (auto k = static_cast<uint64_t>(exp); k; k >>= 1) {
        if (k & 1) r *= b;
        b *= b;
      }
      return static_cast<T>(r);
    }
  };

  Node id_;
  LegacyBroadcast legacy_;
};

// Where(cond, x, y): element-wise select with three-way broadcasting; any storable dtype.
class WhereKernel final : public Kernel {
 public:
  explicit WhereKernel(const Node& node) : id_(ew::node_identity(node)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& c = ctx.input(0);
    const Tensor& x = ctx.input(1);
    const Tensor& y = ctx.input(2);
    if (c.dtype() != DType::kBool) return unsupported_dtype(id_, c.dtype(), "condition");
    QWB_RETURN_IF_ERROR(ew::check_same_dtype(x, y, id_));
    QWB_ASSIGN_OR_RETURN(ew::Broadcast<3> bc, ew::plan_broadcast<3>({c.shape(), x.shape(), y.shape()}, id_));
    Tensor out(x.dtype(), bc.out_shape);
    bool ok = false;
    QWB_DISPATCH_BYTES(x.dtype(), {
      ok = true;
      const uint8_t* cp = c.data<uint8_t>();
      const T* xp = x.data<T>();
      const T* yp = y.data<T>();
      T* op = out.data<T>();
      ew::for_each_run<3>(bc, ctx.threads, [&](int64_t o, const std::array<int64_t, 3>& off,
                                               const std::array<int64_t, 3>& st, int64_t n) {
        const uint8_t* cc = cp + off[0];
        const T* xx = xp + off[1];
        const T* yy = yp + off[2];
        for (int64_t i = 0; i < n; ++i) op[o + i] = cc[i * st[0]] ? xx[i * st[1]] : yy[i * st[2]];
      });
    });
    if (!ok) return unsupported_dtype(id_, x.dtype());
    ctx.output(0) = std::move(out);
    return Status::ok();
  }

 private:
  Node id_;
};

}  // namespace

void register_binary_kernels(KernelRegistry& r) {
  // Arithmetic: opset 1-6 have the legacy broadcast attributes (handled), later versions only add
  // dtypes. Integer Div truncates toward zero.
  add_binary<AddOp, kNumericTypes>(r, "Add", 1);
  add_binary<SubOp, kNumericTypes>(r, "Sub", 1);
  add_binary<MulOp, kNumericTypes>(r, "Mul", 1);
  add_binary<DivOp, kNumericTypes>(r, "Div", 1);
  r.add("Pow", 1, kMaxOpset, make_kernel<PowKernel>);
  add_binary<ModOp, kNumericTypes>(r, "Mod", 10);
  r.add("BitShift", 11, kMaxOpset, make_bitshift);

  add_binary<EqualOp, kAllTypes, true>(r, "Equal", 1);
  add_binary<LessOp, kNumericTypes, true>(r, "Less", 1);
  add_binary<GreaterOp, kNumericTypes, true>(r, "Greater", 1);
  add_binary<LessOrEqualOp, kNumericTypes, true>(r, "LessOrEqual", 12);
  add_binary<GreaterOrEqualOp, kNumericTypes, true>(r, "GreaterOrEqual", 12);
  add_binary<AndOp, kBoolType, true>(r, "And", 1);
  add_binary<OrOp, kBoolType, true>(r, "Or", 1);
  add_binary<XorOp, kBoolType, true>(r, "Xor", 1);

  add_binary<BitwiseAndOp, kIntTypes>(r, "BitwiseAnd", 18);
  add_binary<BitwiseOrOp, kIntTypes>(r, "BitwiseOr", 18);
  add_binary<BitwiseXorOp, kIntTypes>(r, "BitwiseXor", 18);
  ew::add_unary<BitwiseNotOp, kIntTypes>(r, "BitwiseNot", 18);

  // Variadic: before opset 8 inputs had equal shapes, which numpy broadcasting also covers.
  r.add("Sum", 1, kMaxOpset, make_kernel<VariadicKernel<AddOp, kFloatTypes>>);
  r.add("Mean", 1, kMaxOpset, make_kernel<VariadicKernel<AddOp, kFloatTypes, true>>);
  r.add("Max", 1, kMaxOpset, make_kernel<VariadicKernel<MaxOp, kNumericTypes>>);
  r.add("Min", 1, kMaxOpset, make_kernel<VariadicKernel<MinOp, kNumericTypes>>);
  r.add("Where", 9, kMaxOpset, make_kernel<WhereKernel>);
}

}  // namespace qwb
