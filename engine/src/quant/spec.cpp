// Quantization formats: parsing, integer ranges, scale and zero point (design section 6).
#include <cmath>
#include <limits>

#include "qwb/quant.h"

namespace qwb {

bool QuantSpec::is_integer() const {
  switch (dtype) {
    case DType::kInt8: case DType::kUInt8: case DType::kInt16: case DType::kInt4: case DType::kUInt4: return true;
    default: return false;
  }
}
bool QuantSpec::is_float8() const { return dtype == DType::kFloat8E4M3FN || dtype == DType::kFloat8E5M2; }
bool QuantSpec::is_cast() const { return dtype == DType::kFloat16 || dtype == DType::kBFloat16; }

std::string QuantSpec::describe() const {
  if (!enabled()) return "float32";
  std::string s = dtype_name(dtype);
  if (is_cast()) return s;
  if (is_integer()) s += symmetric ? " symmetric" : " affine";
  switch (granularity) {
    case Granularity::kTensor: s += " per-tensor"; break;
    case Granularity::kChannel: s += " per-channel"; break;
    case Granularity::kBlock: s += " block " + std::to_string(block_size); break;
  }
  if (reduce_range) s += " reduce-range";
  return s;
}

Result<DType> parse_quant_dtype(const std::string& s) {
  static const std::map<std::string, DType> k = {
      {"int8", DType::kInt8},       {"uint8", DType::kUInt8},         {"int16", DType::kInt16},
      {"int4", DType::kInt4},       {"uint4", DType::kUInt4},         {"fp16", DType::kFloat16},
      {"float16", DType::kFloat16}, {"bf16", DType::kBFloat16},       {"bfloat16", DType::kBFloat16},
      {"fp8", DType::kFloat8E4M3FN}, {"fp8e4m3", DType::kFloat8E4M3FN}, {"fp8e4m3fn", DType::kFloat8E4M3FN},
      {"float8e4m3fn", DType::kFloat8E4M3FN}, {"fp8e5m2", DType::kFloat8E5M2}, {"float8e5m2", DType::kFloat8E5M2},
      {"none", DType::kUndefined},  {"fp32", DType::kUndefined},      {"float32", DType::kUndefined}};
  auto it = k.find(s);
  if (it == k.end()) {
    return invalid_argument("unknown quantization type '" + s +
                            "' (known: int8, uint8, int16, int4, uint4, fp16, bf16, fp8e4m3, fp8e5m2, none)");
  }
  return it->second;
}

Result<std::pair<Granularity, int64_t>> parse_granularity(const std::string& s) {
  if (s == "tensor") return std::pair{Granularity::kTensor, int64_t{0}};
  if (s == "channel") return std::pair{Granularity::kChannel, int64_t{0}};
  if (s.rfind("block:", 0) == 0) {
    int64_t b = 0;
    try {
      b = std::stoll(s.substr(6));
    } catch (...) {
      b = 0;
    }
    if (b < 16 || (b & (b - 1)) != 0) {
      return invalid_argument("granularity '" + s + "': block size must be a power of two >= 16 (e.g. 32, 64, 128)");
    }
    return std::pair{Granularity::kBlock, b};
  }
  return invalid_argument("unknown granularity '" + s + "' (known: tensor, channel, block:N)");
}

Result<QuantSpec> make_quant_spec(const std::string& type, bool symmetric, const std::string& granularity,
                                  bool reduce_range) {
  QWB_ASSIGN_OR_RETURN(DType dt, parse_quant_dtype(type));
  QWB_ASSIGN_OR_RETURN(auto gran, parse_granularity(granularity));
  QuantSpec s;
  s.dtype = dt;
  s.symmetric = symmetric;
  s.granularity = gran.first;
  s.block_size = gran.second;
  s.reduce_range = reduce_range;
  return s;
}

IntRange int_range(const QuantSpec& spec) {
  IntRange r;
  switch (spec.dtype) {
    case DType::kInt8: r = spec.reduce_range ? IntRange{-64, 63} : IntRange{-128, 127}; break;
    case DType::kUInt8: r = spec.reduce_range ? IntRange{0, 127} : IntRange{0, 255}; break;
    case DType::kInt16: r = {-32768, 32767}; break;
    case DType::kInt4: r = {-8, 7}; break;
    case DType::kUInt4: r = {0, 15}; break;
    default: return {0, 0};
  }
  // Symmetric signed types drop the most negative level so that the range is symmetric around
  // zero ([-127, 127] for int8): ONNX Runtime does this for weights, TensorRT (amax / 127) for
  // activations too, so a TensorRT calibration cache and our QDQ scales agree.
  if (spec.symmetric && r.lo < 0) r.lo = -r.hi;
  return r;
}

float float8_max(DType t) { return t == DType::kFloat8E4M3FN ? 448.0f : 57344.0f; }

ScaleZp scale_zero_point(float rmin, float rmax, const QuantSpec& spec) {
  ScaleZp p;
  rmin = std::min(rmin, 0.0f);
  rmax = std::max(rmax, 0.0f);
  if (spec.is_float8()) {
    const float amax = std::max(std::abs(rmin), std::abs(rmax));
    p.scale = amax / float8_max(spec.dtype);
    if (!(p.scale > std::numeric_limits<float>::min())) p.scale = 1.0f;
    return p;
  }
  IntRange r = int_range(spec);
  if (spec.symmetric) {
    const float amax = std::max(std::abs(rmin), std::abs(rmax));
    rmin = -amax;
    rmax = amax;
  }
  p.scale = (rmax - rmin) / static_cast<float>(r.hi - r.lo);
  if (spec.symmetric) {
    // Signed: z = 0. Unsigned symmetric (uint8 [0, 254] in ONNX Runtime): z is the middle level.
    if (r.lo < 0) {
      p.zero_point = 0;
    } else {
      const int32_t hi = spec.dtype == DType::kUInt8 && !spec.reduce_range ? 254 : r.hi;
      p.scale = (rmax - rmin) / static_cast<float>(hi - r.lo);
      p.zero_point = (hi + r.lo + 1) / 2;
    }
  } else if (p.scale > 0) {
    p.zero_point = static_cast<int32_t>(std::clamp<double>(std::nearbyint(r.lo - rmin / p.scale), r.lo, r.hi));
  }
  // An empty or denormal range (all-zero tensor) quantizes exactly with s = 1.
  if (!(p.scale > std::numeric_limits<float>::min()) || !std::isfinite(p.scale)) {
    p.scale = 1.0f;
    if (!spec.symmetric) p.zero_point = std::clamp(0, r.lo, r.hi);
  }
  return p;
}

}  // namespace qwb
