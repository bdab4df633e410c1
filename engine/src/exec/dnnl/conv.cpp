// Conv (FP32 and INT8, with folded BatchNormalization and post-ops) and ConvTranspose on oneDNN.
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "exec/dnnl/fast.h"
#include "exec/kernels/nn/spatial.h"
#include "qwb/version.h"

namespace qwb::fast {
namespace {

using dims = dnnl::memory::dims;

// Spatial geometry of one call in oneDNN's terms (dilation is d - 1 there).
struct Geometry {
  dims strides, dilates, pad_l, pad_r;
  Shape out_shape;
};

Geometry geometry(const nn::Window3& w, int64_t n, int64_t m) {
  Geometry g;
  for (int s = nn::kMaxSpatialRank - w.rank; s < nn::kMaxSpatialRank; ++s) {
    g.strides.push_back(w.stride[s]);
    g.dilates.push_back(w.dilation[s] - 1);
    g.pad_l.push_back(w.pad_begin[s]);
    g.pad_r.push_back(w.pad_end[s]);
  }
  g.out_shape = w.output_shape(n, m);
  return g;
}

class ConvOp final : public FastOp {
 public:
  ConvOp(const Node& node, nn::WindowAttrs attrs, int64_t group, ConvFusion f)
      : node_(node), attrs_(std::move(attrs)), group_(group), f_(std::move(f)) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& xv = *in[0];
    const DType want_x = f_.int8 ? f_.qin.dtype : DType::kFloat32;
    const DType want_w = f_.int8 ? DType::kInt8 : DType::kFloat32;
    if (xv.dtype != want_x || !in[1] || in[1]->dtype != want_w) return false;
    const Tensor& w = to_plain(*in[1], ctx.stream);
    const Tensor* b = in[2] ? &to_plain(*in[2], ctx.stream) : nullptr;
    const DType want_b = f_.bias_int32 ? DType::kInt32 : DType::kFloat32;
    if (b && b->dtype() != want_b) return false;
    const Shape& xs = xv.shape;
    if (xs.size() < 3 || xs.size() > 5 || w.rank() != static_cast<int>(xs.size())) return false;
    const int64_t n = xs[0], c = xs[1], m = w.dim(0);
    if (n <= 0 || w.dim(1) * group_ != c || m % group_ != 0 || (b && b->numel() != m)) return false;
    if (!f_.w_scale.empty() && f_.w_scale.size() != 1 && static_cast<int64_t>(f_.w_scale.size()) != m) return false;
    if (!f_.bn_scale.empty() && static_cast<int64_t>(f_.bn_scale.size()) != m) return false;
    std::vector<int64_t> kernel(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) return false;
    auto win = nn::forward_window(attrs_, xs, kernel, node_);
    if (!win) return false;
    const Geometry geo = geometry(*win, n, m);
    Value* sumv = f_.sum ? in[3] : nullptr;
    if (sumv && (sumv->shape != geo.out_shape || sumv->dtype != DType::kFloat32)) return false;

    auto prim = prims_.get({md_of(xv), plain_md(w.shape(), w.dtype())}, [&]() -> std::shared_ptr<Prim> {
      try {
        return create(xs, w.shape(), b != nullptr, geo, md_of(xv));
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory src;
    if (prim->shift) {
      src = dnnl::memory(prim->pd.src_desc(), cpu_engine());
      dnnl::memory x = xv.mem ? xv.mem : wrap(xv.plain);
      prim->shift.execute(ctx.stream, x, src);
    } else {
      src = as_md(xv, prim->pd.src_desc(), ctx.stream);
    }
    auto [wmem, bmem] = prepare(w, b, prim->pd, ctx.stream);
    dnnl::memory dst;
    std::shared_ptr<void> owner;
    if (sumv && ctx.last_use.size() > 3 && ctx.last_use[3] && sumv->mem && sumv->mem.get_desc() == prim->pd.dst_desc()) {
      dst = sumv->mem;  // accumulate into the residual operand's own buffer: nobody reads it later
      owner = sumv->owner;
    } else {
      dst = new_memory(prim->pd.dst_desc(), owner);
      if (sumv) {
        dnnl::memory s = sumv->mem ? sumv->mem : wrap(sumv->plain);
        dnnl::reorder(s, dst).execute(ctx.stream, s, dst);
      }
    }
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wmem}, {DNNL_ARG_DST, dst}};
    if (bmem) args[DNNL_ARG_BIAS] = bmem;
    prim->prim.execute(ctx.stream, args);
    out[0] = Value::of(dst, geo.out_shape, f_.has_qout ? f_.qout.dtype : DType::kFloat32, owner);
    return true;
  }

