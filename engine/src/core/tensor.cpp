#include "qwb/tensor.h"

#include "core/block_cache.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace qwb {

namespace {

uint32_t f2u(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
float u2f(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

std::shared_ptr<void> allocate(size_t bytes) {
  // 64-byte aligned (AVX-512 loads), never null, zeroed; large blocks are reused (block_cache.h).
  std::shared_ptr<void> p = acquire_block(bytes);
  std::memset(p.get(), 0, std::max<size_t>(bytes, 1));
  return p;
}

}  // namespace

float half_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ffu;
  if (exp == 0) {
    if (man == 0) return u2f(sign);
    float v = std::ldexp(static_cast<float>(man), -24);  // subnormal
    return sign ? -v : v;
  }
  if (exp == 31) return u2f(sign | 0x7f800000u | (man << 13));
  return u2f(sign | ((exp + 112) << 23) | (man << 13));
}

uint16_t float_to_half(float f) {
  uint32_t x = f2u(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0));
  if (absx >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow -> inf
  if (absx < 0x38800000u) {  // subnormal or zero in half
    float a = u2f(absx);
    // a / 2^-24, rounded half to even
    float r = std::nearbyint(a * 16777216.0f);
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(r));
  }
  uint32_t mant = absx & 0x7fffffu;
  uint32_t exp = (absx >> 23) - 112;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float bfloat16_to_float(uint16_t b) { return u2f(static_cast<uint32_t>(b) << 16); }

uint16_t float_to_bfloat16(float f) {
  uint32_t x = f2u(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);  // NaN
  uint32_t rounding = 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

// FP8 conversions follow the ONNX reference (onnx/numpy_helper / reference ops, saturate=True).
float float8e4m3fn_to_float(uint8_t v) {
  uint32_t sign = (v & 0x80u) ? 1 : 0;
  uint32_t exp = (v >> 3) & 0xfu, man = v & 0x7u;
  float r;
  if ((v & 0x7fu) == 0x7fu) return std::numeric_limits<float>::quiet_NaN();
  if (exp == 0) r = std::ldexp(static_cast<float>(man), -9);
  else r = std::ldexp(1.0f + man / 8.0f, static_cast<int>(exp) - 7);
  return sign ? -r : r;
}

uint8_t float_to_float8e4m3fn(float f, bool saturate) {
  uint32_t x = f2u(f);
  uint8_t sign = static_cast<uint8_t>((x >> 24) & 0x80u);
  if (std::isnan(f)) return 0x7f;
  float a = std::fabs(f);
  if (std::isinf(f)) return saturate ? static_cast<uint8_t>(sign | 0x7e) : static_cast<uint8_t>(sign | 0x7f);
  if (a >= 464.0f) return saturate ? static_cast<uint8_t>(sign | 0x7e) : static_cast<uint8_t>(sign | 0x7f);
  // Exhaustive nearest-even search over the 127 finite magnitudes: simple and exact.
  uint8_t best = 0;
  float best_err = std::numeric_limits<float>::infinity();
  for (uint8_t c = 0; c < 0x7f; ++c) {
    float v = float8e4m3fn_to_float(c);
    float err = std::fabs(v - a);
    if (err < best_err || (err == best_err && (c & 1u) == 0)) { best_err = err; best = c; }
  }
  return static_cast<uint8_t>(sign | best);
}

float float8e5m2_to_float(uint8_t v) {
  uint16_t h = static_cast<uint16_t>(v) << 8;
  return half_to_float(h);
}

uint8_t float_to_float8e5m2(float f, bool saturate) {
  uint32_t x = f2u(f);
  uint8_t sign = static_cast<uint8_t>((x >> 24) & 0x80u);
  if (std::isnan(f)) return 0x7f;
  float a = std::fabs(f);
  if (std::isinf(f)) return saturate ? static_cast<uint8_t>(sign | 0x7b) : static_cast<uint8_t>(sign | 0x7c);
  if (a >= 61440.0f) return saturate ? static_cast<uint8_t>(sign | 0x7b) : static_cast<uint8_t>(sign | 0x7c);
  uint8_t best = 0;
  float best_err = std::numeric_limits<float>::infinity();
  for (uint8_t c = 0; c < 0x7c; ++c) {
    float v = float8e5m2_to_float(c);
    float err = std::fabs(v - a);
    if (err < best_err || (err == best_err && (c & 1u) == 0)) { best_err = err; best = c; }
  }
  return static_cast<uint8_t>(sign | best);
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat32: case DType::kInt32: case DType::kUInt32: return 4;
    case DType::kFloat64: case DType::kInt64: case DType::kUInt64: return 8;
    case DType::kFloat16: case DType::kBFloat16: case DType::kInt16: case DType::kUInt16: return 2;
    case DType::kInt8: case DType::kUInt8: case DType::kBool: case DType::kInt4: case DType::kUInt4:
    case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ: case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ: return 1;
    default: return 0;
  }
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "float32";
    case DType::kFloat64: return "float64";
    case DType::kFloat16: return "float16";
    case DType::kBFloat16: return "bfloat16";
    case DType::kInt8: return "int8";
    case DType::kUInt8: return "uint8";
    case DType::kInt16: return "int16";
    case DType::kUInt16: return "uint16";
    case DType::kInt32: return "int32";
    case DType::kUInt32: return "uint32";
    case DType::kInt64: return "int64";
    case DType::kUInt64: return "uint64";
    case DType::kBool: return "bool";
    case DType::kString: return "string";
    case DType::kFloat8E4M3FN: return "float8e4m3fn";
    case DType::kFloat8E4M3FNUZ: return "float8e4m3fnuz";
    case DType::kFloat8E5M2: return "float8e5m2";
    case DType::kFloat8E5M2FNUZ: return "float8e5m2fnuz";
    case DType::kInt4: return "int4";
    case DType::kUInt4: return "uint4";
    default: return "undefined";
  }
}

