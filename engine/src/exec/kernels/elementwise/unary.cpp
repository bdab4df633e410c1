// Unary math ops: y = f(x) element-wise, same shape (IsNaN/IsInf produce bool).
#include <cmath>
#include <type_traits>

#include <unsupported/Eigen/SpecialFunctions>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/elementwise/elementwise.h"

namespace qwb {

namespace {

using ew::add_unary;
using ew::kBoolType;
using ew::kFloatTypes;
using ew::kNumericTypes;
using ew::kSignedTypes;

// Defines a stateless op applying `expr` (in terms of x) to float/double arguments.
#define QWB_FLOAT_OP(NAME, expr) \
  struct NAME {                  \
    template <class T>           \
    T operator()(T x) const {    \
      return expr;               \
    }                            \
  }

QWB_FLOAT_OP(ExpOp, std::exp(x));
QWB_FLOAT_OP(LogOp, std::log(x));
QWB_FLOAT_OP(SqrtOp, std::sqrt(x));
QWB_FLOAT_OP(ReciprocalOp, T(1) / x);
QWB_FLOAT_OP(FloorOp, std::floor(x));
QWB_FLOAT_OP(CeilOp, std::ceil(x));
QWB_FLOAT_OP(RoundOp, std::nearbyint(x));  // default rounding mode: half to even
QWB_FLOAT_OP(SinOp, std::sin(x));
QWB_FLOAT_OP(CosOp, std::cos(x));
QWB_FLOAT_OP(TanOp, std::tan(x));
QWB_FLOAT_OP(AsinOp, std::asin(x));
QWB_FLOAT_OP(AcosOp, std::acos(x));
QWB_FLOAT_OP(AtanOp, std::atan(x));
QWB_FLOAT_OP(SinhOp, std::sinh(x));
QWB_FLOAT_OP(CoshOp, std::cosh(x));
QWB_FLOAT_OP(AsinhOp, std::asinh(x));
QWB_FLOAT_OP(AcoshOp, std::acosh(x));
QWB_FLOAT_OP(AtanhOp, std::atanh(x));

#undef QWB_FLOAT_OP

struct ErfOp {
  template <class T>
  T operator()(T x) const { return std::erf(x); }
  template <class A>
  auto eigen(const A& x) const { return x.erf(); }
};

struct AbsOp {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) return x;
    else if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
    else return x < 0 ? static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x)) : x;  // wraps at min
  }
};

struct NegOp {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return -x;
    else return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x));  // wraps at min, no UB
  }
};

struct SignOp {
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) {
      return x > 0 ? T(1) : T(0);
    } else {
      if (x > 0) return T(1);
      if (x < 0) return T(-1);
      return x == 0 ? T(0) : x;  // zero or NaN
    }
  }
};

struct NotOp {
  uint8_t operator()(uint8_t x) const { return x ? 0 : 1; }
};

struct IsNaNPred {
  template <class T>
  bool operator()(T x) const { return std::isnan(x); }
};

struct IsInfPred {
  explicit IsInfPred(const Node& node)
      : positive_(node.attrs.get_int("detect_positive", 1) != 0),
        negative_(node.attrs.get_int("detect_negative", 1) != 0) {}
  template <class T>
  bool operator()(T x) const {
    return std::isinf(x) && (x > 0 ? positive_ : negative_);
  }
  bool positive_;
  bool negative_;
};

}  // namespace

void register_unary_kernels(KernelRegistry& r) {
  // Opset 1 versions differ from 6 only by the ignored legacy `consumed_inputs` attribute;
  // later versions only add dtypes.
  add_unary<AbsOp, kNumericTypes>(r, "Abs", 1);
  add_unary<NegOp, kFloatTypes | kSignedTypes>(r, "Neg", 1);
  add_unary<ExpOp, kFloatTypes>(r, "Exp", 1);
  add_unary<LogOp, kFloatTypes>(r, "Log", 1);
  add_unary<SqrtOp, kFloatTypes>(r, "Sqrt", 1);
  add_unary<ReciprocalOp, kFloatTypes>(r, "Reciprocal", 1);
  add_unary<FloorOp, kFloatTypes>(r, "Floor", 1);
  add_unary<CeilOp, kFloatTypes>(r, "Ceil", 1);
  add_unary<RoundOp, kFloatTypes>(r, "Round", 11);
  add_unary<SignOp, kNumericTypes>(r, "Sign", 9);
  add_unary<SinOp, kFloatTypes>(r, "Sin", 7);
  add_unary<CosOp, kFloatTypes>(r, "Cos", 7);
  add_unary<TanOp, kFloatTypes>(r, "Tan", 7);
  add_unary<AsinOp, kFloatTypes>(r, "Asin", 7);
  add_unary<AcosOp, kFloatTypes>(r, "Acos", 7);
  add_unary<AtanOp, kFloatTypes>(r, "Atan", 7);
  add_unary<SinhOp, kFloatTypes>(r, "Sinh", 9);
  add_unary<CoshOp, kFloatTypes>(r, "Cosh", 9);
  add_unary<AsinhOp, kFloatTypes>(r, "Asinh", 9);
  add_unary<AcoshOp, kFloatTypes>(r, "Acosh", 9);
  add_unary<AtanhOp, kFloatTypes>(r, "Atanh", 9);
  add_unary<ErfOp, kFloatTypes>(r, "Erf", 9);
  add_unary<NotOp, kBoolType>(r, "Not", 1);
  add_unary<IsNaNPred, kFloatTypes, true>(r, "IsNaN", 9);
  add_unary<IsInfPred, kFloatTypes, true>(r, "IsInf", 10);
}

}  // namespace qwb
