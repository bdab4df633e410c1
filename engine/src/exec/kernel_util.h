// Helpers shared by kernels: dtype dispatch, broadcasting, axis handling, parallel loops.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "exec/kernel.h"

namespace qwb {

// Normalises a possibly negative axis against `rank`; error names the node.
Result<int> normalize_axis(int64_t axis, int rank, const Node& node);

// Numpy-style broadcast of shapes; error names the node and both shapes.
Result<Shape> broadcast_shapes(const std::vector<Shape>& shapes, const Node& node);

// Strides (in elements) of `in` viewed as broadcast to `out` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);

// Row-major strides of a shape.
std::vector<int64_t> contiguous_strides(const Shape& s);

// Calls fn(begin, end) on chunks of [0, n) over up to `threads` threads (OpenMP).
// Runs inline when the work is small (n * cost_per_item < ~32k).
void parallel_for(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn,
                  int64_t cost_per_item = 1);

// Status for a dtype a kernel does not handle.
Status unsupported_dtype(const Node& node, DType dt, const std::string& what = "input");

}  // namespace qwb

// Dispatch on a runtime DType to a templated body; `T` names the C++ element type inside.
// Unlisted dtypes fall through to `default:` handled by the caller after the macro.
#define QWB_CASE_(DT, TYPE, ...) \
  case ::qwb::DType::DT: {       \
    using T = TYPE;              \
    __VA_ARGS__;                 \
    break;                       \
  }
// Case lists, combined by the dispatch macros below (and by kernel families' own dispatchers).
#define QWB_FLOAT_CASES_(...)                                   \
    QWB_CASE_(kFloat32, float, __VA_ARGS__)                     \
    QWB_CASE_(kFloat64, double, __VA_ARGS__)
#define QWB_INT_CASES_(...)                                     \
    QWB_CASE_(kInt8, int8_t, __VA_ARGS__)                       \
    QWB_CASE_(kUInt8, uint8_t, __VA_ARGS__)                     \
    QWB_CASE_(kInt16, int16_t, __VA_ARGS__)                     \
    QWB_CASE_(kUInt16, uint16_t, __VA_ARGS__)                   \
    QWB_CASE_(kInt32, int32_t, __VA_ARGS__)                     \
    QWB_CASE_(kUInt32, uint32_t, __VA_ARGS__)                   \
    QWB_CASE_(kInt64, int64_t, __VA_ARGS__)                     \
    QWB_CASE_(kUInt64, uint64_t, __VA_ARGS__)
#define QWB_DISPATCH_FLOAT(dtype, ...)                          \
  switch (dtype) {                                              \
    QWB_FLOAT_CASES_(__VA_ARGS__)                               \
    default: break;                                             \
  }
#define QWB_DISPATCH_INT(dtype, ...)                            \
  switch (dtype) {                                              \
    QWB_INT_CASES_(__VA_ARGS__)                                 \
    default: break;                                             \
  }
#define QWB_DISPATCH_NUMERIC(dtype, ...)                        \
  switch (dtype) {                                              \
    QWB_FLOAT_CASES_(__VA_ARGS__)                               \
    QWB_INT_CASES_(__VA_ARGS__)                                 \
    default: break;                                             \
  }
// Any storable element type, by element size only (data movement ops: Transpose, Gather, ...).
// Inside, T is an unsigned integer of the element's width.
#define QWB_DISPATCH_BYTES(dtype, ...)                          \
  switch (::qwb::dtype_size(dtype)) {                           \
    case 1: { using T = uint8_t; __VA_ARGS__; break; }          \
    case 2: { using T = uint16_t; __VA_ARGS__; break; }         \
    case 4: { using T = uint32_t; __VA_ARGS__; break; }         \
    case 8: { using T = uint64_t; __VA_ARGS__; break; }         \
    default: break;                                             \
  }
