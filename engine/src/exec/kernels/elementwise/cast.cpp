// Cast and CastLike, and ew::cast_tensor (also used by Pow).
//
// Conversions are written here rather than through Tensor::cast because ONNX Cast needs a few
// things it does not do: int -> int wraps for every width, float64 -> float16/bfloat16/float8
// rounds once, float8 targets honour `saturate` (opset 19) and the FNUZ float8 types.
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <type_traits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/elementwise/elementwise.h"

namespace qwb {

namespace {

// ---- float8 ---------------------------------------------------------------------------------

struct Fp8Format {
  int mbits;          // mantissa bits
  int bias;           // exponent bias
  bool fnuz;          // no negative zero; 0x80 is the only NaN; no infinity
  bool has_inf;       // E5M2 only
  float max;          // largest finite value
  uint8_t max_code;   // its encoding without the sign
};
constexpr Fp8Format kE4M3FN{3, 7, false, false, 448.0f, 0x7e};
constexpr Fp8Format kE4M3FNUZ{3, 8, true, false, 240.0f, 0x7f};
constexpr Fp8Format kE5M2{2, 15, false, true, 57344.0f, 0x7b};
constexpr Fp8Format kE5M2FNUZ{2, 16, true, false, 57344.0f, 0x7f};

float fp8_decode(uint8_t c, const Fp8Format& f) {
  const int field = (c & 0x7f) >> f.mbits;
  const int mant = c & ((1 << f.mbits) - 1);
  if (f.fnuz) {
    if (c == 0x80) return std::numeric_limits<float>::quiet_NaN();
  } else if (f.has_inf) {
    if (field == (1 << (7 - f.mbits)) - 1) {
      if (mant != 0) return std::numeric_limits<float>::quiet_NaN();
      return (c & 0x80) ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    }
  } else if ((c & 0x7f) == 0x7f) {
    return std::numeric_limits<float>::quiet_NaN();
  }
  const float v = field == 0 ? std::ldexp(static_cast<float>(mant), 1 - f.bias - f.mbits)
                             : std::ldexp(static_cast<float>((1 << f.mbits) + mant), field - f.bias - f.mbits);
  return (c & 0x80) ? -v : v;
}

// Round to nearest even; out-of-range values (and infinities) become the largest finite value
// when saturating (as the ONNX reference and ONNX Runtime do), else infinity (E5M2) or NaN.
uint8_t fp8_encode(float x, const Fp8Format& f, bool saturate) {
  const uint8_t sign = std::signbit(x) ? 0x80 : 0;
  const uint8_t nan = f.fnuz ? 0x80 : static_cast<uint8_t>(sign | 0x7f);
  const uint8_t zero = f.fnuz ? 0 : sign;
  if (std::isnan(x)) return nan;
  auto overflow = [&]() -> uint8_t {
    if (saturate) return static_cast<uint8_t>(sign | f.max_code);
    return f.has_inf ? static_cast<uint8_t>(sign | 0x7c) : nan;
  };
  if (std::isinf(x)) return overflow();
  const float a = std::fabs(x);
  if (a == 0) return zero;
  const int min_exp = 1 - f.bias;  // exponent of the smallest normal
  int e = 0;
  std::frexp(a, &e);  // a in [2^(e-1), 2^e)
  const int quantum = std::max(e - 1, min_exp) - f.mbits;
  const float v = std::ldexp(std::nearbyint(std::ldexp(a, -quantum)), quantum);  // exact scaling
  if (v > f.max) return overflow();
  if (v == 0) return zero;
  std::frexp(v, &e);
  const int vexp = e - 1;
  int code;
  if (vexp < min_exp) {
    code = static_cast<int>(std::ldexp(v, f.mbits - min_exp));  // subnormal: mantissa only
  } else {
    const int mant = static_cast<int>(std::ldexp(v, f.mbits - vexp)) - (1 << f.mbits);
    code = ((vexp + f.bias) << f.mbits) | mant;
  }
  return static_cast<uint8_t>(sign | code);
}

const Fp8Format* fp8_format(DType dt) {
  switch (dt) {
    case DType::kFloat8E4M3FN: return &kE4M3FN;
    case DType::kFloat8E4M3FNUZ: return &kE4M3FNUZ;
    case DType::kFloat8E5M2: return &kE5M2;
    case DType::kFloat8E5M2FNUZ: return &kE5M2FNUZ;
    default: return nullptr;
  }
}

// ---- narrow types: every value is exactly a float ------------------------------------------

bool is_narrow(DType dt) {
  switch (dt) {
    case DType::kFloat16: case DType::kBFloat16: case DType::kInt4: case DType::kUInt4: return true;
    default: return fp8_format(dt) != nullptr;
  }
}

class NarrowCodec {
 public:
  NarrowCodec(DType dt, bool saturate) : dt_(dt), fp8_(fp8_format(dt)), saturate_(saturate) {}

