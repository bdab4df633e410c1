#include "exec/kernel_util.h"

#include <omp.h>

namespace qwb {

Result<int> normalize_axis(int64_t axis, int rank, const Node& node) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1)) {
    return invalid_argument(node.describe() + ": axis " + std::to_string(axis) +
                            " is out of range for rank " + std::to_string(rank));
  }
  return static_cast<int>(a);
}

Result<Shape> broadcast_shapes(const std::vector<Shape>& shapes, const Node& node) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const auto& s : shapes) {
    size_t off = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t d = s[i];
      int64_t& o = out[off + i];
      if (d == o || d == 1) continue;
      if (o == 1) { o = d; continue; }
      std::string msg = node.describe() + ": shapes cannot be broadcast:";
      for (const auto& t : shapes) msg += " " + shape_str(t);
      return invalid_argument(msg);
    }
  }
  return out;
}

std::vector<int64_t> contiguous_strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  auto cs = contiguous_strides(in);
  size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : cs[i];
  return st;
}

void parallel_for(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn,
                  int64_t cost_per_item) {
  if (n <= 0) return;
  int t = std::max(1, threads);
  if (t == 1 || n < 2 || n * std::max<int64_t>(cost_per_item, 1) < 32768) {
    fn(0, n);
    return;
  }
  t = static_cast<int>(std::min<int64_t>(t, n));
#pragma omp parallel num_threads(t)
  {
    int id = omp_get_thread_num();
    int nt = omp_get_num_threads();
    int64_t chunk = (n + nt - 1) / nt;
    int64_t b = id * chunk, e = std::min(n, b + chunk);
    if (b < e) fn(b, e);
  }
}

Status unsupported_dtype(const Node& node, DType dt, const std::string& what) {
  return unsupported(node.describe() + ": " + what + " dtype " + dtype_name(dt) + " is not supported");
}

}  // namespace qwb
