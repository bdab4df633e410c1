// Layout-preserving fast ops: pooling, element-wise chains, broadcasting binaries,
// BatchNormalization and per-tensor Quantize/DequantizeLinear as oneDNN reorders.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "exec/dnnl/fast.h"
#include "exec/kernels/nn/spatial.h"

namespace qwb::fast {
namespace {

using dims = dnnl::memory::dims;

// The descriptor of `like`'s layout for other dims, when `like` is one of the common
// activation layouts (plain, channels-last, 8/16-channel blocked).
std::optional<md_t> same_layout(const md_t& like, const dims& d, dt type) {
  static const tag k4[] = {tag::nchw, tag::nhwc, tag::nChw8c, tag::nChw16c};
  static const tag k5[] = {tag::ncdhw, tag::ndhwc, tag::nCdhw8c, tag::nCdhw16c};
  static const tag k3[] = {tag::ncw, tag::nwc, tag::nCw8c, tag::nCw16c};
  const tag* tags = d.size() == 4 ? k4 : d.size() == 5 ? k5 : d.size() == 3 ? k3 : nullptr;
  if (!tags || like.dims().size() != d.size()) return std::nullopt;
  for (int i = 0; i < 4; ++i) {
    if (md_t(like.dims(), like.data_type(), tags[i]) == like) return md_t(d, type, tags[i]);
  }
  return std::nullopt;
}

// `md` with another data type (the same layout: strides are in elements).
md_t with_type(const md_t& md, dt type) {
  md_t r = md;
  r.data.data_type = static_cast<dnnl_data_type_t>(type);
  return r;
}

class PoolOp final : public FastOp {
 public:
  PoolOp(const Node& node, nn::WindowAttrs attrs, dnnl::algorithm alg, bool global)
      : node_(node), attrs_(std::move(attrs)), alg_(alg), global_(global) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    const bool is_max = alg_ == dnnl::algorithm::pooling_max;
    if (x.dtype != DType::kFloat32 && !(is_max && (x.dtype == DType::kUInt8 || x.dtype == DType::kInt8))) return false;
    const Shape& xs = x.shape;
    if (xs.size() < 3 || xs.size() > 5 || xs[0] <= 0) return false;
    dims strides, kernel, pad_l, pad_r;
    Shape os{xs[0], xs[1]};
    if (global_) {
      for (size_t i = 2; i < xs.size(); ++i) {
        kernel.push_back(xs[i]);
        strides.push_back(1);
        pad_l.push_back(0);
        pad_r.push_back(0);
        os.push_back(1);
      }
    } else {
      auto w = nn::forward_window(attrs_, xs, attrs_.kernel_shape, node_);
      if (!w) return false;
      for (int s = nn::kMaxSpatialRank - w->rank; s < nn::kMaxSpatialRank; ++s) {
        if (w->dilation[s] != 1) return false;
        // ceil_mode adds windows past the right pad: oneDNN sees them as extra right padding,
        // which an average that counts padding would wrongly include.
        const int64_t need = (w->out[s] - 1) * w->stride[s] + w->kernel[s] - w->in[s] - w->pad_begin[s];
        if (need > w->pad_end[s] && alg_ == dnnl::algorithm::pooling_avg_include_padding) return false;
        kernel.push_back(w->kernel[s]);
        strides.push_back(w->stride[s]);
        pad_l.push_back(w->pad_begin[s]);
        pad_r.push_back(std::max(need, w->pad_end[s]));
        if (pad_l.back() >= kernel.back() || pad_r.back() >= kernel.back()) return false;
      }
      os = w->output_shape(xs[0], xs[1]);
    }
    const md_t src_md = md_of(x);
    auto prim = prims_.get({src_md}, [&]() -> std::shared_ptr<Prim> {
      try {
        auto dst_md = same_layout(src_md, to_dims(os), src_md.data_type());
        md_t d = dst_md ? *dst_md : md_t(to_dims(os), src_md.data_type(), tag::any);
        dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, alg_, src_md, d, strides, kernel,
                                         pad_l, pad_r);
        auto p = std::make_shared<Prim>();
        p->pd = dnnl::pooling_forward::primitive_desc(desc, cpu_engine());
        p->prim = dnnl::pooling_forward(p->pd);
        return p;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory src = as_md(x, src_md, ctx.stream);
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(prim->pd.dst_desc(), owner);
    prim->prim.execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    out[0] = Value::of(dst, os, x.dtype, owner);
    return true;
  }

 private:
  struct Prim {
    dnnl::pooling_forward::primitive_desc pd;
    dnnl::pooling_forward prim;
  };
  Node node_;
  nn::WindowAttrs attrs_;
  dnnl::algorithm alg_;
  bool global_;
  ShapeCache<Prim> prims_;
};

class EltwiseOp final : public FastOp {
 public:
  explicit EltwiseOp(std::vector<Eltwise> chain) : chain_(std::move(chain)) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    if (x.dtype != DType::kFloat32 || x.shape.empty()) return false;
    const md_t md = md_of(x);
    auto prims = prims_.get({md}, [&]() -> std::shared_ptr<std::vector<dnnl::eltwise_forward>> {
      try {
        auto v = std::make_shared<std::vector<dnnl::eltwise_forward>>();
        for (const Eltwise& e : chain_) {
          dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference, e.alg, md, e.alpha, e.beta);
          v->emplace_back(dnnl::eltwise_forward::primitive_desc(d, cpu_engine()));
        }
        return v;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prims) return false;
    dnnl::memory src = x.mem ? x.mem : wrap(x.plain);
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(md, owner);
    for (size_t i = 0; i < prims->size(); ++i) {  // the first writes dst, the rest work in place
      (*prims)[i].execute(ctx.stream, {{DNNL_ARG_SRC, i == 0 ? src : dst}, {DNNL_ARG_DST, dst}});
    }
    out[0] = Value::of(dst, x.shape, x.dtype, owner);
    return true;
  }