bool dtype_is_float(DType t) {
  switch (t) {
    case DType::kFloat32: case DType::kFloat64: case DType::kFloat16: case DType::kBFloat16:
    case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ: case DType::kFloat8E5M2:
    case DType::kFloat8E5M2FNUZ: return true;
    default: return false;
  }
}

bool dtype_is_integer(DType t) {
  switch (t) {
    case DType::kInt8: case DType::kUInt8: case DType::kInt16: case DType::kUInt16:
    case DType::kInt32: case DType::kUInt32: case DType::kInt64: case DType::kUInt64:
    case DType::kInt4: case DType::kUInt4: return true;
    default: return false;
  }
}

bool dtype_is_supported(DType t) { return dtype_size(t) != 0; }

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  os << "]";
  return os.str();
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shape_numel(shape_);
  assert(numel_ >= 0);
  buf_ = allocate(static_cast<size_t>(numel_) * dtype_size(dtype_));
}

Tensor Tensor::uninitialized(DType dtype, Shape shape) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.numel_ = shape_numel(t.shape_);
  assert(t.numel_ >= 0);
  t.buf_ = acquire_block(static_cast<size_t>(t.numel_) * dtype_size(dtype));
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  assert(shape_numel(shape) == numel_);
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(dtype_, shape_);
  if (nbytes()) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

