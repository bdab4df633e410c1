// nn::gemm (declared in nn_util.h): Eigen products on strided row-major views, split into
// independent blocks across threads. Kept in one file so Eigen's GEMM is compiled once.
#include <Eigen/Core>

#include <algorithm>

#include "exec/kernels/nn/nn_util.h"

namespace qwb::nn {
namespace {

// Below this many multiply-adds per thread a split costs more than it saves (Eigen uses the
// same threshold for its own parallel GEMM).
constexpr double kMinWorkPerThread = 50000.0;

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

}  // namespace

template <typename T>
void gemm(const T* a, const T* b, T* c, int64_t m, int64_t n, int64_t k, bool trans_a, bool trans_b,
          T alpha, bool accumulate, int threads) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  using CView = Eigen::Map<const Mat, 0, Stride>;
  using View = Eigen::Map<Mat, 0, Stride>;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) std::fill(c, c + m * n, T(0));
    return;
  }
  // c[r0:r0+nr, c0:c0+nc] from rows r0.. of op(a) and columns c0.. of op(b).
  auto block = [&](int64_t r0, int64_t nr, int64_t c0, int64_t nc) {
    View cb(c + r0 * n + c0, nr, nc, Stride(n));
    const CView al = trans_a ? CView(a + r0, k, nr, Stride(m)) : CView(a + r0 * k, nr, k, Stride(k));
    const CView br = trans_b ? CView(b + c0 * k, nc, k, Stride(k)) : CView(b + c0, k, nc, Stride(n));
    if (!trans_a && !trans_b) product_into(al, br, cb, alpha, accumulate);
    if (!trans_a && trans_b) product_into(al, br.transpose(), cb, alpha, accumulate);
    if (trans_a && !trans_b) product_into(al.transpose(), br, cb, alpha, accumulate);
    if (trans_a && trans_b) product_into(al.transpose(), br.transpose(), cb, alpha, accumulate);
  };
  // Split the larger output dim into one block per thread: no synchronisation inside the
  // product, which keeps threads efficient even on a busy machine.
  const bool by_cols = n >= m;
  const int64_t extent = by_cols ? n : m;
  const double work = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const int64_t parts = std::min<int64_t>({std::max(threads, 1), extent / 8,
                                           static_cast<int64_t>(work / kMinWorkPerThread)});
  if (parts <= 1) {
    block(0, m, 0, n);
    return;
  }
  const int64_t chunk = (extent / parts + 7) / 8 * 8;  // multiples of 8 keep Eigen's panels whole
  parallel_for(parts, static_cast<int>(parts), [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t lo = std::min(extent, p * chunk), hi = p + 1 == parts ? extent : std::min(extent, lo + chunk);
      if (lo >= hi) continue;
      if (by_cols) block(0, m, lo, hi - lo);
      else block(lo, hi - lo, 0, n);
    }
  }, static_cast<int64_t>(work / static_cast<double>(parts)) + 32768);
}

#define QWB_INSTANTIATE_GEMM_(T) \
  template void gemm<T>(const T*, const T*, T*, int64_t, int64_t, int64_t, bool, bool, T, bool, int);
QWB_INSTANTIATE_GEMM_(float)
QWB_INSTANTIATE_GEMM_(double)
QWB_INSTANTIATE_GEMM_(int32_t)
QWB_INSTANTIATE_GEMM_(int64_t)
QWB_INSTANTIATE_GEMM_(uint32_t)
QWB_INSTANTIATE_GEMM_(uint64_t)
#undef QWB_INSTANTIATE_GEMM_

}  // namespace qwb::nn