 private:
  std::vector<Eltwise> chain_;
  ShapeCache<std::vector<dnnl::eltwise_forward>> prims_;
};

class BinaryOp final : public FastOp {
 public:
  BinaryOp(dnnl::algorithm alg, bool commutative) : alg_(alg), commutative_(commutative) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value* a = in[0];
    Value* b = in[1];
    if (a->dtype != DType::kFloat32 || b->dtype != DType::kFloat32) return false;
    const size_t r = std::max(a->shape.size(), b->shape.size());
    if (r == 0 || r > 6) return false;
    auto padded = [r](const Shape& s) {
      dims d(r - s.size(), 1);
      d.insert(d.end(), s.begin(), s.end());
      return d;
    };
    dims ad = padded(a->shape), bd = padded(b->shape), od(r);
    for (size_t i = 0; i < r; ++i) {
      if (ad[i] != bd[i] && ad[i] != 1 && bd[i] != 1) return false;
      od[i] = std::max(ad[i], bd[i]);
    }
    if (ad != od) {  // oneDNN broadcasts only the second source
      if (!commutative_ || bd != od) return false;
      std::swap(a, b);
      std::swap(ad, bd);
    }
    for (int64_t v : od) {
      if (v <= 0) return false;
    }
    md_t a_md = a->shape.size() == r ? md_of(*a) : plain_md(Shape(ad.begin(), ad.end()), DType::kFloat32);
    md_t b_md;
    if (bd == ad && b->shape.size() == r) {
      b_md = a_md;  // same shape: bring the second input to the first one's layout
    } else if (auto s = same_layout(a_md, bd, dt::f32); s && b->shape.size() == r) {
      // oneDNN's fast binary kernels want the broadcast operand (e.g. SE's [N,C,1,1]) in the
      // first one's layout; it is small, so converting it costs little.
      b_md = *s;
    } else {
      b_md = plain_md(Shape(bd.begin(), bd.end()), DType::kFloat32);
    }
    auto prim = prims_.get({a_md, b_md}, [&]() -> std::shared_ptr<Prim> {
      try {
        dnnl::binary::desc d(alg_, a_md, b_md, a_md);
        auto p = std::make_shared<Prim>();
        p->pd = dnnl::binary::primitive_desc(d, cpu_engine());
        p->prim = dnnl::binary(p->pd);
        return p;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory am = a->shape.size() == r ? as_md(*a, a_md, ctx.stream)
                                            : dnnl::memory(a_md, cpu_engine(), const_cast<void*>(to_plain(*a, ctx.stream).raw()));
    dnnl::memory bm;
    if (b->shape.size() == r) {
      bm = as_md(*b, b_md, ctx.stream);
    } else {
      bm = dnnl::memory(b_md, cpu_engine(), const_cast<void*>(to_plain(*b, ctx.stream).raw()));
    }
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(a_md, owner);
    prim->prim.execute(ctx.stream, {{DNNL_ARG_SRC_0, am}, {DNNL_ARG_SRC_1, bm}, {DNNL_ARG_DST, dst}});
    out[0] = Value::of(dst, Shape(od.begin(), od.end()), DType::kFloat32, owner);
    return true;
  }

 private:
  struct Prim {
    dnnl::binary::primitive_desc pd;
    dnnl::binary prim;
  };
  dnnl::algorithm alg_;
  bool commutative_;
  ShapeCache<Prim> prims_;
};

// BatchNormalization with constant parameters as a per-channel scale and shift.
class BatchNormOp final : public FastOp {
 public:
  BatchNormOp(std::vector<float> mean, std::vector<float> var, std::vector<float> scale, std::vector<float> shift,
              float eps)
      : mean_(std::move(mean)), var_(std::move(var)), scale_(std::move(scale)), shift_(std::move(shift)), eps_(eps) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    if (x.dtype != DType::kFloat32 || x.shape.size() < 2 || x.shape.size() > 5 ||
        x.shape[1] != static_cast<int64_t>(mean_.size())) {
      return false;
    }
    const md_t md = md_of(x);
    auto prim = prims_.get({md}, [&]() -> std::shared_ptr<Prim> {
      try {
        using bn = dnnl::batch_normalization_forward;
        const auto flags = dnnl::normalization_flags::use_global_stats | dnnl::normalization_flags::use_scale |
                           dnnl::normalization_flags::use_shift;
        bn::desc d(dnnl::prop_kind::forward_inference, md, eps_, flags);
        auto p = std::make_shared<Prim>();
        p->pd = bn::primitive_desc(d, cpu_engine());
        p->prim = bn(p->pd);
        return p;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    const md_t c_md({static_cast<int64_t>(mean_.size())}, dt::f32, tag::a);
    auto mem = [&](const std::vector<float>& v) {
      return dnnl::memory(c_md, cpu_engine(), const_cast<float*>(v.data()));
    };
    dnnl::memory src = x.mem ? x.mem : wrap(x.plain);
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(md, owner);
    prim->prim.execute(ctx.stream, {{DNNL_ARG_SRC, src},
                                    {DNNL_ARG_DST, dst},
                                    {DNNL_ARG_MEAN, mem(mean_)},
                                    {DNNL_ARG_VARIANCE, mem(var_)},
                                    {DNNL_ARG_SCALE, mem(scale_)},
                                    {DNNL_ARG_SHIFT, mem(shift_)}});
    out[0] = Value::of(dst, x.shape, x.dtype, owner);
    return true;
  }

 private:
  struct Prim {
    dnnl::batch_normalization_forward::primitive_desc pd;
    dnnl::batch_normalization_forward prim;
  };
  std::vector<float> mean_, var_, scale_, shift_;
  float eps_;
  ShapeCache<Prim> prims_;
};

// QuantizeLinear (float -> u8/s8) or DequantizeLinear (u8/s8 -> float) with one scale and
// zero point, in the input's layout.
class QuantReorderOp final : public FastOp {
 public:
  QuantReorderOp(bool quantize, float scale, int32_t zp, DType qtype)
      : quantize_(quantize), scale_(scale), zp_(zp), qtype_(qtype) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    if (x.dtype != (quantize_ ? DType::kFloat32 : qtype_) || x.shape.empty()) return false;
    const md_t src_md = md_of(x);
    const DType out_t = quantize_ ? qtype_ : DType::kFloat32;
    const md_t dst_md = with_type(src_md, to_dnnl(out_t));
    auto prim = prims_.get({src_md}, [&]() -> std::shared_ptr<dnnl::reorder> {
      try {
        dnnl::primitive_attr attr;
        // ONNX: q = saturate(round(x / s) + z); x = (q - z) * s.
        attr.set_output_scales(0, {quantize_ ? 1.0f / scale_ : scale_});
        if (zp_ != 0) attr.set_zero_points(quantize_ ? DNNL_ARG_DST : DNNL_ARG_SRC, 0, {zp_});
        dnnl::reorder::primitive_desc pd(cpu_engine(), src_md, cpu_engine(), dst_md, attr);
        return std::make_shared<dnnl::reorder>(pd);
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory src = x.mem ? x.mem : wrap(x.plain);
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(dst_md, owner);
    prim->execute(ctx.stream, src, dst);
    out[0] = Value::of(dst, x.shape, out_t, owner);
    return true;
  }

 private:
  bool quantize_;
  float scale_;
  int32_t zp_;
  DType qtype_;
  ShapeCache<dnnl::reorder> prims_;
};

// Softmax over one axis (opset >= 13; earlier opsets only when the axis is the last one, where
// the flattened-2D definition is the same).
class SoftmaxOp final : public FastOp {
 public:
  SoftmaxOp(int64_t axis, bool last_only) : axis_(axis), last_only_(last_only) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    const int64_t r = static_cast<int64_t>(x.shape.size());
    const int64_t axis = axis_ < 0 ? axis_ + r : axis_;
    if (x.dtype != DType::kFloat32 || r == 0 || axis < 0 || axis >= r || (last_only_ && axis != r - 1)) return false;
    for (int64_t d : x.shape) {
      if (d <= 0) return false;
    }
    const md_t md = plain_md(x.shape, DType::kFloat32);
    auto prim = prims_.get({md}, [&]() -> std::shared_ptr<dnnl::softmax_forward> {
      try {
        dnnl::softmax_forward::desc d(dnnl::prop_kind::forward_inference, md, static_cast<int>(axis));
        return std::make_shared<dnnl::softmax_forward>(dnnl::softmax_forward::primitive_desc(d, cpu_engine()));
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    Tensor y = Tensor::uninitialized(DType::kFloat32, x.shape);
    dnnl::memory src = as_md(x, md, ctx.stream), dst = wrap(y);
    prim->execute(ctx.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
    out[0] = Value::of(std::move(y));
    return true;
  }

 private:
  int64_t axis_;
  bool last_only_;
  ShapeCache<dnnl::softmax_forward> prims_;
};

// LayerNormalization over the last axis with scale (and optional bias); only output Y.
class LayerNormOp final : public FastOp {
 public:
  explicit LayerNormOp(float eps) : eps_(eps) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    if (x.dtype != DType::kFloat32 || x.shape.size() < 2 || x.shape.size() > 5 || !in[1]) return false;
    const int64_t c = x.shape.back();
    const Tensor& scale = to_plain(*in[1], ctx.stream);
    const Tensor* bias = in[2] ? &to_plain(*in[2], ctx.stream) : nullptr;
    if (scale.dtype() != DType::kFloat32 || scale.numel() != c || (bias && (bias->dtype() != DType::kFloat32 || bias->numel() != c))) {
      return false;
    }
    const md_t md = plain_md(x.shape, DType::kFloat32);
    auto prim = prims_.get({md}, [&]() -> std::shared_ptr<Prim> {
      try {
        using ln = dnnl::layer_normalization_forward;
        const auto flags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
        ln::desc d(dnnl::prop_kind::forward_inference, md, eps_, flags);
        auto p = std::make_shared<Prim>();
        p->pd = ln::primitive_desc(d, cpu_engine());
        p->prim = ln(p->pd);
        return p;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    std::vector<float> zeros;
    if (!bias) zeros.assign(static_cast<size_t>(c), 0.0f);
    const md_t c_md({c}, dt::f32, tag::a);
    Tensor y = Tensor::uninitialized(DType::kFloat32, x.shape);
    dnnl::memory mean(prim->pd.mean_desc(), cpu_engine()), var(prim->pd.variance_desc(), cpu_engine());
    prim->prim.execute(ctx.stream,
                       {{DNNL_ARG_SRC, as_md(x, md, ctx.stream)},
                        {DNNL_ARG_DST, wrap(y)},
                        {DNNL_ARG_SCALE, dnnl::memory(c_md, cpu_engine(), const_cast<void*>(scale.raw()))},
                        {DNNL_ARG_SHIFT, dnnl::memory(c_md, cpu_engine(), bias ? const_cast<void*>(bias->raw())
                                                                                : static_cast<void*>(zeros.data()))},
                        {DNNL_ARG_MEAN, mean},
                        {DNNL_ARG_VARIANCE, var}});
    out[0] = Value::of(std::move(y));
    return true;
  }

 private:
  struct Prim {
    dnnl::layer_normalization_forward::primitive_desc pd;
    dnnl::layer_normalization_forward prim;
  };
  float eps_;
  ShapeCache<Prim> prims_;
};

// Transpose as a reorder from the input viewed with permuted axes into a plain output.
class TransposeOp final : public FastOp {
 public:
  explicit TransposeOp(std::vector<int64_t> perm) : perm_(std::move(perm)) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& x = *in[0];
    const size_t r = x.shape.size();
    if (to_dnnl(x.dtype) == dt::undef || r < 2 || r > 6) return false;
    std::vector<int64_t> perm = perm_;
    if (perm.empty()) {
      for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(r - 1 - i));
    }
    if (perm.size() != r) return false;
    // oneDNN's permutation maps input axis i to output position p[i]: the inverse of ONNX's perm.
    std::vector<int> p(r, -1);
    Shape os(r);
    for (size_t i = 0; i < r; ++i) {
      const int64_t a = perm[i];
      if (a < 0 || a >= static_cast<int64_t>(r) || p[static_cast<size_t>(a)] >= 0) return false;
      p[static_cast<size_t>(a)] = static_cast<int>(i);
      os[i] = x.shape[static_cast<size_t>(a)];
    }
    for (int64_t d : os) {
      if (d <= 0) return false;
    }
    const md_t src_md = md_of(x);
    auto prim = prims_.get({src_md}, [&]() -> std::shared_ptr<Prim> {
      try {
        auto e = std::make_shared<Prim>();
        e->view = src_md.permute_axes(p);
        e->prim = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), e->view, cpu_engine(),
                                                              plain_md(os, x.dtype)));
        return e;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory src = x.mem ? x.mem : wrap(x.plain);
    Tensor y = Tensor::uninitialized(x.dtype, os);
    dnnl::memory view(prim->view, cpu_engine(), src.get_data_handle());
    dnnl::memory dst = wrap(y);
    prim->prim.execute(ctx.stream, view, dst);
    out[0] = Value::of(std::move(y));
    return true;
  }

 private:
  struct Prim {
    md_t view;
    dnnl::reorder prim;
  };
  std::vector<int64_t> perm_;
  ShapeCache<Prim> prims_;
};

std::vector<float> floats(const Tensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = static_cast<float>(t.get_double(i));
  return v;
}

}  // namespace

std::unique_ptr<FastOp> make_pool(const Node& node) {
  if (node.op_type == "GlobalAveragePool" || node.op_type == "GlobalMaxPool") {
    return std::make_unique<PoolOp>(node, nn::WindowAttrs{},
                                    node.op_type == "GlobalMaxPool" ? dnnl::algorithm::pooling_max
                                                                    : dnnl::algorithm::pooling_avg_exclude_padding,
                                    true);
  }
  auto attrs = nn::parse_window_attrs(node);
  if (!attrs || attrs->kernel_shape.empty()) return nullptr;
  dnnl::algorithm alg;
  if (node.op_type == "MaxPool") {
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) return nullptr;  // Indices
    if (node.attrs.get_int("storage_order", 0) != 0) return nullptr;
    alg = dnnl::algorithm::pooling_max;
  } else if (node.op_type == "AveragePool") {
    alg = node.attrs.get_int("count_include_pad", 0) ? dnnl::algorithm::pooling_avg_include_padding
                                                     : dnnl::algorithm::pooling_avg_exclude_padding;
  } else {
    return nullptr;
  }
  return std::make_unique<PoolOp>(node, std::move(*attrs), alg, false);
}

std::unique_ptr<FastOp> make_eltwise(const Node&, std::vector<Eltwise> chain) {
  if (chain.empty()) return nullptr;
  return std::make_unique<EltwiseOp>(std::move(chain));
}

std::unique_ptr<FastOp> make_binary(const Node& node) {
  if (node.op_type == "Add") return std::make_unique<BinaryOp>(dnnl::algorithm::binary_add, true);
  if (node.op_type == "Mul") return std::make_unique<BinaryOp>(dnnl::algorithm::binary_mul, true);
  if (node.op_type == "Sub") return std::make_unique<BinaryOp>(dnnl::algorithm::binary_sub, false);
  if (node.op_type == "Div") return std::make_unique<BinaryOp>(dnnl::algorithm::binary_div, false);
  return nullptr;
}

std::unique_ptr<FastOp> make_batchnorm(const Node& node, const Tensor* scale, const Tensor* bias, const Tensor* mean,
                                       const Tensor* var) {
  if (node.outputs.size() != 1 || node.attrs.get_int("training_mode", 0) != 0) return nullptr;
  if (!scale || !bias || !mean || !var) return nullptr;
  const int64_t c = scale->numel();
  if (bias->numel() != c || mean->numel() != c || var->numel() != c) return nullptr;
  return std::make_unique<BatchNormOp>(floats(*mean), floats(*var), floats(*scale), floats(*bias),
                                       node.attrs.get_float("epsilon", 1e-5f));
}

std::unique_ptr<FastOp> make_softmax(const Node& node) {
  if (node.op_type != "Softmax") return nullptr;
  const bool v13 = node.opset >= 13;
  return std::make_unique<SoftmaxOp>(node.attrs.get_int("axis", v13 ? -1 : 1), !v13);
}

std::unique_ptr<FastOp> make_layer_norm(const Node& node) {
  const int64_t axis = node.attrs.get_int("axis", -1);
  if (axis != -1 || node.attrs.get_int("stash_type", 1) != 1) return nullptr;
  for (size_t i = 1; i < node.outputs.size(); ++i) {
    if (!node.outputs[i].empty()) return nullptr;  // Mean / InvStdDev outputs
  }
  return std::make_unique<LayerNormOp>(node.attrs.get_float("epsilon", 1e-5f));
}

std::unique_ptr<FastOp> make_transpose(const Node& node) {
  return std::make_unique<TransposeOp>(node.attrs.get_ints("perm"));
}

std::unique_ptr<FastOp> make_quant_reorder(const Node& node, const Tensor* scale, const Tensor* zp) {
  const bool quantize = node.op_type == "QuantizeLinear";
  if (!scale || scale->numel() != 1 || scale->dtype() != DType::kFloat32) return nullptr;
  if (node.inputs.size() > 2 && !node.inputs[2].empty() && !zp) return nullptr;
  const DType qtype = zp ? zp->dtype() : DType::kUInt8;
  if (qtype != DType::kUInt8 && qtype != DType::kInt8) return nullptr;
  if (zp && zp->numel() != 1) return nullptr;
  const float s = scale->data<float>()[0];
  if (!(s > 0.0f) || !std::isfinite(s)) return nullptr;
  if (quantize && node.attrs.get_int("saturate", 1) != 1) return nullptr;
  return std::make_unique<QuantReorderOp>(quantize, s, zp ? static_cast<int32_t>(zp->get_int64(0)) : 0, qtype);
}

}  // namespace qwb::fast
