// MatMul (numpy semantics), Gemm and MatMulInteger, all on nn::gemm (nn_util.h).
#include "exec/kernels/nn/nn_util.h"

#include <memory>
#include <vector>

namespace qwb {
namespace {

// numpy.matmul: 1-D operands are promoted to a row (a) / column (b) and the promoted dim is
// dropped from the result; leading (batch) dims broadcast.
template <typename T>
Result<Tensor> matmul(const Tensor& a, const Tensor& b, int threads, const Node& node) {
  if (a.rank() == 0 || b.rank() == 0) {
    return invalid_argument(node.describe() + ": MatMul inputs must have rank >= 1, got " +
                            shape_str(a.shape()) + " and " + shape_str(b.shape()));
  }
  const bool a_vec = a.rank() == 1, b_vec = b.rank() == 1;
  const Shape as = a_vec ? Shape{1, a.dim(0)} : a.shape();
  const Shape bs = b_vec ? Shape{b.dim(0), 1} : b.shape();
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != k) {
    return invalid_argument(node.describe() + ": MatMul shapes " + shape_str(a.shape()) + " and " +
                            shape_str(b.shape()) + " do not match");
  }
  const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
  QWB_ASSIGN_OR_RETURN(Shape batch, broadcast_shapes({a_batch, b_batch}, node));
  Shape out_shape = batch;
  if (!a_vec) out_shape.push_back(m);
  if (!b_vec) out_shape.push_back(n);
  Tensor y(a.dtype(), out_shape);
  const T* ap = a.data<T>();
  const T* bp = b.data<T>();
  T* yp = y.data<T>();
  const int64_t nb = shape_numel(batch);

  if (shape_numel(b_batch) == 1 && shape_numel(a_batch) == nb) {
    // Shared right operand (weights): fold the batch into the rows, one large GEMM.
    nn::gemm(ap, bp, yp, nb * m, n, k, false, false, T(1), false, threads);
    return y;
  }
  // Matrix offsets of every batch entry under broadcasting.
  const auto a_st = broadcast_strides(a_batch, batch), b_st = broadcast_strides(b_batch, batch);
  const auto out_st = contiguous_strides(batch);
  nn::for_each_product(nb, m * n * k, threads, [&](int64_t i, int product_threads) {
    int64_t ao = 0, bo = 0, rem = i;
    for (size_t d = 0; d < batch.size(); ++d) {
      const int64_t idx = rem / out_st[d];
      rem %= out_st[d];
      ao += idx * a_st[d];
      bo += idx * b_st[d];
    }
    nn::gemm(ap + ao * m * k, bp + bo * k * n, yp + i * m * n, m, n, k, false, false, T(1), false,
             product_threads);
  });
  return y;
}

Status set_output(KernelContext& ctx, Result<Tensor> y) {
  if (!y) return y.status();
  ctx.output(0) = std::move(*y);
  return Status::ok();
}

class MatMulKernel final : public Kernel {
 public:
  explicit MatMulKernel(const Node& node) : node_(node) {}

  Status compute(KernelContext& ctx) const override {
    if (ctx.input(1).dtype() != ctx.input(0).dtype()) {
      return invalid_argument(node_.describe() + ": A and B must have the same dtype");
    }
    return nn::dispatch_typed<true>(ctx, node_, [this](auto t, KernelContext& c) {
      return set_output(c, matmul<decltype(t)>(c.input(0), c.input(1), c.threads, node_));
    });
  }

 private:
  Node node_;
};

// Gemm: Y = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N]. The pre-7 `broadcast`
// attribute only allowed a subset of what unidirectional broadcasting accepts, so it is ignored.
class GemmKernel final : public Kernel {
 public:
  explicit GemmKernel(const Node& node)
      : node_(node),
        alpha_(node.attrs.get_float("alpha", 1.0f)),
        beta_(node.attrs.get_float("beta", 1.0f)),
        trans_a_(node.attrs.get_int("transA", 0) != 0),
        trans_b_(node.attrs.get_int("transB", 0) != 0) {}

