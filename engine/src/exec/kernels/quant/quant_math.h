// Per-element affine quantization math with ONNX QuantizeLinear / DequantizeLinear semantics,
// shared by the quantization kernels and by fake quantization (quantize-dequantize) elsewhere.
//
//   QuantRange r = *quant_range(DType::kInt8);                     // [-128, 127]
//   int32_t q = quantize_affine(x, scale, zero_point, r);          // saturate(rint(x / s) + z)
//   float y = dequantize_affine(q, zero_point, scale);             // (q - z) * s
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "qwb/tensor.h"

namespace qwb {

struct QuantRange {
  int32_t lo = 0;
  int32_t hi = 0;
};

// Integer range of an integer quantized type (int32 only occurs as DequantizeLinear input).
inline std::optional<QuantRange> quant_range(DType t) {
  switch (t) {
    case DType::kUInt8: return QuantRange{0, 255};
    case DType::kInt8: return QuantRange{-128, 127};
    case DType::kUInt16: return QuantRange{0, 65535};
    case DType::kInt16: return QuantRange{-32768, 32767};
    case DType::kUInt4: return QuantRange{0, 15};
    case DType::kInt4: return QuantRange{-8, 7};
    case DType::kInt32: return QuantRange{INT32_MIN, INT32_MAX};
    default: return std::nullopt;
  }
}

inline bool is_float8(DType t) { return t == DType::kFloat8E4M3FN || t == DType::kFloat8E5M2; }

// Round half to even (std::nearbyint under the default FE_TONEAREST mode).
inline float round_half_even(float v) { return std::nearbyint(v); }

// saturate(round_half_even(v) + zero_point) for an already divided value v = x / scale.
// NaN maps to the zero point (ONNX leaves it undefined).
inline int32_t quantize_divided(float v, int32_t zero_point, QuantRange r) {
  if (std::isnan(v)) return std::clamp(zero_point, r.lo, r.hi);
  // double keeps rint(v) + z exact for every int32 zero point before clamping.
  double q = static_cast<double>(round_half_even(v)) + zero_point;
  q = std::clamp(q, static_cast<double>(r.lo), static_cast<double>(r.hi));
  return static_cast<int32_t>(q);
}

// q = saturate(round_half_even(x / scale) + zero_point). The division (not a multiplication by
// 1/scale) matches the ONNX reference bit for bit.
inline int32_t quantize_affine(float x, float scale, int32_t zero_point, QuantRange r) {
  return quantize_divided(x / scale, zero_point, r);
}

// x' = (q - zero_point) * scale; the difference is exact in int64 and the product is rounded once.
inline float dequantize_affine(int64_t q, int64_t zero_point, float scale) {
  return static_cast<float>(static_cast<double>(q - zero_point) * static_cast<double>(scale));
}

// Float8 quantization: x / scale rounded to nearest even; `saturate` clamps out-of-range values to
// the largest finite value instead of producing inf/NaN.
inline uint8_t float_to_float8(float v, DType t, bool saturate) {
  return t == DType::kFloat8E4M3FN ? float_to_float8e4m3fn(v, saturate) : float_to_float8e5m2(v, saturate);
}

inline uint8_t quantize_float8(float x, float scale, DType t, bool saturate) {
  return float_to_float8(x / scale, t, saturate);
}

inline float float8_to_float(uint8_t bits, DType t) {
  return t == DType::kFloat8E4M3FN ? float8e4m3fn_to_float(bits) : float8e5m2_to_float(bits);
}

// Quantize-dequantize of one value (fake quantization) with an integer range.
inline float fake_quantize(float x, float scale, int32_t zero_point, QuantRange r) {
  return dequantize_affine(quantize_affine(x, scale, zero_point, r), zero_point, scale);
}

// Scale and zero point DynamicQuantizeLinear derives from a data range (uint8, range widened
// to include 0, zero point rounded half to even and saturated).
struct DynamicQuantParams {
  float scale = 0;
  int32_t zero_point = 0;
};

inline DynamicQuantParams dynamic_quant_params_uint8(float rmin, float rmax) {
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);
  DynamicQuantParams p;
  // An all-zero input has an empty range: the scale is defined as 1 (as the ONNX reference does).
  p.scale = rmax == rmin ? 1.0f : (rmax - rmin) / 255.0f;
  p.zero_point = quantize_divided(0.0f - rmin / p.scale, 0, QuantRange{0, 255});
  return p;
}

}  // namespace qwb