 private:
  struct Prim {
    dnnl::convolution_forward::primitive_desc pd;
    dnnl::convolution_forward prim;
    dnnl::reorder shift;  // int8 activations to uint8 (+128), see shift_s8()
  };

  // Without VNNI, oneDNN's s8 x s8 convolutions halve the weights to avoid int16 saturation
  // (rounding odd weights); uint8 activations need no such trick, so int8 ones are shifted by
  // 128 into uint8 with the zero point moved along.
  bool shift_s8() const { return f_.int8 && f_.qin.dtype == DType::kInt8 && !cpu_has_vnni(); }

  std::shared_ptr<Prim> create(const Shape& xs, const Shape& ws, bool has_bias, const Geometry& geo,
                               const md_t& x_md) const {
    const dt src_t = shift_s8() ? dt::u8 : f_.int8 ? to_dnnl(f_.qin.dtype) : dt::f32;
    const dt wei_t = f_.int8 ? dt::s8 : dt::f32;
    const dt dst_t = f_.has_qout ? to_dnnl(f_.qout.dtype) : dt::f32;
    dims wd = to_dims(ws);
    if (group_ > 1) {
      wd[0] /= group_;
      wd.insert(wd.begin(), group_);
    }
    const bool bias = has_bias || !f_.bn_shift.empty();
    md_t src_md(to_dims(xs), src_t, tag::any), wei_md(wd, wei_t, tag::any),
        bias_md({ws[0]}, dt::f32, tag::a), dst_md(to_dims(geo.out_shape), dst_t, tag::any);
    dnnl::primitive_attr attr;
    dnnl::post_ops po;
    if (f_.sum) po.append_sum(1.0f);
    const float out_unit = f_.has_qout ? 1.0f / f_.qout.scale : 1.0f;
    append_eltwise_post_ops(po, f_.post, out_unit);
    attr.set_post_ops(po);
    if (f_.int8) {
      std::vector<float> scales;
      for (float sw : f_.w_scale) scales.push_back(f_.qin.scale * sw * out_unit);
      attr.set_output_scales(scales.size() > 1 ? 2 : 0, scales);
      const int32_t zx = f_.qin.zero_point + (shift_s8() ? 128 : 0);
      if (zx != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {zx});
      if (f_.has_qout && f_.qout.zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {f_.qout.zero_point});
    }
    using cf = dnnl::convolution_forward;
    auto desc = bias ? cf::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
                                wei_md, bias_md, dst_md, geo.strides, geo.dilates, geo.pad_l, geo.pad_r)
                     : cf::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
                                wei_md, dst_md, geo.strides, geo.dilates, geo.pad_l, geo.pad_r);
    cf::primitive_desc pd(desc, attr, cpu_engine());
    auto p = std::make_shared<Prim>();
    p->pd = pd;
    p->prim = cf(pd);
    if (shift_s8()) {
      dnnl::primitive_attr sa;
      sa.set_zero_points(DNNL_ARG_DST, 0, {128});
      p->shift = dnnl::reorder(dnnl::reorder::primitive_desc(cpu_engine(), x_md, cpu_engine(), pd.src_desc(), sa));
    }
    return p;
  }

