#include "exec/kernels/shape/shape_util.h"

#include <algorithm>
#include <cstring>

namespace qwb::shape_detail {

namespace {

struct Dim {
  int64_t n, ss, ds;  // size, source stride, destination stride
};

// Source/destination offsets of the `row`-th index over the dimensions listed in `outer`.
void unravel(int64_t row, const std::vector<Dim>& dims, const std::vector<int>& outer, int64_t& so,
             int64_t& dof) {
  so = 0;
  dof = 0;
  for (int k = static_cast<int>(outer.size()) - 1; k >= 0; --k) {
    const Dim& d = dims[static_cast<size_t>(outer[static_cast<size_t>(k)])];
    int64_t i = row % d.n;
    row /= d.n;
    so += i * d.ss;
    dof += i * d.ds;
  }
}

template <typename T>
void copy_typed(const T* src, T* dst, const std::vector<Dim>& dims, int threads) {
  const int r = static_cast<int>(dims.size());
  if (r == 0) {
    dst[0] = src[0];
    return;
  }
  const Dim last = dims.back();
  // The destination runs along the last dim but the source along another one (a transpose):
  // copy in square tiles so both sides stay in cache.
  int tj = -1;
  if (last.ds == 1 && last.ss != 1) {
    for (int k = 0; k < r - 1; ++k)
      if (dims[static_cast<size_t>(k)].ss == 1) tj = k;
  }
  if (tj >= 0) {
    constexpr int64_t kTile = 32;
    std::vector<int> outer;
    int64_t nouter = 1;
    for (int k = 0; k < r - 1; ++k) {
      if (k == tj) continue;
      outer.push_back(k);
      nouter *= dims[static_cast<size_t>(k)].n;
    }
    const Dim a = dims[static_cast<size_t>(tj)];
    const int64_t ntiles = (a.n + kTile - 1) / kTile;
    parallel_for(nouter * ntiles, threads, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        int64_t so, dof;
        unravel(t / ntiles, dims, outer, so, dof);
        const int64_t ia0 = (t % ntiles) * kTile, ia1 = std::min(a.n, ia0 + kTile);
        for (int64_t il0 = 0; il0 < last.n; il0 += kTile) {
          const int64_t il1 = std::min(last.n, il0 + kTile);
          for (int64_t ia = ia0; ia < ia1; ++ia) {
            const T* s = src + so + ia;  // a.ss == 1
            T* d = dst + dof + ia * a.ds;
            for (int64_t il = il0; il < il1; ++il) d[il] = s[il * last.ss];
          }
        }
      }
    }, kTile * last.n);
    return;
  }
  std::vector<int> outer(static_cast<size_t>(r - 1));
  for (int k = 0; k < r - 1; ++k) outer[static_cast<size_t>(k)] = k;
  int64_t rows = 1;
  for (int k = 0; k < r - 1; ++k) rows *= dims[static_cast<size_t>(k)].n;
  const bool contiguous = last.ss == 1 && last.ds == 1;
  parallel_for(rows, threads, [&](int64_t b, int64_t e) {
    for (int64_t row = b; row < e; ++row) {
      int64_t so, dof;
      unravel(row, dims, outer, so, dof);
      if (contiguous) {
        std::memcpy(dst + dof, src + so, static_cast<size_t>(last.n) * sizeof(T));
      } else {
        for (int64_t i = 0; i < last.n; ++i) dst[dof + i * last.ds] = src[so + i * last.ss];
      }
    }
  }, last.n);
}

}  // namespace

void copy_strided(size_t elem_size, const void* src, std::vector<int64_t> src_strides, void* dst,
                  std::vector<int64_t> dst_strides, Shape shape, int threads) {
  // Drop size-1 dims and merge neighbours that are contiguous with each other on both sides.
  std::vector<Dim> dims;
  for (size_t k = 0; k < shape.size(); ++k) {
    const int64_t n = shape[k], ss = src_strides[k], ds = dst_strides[k];
    if (n == 0) return;
    if (n == 1) continue;
    if (!dims.empty() && dims.back().ss == ss * n && dims.back().ds == ds * n) {
      dims.back() = {dims.back().n * n, ss, ds};
    } else {
      dims.push_back({n, ss, ds});
    }
  }
  switch (elem_size) {
    case 1: copy_typed(static_cast<const uint8_t*>(src), static_cast<uint8_t*>(dst), dims, threads); break;
    case 2: copy_typed(static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst), dims, threads); break;
    case 4: copy_typed(static_cast<const uint32_t*>(src), static_cast<uint32_t*>(dst), dims, threads); break;
    case 8: copy_typed(static_cast<const uint64_t*>(src), static_cast<uint64_t*>(dst), dims, threads); break;
    default: assert(false && "copy_strided: unsupported element size");
  }
}

Tensor permute(const Tensor& in, const Shape& view, const std::vector<int64_t>& perm, int threads) {
  const auto strides = contiguous_strides(view);
  Shape out_shape(perm.size());
  std::vector<int64_t> src_strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    out_shape[i] = view[static_cast<size_t>(perm[i])];
    src_strides[i] = strides[static_cast<size_t>(perm[i])];
  }
  Tensor out(in.dtype(), out_shape);
  copy_strided(dtype_size(in.dtype()), in.raw(), src_strides, out.raw(), contiguous_strides(out_shape),
               out_shape, threads);
  return out;
}

Tensor broadcast_to(const Tensor& in, const Shape& shape, int threads) {
  Tensor out(in.dtype(), shape);
  copy_strided(dtype_size(in.dtype()), in.raw(), broadcast_strides(in.shape(), shape), out.raw(),
               contiguous_strides(shape), shape, threads);
  return out;
}

void fill_elements(void* dst, const void* value, size_t elem_size, int64_t n) {
  auto fill = [&](auto tag) {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, value, sizeof(T));
    std::fill_n(static_cast<T*>(dst), n, v);
  };
  switch (elem_size) {
    case 1: fill(uint8_t{}); break;
    case 2: fill(uint16_t{}); break;
    case 4: fill(uint32_t{}); break;
    case 8: fill(uint64_t{}); break;
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(static_cast<char*>(dst) + i * elem_size, value, elem_size);
  }
}

std::vector<int64_t> read_int64s(const Tensor& t) {
  if (t.dtype() == DType::kInt64) {
    const int64_t* p = t.data<int64_t>();
    return std::vector<int64_t>(p, p + t.numel());
  }
  if (t.dtype() == DType::kInt32) {
    const int32_t* p = t.data<int32_t>();
    return std::vector<int64_t>(p, p + t.numel());
  }
  return t.to_int64_vector();
}

Status wrap_index(int64_t& idx, int64_t dim, const Node& node, const char* what) {
  const int64_t orig = idx;
  if (idx < 0) idx += dim;
  if (idx < 0 || idx >= dim) {
    return invalid_argument(node.describe() + ": " + what + " " + std::to_string(orig) +
                            " is out of range for a dimension of size " + std::to_string(dim));
  }
  return Status::ok();
}

}  // namespace qwb::shape_detail
