// Gemm and MatMul (FP32 and INT8, bias and activation post-ops) on oneDNN's matmul primitive.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <unordered_map>

#include "exec/dnnl/fast.h"

namespace qwb::fast {
namespace {

using dims = dnnl::memory::dims;

class MatMulOp final : public FastOp {
 public:
  MatMulOp(const Node& node, bool gemm, MatMulFusion f) : node_(node), gemm_(gemm), f_(std::move(f)) {
    if (gemm) {
      alpha_ = node.attrs.get_float("alpha", 1.0f);
      beta_ = node.attrs.get_float("beta", 1.0f);
      trans_a_ = node.attrs.get_int("transA", 0) != 0;
      trans_b_ = node.attrs.get_int("transB", 0) != 0;
    }
  }

  Result<bool> run(RunCtx& ctx, const std::vector<Value*>& in, std::vector<Value>& out) const override {
    const DType want_a = f_.int8 ? f_.qin.dtype : DType::kFloat32;
    const DType want_b = f_.int8 ? DType::kInt8 : DType::kFloat32;
    if (in[0]->dtype != want_a || !in[1] || in[1]->dtype != want_b || trans_a_ || alpha_ == 0.0f) return false;
    const Tensor& a = to_plain(*in[0], ctx.stream);
    const Tensor& b = to_plain(*in[1], ctx.stream);
    const Tensor* c = in[2] ? &to_plain(*in[2], ctx.stream) : nullptr;
    if (a.rank() < 2 || b.rank() < 2 || (gemm_ && (a.rank() != 2 || b.rank() != 2))) return false;
    const int64_t k = a.dim(-1);
    const int64_t kb = trans_b_ ? b.dim(1) : b.dim(-2), n = trans_b_ ? b.dim(0) : b.dim(-1);
    if (k != kb || k <= 0 || n <= 0 || a.numel() == 0) return false;
    if (!f_.w_scale.empty() && f_.w_scale.size() != 1 && static_cast<int64_t>(f_.w_scale.size()) != n) return false;

    // A 2-D weight multiplies the rows of A flattened to [rows, K]; otherwise numpy-broadcast
    // batches of equal rank.
    dims ad, bd, bstrides, dd;
    Shape out_shape;
    const bool flat = b.rank() == 2;
    if (flat) {
      ad = {a.numel() / k, k};
      bd = {k, n};
      bstrides = trans_b_ ? dims{1, k} : dims{n, 1};
      dd = {ad[0], n};
      out_shape = Shape(a.shape().begin(), a.shape().end() - 1);
      out_shape.push_back(n);
    } else {
      const size_t r = static_cast<size_t>(std::max(a.rank(), b.rank()));
      ad = dims(r - a.rank(), 1);
      bd = dims(r - b.rank(), 1);
      ad.insert(ad.end(), a.shape().begin(), a.shape().end());
      bd.insert(bd.end(), b.shape().begin(), b.shape().end());
      dd.resize(r);
      for (size_t i = 0; i + 2 < r; ++i) {
        if (ad[i] != bd[i] && ad[i] != 1 && bd[i] != 1) return false;
        dd[i] = std::max(ad[i], bd[i]);
      }
      dd[r - 2] = ad[r - 2];
      dd[r - 1] = n;
      bstrides = row_major(bd);
      out_shape = Shape(dd.begin(), dd.end());
    }
    std::vector<float> bias;
    if (c) {
      if (c->numel() != n && c->numel() != 1) return false;
      if (c->dtype() != (f_.bias_int32 ? DType::kInt32 : DType::kFloat32)) return false;
      bias.resize(static_cast<size_t>(n));
      // oneDNN adds the bias before the output scale (alpha, and for INT8 also s_x * s_w), so it
      // is passed divided by that scale; an int32 bias already is in s_x * s_w units.
      const float beta = gemm_ ? beta_ : 1.0f;
      for (int64_t j = 0; j < n; ++j) {
        const int64_t src = c->numel() == 1 ? 0 : j;
        float v = beta / alpha_;
        if (f_.bias_int32) {
          v *= static_cast<float>(c->data<int32_t>()[src]);
        } else {
          v *= c->data<float>()[src];
          if (f_.int8) v /= f_.qin.scale * f_.w_scale[f_.w_scale.size() > 1 ? j : 0];
        }
        bias[static_cast<size_t>(j)] = v;
      }
    }
    const md_t b_plain(bd, to_dnnl(b.dtype()), bstrides);
    dims bias_d(dd.size(), 1);
    bias_d.back() = n;
    dnnl::memory amem(md_t(ad, to_dnnl(a.dtype()), row_major(ad)), cpu_engine(), const_cast<void*>(a.raw()));
    auto prim = prims_.get({md_t(ad, to_dnnl(a.dtype()), row_major(ad)), b_plain}, [&]() -> std::shared_ptr<Prim> {
      try {
        if (!flat || f_.int8 || ad[0] * k * n < (int64_t{1} << 22)) {
          return create(ad, b_plain, flat, c != nullptr, bias_d, dd, tag::any);
        }
        return fastest_layout(ad, b, b_plain, c != nullptr, bias_d, dd, amem, ctx.stream);
      } catch (const dnnl::error&) {
        return nullptr;
      }
    });
    if (!prim) return false;
    dnnl::memory bmem = flat ? prepare(b, b_plain, prim->pd.weights_desc(), ctx.stream)
                             : dnnl::memory(b_plain, cpu_engine(), const_cast<void*>(b.raw()));
    Tensor y = Tensor::uninitialized(f_.has_qout ? f_.qout.dtype : DType::kFloat32, out_shape);
    dnnl::memory ymem(prim->pd.dst_desc(), cpu_engine(), y.raw());
    std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, amem}, {DNNL_ARG_WEIGHTS, bmem}, {DNNL_ARG_DST, ymem}};
    if (c) args[DNNL_ARG_BIAS] = dnnl::memory(md_t(bias_d, dt::f32, row_major(bias_d)), cpu_engine(), bias.data());
    prim->prim.execute(ctx.stream, args);
    out[0] = Value::of(std::move(y));
    return true;
  }