  // Weights folded with BatchNormalization and reordered to the primitive's layout, once per
  // source tensor and layout; the bias in float (INT8: in accumulator units, as oneDNN adds it
  // before the output scale).
  std::pair<dnnl::memory, dnnl::memory> prepare(const Tensor& w, const Tensor* b,
                                                const dnnl::convolution_forward::primitive_desc& pd,
                                                dnnl::stream& s) const {
    std::lock_guard<std::mutex> lock(wmu_);
    const bool cacheable = is_planned_constant(f_.cache, 1, &w) && is_planned_constant(f_.cache, 2, b);
    if (!cacheable || !weights_ || weights_->source_w.raw() != w.raw() ||
        (b ? b->raw() : nullptr) != weights_->source_b.raw()) {
      weights_ = std::make_shared<PreparedWeights>();
      weights_->source_w = w;
      if (b) weights_->source_b = *b;
      const int64_t m = w.dim(0), per = w.numel() / m;
      const bool bn = !f_.bn_scale.empty();
      if (b || bn) {
        Tensor bias = Tensor::uninitialized(DType::kFloat32, {m});
        for (int64_t o = 0; o < m; ++o) {
          float v = b ? (f_.bias_int32 ? static_cast<float>(b->data<int32_t>()[o]) : b->data<float>()[o]) : 0.0f;
          if (bn) v = v * f_.bn_scale[o] + f_.bn_shift[o];
          if (f_.int8 && !f_.bias_int32) v /= f_.qin.scale * f_.w_scale[f_.w_scale.size() > 1 ? o : 0];
          bias.data<float>()[o] = v;
        }
        weights_->bias = bias;
      }
      weights_->data = w;
      if (bn) {
        Tensor folded = Tensor::uninitialized(DType::kFloat32, w.shape());
        for (int64_t o = 0; o < m; ++o) {
          for (int64_t i = 0; i < per; ++i) folded.data<float>()[o * per + i] = w.data<float>()[o * per + i] * f_.bn_scale[o];
        }
        weights_->data = folded;
      }
    }
    const md_t want = pd.weights_desc();
    const dims d = want.dims();
    return {weights_->in_layout(want, md_t(d, want.data_type(), row_major(d)), s),
            weights_->bias.defined() ? wrap(weights_->bias) : dnnl::memory()};
  }

  Node node_;
  nn::WindowAttrs attrs_;
  int64_t group_;
  ConvFusion f_;
  ShapeCache<Prim> prims_;
  mutable std::mutex wmu_;
  mutable std::shared_ptr<PreparedWeights> weights_;
};

