// Quantized parameters: weights per tensor / channel / block, activation scales from calibrated
// ranges, int32 biases, and the fake quantization the simulation runs.
#include <cmath>
#include <limits>

#include "exec/kernels/quant/quant_math.h"
#include "qwb/quant.h"

namespace qwb {

namespace {

// Elements grouped for one scale: per tensor (1 group), per channel (dim groups along axis) or
// blocks of `block` along axis. Group of element (o, d, i) with outer o, axis index d, inner i.
struct Groups {
  int64_t outer = 1, dim = 1, inner = 1, block = 0, per_axis = 1;
  Shape scale_shape;
  int64_t count() const { return shape_numel(scale_shape); }
  int64_t of(int64_t o, int64_t d, int64_t i) const {
    if (block > 0) return (o * per_axis + d / block) * inner + i;
    return per_axis == 1 ? 0 : d;
  }
};

Groups make_groups(const Shape& shape, int axis, const QuantSpec& spec) {
  Groups g;
  if (axis < 0 || spec.granularity == Granularity::kTensor) {
    g.inner = shape_numel(shape);
    return g;  // scalar scale
  }
  for (int d = 0; d < axis; ++d) g.outer *= shape[static_cast<size_t>(d)];
  g.dim = shape[static_cast<size_t>(axis)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < shape.size(); ++d) g.inner *= shape[d];
  if (spec.granularity == Granularity::kChannel) {
    g.per_axis = g.dim;
    g.scale_shape = {g.dim};
  } else {
    g.block = spec.block_size;
    g.per_axis = (g.dim + g.block - 1) / g.block;
    g.scale_shape = shape;
    g.scale_shape[static_cast<size_t>(axis)] = g.per_axis;
  }
  return g;
}

template <typename F>
void for_each_element(const Groups& g, F&& f) {
  int64_t e = 0;
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t d = 0; d < g.dim; ++d)
      for (int64_t i = 0; i < g.inner; ++i, ++e) f(e, g.of(o, d, i));
}

void store_int(Tensor& t, int64_t i, int32_t v) {
  switch (t.dtype()) {
    case DType::kInt8: case DType::kInt4: t.data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DType::kUInt8: case DType::kUInt4: t.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DType::kInt16: t.data<int16_t>()[i] = static_cast<int16_t>(v); break;
    case DType::kInt32: t.data<int32_t>()[i] = v; break;
    default: break;
  }
}

// The clamp a QuantizeLinear applies: the type's full range, whatever range the scale came from,
// so the simulation saturates exactly as the exported Q node does.
QuantRange saturation(DType t) { return *quant_range(t); }

Status check_finite(const Tensor& w, const std::string& name) {
  const float* p = w.data<float>();
  for (int64_t i = 0; i < w.numel(); ++i) {
    if (!std::isfinite(p[i])) {
      return invalid_argument("weight '" + name + "' holds a non-finite value (" + std::to_string(p[i]) +
                              ") at element " + std::to_string(i) + "; it cannot be quantized");
    }
  }
  return Status::ok();
}

}  // namespace