 private:
  struct Prim {
    dnnl::matmul::primitive_desc pd;
    dnnl::matmul prim;
  };

  // oneDNN 2.6's sgemm speed depends on the weight layout by shape, and "any" does not always
  // pick the faster one (ViT-B/16's 197x768 @ 768x3072: 12.3 ms with [K,N] rows, 6.2 ms with
  // [N,K]): time both once on the real inputs and keep the faster, dropping the other's weights.
  std::shared_ptr<Prim> fastest_layout(const dims& ad, const Tensor& b, const md_t& b_plain, bool bias,
                                       const dims& bias_d, const dims& dd, const dnnl::memory& amem,
                                       dnnl::stream& s) const {
    std::shared_ptr<Prim> best;
    double best_ms = 0;
    std::vector<float> zeros(static_cast<size_t>(dd.back()), 0.0f);
    std::shared_ptr<void> owner;
    dnnl::memory y = new_memory(md_t(dd, dt::f32, row_major(dd)), owner);
    for (tag t : {tag::ab, tag::ba}) {
      auto p = create(ad, b_plain, true, bias, bias_d, dd, t);
      dnnl::memory w = prepare(b, b_plain, p->pd.weights_desc(), s);
      std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, amem}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, y}};
      if (bias) args[DNNL_ARG_BIAS] = dnnl::memory(md_t(bias_d, dt::f32, row_major(bias_d)), cpu_engine(), zeros.data());
      p->prim.execute(s, args);  // warm-up
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; i < 2; ++i) p->prim.execute(s, args);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!best || ms < best_ms) {
        if (best) forget(best->pd.weights_desc());
        best = p;
        best_ms = ms;
      } else {
        forget(p->pd.weights_desc());
      }
    }
    return best;
  }

  void forget(const md_t& md) const {
    std::lock_guard<std::mutex> lock(wmu_);
    if (!weights_) return;
    auto& v = weights_->by_md;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& e) { return e.first == md; }), v.end());
  }

  std::shared_ptr<Prim> create(const dims& ad, const md_t& b_plain, bool flat, bool bias, const dims& bias_d,
                               const dims& dd, tag weights_tag) const {
    const dt a_t = f_.int8 ? to_dnnl(f_.qin.dtype) : dt::f32;
    const dt d_t = f_.has_qout ? to_dnnl(f_.qout.dtype) : dt::f32;
    md_t a_md(ad, a_t, row_major(ad)), d_md(dd, d_t, row_major(dd));
    // Constant 2-D weights may take the layout the kernel prefers (reordered once).
    md_t b_md = flat ? md_t(b_plain.dims(), b_plain.data_type(), weights_tag) : b_plain;
    dnnl::primitive_attr attr;
    dnnl::post_ops po;
    const float out_unit = f_.has_qout ? 1.0f / f_.qout.scale : 1.0f;
    append_eltwise_post_ops(po, f_.post, out_unit);
    attr.set_post_ops(po);
    if (f_.int8) {
      std::vector<float> scales;
      for (float sw : f_.w_scale) scales.push_back(f_.qin.scale * sw * alpha_ * out_unit);
      attr.set_output_scales(scales.size() > 1 ? 1 << (dd.size() - 1) : 0, scales);
      if (f_.qin.zero_point != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {f_.qin.zero_point});
      if (f_.has_qout && f_.qout.zero_point != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {f_.qout.zero_point});
    } else if (alpha_ != 1.0f) {
      attr.set_output_scales(0, {alpha_});
    }
    auto desc = bias ? dnnl::matmul::desc(a_md, b_md, md_t(bias_d, dt::f32, row_major(bias_d)), d_md)
                     : dnnl::matmul::desc(a_md, b_md, d_md);
    auto p = std::make_shared<Prim>();
    p->pd = dnnl::matmul::primitive_desc(desc, attr, cpu_engine());
    p->prim = dnnl::matmul(p->pd);
    return p;
  }

  dnnl::memory prepare(const Tensor& b, const md_t& plain, const md_t& want, dnnl::stream& s) const {
    std::lock_guard<std::mutex> lock(wmu_);
    if (!is_planned_constant(f_.cache, 1, &b) || !weights_ || weights_->source_w.raw() != b.raw()) {
      weights_ = std::make_shared<PreparedWeights>();
      weights_->source_w = b;
      weights_->data = b;
    }
    return weights_->in_layout(want, plain, s);
  }

  Node node_;
  bool gemm_;
  MatMulFusion f_;
  float alpha_ = 1.0f, beta_ = 1.0f;
  bool trans_a_ = false, trans_b_ = false;
  ShapeCache<Prim> prims_;
  mutable std::mutex wmu_;
  mutable std::shared_ptr<PreparedWeights> weights_;
};

}  // namespace

std::unique_ptr<FastOp> make_gemm(const Node& node, MatMulFusion f) {
  return std::make_unique<MatMulOp>(node, true, std::move(f));
}

std::unique_ptr<FastOp> make_matmul(const Node& node, MatMulFusion f) {
  return std::make_unique<MatMulOp>(node, false, std::move(f));
}

}  // namespace qwb::fast
