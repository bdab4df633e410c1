// Activation functions: element-wise, with attributes parsed once; PRelu broadcasts its slope
// and Clip takes its bounds from attributes (opset < 11) or optional inputs (opset >= 11).
#include <cmath>
#include <limits>
#include <type_traits>

#include <unsupported/Eigen/SpecialFunctions>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/elementwise/elementwise.h"

namespace qwb {

namespace {

using ew::add_unary;
using ew::kFloatTypes;
using ew::kSignedTypes;

struct ReluOp {
  template <class T>
  T operator()(T x) const { return x < T(0) ? T(0) : x; }  // NaN passes through
};

struct LeakyReluOp {
  explicit LeakyReluOp(const Node& n) : alpha_(n.attrs.get_float("alpha", 0.01f)) {}
  template <class T>
  T operator()(T x) const { return x < T(0) ? T(alpha_) * x : x; }
  float alpha_;
};

struct EluOp {
  explicit EluOp(const Node& n) : alpha_(n.attrs.get_float("alpha", 1.0f)) {}
  template <class T>
  T operator()(T x) const { return x < T(0) ? T(alpha_) * std::expm1(x) : x; }
  float alpha_;
};

struct SeluOp {
  explicit SeluOp(const Node& n)
      : alpha_(n.attrs.get_float("alpha", 1.67326319217681884765625f)),
        gamma_(n.attrs.get_float("gamma", 1.05070102214813232421875f)) {}
  template <class T>
  T operator()(T x) const { return T(gamma_) * (x > T(0) ? x : T(alpha_) * std::expm1(x)); }
  float alpha_, gamma_;
};

struct CeluOp {
  explicit CeluOp(const Node& n) : alpha_(n.attrs.get_float("alpha", 1.0f)) {}
  template <class T>
  T operator()(T x) const { return x > T(0) ? x : T(alpha_) * std::expm1(x / T(alpha_)); }
  float alpha_;
};

struct SigmoidOp {
  template <class T>
  T operator()(T x) const {
    // Both branches avoid exp overflow for large |x|.
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
  // exp(-x) may overflow to inf, giving the correct limit 0.
  template <class A>
  auto eigen(const A& x) const { return (1.0f + (-x).exp()).inverse(); }
};

struct HardSigmoidOp {
  explicit HardSigmoidOp(const Node& n)
      : alpha_(n.attrs.get_float("alpha", 0.2f)), beta_(n.attrs.get_float("beta", 0.5f)) {}
  template <class T>
  T operator()(T x) const { return std::max(T(0), std::min(T(1), T(alpha_) * x + T(beta_))); }
  float alpha_, beta_;
};

struct HardSwishOp {
  template <class T>
  T operator()(T x) const { return x * std::max(T(0), std::min(T(1), x * T(1.0 / 6.0) + T(0.5))); }
};

struct TanhOp {
  template <class T>
  T operator()(T x) const { return std::tanh(x); }
  template <class A>
  auto eigen(const A& x) const { return x.tanh(); }
};

template <class T>
T softplus(T x) {
  // log(1 + exp(x)) without overflow for large x.
  return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

struct SoftplusOp {
  template <class T>
  T operator()(T x) const { return softplus(x); }
};

struct SoftsignOp {
  template <class T>
  T operator()(T x) const { return x / (T(1) + std::fabs(x)); }
};

struct ThresholdedReluOp {
  explicit ThresholdedReluOp(const Node& n) : alpha_(n.attrs.get_float("alpha", 1.0f)) {}
  template <class T>
  T operator()(T x) const { return x > T(alpha_) ? x : T(0); }
  float alpha_;
};

struct MishOp {
  template <class T>
  T operator()(T x) const { return x * std::tanh(softplus(x)); }
};

struct GeluOp {
  template <class T>
  T operator()(T x) const { return T(0.5) * x * (T(1) + std::erf(x * T(M_SQRT1_2))); }
  template <class A>
  auto eigen(const A& x) const { return 0.5f * x * (1.0f + (x * float(M_SQRT1_2)).erf()); }
};

struct GeluTanhOp {
  template <class T>
  T operator()(T x) const {
    const T k = T(0.7978845608028654);  // sqrt(2 / pi)
    return T(0.5) * x * (T(1) + std::tanh(k * (x + T(0.044715) * x * x * x)));
  }
  template <class A>
  auto eigen(const A& x) const {
    return 0.5f * x * (1.0f + (0.7978845608028654f * (x + 0.044715f * x * x * x)).tanh());
  }
};

Result<std::unique_ptr<Kernel>> make_gelu(const Node& node) {
  const std::string approx = node.attrs.get_string("approximate", "none");
  if (approx == "none") return std::unique_ptr<Kernel>(std::make_unique<ew::UnaryKernel<GeluOp, kFloatTypes>>(node));
  if (approx == "tanh") {
    return std::unique_ptr<Kernel>(std::make_unique<ew::UnaryKernel<GeluTanhOp, kFloatTypes>>(node));
  }
  return invalid_argument(node.describe() + ": attribute 'approximate' must be 'none' or 'tanh', got '" +
                          approx + "'");
}

// PRelu: y = x < 0 ? slope * x : x, with slope broadcast to x's shape.
class PReluKernel final : public Kernel {
 public:
  explicit PReluKernel(const Node& node) : id_(ew::node_identity(node)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Tensor& slope = ctx.input(1);
    auto op = [](auto v, auto s) { return v < decltype(v)(0) ? static_cast<decltype(v)>(s * v) : v; };
    QWB_ASSIGN_OR_RETURN(Tensor y, (ew::apply_binary<kFloatTypes | kSignedTypes, false>(x, slope, slope.shape(), op,
                                                                                       ctx.threads, id_)));
    if (y.shape() != x.shape()) {  // the slope broadcasts to x, never the other way
      return invalid_argument(id_.describe() + ": slope " + shape_str(slope.shape()) +
                              " does not broadcast to input " + shape_str(x.shape()));
    }
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

 private:
  Node id_;
};

// Clip: bounds from attributes min/max (opset < 11) or optional scalar inputs 1 and 2.
class ClipKernel final : public Kernel {
 public:
  explicit ClipKernel(const Node& node) : id_(ew::node_identity(node)), bounds_from_attrs_(node.opset < 11) {
    if (bounds_from_attrs_) {
      if (const Attribute* a = node.attrs.find("min")) min_attr_ = a->f;
      if (const Attribute* a = node.attrs.find("max")) max_attr_ = a->f;
    }
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (bounds_from_attrs_ && !dtype_is_float(x.dtype())) return unsupported_dtype(id_, x.dtype());
    for (int i = 1; i <= 2; ++i) {
      if (!ctx.has_input(i)) continue;
      const Tensor& b = ctx.input(i);
      if (b.dtype() != x.dtype() || b.numel() != 1) {
        return invalid_argument(id_.describe() + ": " + (i == 1 ? "min" : "max") + " must be a scalar of dtype " +
                                dtype_name(x.dtype()) + ", got " + dtype_name(b.dtype()) + " " +
                                shape_str(b.shape()));
      }
    }
    Tensor y(x.dtype(), x.shape());
    bool ok = ew::visit_dtype<ew::kNumericTypes>(x.dtype(), [&](auto tag, auto w) {
      using S = typename decltype(tag)::type;
      using W = decltype(w);
      using C = typename W::template compute<S>;
      // A missing bound does not clip (infinity for floats, the type's range for integers).
      C lo = std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity()
                                                  : std::numeric_limits<C>::lowest();
      C hi = std::numeric_limits<C>::has_infinity ? std::numeric_limits<C>::infinity()
                                                  : std::numeric_limits<C>::max();
      if (bounds_from_attrs_) {
        lo = static_cast<C>(min_attr_);
        hi = static_cast<C>(max_attr_);
      } else {
        if (ctx.has_input(1)) lo = W::load(ctx.input(1).template data<S>()[0]);
        if (ctx.has_input(2)) hi = W::load(ctx.input(2).template data<S>()[0]);
      }
      // NaN stays NaN; with lo > hi the result is hi, as in numpy.clip and ONNX Runtime.
      auto op = [lo, hi](C v) { return v < lo ? std::min(lo, hi) : (v > hi ? hi : v); };
      ew::map_array(x.data<S>(), y.data<S>(), x.numel(), ctx.threads, W::wrap(op));
    });
    if (!ok) return unsupported_dtype(id_, x.dtype());
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

 private:
  Node id_;
  bool bounds_from_attrs_;
  float min_attr_ = -std::numeric_limits<float>::infinity();
  float max_attr_ = std::numeric_limits<float>::infinity();
};

}  // namespace

void register_activation_kernels(KernelRegistry& r) {
  // Opset 1 versions differ from 6 only by the ignored legacy `consumed_inputs` attribute;
  // later versions only add dtypes (Relu 14: signed integers).
  add_unary<ReluOp, kFloatTypes | kSignedTypes>(r, "Relu", 1);
  add_unary<LeakyReluOp, kFloatTypes>(r, "LeakyRelu", 1);
  add_unary<EluOp, kFloatTypes>(r, "Elu", 1);
  add_unary<SeluOp, kFloatTypes>(r, "Selu", 1);
  add_unary<CeluOp, kFloatTypes>(r, "Celu", 12);
  add_unary<SigmoidOp, kFloatTypes>(r, "Sigmoid", 1);
  add_unary<HardSigmoidOp, kFloatTypes>(r, "HardSigmoid", 1);
  add_unary<HardSwishOp, kFloatTypes>(r, "HardSwish", 14);
  add_unary<TanhOp, kFloatTypes>(r, "Tanh", 1);
  add_unary<SoftplusOp, kFloatTypes>(r, "Softplus", 1);
  add_unary<SoftsignOp, kFloatTypes>(r, "Softsign", 1);
  add_unary<ThresholdedReluOp, kFloatTypes>(r, "ThresholdedRelu", 10);
  add_unary<MishOp, kFloatTypes>(r, "Mish", 18);
  r.add("Gelu", 20, kMaxOpset, make_gelu);
  r.add("PRelu", 1, kMaxOpset, make_kernel<PReluKernel>);
  r.add("Clip", 1, kMaxOpset, make_kernel<ClipKernel>);
}

}  // namespace qwb
