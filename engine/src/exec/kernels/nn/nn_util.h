// Helpers shared by the nn kernels (Conv, ConvTranspose, MatMul, Gemm, Einsum, pooling): a
// GEMM on raw row-major buffers (Eigen, in gemm.cpp) and the float32 fallback for half-precision
// inputs.
//
//   nn::gemm(a, b, c, m, n, k, /*trans_a=*/false, /*trans_b=*/true);   // c = a * b^T, 1 thread
//   return nn::dispatch_typed<false>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
#pragma once

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

// c[m, n] (+)= alpha * op(a) * op(b) on dense row-major buffers; op(a) is [m, k] (a is stored
// [k, m] when trans_a), op(b) is [k, n] (stored [n, k] when trans_b). `accumulate` adds to c
// instead of overwriting it. Large products are split into `threads` independent column (or
// row) blocks, each an Eigen product; called from inside a parallel_for worker it runs serially.
// Instantiated in gemm.cpp (the one file that compiles Eigen's GEMM) for float, double, int32,
// int64, uint32 and uint64.
template <typename T>
void gemm(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, bool trans_a = false,
          bool trans_b = false, T alpha = T(1), bool accumulate = false, int threads = 1);

// Runs nb independent products, product(i, threads) computing the i-th with `threads` threads:
// with many products (attention heads) one thread per product, otherwise each one split.
template <typename Product>
void for_each_product(int64_t nb, int64_t macs_each, int threads, Product&& product) {
  if (threads > 1 && nb >= threads) {
    parallel_for(nb, threads, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) product(i, 1);
    }, macs_each);
  } else {
    for (int64_t i = 0; i < nb; ++i) product(i, threads);
  }
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

// Dispatch over the element types nn::gemm is instantiated for (half types go through float32).
#define QWB_DISPATCH_GEMM(dtype, ...)          \
  switch (dtype) {                             \
    QWB_FLOAT_CASES_(__VA_ARGS__)              \
    QWB_CASE_(kInt32, int32_t, __VA_ARGS__)    \
    QWB_CASE_(kInt64, int64_t, __VA_ARGS__)    \
    QWB_CASE_(kUInt32, uint32_t, __VA_ARGS__)  \
    QWB_CASE_(kUInt64, uint64_t, __VA_ARGS__)  \
    default: break;                            \
  }

namespace qwb::nn {

// Runs fn(T{}, ctx) for input 0's element type T: float32/float64, plus the GEMM integer types
// when kWithInts. float16/bfloat16 run in float32 through compute_in_float.
template <bool kWithInts, typename Fn>
Status dispatch_typed(KernelContext& ctx, const Node& node, Fn&& fn) {
  const DType dt = ctx.input(0).dtype();
  if (is_half(dt)) {
    return compute_in_float(ctx, [&](KernelContext& c) { return dispatch_typed<kWithInts>(c, node, fn); });
  }
  Status st = unsupported_dtype(node, dt);
  if constexpr (kWithInts) {
    QWB_DISPATCH_GEMM(dt, st = fn(T{}, ctx));
  } else {
    QWB_DISPATCH_FLOAT(dt, st = fn(T{}, ctx));
  }
  return st;
}

}  // namespace qwb::nn