  Status compute(KernelContext& ctx) const override {
    return nn::dispatch_typed<true>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& a = ctx.input(0);
    const Tensor& b = ctx.input(1);
    const Tensor* c = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (a.rank() != 2 || b.rank() != 2 || b.dtype() != a.dtype() || (c && c->dtype() != a.dtype())) {
      return invalid_argument(node_.describe() + ": A " + shape_str(a.shape()) + " and B " +
                              shape_str(b.shape()) + " must be matrices of one dtype");
    }
    const int64_t m = trans_a_ ? a.dim(1) : a.dim(0), k = trans_a_ ? a.dim(0) : a.dim(1);
    const int64_t n = trans_b_ ? b.dim(0) : b.dim(1);
    if ((trans_b_ ? b.dim(1) : b.dim(0)) != k) {
      return invalid_argument(node_.describe() + ": op(A) " + shape_str({m, k}) + " and B " +
                              shape_str(b.shape()) + " (transB=" + std::to_string(trans_b_) + ") do not match");
    }
    Tensor y(a.dtype(), {m, n});
    T* yp = y.data<T>();
    const bool use_c = c != nullptr && beta_ != 0.0f;
    if (use_c) {
      const Shape& cs = c->shape();
      bool ok = cs.size() <= 2;
      for (size_t i = 0; ok && i < cs.size(); ++i) {
        const int64_t target = (cs.size() == 2 && i == 0) ? m : n;
        ok = cs[i] == target || cs[i] == 1;
      }
      if (!ok) {
        return invalid_argument(node_.describe() + ": C " + shape_str(cs) + " cannot be broadcast to " +
                                shape_str({m, n}));
      }
      const auto st = broadcast_strides(cs, {m, n});
      const T* cp = c->data<T>();
      const T beta = static_cast<T>(beta_);
      for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) yp[i * n + j] = beta * cp[i * st[0] + j * st[1]];
      }
    }
    nn::gemm(a.data<T>(), b.data<T>(), yp, m, n, k, trans_a_, trans_b_, static_cast<T>(alpha_), use_c,
             ctx.threads);
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

  Node node_;
  float alpha_, beta_;
  bool trans_a_, trans_b_;
};

// MatMulInteger: int32 product of (A - a_zero_point) and (B - b_zero_point) for 8-bit inputs.
// Zero points are scalars, per row of A / per column of B (1-D), or broadcastable N-D tensors.
class MatMulIntegerKernel final : public Kernel {
 public:
  explicit MatMulIntegerKernel(const Node& node) : node_(node) {}

  Status compute(KernelContext& ctx) const override {
    QWB_ASSIGN_OR_RETURN(Tensor a, widen(ctx.input(0), ctx.has_input(2) ? &ctx.input(2) : nullptr, true));
    QWB_ASSIGN_OR_RETURN(Tensor b, widen(ctx.input(1), ctx.has_input(3) ? &ctx.input(3) : nullptr, false));
    return set_output(ctx, matmul<int32_t>(a, b, ctx.threads, node_));
  }

 private:
  // x - zero_point as int32. `rows` selects A's per-row (dim -2) meaning of a 1-D zero point,
  // otherwise B's per-column (dim -1).
  Result<Tensor> widen(const Tensor& x, const Tensor* zp, bool rows) const {
    const DType dt = x.dtype();
    if (dt != DType::kInt8 && dt != DType::kUInt8) return unsupported_dtype(node_, dt);
    if (zp && zp->dtype() != dt) {
      return invalid_argument(node_.describe() + ": zero point dtype must match its input");
    }
    Tensor out(DType::kInt32, x.shape());
    int32_t* op = out.data<int32_t>();
    const int64_t total = x.numel();
    auto load = [&](const Tensor& t, int64_t i) -> int32_t {
      return dt == DType::kInt8 ? t.data<int8_t>()[i] : t.data<uint8_t>()[i];
    };
    for (int64_t i = 0; i < total; ++i) op[i] = load(x, i);
    if (!zp || zp->numel() == 0) return out;
    if (zp->numel() == 1) {
      const int32_t z = load(*zp, 0);
      for (int64_t i = 0; i < total; ++i) op[i] -= z;
      return out;
    }
    const int dim = rows ? x.rank() - 2 : x.rank() - 1;
    if (zp->rank() == 1 && dim >= 0 && zp->dim(0) == x.dim(dim)) {
      const auto st = contiguous_strides(x.shape());
      for (int64_t i = 0; i < total; ++i) op[i] -= load(*zp, (i / st[static_cast<size_t>(dim)]) % x.dim(dim));
      return out;
    }
    QWB_ASSIGN_OR_RETURN(Shape bshape, broadcast_shapes({x.shape(), zp->shape()}, node_));
    if (bshape != x.shape()) {
      return invalid_argument(node_.describe() + ": zero point " + shape_str(zp->shape()) +
                              " does not fit input " + shape_str(x.shape()));
    }
    const auto zst = broadcast_strides(zp->shape(), x.shape());
    const auto xst = contiguous_strides(x.shape());
    for (int64_t i = 0; i < total; ++i) {
      int64_t zi = 0, rem = i;
      for (size_t d = 0; d < xst.size(); ++d) {
        zi += (rem / xst[d]) * zst[d];
        rem %= xst[d];
      }
      op[i] -= load(*zp, zi);
    }
    return out;
  }

  Node node_;
};

}  // namespace

void register_matmul_kernels(KernelRegistry& r) {
  // MatMul-9/13 and Gemm-9/11/13 add dtypes and make C optional; one kernel each covers them.
  r.add("MatMul", 1, kMaxOpset, make_kernel<MatMulKernel>);
  r.add("Gemm", 1, kMaxOpset, make_kernel<GemmKernel>);
  r.add("MatMulInteger", 10, kMaxOpset, make_kernel<MatMulIntegerKernel>);
  register_einsum_kernels(r);
}

}  // namespace qwb
