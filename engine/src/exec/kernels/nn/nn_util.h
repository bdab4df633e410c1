// Helpers shared by the nn kernels (Conv, ConvTranspose, MatMul, Gemm, Einsum, pooling): an
// Eigen GEMM on raw row-major buffers and the float32 fallback for half-precision inputs.
//
//   nn::gemm(a, b, c, m, n, k, /*trans_a=*/false, /*trans_b=*/true);   // c = a * b^T
//   if (nn::is_half(x.dtype())) return nn::compute_in_float(ctx, [this](KernelContext& c) { return compute(c); });
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <utility>
#include <vector>

#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb {

// Op families that live in their own files but register through the stubs in conv.cpp and
// matmul.cpp.
void register_conv_transpose_kernels(KernelRegistry& r);  // nn/conv_transpose.cpp
void register_einsum_kernels(KernelRegistry& r);          // nn/einsum.cpp

namespace nn {

namespace detail {
template <typename L, typename R, typename C, typename T>
void product_into(const L& l, const R& r, C&& c, T alpha, bool accumulate) {
  if (accumulate) {
    c.noalias() += alpha * (l * r);
  } else if (alpha == T(1)) {
    c.noalias() = l * r;
  } else {
    c.noalias() = alpha * (l * r);
  }
}
}  // namespace detail

// c[m, n] (+)= alpha * op(a) * op(b) on dense row-major buffers; op(a) is [m, k] (a is stored
// [k, m] when trans_a), op(b) is [k, n] (stored [n, k] when trans_b). `accumulate` adds to c
// instead of overwriting it. Eigen parallelises large products itself (the session sets its
// thread count) and stays single-threaded when called inside a parallel_for worker.
template <typename T>
void gemm(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, bool trans_a = false,
          bool trans_b = false, T alpha = T(1), bool accumulate = false) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using CMap = Eigen::Map<const Mat>;
  Eigen::Map<Mat> cm(c, m, n);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (!accumulate) cm.setZero();
    return;
  }
  CMap am(a, trans_a ? k : m, trans_a ? m : k);
  CMap bm(b, trans_b ? n : k, trans_b ? k : n);
  if (!trans_a && !trans_b) detail::product_into(am, bm, cm, alpha, accumulate);
  if (!trans_a && trans_b) detail::product_into(am, bm.transpose(), cm, alpha, accumulate);
  if (trans_a && !trans_b) detail::product_into(am.transpose(), bm, cm, alpha, accumulate);
  if (trans_a && trans_b) detail::product_into(am.transpose(), bm.transpose(), cm, alpha, accumulate);
}

inline bool is_half(DType t) { return t == DType::kFloat16 || t == DType::kBFloat16; }

// Half-precision support by widening: runs `body` with float32 copies of the float16/bfloat16
// inputs and narrows its float32 outputs back (other outputs, e.g. int64 indices, pass through).
// Max-type ops are exact this way; sums round once at the end instead of per step.
template <typename Body>
Status compute_in_float(KernelContext& ctx, Body&& body) {
  DType half = DType::kUndefined;
  KernelContext wide = ctx;
  std::vector<Tensor> copies(static_cast<size_t>(ctx.num_inputs()));
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i) || !is_half(ctx.input(i).dtype())) continue;
    half = ctx.input(i).dtype();
    copies[static_cast<size_t>(i)] = ctx.input(i).cast(DType::kFloat32);
    wide.inputs[static_cast<size_t>(i)] = &copies[static_cast<size_t>(i)];
  }
  QWB_RETURN_IF_ERROR(body(wide));
  for (int o = 0; o < ctx.num_outputs(); ++o) {
    Tensor& t = wide.outputs[static_cast<size_t>(o)];
    ctx.output(o) = (t.defined() && t.dtype() == DType::kFloat32 && half != DType::kUndefined)
                        ? t.cast(half)
                        : std::move(t);
  }
  return Status::ok();
}

}  // namespace nn
}  // namespace qwb