  float load(const void* p, int64_t i) const {
    switch (dt_) {
      case DType::kFloat16: return half_to_float(static_cast<const uint16_t*>(p)[i]);
      case DType::kBFloat16: return bfloat16_to_float(static_cast<const uint16_t*>(p)[i]);
      case DType::kInt4: return static_cast<const int8_t*>(p)[i];
      case DType::kUInt4: return static_cast<const uint8_t*>(p)[i];
      default: return fp8_decode(static_cast<const uint8_t*>(p)[i], *fp8_);
    }
  }

  void store(void* p, int64_t i, float v) const {
    switch (dt_) {
      case DType::kFloat16: static_cast<uint16_t*>(p)[i] = float_to_half(v); break;
      case DType::kBFloat16: static_cast<uint16_t*>(p)[i] = float_to_bfloat16(v); break;
      // int4/uint4 as the ONNX reference: clip to the range, then round half to even.
      case DType::kInt4: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(round_clip(v, -8.0f, 7.0f)); break;
      case DType::kUInt4: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(round_clip(v, 0.0f, 15.0f)); break;
      default: static_cast<uint8_t*>(p)[i] = fp8_encode(v, *fp8_, saturate_); break;
    }
  }

 private:
  static float round_clip(float v, float lo, float hi) {
    return std::isnan(v) ? 0.0f : std::nearbyint(std::min(hi, std::max(lo, v)));
  }

  DType dt_;
  const Fp8Format* fp8_;
  bool saturate_;
};

// ---- native types: C++ arithmetic types ---------------------------------------------------

template <class Fn>
bool visit_native(DType dt, Fn&& fn) {
  using ew::Tag;
  switch (dt) {
    case DType::kFloat32: fn(Tag<float>{}); return true;
    case DType::kFloat64: fn(Tag<double>{}); return true;
    case DType::kInt8: fn(Tag<int8_t>{}); return true;
    case DType::kUInt8: fn(Tag<uint8_t>{}); return true;
    case DType::kInt16: fn(Tag<int16_t>{}); return true;
    case DType::kUInt16: fn(Tag<uint16_t>{}); return true;
    case DType::kInt32: fn(Tag<int32_t>{}); return true;
    case DType::kUInt32: fn(Tag<uint32_t>{}); return true;
    case DType::kInt64: fn(Tag<int64_t>{}); return true;
    case DType::kUInt64: fn(Tag<uint64_t>{}); return true;
    case DType::kBool: fn(Tag<bool>{}); return true;
    default: return false;
  }
}

// Float -> integer truncates toward zero; out-of-range values saturate and NaN gives 0 (ONNX
// leaves both undefined; this avoids C++ undefined behaviour).
template <class D, class S>
D float_to_int(S v) {
  if (std::isnan(v)) return D(0);
  // lowest() is 0 or -2^k and max()+1 is 2^k: both exact in S, so the comparisons are exact.
  const S lo = static_cast<S>(std::numeric_limits<D>::lowest());
  const S hi_excl = static_cast<S>(2) * static_cast<S>(std::numeric_limits<D>::max() / 2 + 1);
  if (v <= lo) return std::numeric_limits<D>::lowest();
  if (v >= hi_excl) return std::numeric_limits<D>::max();
  return static_cast<D>(v);
}

template <class D, class S>
D convert(S v) {
  if constexpr (std::is_same_v<D, bool>) return v != S(0);  // NaN -> true, as numpy
  else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) return float_to_int<D>(v);
  else return static_cast<D>(v);  // int -> int wraps (C++20); to float rounds to nearest even
}

// To float with round-to-odd: a later rounding of the result to a narrower float type (half,
// bfloat16, float8: at most 11 significant bits) then equals a single rounding of `v`.
template <class S>
float to_float_odd(S v) {
  if constexpr (std::is_same_v<S, float>) {
    return v;
  } else if constexpr (std::is_same_v<S, bool>) {
    return v ? 1.0f : 0.0f;
  } else {
    const double d = static_cast<double>(v);
    float f = static_cast<float>(d);
    if (std::isnan(d) || static_cast<double>(f) == d) return f;
    if (std::fabs(static_cast<double>(f)) > std::fabs(d)) f = std::nextafter(f, 0.0f);  // truncate
    uint32_t u;
    std::memcpy(&u, &f, 4);
    u |= 1u;  // sticky bit: inexact
    std::memcpy(&f, &u, 4);
    return f;
  }
}

}  // namespace