class ConvTransposeOp final : public FastOp {
 public:
  ConvTransposeOp(const Node& node, nn::WindowAttrs attrs, int64_t group)
      : node_(node), attrs_(std::move(attrs)), group_(group) {}

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    Value& xv = *in[0];
    if (xv.dtype != DType::kFloat32 || !in[1] || in[1]->dtype != DType::kFloat32) return false;
    const Tensor& w = to_plain(*in[1], ctx.stream);
    const Tensor* b = in.size() > 2 && in[2] ? &to_plain(*in[2], ctx.stream) : nullptr;
    const Shape& xs = xv.shape;
    if (xs.size() < 3 || xs.size() > 5 || w.rank() != static_cast<int>(xs.size())) return false;
    const int64_t n = xs[0], c = xs[1];
    if (n <= 0 || w.dim(0) != c || c % group_ != 0) return false;
    const int64_t m = w.dim(1) * group_;
    if (b && (b->dtype() != DType::kFloat32 || b->numel() != m)) return false;
    std::vector<int64_t> kernel(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) return false;
    auto win = nn::transpose_window(attrs_, xs, kernel, node_);
    if (!win) return false;
    Geometry geo = geometry(*win, n, m);
    // oneDNN derives the output size from the pads: the right pad absorbs output_padding.
    for (size_t i = 0; i < geo.pad_r.size(); ++i) {
      const int s = nn::kMaxSpatialRank - win->rank + static_cast<int>(i);
      const int64_t ek = (win->kernel[s] - 1) * win->dilation[s] + 1;
      geo.pad_r[i] = win->stride[s] * (win->in[s] - 1) + ek - win->pad_begin[s] - win->out[s];
      if (geo.pad_r[i] < 0) return false;
    }
    auto prim = prims_.get({md_of(xv), plain_md(w.shape(), w.dtype())}, [&]() -> std::shared_ptr<Prim> {
      try {
        using df = dnnl::deconvolution_forward;
        const int64_t k = w.numel() / (c * w.dim(1));
        // ONNX W is [C, M/G, k...]: in oneDNN's {[G,] OC/G, IC/G, k...} order the strides swap.
        dims wd{m / group_, c / group_}, ws{k, (m / group_) * k};
        for (size_t i = 2; i < w.shape().size(); ++i) wd.push_back(w.dim(static_cast<int>(i)));
        dims ks = row_major(dims(w.shape().begin() + 2, w.shape().end()));
        for (auto v : ks) ws.push_back(v);
        if (group_ > 1) {
          wd.insert(wd.begin(), group_);
          ws.insert(ws.begin(), (c / group_) * (m / group_) * k);
        }
        auto p = std::make_shared<Prim>();
        p->w_plain = md_t(wd, dt::f32, ws);
        md_t src_md(to_dims(xs), dt::f32, tag::any), wei_md(wd, dt::f32, tag::any),
            dst_md(to_dims(geo.out_shape), dt::f32, tag::any), bias_md({m}, dt::f32, tag::a);
        auto desc = b ? df::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md,
                                 wei_md, bias_md, dst_md, geo.strides, geo.dilates, geo.pad_l, geo.pad_r)
                      : df::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md,
                                 wei_md, dst_md, geo.strides, geo.dilates, geo.pad_l, geo.pad_r);
        p->pd = df::primitive_desc(desc, cpu_engine());
        p->prim = df(p->pd);
        return p;
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory src = as_md(xv, prim->pd.src_desc(), ctx.stream);
    dnnl::memory wsrc(prim->w_plain, cpu_engine(), const_cast<void*>(w.raw()));
    dnnl::memory wmem(prim->pd.weights_desc(), cpu_engine());
    dnnl::reorder(wsrc, wmem).execute(ctx.stream, wsrc, wmem);
    std::shared_ptr<void> owner;
    dnnl::memory dst = new_memory(prim->pd.dst_desc(), owner);
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wmem}, {DNNL_ARG_DST, dst}};
    if (b) args[DNNL_ARG_BIAS] = wrap(*b);
    prim->prim.execute(ctx.stream, args);
    out[0] = Value::of(dst, geo.out_shape, DType::kFloat32, owner);
    return true;
  }

 private:
  struct Prim {
    dnnl::deconvolution_forward::primitive_desc pd;
    dnnl::deconvolution_forward prim;
    md_t w_plain;
  };
  Node node_;
  nn::WindowAttrs attrs_;
  int64_t group_;
  ShapeCache<Prim> prims_;
};

}  // namespace

std::unique_ptr<FastOp> make_conv(const Node& conv, ConvFusion f) {
  auto attrs = nn::parse_window_attrs(conv);
  const int64_t group = conv.attrs.get_int("group", 1);
  if (!attrs || group <= 0) return nullptr;
  return std::make_unique<ConvOp>(conv, std::move(*attrs), group, std::move(f));
}

std::unique_ptr<FastOp> make_conv_transpose(const Node& node) {
  auto attrs = nn::parse_window_attrs(node);
  const int64_t group = node.attrs.get_int("group", 1);
  if (!attrs || group <= 0) return nullptr;
  return std::make_unique<ConvTransposeOp>(node, std::move(*attrs), group);
}

}  // namespace qwb::fast
