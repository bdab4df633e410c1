// Private helpers of the shape kernels (shape_ops.cpp, gather.cpp, slice_concat.cpp): strided
// copies (the core of Transpose, Slice, Expand, Tile, DepthToSpace), index reading, and
// arithmetic on element types that have no native C++ arithmetic (float16, bfloat16).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "exec/kernel_util.h"

namespace qwb::shape_detail {

// dst[sum i_k * dst_strides[k]] = src[sum i_k * src_strides[k]] for every index i of `shape`
// (strides in elements of `elem_size` bytes; a 0 source stride broadcasts). Adjacent dimensions
// that stay contiguous are merged first; contiguous rows are memcpy'd and 2-D transposes are
// done in cache-sized tiles, so the common layout changes (NCHW <-> NHWC, head splits) are fast.
void copy_strided(size_t elem_size, const void* src, std::vector<int64_t> src_strides, void* dst,
                  std::vector<int64_t> dst_strides, Shape shape, int threads);

// `in` viewed with shape `view` (same numel), dimensions reordered by `perm`: out dim i is view
// dim perm[i].
Tensor permute(const Tensor& in, const Shape& view, const std::vector<int64_t>& perm, int threads);

// A contiguous tensor of `shape` holding the broadcast of `in` (numpy rules, `shape` already
// validated with broadcast_shapes).
Tensor broadcast_to(const Tensor& in, const Shape& shape, int threads);

// Fills `n` elements of `elem_size` bytes at dst with the element at `value`.
void fill_elements(void* dst, const void* value, size_t elem_size, int64_t n);

// Integer tensor (indices, shapes, axes) as int64 values; fast for int32/int64.
std::vector<int64_t> read_int64s(const Tensor& t);

// Product of s[begin, end) (clipped to the rank): outer/inner sizes around an axis.
inline int64_t prod(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < s.size(); ++i) p *= s[i];
  return p;
}

// Input i as int64 values when given, else the attribute: several ops turned attributes into
// inputs in later opsets (Reshape shape, Squeeze axes, Slice starts, Split split, Pad pads).
inline std::vector<int64_t> input_or_attr(const KernelContext& ctx, int i, const std::vector<int64_t>& attr) {
  return ctx.has_input(i) ? read_int64s(ctx.input(i)) : attr;
}

// Status when `dt` cannot be moved by element size (string and other unstored types).
inline Status check_storable(const Node& node, DType dt, const std::string& what = "input") {
  return dtype_size(dt) == 0 ? unsupported_dtype(node, dt, what) : Status::ok();
}

// Index `idx` into a dimension of size `dim`, negative counting from the end; an error naming
// the node when out of range.
Status wrap_index(int64_t& idx, int64_t dim, const Node& node, const char* what);

// Arithmetic view of an element type: Acc is what the values are computed in.
template <typename T>
struct Arith {
  using Acc = T;
  static Acc load(T v) { return v; }
  static T store(Acc a) { return a; }
};
template <>
struct Arith<Float16> {
  using Acc = float;
  static float load(Float16 v) { return half_to_float(v.bits); }
  static Float16 store(float a) { return Float16{float_to_half(a)}; }
};
template <>
struct Arith<BFloat16> {
  using Acc = float;
  static float load(BFloat16 v) { return bfloat16_to_float(v.bits); }
  static BFloat16 store(float a) { return BFloat16{float_to_bfloat16(a)}; }
};

}  // namespace qwb::shape_detail

// Numeric dtypes including the half types (use shape_detail::Arith<T> to compute on them).
#define QWB_SHAPE_DISPATCH_ARITH(dtype, ...)                    \
  switch (dtype) {                                              \
    QWB_FLOAT_CASES_(__VA_ARGS__)                               \
    QWB_CASE_(kFloat16, ::qwb::Float16, __VA_ARGS__)            \
    QWB_CASE_(kBFloat16, ::qwb::BFloat16, __VA_ARGS__)          \
    QWB_INT_CASES_(__VA_ARGS__)                                 \
    default: break;                                             \
  }