namespace ew {

Result<Tensor> cast_tensor(const Tensor& x, DType to, bool saturate, int threads, const Node& id) {
  const DType from = x.dtype();
  const bool from_native = visit_native(from, [](auto) {});
  const bool to_native = visit_native(to, [](auto) {});
  if (!from_native && !is_narrow(from)) return unsupported_dtype(id, from);
  if (!to_native && !is_narrow(to)) return unsupported_dtype(id, to, "target");
  if (from == to) return x.clone();

  Tensor y(to, x.shape());
  const int64_t n = x.numel();
  const void* src = x.raw();
  void* dst = y.raw();
  if (from_native && to_native) {
    visit_native(from, [&](auto st) {
      using S = typename decltype(st)::type;
      visit_native(to, [&](auto dt) {
        using D = typename decltype(dt)::type;
        map_array(static_cast<const S*>(src), static_cast<D*>(dst), n, threads, [](S v) { return convert<D>(v); });
      });
    });
  } else if (from_native) {
    const NarrowCodec out(to, saturate);
    visit_native(from, [&](auto st) {
      using S = typename decltype(st)::type;
      const S* xs = static_cast<const S*>(src);
      parallel_for(n, threads, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out.store(dst, i, to_float_odd(xs[i]));
      });
    });
  } else if (to_native) {
    const NarrowCodec in(from, saturate);
    visit_native(to, [&](auto dt) {
      using D = typename decltype(dt)::type;
      D* yd = static_cast<D*>(dst);
      parallel_for(n, threads, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) yd[i] = convert<D>(in.load(src, i));
      });
    });
  } else {
    const NarrowCodec in(from, saturate), out(to, saturate);
    parallel_for(n, threads, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) out.store(dst, i, in.load(src, i));
    });
  }
  return y;
}

}  // namespace ew

namespace {

class CastKernel final : public Kernel {
 public:
  CastKernel(const Node& node, DType to) : id_(ew::node_identity(node)), to_(to),
      saturate_(node.attrs.get_int("saturate", 1) != 0) {}

  Status compute(KernelContext& ctx) const override {
    QWB_ASSIGN_OR_RETURN(ctx.output(0), ew::cast_tensor(ctx.input(0), to_, saturate_, ctx.threads, id_));
    return Status::ok();
  }

 private:
  Node id_;
  DType to_;
  bool saturate_;
};

// Cast-1 names the target type as a string ("FLOAT"); later versions use the enum value.
Result<DType> cast_target(const Node& node) {
  const Attribute* a = node.attrs.find("to");
  if (!a) return invalid_argument(node.describe() + ": attribute 'to' is missing");
  if (a->type == Attribute::Type::kString) {
    static const std::map<std::string, DType> names = {
        {"FLOAT", DType::kFloat32}, {"DOUBLE", DType::kFloat64}, {"FLOAT16", DType::kFloat16},
        {"BFLOAT16", DType::kBFloat16}, {"INT8", DType::kInt8}, {"UINT8", DType::kUInt8},
        {"INT16", DType::kInt16}, {"UINT16", DType::kUInt16}, {"INT32", DType::kInt32},
        {"UINT32", DType::kUInt32}, {"INT64", DType::kInt64}, {"UINT64", DType::kUInt64},
        {"BOOL", DType::kBool}, {"STRING", DType::kString}};
    auto it = names.find(a->s);
    if (it == names.end()) {
      return invalid_argument(node.describe() + ": attribute 'to' has unknown type '" + a->s + "'");
    }
    return it->second;
  }
  return static_cast<DType>(a->i);
}

Result<std::unique_ptr<Kernel>> make_cast(const Node& node) {
  QWB_ASSIGN_OR_RETURN(DType to, cast_target(node));
  if (to == DType::kString) {
    return unsupported(node.describe() + ": attribute 'to' = string: string tensors are not supported");
  }
  if (!dtype_is_supported(to)) {
    return unsupported(node.describe() + ": attribute 'to' = " + std::to_string(static_cast<int>(to)) + " (" +
                       dtype_name(to) + ") is not supported");
  }
  return std::unique_ptr<Kernel>(std::make_unique<CastKernel>(node, to));
}

// CastLike: casts input 0 to the dtype of input 1.
class CastLikeKernel final : public Kernel {
 public:
  explicit CastLikeKernel(const Node& node)
      : id_(ew::node_identity(node)), saturate_(node.attrs.get_int("saturate", 1) != 0) {}

  Status compute(KernelContext& ctx) const override {
    QWB_ASSIGN_OR_RETURN(ctx.output(0),
                         ew::cast_tensor(ctx.input(0), ctx.input(1).dtype(), saturate_, ctx.threads, id_));
    return Status::ok();
  }

 private:
  Node id_;
  bool saturate_;
};

}  // namespace

void register_cast_kernels(KernelRegistry& r) {
  // Later versions only add dtypes (19: float8 and `saturate`, 21: int4/uint4).
  r.add("Cast", 1, kMaxOpset, make_cast);
  r.add("CastLike", 15, kMaxOpset, make_kernel<CastLikeKernel>);
}

}  // namespace qwb