Result<QuantizedTensor> quantize_weight(const Tensor& w, const QuantSpec& spec, int axis, const std::string& name) {
  if (w.dtype() != DType::kFloat32) {
    return unsupported("weight '" + name + "' is " + std::string(dtype_name(w.dtype())) + "; only float32 weights are quantized");
  }
  QWB_RETURN_IF_ERROR(check_finite(w, name));
  QuantizedTensor qt;
  qt.spec = spec;
  qt.axis = spec.granularity == Granularity::kTensor ? -1 : axis;
  const float* x = w.data<float>();
  if (w.numel() > 0) {
    auto [mn, mx] = std::minmax_element(x, x + w.numel());
    qt.range = {*mn, *mx};
  }
  if (spec.is_cast()) {
    qt.q = w.cast(spec.dtype);
    qt.dequantized = qt.q.cast(DType::kFloat32);
    return qt;
  }
  if (qt.axis >= w.rank()) {
    return invalid_argument("weight '" + name + "' of shape " + shape_str(w.shape()) + " has no axis " + std::to_string(qt.axis));
  }
  Groups g = make_groups(w.shape(), qt.axis, spec);
  const int64_t ng = g.count();
  std::vector<float> lo(static_cast<size_t>(ng), std::numeric_limits<float>::infinity()),
      hi(static_cast<size_t>(ng), -std::numeric_limits<float>::infinity());
  for_each_element(g, [&](int64_t e, int64_t k) {
    lo[static_cast<size_t>(k)] = std::min(lo[static_cast<size_t>(k)], x[e]);
    hi[static_cast<size_t>(k)] = std::max(hi[static_cast<size_t>(k)], x[e]);
  });
  qt.scale = Tensor(DType::kFloat32, g.scale_shape);
  qt.zero_point = Tensor(spec.dtype, g.scale_shape);
  qt.q = Tensor(spec.dtype, w.shape());
  qt.dequantized = Tensor(DType::kFloat32, w.shape());
  float* s = qt.scale.data<float>();
  float* dq = qt.dequantized.data<float>();
  std::vector<int32_t> zp(static_cast<size_t>(ng), 0);
  for (int64_t k = 0; k < ng; ++k) {
    ScaleZp p = scale_zero_point(lo[static_cast<size_t>(k)], hi[static_cast<size_t>(k)], spec);
    s[k] = p.scale;
    zp[static_cast<size_t>(k)] = p.zero_point;
    if (spec.is_integer()) store_int(qt.zero_point, k, p.zero_point);  // float8 zero points are +0
  }
  if (spec.is_float8()) {
    uint8_t* qb = static_cast<uint8_t*>(qt.q.raw());
    for_each_element(g, [&](int64_t e, int64_t k) {
      qb[e] = quantize_float8(x[e], s[k], spec.dtype, true);
      dq[e] = float8_to_float(qb[e], spec.dtype) * s[k];
    });
    return qt;
  }
  const QuantRange r = saturation(spec.dtype);
  for_each_element(g, [&](int64_t e, int64_t k) {
    const int32_t q = quantize_affine(x[e], s[k], zp[static_cast<size_t>(k)], r);
    store_int(qt.q, e, q);
    dq[e] = dequantize_affine(q, zp[static_cast<size_t>(k)], s[k]);
  });
  return qt;
}

Tensor fake_quantize_tensor(const Tensor& x, const QuantizedTensor& qt) {
  if (x.dtype() != DType::kFloat32 || !qt.spec.enabled()) return x;
  if (qt.spec.is_cast()) return x.cast(qt.spec.dtype).cast(DType::kFloat32);
  Tensor y(DType::kFloat32, x.shape());
  const float* in = x.data<float>();
  float* out = y.data<float>();
  const float s = qt.scale.data<float>()[0];
  const int64_t n = x.numel();
  if (qt.spec.is_float8()) {
#pragma omp parallel for if (n > 32768)
    for (int64_t i = 0; i < n; ++i) out[i] = float8_to_float(quantize_float8(in[i], s, qt.spec.dtype, true), qt.spec.dtype) * s;
    return y;
  }
  const int32_t z = static_cast<int32_t>(qt.zero_point.get_int64(0));
  const QuantRange r = saturation(qt.spec.dtype);
#pragma omp parallel for if (n > 32768)
  for (int64_t i = 0; i < n; ++i) out[i] = fake_quantize(in[i], s, z, r);
  return y;
}

Result<Quantization> calibrate(const Model& model, const QuantPlan& plan, const Statistics& stats, const CalibOptions& options) {
  const Graph& g = model.graph();
  std::map<std::string, Range> ranges;
  for (const auto& [name, spec] : plan.activations) {
    if (spec.is_cast()) continue;
    auto it = stats.tensors.find(name);
    if (it == stats.tensors.end() || it->second.count == 0) {
      return invalid_argument("no calibration statistics for activation '" + name + "'; collect statistics with this plan first");
    }
    const TensorStats& ts = it->second;
    if (ts.nonfinite > 0) {
      auto p = g.producer.find(name);
      return invalid_argument("activation '" + name + "'" +
                              (p != g.producer.end() ? " (output of " + g.nodes[static_cast<size_t>(p->second)].describe() + ")" : std::string()) +
                              " had " + std::to_string(ts.nonfinite) + " NaN/Inf values on the calibration data; it cannot be calibrated");
    }
    ranges[name] = calibrate_range(ts, spec, options);
  }
  return quantize_with_ranges(model, plan, ranges, options);
}

