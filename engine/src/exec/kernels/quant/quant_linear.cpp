// QuantizeLinear / DequantizeLinear (opset 10+: per-tensor, per-axis, blocked; integer and
// float8 types) and DynamicQuantizeLinear. The per-element math lives in quant_math.h.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/quant/quant_math.h"

namespace qwb {

namespace {

// Maps a flat element index of x to the index of its scale / zero point.
struct QuantLayout {
  enum class Mode { kTensor, kAxis, kBlock } mode = Mode::kTensor;
  int64_t dim = 1;     // x.shape[axis]
  int64_t inner = 1;   // product of the dims after axis
  int64_t block = 0;   // block size (kBlock)
  int64_t blocks = 1;  // scale.shape[axis] (kBlock)

  int64_t param_index(int64_t i) const {
    switch (mode) {
      case Mode::kTensor: return 0;
      case Mode::kAxis: return (i / inner) % dim;
      case Mode::kBlock: {
        int64_t o = i / (dim * inner), d = (i / inner) % dim, in = i % inner;
        return (o * blocks + d / block) * inner + in;
      }
    }
    return 0;
  }
};

// Validates the scale (and zero point) shape against x for the three granularities.
Result<QuantLayout> make_layout(const Node& node, const Shape& x, const Tensor& scale, const Tensor* zp,
                                int64_t axis_attr, int64_t block_size) {
  if (zp && zp->shape() != scale.shape())
    return invalid_argument(node.describe() + ": zero point shape " + shape_str(zp->shape()) +
                            " differs from scale shape " + shape_str(scale.shape()));
  QuantLayout l;
  // A one-element scale is per-tensor whatever its rank (as the ONNX reference treats it).
  if (scale.numel() == 1 && scale.rank() <= 1) return l;
  QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_attr, static_cast<int>(x.size()), node));
  l.dim = x[axis];
  for (size_t d = axis + 1; d < x.size(); ++d) l.inner *= x[d];
  if (block_size > 0) {
    bool ok = scale.rank() == static_cast<int>(x.size());
    for (int d = 0; ok && d < scale.rank(); ++d)
      ok = d == axis ? scale.dim(d) == (x[d] + block_size - 1) / block_size : scale.dim(d) == x[d];
    if (!ok)
      return invalid_argument(node.describe() + ": scale shape " + shape_str(scale.shape()) +
                              " does not match input shape " + shape_str(x) + " with block_size " +
                              std::to_string(block_size) + " on axis " + std::to_string(axis));
    l.mode = QuantLayout::Mode::kBlock;
    l.block = block_size;
    l.blocks = scale.dim(axis);
    return l;
  }
  if (scale.rank() != 1 || scale.dim(0) != l.dim)
    return invalid_argument(node.describe() + ": per-axis scale shape " + shape_str(scale.shape()) +
                            " does not match dimension " + std::to_string(axis) + " of input shape " +
                            shape_str(x));
  l.mode = QuantLayout::Mode::kAxis;
  return l;
}

bool is_scale_dtype(DType t) {
  return t == DType::kFloat32 || t == DType::kFloat16 || t == DType::kBFloat16 || t == DType::kFloat64;
}

// Copies a float tensor (any float dtype) into a float32 vector.
std::vector<float> to_float_vector(const Tensor& t) {
  Tensor f = t.dtype() == DType::kFloat32 ? t : t.cast(DType::kFloat32);
  const float* p = f.data<float>();
  return std::vector<float>(p, p + f.numel());
}

// Stores float32 values into an output of dtype `to` (float32 / float16 / bfloat16 / float64).
Tensor from_float_tensor(const Tensor& f, DType to) { return to == DType::kFloat32 ? f : f.cast(to); }

// ---------------------------------------------------------------------------------------------

class QuantizeLinearKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<QuantizeLinearKernel>();
    k->axis_ = node.attrs.get_int("axis", 1);
    k->saturate_ = node.attrs.get_int("saturate", 1) != 0;
    k->block_size_ = node.attrs.get_int("block_size", 0);
    k->output_dtype_ = static_cast<DType>(node.attrs.get_int("output_dtype", 0));
    if (k->block_size_ < 0)
      return invalid_argument(node.describe() + ": block_size must be >= 0, got " + std::to_string(k->block_size_));
    // precision (opset 23) sets the dtype the division runs in; float32 is what we compute in,
    // and float16 / bfloat16 are emulated by rounding the operands and the quotient.
    k->precision_ = static_cast<DType>(node.attrs.get_int("precision", 0));
    if (k->precision_ != DType::kUndefined && k->precision_ != DType::kFloat32 &&
        k->precision_ != DType::kFloat16 && k->precision_ != DType::kBFloat16)
      return unsupported(node.describe() + ": precision " + dtype_name(k->precision_) + " is not supported");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    const Tensor& x = ctx.input(0);
    const Tensor& scale = ctx.input(1);
    const Tensor* zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (!is_scale_dtype(x.dtype()) && x.dtype() != DType::kInt32)
      return unsupported_dtype(node, x.dtype(), "x");
    if (!is_scale_dtype(scale.dtype())) return unsupported_dtype(node, scale.dtype(), "y_scale");

    DType out = zp ? zp->dtype() : (output_dtype_ != DType::kUndefined ? output_dtype_ : DType::kUInt8);
    if (zp && output_dtype_ != DType::kUndefined && output_dtype_ != zp->dtype())
      return invalid_argument(node.describe() + ": output_dtype " + dtype_name(output_dtype_) +
                              " differs from the zero point dtype " + dtype_name(zp->dtype()));
    auto range = quant_range(out);
    if ((!range || out == DType::kInt32) && !is_float8(out)) return unsupported_dtype(node, out, "output");

    QWB_ASSIGN_OR_RETURN(QuantLayout layout, make_layout(node, x.shape(), scale, zp, axis_, block_size_));
    const bool low_precision = precision_ == DType::kFloat16 || precision_ == DType::kBFloat16;
    // float32 x is read in place; other dtypes (and rounded operands) use a float32 copy.
    Tensor xf = x.dtype() == DType::kFloat32 && !low_precision ? x : x.cast(DType::kFloat32);
    std::vector<float> scales = to_float_vector(scale);
    if (low_precision) {
      for (int64_t i = 0; i < xf.numel(); ++i) xf.data<float>()[i] = round_to_precision(xf.data<float>()[i]);
      for (float& v : scales) v = round_to_precision(v);
    }
    const float* xs = xf.data<float>();
    std::vector<int32_t> zps(scales.size(), 0);
    if (zp && range) {
      for (int64_t i = 0; i < zp->numel(); ++i) zps[i] = static_cast<int32_t>(zp->get_int64(i));
    }

    Tensor y(out, x.shape());
    const int64_t n = x.numel();
    auto divided = [&](int64_t i, int64_t p) {
      float v = xs[i] / scales[p];
      return low_precision ? round_to_precision(v) : v;
    };
    if (is_float8(out)) {
      // Float8 zero points are zero by definition (the reference ignores them).
      uint8_t* dst = static_cast<uint8_t*>(y.raw());
      parallel_for(n, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          dst[i] = float_to_float8(divided(i, layout.param_index(i)), out, saturate_);
        }
      }, 64);
    } else {
      const QuantRange r = *range;
      auto run = [&](auto* dst) {
        parallel_for(n, ctx.threads, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) {
            int64_t p = layout.param_index(i);
            dst[i] = static_cast<std::remove_pointer_t<decltype(dst)>>(quantize_divided(divided(i, p), zps[p], r));
          }
        });
      };
      switch (out) {
        case DType::kUInt8: case DType::kUInt4: run(static_cast<uint8_t*>(y.raw())); break;
        case DType::kInt8: case DType::kInt4: run(static_cast<int8_t*>(y.raw())); break;
        case DType::kUInt16: run(static_cast<uint16_t*>(y.raw())); break;
        case DType::kInt16: run(static_cast<int16_t*>(y.raw())); break;
        default: return unsupported_dtype(node, out, "output");
      }
    }
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

 private:
  float round_to_precision(float v) const {
    return precision_ == DType::kFloat16 ? half_to_float(float_to_half(v))
                                         : bfloat16_to_float(float_to_bfloat16(v));
  }

  int64_t axis_ = 1;
  bool saturate_ = true;
  int64_t block_size_ = 0;
  DType output_dtype_ = DType::kUndefined;
  DType precision_ = DType::kUndefined;
};

// ---------------------------------------------------------------------------------------------

class DequantizeLinearKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<DequantizeLinearKernel>();
    k->axis_ = node.attrs.get_int("axis", 1);
    k->block_size_ = node.attrs.get_int("block_size", 0);
    k->output_dtype_ = static_cast<DType>(node.attrs.get_int("output_dtype", 0));
    if (k->block_size_ < 0)
      return invalid_argument(node.describe() + ": block_size must be >= 0, got " + std::to_string(k->block_size_));
    if (k->output_dtype_ != DType::kUndefined && !is_scale_dtype(k->output_dtype_))
      return unsupported(node.describe() + ": output_dtype " + dtype_name(k->output_dtype_) + " is not supported");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    const Tensor& x = ctx.input(0);
    const Tensor& scale = ctx.input(1);
    const Tensor* zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    const DType xt = x.dtype();
    if (!quant_range(xt) && !is_float8(xt)) return unsupported_dtype(node, xt, "x");
    if (!is_scale_dtype(scale.dtype())) return unsupported_dtype(node, scale.dtype(), "x_scale");
    if (zp && zp->dtype() != xt)
      return invalid_argument(node.describe() + ": zero point dtype " + dtype_name(zp->dtype()) +
                              " differs from x dtype " + dtype_name(xt));

    QWB_ASSIGN_OR_RETURN(QuantLayout layout, make_layout(node, x.shape(), scale, zp, axis_, block_size_));
    std::vector<float> scales = to_float_vector(scale);
    Tensor y(DType::kFloat32, x.shape());
    float* dst = y.data<float>();
    const int64_t n = x.numel();

    if (is_float8(xt)) {
      // A float8 zero point must be zero; a non-zero one is subtracted as a float anyway.
      std::vector<float> zps(scales.size(), 0.0f);
      if (zp) for (int64_t i = 0; i < zp->numel(); ++i) zps[i] = zp->get_double(i);
      const uint8_t* src = static_cast<const uint8_t*>(x.raw());
      parallel_for(n, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          int64_t p = layout.param_index(i);
          dst[i] = (float8_to_float(src[i], xt) - zps[p]) * scales[p];
        }
      });
    } else {
      std::vector<int64_t> zps(scales.size(), 0);
      if (zp) for (int64_t i = 0; i < zp->numel(); ++i) zps[i] = zp->get_int64(i);
      auto run = [&](const auto* src) {
        parallel_for(n, ctx.threads, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) {
            int64_t p = layout.param_index(i);
            dst[i] = dequantize_affine(static_cast<int64_t>(src[i]), zps[p], scales[p]);
          }
        });
      };
      switch (xt) {
        case DType::kUInt8: case DType::kUInt4: run(static_cast<const uint8_t*>(x.raw())); break;
        case DType::kInt8: case DType::kInt4: run(static_cast<const int8_t*>(x.raw())); break;
        case DType::kUInt16: run(static_cast<const uint16_t*>(x.raw())); break;
        case DType::kInt16: run(static_cast<const int16_t*>(x.raw())); break;
        case DType::kInt32: run(static_cast<const int32_t*>(x.raw())); break;
        default: return unsupported_dtype(node, xt, "x");
      }
    }
    DType out = output_dtype_ != DType::kUndefined ? output_dtype_ : scale.dtype();
    ctx.output(0) = from_float_tensor(y, out);
    return Status::ok();
  }

 private:
  int64_t axis_ = 1;
  int64_t block_size_ = 0;
  DType output_dtype_ = DType::kUndefined;
};

// ---------------------------------------------------------------------------------------------

// y, y_scale, y_zero_point = uint8 quantization of x with a range computed from x itself.
class DynamicQuantizeLinearKernel final : public Kernel {
 public:
  explicit DynamicQuantizeLinearKernel(const Node&) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (x.dtype() != DType::kFloat32) return unsupported_dtype(*ctx.node, x.dtype(), "x");
    const float* src = x.data<float>();
    const int64_t n = x.numel();
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (int64_t i = 0; i < n; ++i) {
      lo = std::min(lo, src[i]);
      hi = std::max(hi, src[i]);
    }
    DynamicQuantParams p = dynamic_quant_params_uint8(n ? lo : 0.0f, n ? hi : 0.0f);
    Tensor y(DType::kUInt8, x.shape());
    uint8_t* dst = y.data<uint8_t>();
    const QuantRange r{0, 255};
    parallel_for(n, ctx.threads, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) dst[i] = static_cast<uint8_t>(quantize_affine(src[i], p.scale, p.zero_point, r));
    });
    ctx.output(0) = std::move(y);
    if (ctx.num_outputs() > 1) ctx.output(1) = Tensor::scalar<float>(p.scale);
    if (ctx.num_outputs() > 2) ctx.output(2) = Tensor::scalar<uint8_t>(static_cast<uint8_t>(p.zero_point));
    return Status::ok();
  }
};

}  // namespace

void register_quant_kernels(KernelRegistry& r) {
  r.add("QuantizeLinear", 10, kMaxOpset, QuantizeLinearKernel::create);
  r.add("DequantizeLinear", 10, kMaxOpset, DequantizeLinearKernel::create);
  r.add("DynamicQuantizeLinear", 11, kMaxOpset, make_kernel<DynamicQuantizeLinearKernel>);
}

}  // namespace qwb
