// Helpers shared by the reduction-like kernels (reductions, normalizations, softmax, resize):
// running a float32 kernel body on float16/bfloat16 tensors, and offset tables for reducing a
// row-major tensor over an arbitrary set of axes.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb {

inline bool is_half_dtype(DType t) { return t == DType::kFloat16 || t == DType::kBFloat16; }

// Runs `fn(KernelContext&)` on a copy of `ctx` whose float16/bfloat16 inputs are converted to
// float32, then converts the float32 outputs back to `half` (the node's half type). Outputs whose
// bit is set in `keep_float32_outputs` stay float32 (e.g. LayerNormalization's stash-type Mean).
template <typename Fn>
Status run_half_as_float(KernelContext& ctx, DType half, Fn&& fn, uint32_t keep_float32_outputs = 0) {
  KernelContext c;
  c.threads = ctx.threads;
  c.node = ctx.node;
  c.outputs.resize(ctx.outputs.size());
  std::vector<Tensor> converted(ctx.inputs.size());
  c.inputs = ctx.inputs;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    if (ctx.inputs[i] && is_half_dtype(ctx.inputs[i]->dtype())) {
      converted[i] = ctx.inputs[i]->cast(DType::kFloat32);
      c.inputs[i] = &converted[i];
    }
  }
  QWB_RETURN_IF_ERROR(fn(c));
  for (size_t i = 0; i < c.outputs.size(); ++i) {
    Tensor& t = c.outputs[i];
    bool keep = i < 32 && ((keep_float32_outputs >> i) & 1u);
    ctx.outputs[i] = (t.defined() && t.dtype() == DType::kFloat32 && !keep) ? t.cast(half) : std::move(t);
  }
  return Status::ok();
}

// Offsets for reducing a row-major tensor over the axes where `reduced[d]` is true: the r-th
// reduced element of output o lives at outer[o] + inner[r]. Outputs enumerate the kept dims in
// row-major order, so they match the reduced shape with keepdims.
struct ReducePlan {
  std::vector<int64_t> outer;
  std::vector<int64_t> inner;
};

inline ReducePlan make_reduce_plan(const Shape& shape, const std::vector<bool>& reduced) {
  auto strides = contiguous_strides(shape);
  // All offsets reachable by the dims selected by `want` (row-major order over those dims).
  auto offsets = [&](bool want) {
    std::vector<int64_t> offs{0};
    for (size_t d = 0; d < shape.size(); ++d) {
      if (reduced[d] != want) continue;
      std::vector<int64_t> next;
      next.reserve(offs.size() * static_cast<size_t>(shape[d]));
      for (int64_t base : offs)
        for (int64_t i = 0; i < shape[d]; ++i) next.push_back(base + i * strides[d]);
      offs = std::move(next);
    }
    return offs;
  };
  return {offsets(false), offsets(true)};
}

// Product of dims [begin, end).
inline int64_t dims_product(const Shape& s, int begin, int end) {
  int64_t n = 1;
  for (int i = begin; i < end; ++i) n *= s[i];
  return n;
}

}  // namespace qwb