Result<Quantization> quantize_with_ranges(const Model& model, const QuantPlan& plan, const std::map<std::string, Range>& activation_ranges,
                                          const CalibOptions& options) {
  const Graph& g = model.graph();
  Quantization q;
  q.plan = plan;
  q.calib = options;
  for (const auto& [name, spec] : plan.activations) {
    QuantizedTensor qt;
    qt.spec = spec;
    if (!spec.is_cast()) {
      auto it = activation_ranges.find(name);
      if (it == activation_ranges.end()) return invalid_argument("no calibrated range for activation '" + name + "'");
      qt.range = it->second;
      ScaleZp p = scale_zero_point(qt.range.lo, qt.range.hi, spec);
      qt.scale = Tensor::scalar<float>(p.scale);
      qt.zero_point = Tensor(spec.dtype, {});
      if (spec.is_integer()) store_int(qt.zero_point, 0, p.zero_point);
    }
    q.activations[name] = std::move(qt);
  }
  for (const auto& [name, e] : plan.weights) {
    auto w = quantize_weight(g.initializers.at(name), e.spec, e.axis, name);
    if (!w) return w.status();
    q.weights[name] = std::move(*w);
  }
  for (const auto& [name, b] : plan.biases) {
    const QuantizedTensor& in = q.activations.at(b.input);
    const QuantizedTensor& w = q.weights.at(b.weight);
    const Tensor& bias = g.initializers.at(name);
    QWB_RETURN_IF_ERROR(check_finite(bias, name));
    const float sx = in.scale.data<float>()[0];
    const int64_t n = bias.numel();
    const bool per_channel = w.scale.numel() > 1;
    QuantizedTensor qt;
    qt.spec = QuantSpec{DType::kInt32, true, per_channel ? Granularity::kChannel : Granularity::kTensor, 0, false};
    qt.axis = per_channel ? 0 : -1;
    qt.scale = Tensor(DType::kFloat32, per_channel ? Shape{n} : Shape{});
    qt.zero_point = Tensor(DType::kInt32, qt.scale.shape());
    qt.q = Tensor(DType::kInt32, bias.shape());
    qt.dequantized = Tensor(DType::kFloat32, bias.shape());
    const QuantRange r = saturation(DType::kInt32);
    for (int64_t c = 0; c < n; ++c) {
      const float sb = sx * w.scale.data<float>()[per_channel ? c : 0];
      if (c < qt.scale.numel()) qt.scale.data<float>()[c] = sb;
      // A zero weight scale cannot happen (s = 1 fallback), so sb > 0 unless sx underflows.
      const float safe = sb > 0 ? sb : 1.0f;
      const int32_t v = quantize_affine(bias.data<float>()[c], safe, 0, r);
      qt.q.data<int32_t>()[c] = v;
      qt.dequantized.data<float>()[c] = dequantize_affine(v, 0, safe);
    }
    q.biases[name] = std::move(qt);
  }
  return q;
}

Simulation::Simulation(std::shared_ptr<const Quantization> q) : q_(std::move(q)), weights_(std::make_shared<TensorMap>()) {
  for (const auto& [name, w] : q_->weights) (*weights_)[name] = w.dequantized;
  for (const auto& [name, b] : q_->biases) (*weights_)[name] = b.dequantized;
}

RunOptions Simulation::run_options(RunOptions base) const {
  base.initializers = weights_;
  if (q_->activations.empty() && !base.tap) return base;  // weight-only: no tap, the fused program runs
  base.tap_inputs = true;
  Tap outer = std::move(base.tap);
  std::shared_ptr<const Quantization> q = q_;
  base.tap = [q, outer](const TapEvent& e, Tensor& t) {
    auto it = q->activations.find(*e.value);
    if (it != q->activations.end()) t = fake_quantize_tensor(t, it->second);
    if (outer) outer(e, t);
  };
  return base;
}

}  // namespace qwb