namespace {

double load_double(DType dt, const void* p, int64_t i) {
  switch (dt) {
    case DType::kFloat32: return static_cast<const float*>(p)[i];
    case DType::kFloat64: return static_cast<const double*>(p)[i];
    case DType::kFloat16: return half_to_float(static_cast<const uint16_t*>(p)[i]);
    case DType::kBFloat16: return bfloat16_to_float(static_cast<const uint16_t*>(p)[i]);
    case DType::kFloat8E4M3FN: return float8e4m3fn_to_float(static_cast<const uint8_t*>(p)[i]);
    case DType::kFloat8E5M2: return float8e5m2_to_float(static_cast<const uint8_t*>(p)[i]);
    case DType::kInt8: case DType::kInt4: return static_cast<const int8_t*>(p)[i];
    case DType::kUInt8: case DType::kUInt4: case DType::kBool: return static_cast<const uint8_t*>(p)[i];
    case DType::kInt16: return static_cast<const int16_t*>(p)[i];
    case DType::kUInt16: return static_cast<const uint16_t*>(p)[i];
    case DType::kInt32: return static_cast<const int32_t*>(p)[i];
    case DType::kUInt32: return static_cast<const uint32_t*>(p)[i];
    case DType::kInt64: return static_cast<double>(static_cast<const int64_t*>(p)[i]);
    case DType::kUInt64: return static_cast<double>(static_cast<const uint64_t*>(p)[i]);
    default: return 0;
  }
}

template <typename I>
I saturating_int(double v) {
  if (std::isnan(v)) return 0;
  // Cast float->int truncates toward zero (C semantics, as ONNX Runtime does).
  double lo = static_cast<double>(std::numeric_limits<I>::lowest());
  double hi = static_cast<double>(std::numeric_limits<I>::max());
  if (v <= lo) return std::numeric_limits<I>::lowest();
  if (v >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

}  // namespace

double Tensor::get_double(int64_t i) const { return load_double(dtype_, raw(), i); }

int64_t Tensor::get_int64(int64_t i) const {
  switch (dtype_) {
    case DType::kInt64: return static_cast<const int64_t*>(raw())[i];
    case DType::kUInt64: return static_cast<int64_t>(static_cast<const uint64_t*>(raw())[i]);
    default: return static_cast<int64_t>(get_double(i));
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> v(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) v[i] = get_int64(i);
  return v;
}

Tensor Tensor::cast(DType to) const {
  if (to == dtype_) return clone();
  Tensor out(to, shape_);
  const void* src = raw();
  void* dst = out.raw();
  // Integer -> integer casts wrap (two's complement), as numpy and ONNX Runtime do.
  const bool int_src = dtype_is_integer(dtype_) || dtype_ == DType::kBool;
  for (int64_t i = 0; i < numel_; ++i) {
    if (int_src && dtype_is_integer(to) && to != DType::kInt4 && to != DType::kUInt4) {
      int64_t v = get_int64(i);
      switch (to) {
        case DType::kInt8: static_cast<int8_t*>(dst)[i] = static_cast<int8_t>(v); break;
        case DType::kUInt8: static_cast<uint8_t*>(dst)[i] = static_cast<uint8_t>(v); break;
        case DType::kInt16: static_cast<int16_t*>(dst)[i] = static_cast<int16_t>(v); break;
        case DType::kUInt16: static_cast<uint16_t*>(dst)[i] = static_cast<uint16_t>(v); break;
        case DType::kInt32: static_cast<int32_t*>(dst)[i] = static_cast<int32_t>(v); break;
        case DType::kUInt32: static_cast<uint32_t*>(dst)[i] = static_cast<uint32_t>(v); break;
        case DType::kInt64: static_cast<int64_t*>(dst)[i] = v; break;
        case DType::kUInt64: static_cast<uint64_t*>(dst)[i] = static_cast<uint64_t>(v); break;
        default: break;
      }
      continue;
    }
    double v = load_double(dtype_, src, i);
    switch (to) {
      case DType::kFloat32: static_cast<float*>(dst)[i] = static_cast<float>(v); break;
      case DType::kFloat64: static_cast<double*>(dst)[i] = v; break;
      case DType::kFloat16: static_cast<uint16_t*>(dst)[i] = float_to_half(static_cast<float>(v)); break;
      case DType::kBFloat16: static_cast<uint16_t*>(dst)[i] = float_to_bfloat16(static_cast<float>(v)); break;
      case DType::kFloat8E4M3FN: static_cast<uint8_t*>(dst)[i] = float_to_float8e4m3fn(static_cast<float>(v)); break;
      case DType::kFloat8E5M2: static_cast<uint8_t*>(dst)[i] = float_to_float8e5m2(static_cast<float>(v)); break;
      case DType::kBool: static_cast<uint8_t*>(dst)[i] = v != 0 ? 1 : 0; break;
      case DType::kInt8: static_cast<int8_t*>(dst)[i] = saturating_int<int8_t>(v); break;
      case DType::kUInt8: static_cast<uint8_t*>(dst)[i] = saturating_int<uint8_t>(v); break;
      case DType::kInt16: static_cast<int16_t*>(dst)[i] = saturating_int<int16_t>(v); break;
      case DType::kUInt16: static_cast<uint16_t*>(dst)[i] = saturating_int<uint16_t>(v); break;
      case DType::kInt32: static_cast<int32_t*>(dst)[i] = saturating_int<int32_t>(v); break;
      case DType::kUInt32: static_cast<uint32_t*>(dst)[i] = saturating_int<uint32_t>(v); break;
      case DType::kInt64: static_cast<int64_t*>(dst)[i] = saturating_int<int64_t>(v); break;
      case DType::kUInt64: static_cast<uint64_t*>(dst)[i] = saturating_int<uint64_t>(v); break;
      case DType::kInt4: static_cast<int8_t*>(dst)[i] = static_cast<int8_t>(std::clamp(std::nearbyint(v), -8.0, 7.0)); break;
      case DType::kUInt4: static_cast<uint8_t*>(dst)[i] = static_cast<uint8_t>(std::clamp(std::nearbyint(v), 0.0, 15.0)); break;
      default: break;
    }
  }
  return out;
}

}  // namespace qwb
