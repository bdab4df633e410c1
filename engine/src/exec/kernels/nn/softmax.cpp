// Softmax family: Softmax, LogSoftmax, Hardmax.
//
// Opset < 13 coerces the input to 2-D at `axis` (default 1) and normalises over the flattened
// trailing dims; opset >= 13 normalises along the single dim `axis` (default -1).
#include <algorithm>
#include <cmath>
#include <limits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/reduce/reduce_common.h"

namespace qwb {

namespace {

enum class SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

class SoftmaxKernel final : public Kernel {
 public:
  SoftmaxKernel(const Node& node, SoftmaxKind kind)
      : kind_(kind), coerce_2d_(node.opset < 13), axis_(node.attrs.get_int("axis", node.opset < 13 ? 1 : -1)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (is_half_dtype(x.dtype()))
      return run_half_as_float(ctx, x.dtype(), [this](KernelContext& c) { return compute(c); });
    const int rank = x.rank();
    int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    // The 2-D coercion accepts axis == rank (an empty trailing block of size 1).
    if (axis < 0 || axis > rank || (!coerce_2d_ && axis == rank))
      return invalid_argument(ctx.node->describe() + ": axis " + std::to_string(axis_) +
                              " is out of range for rank " + std::to_string(rank));
    const int a = static_cast<int>(axis);
    const int64_t outer = dims_product(x.shape(), 0, a);
    const int64_t n = coerce_2d_ ? dims_product(x.shape(), a, rank) : x.shape()[a];
    const int64_t inner = coerce_2d_ ? 1 : dims_product(x.shape(), a + 1, rank);
    Status st = unsupported_dtype(*ctx.node, x.dtype());
    QWB_DISPATCH_FLOAT(x.dtype(), {
      Tensor y(x.dtype(), x.shape());
      run<T>(x.data<T>(), y.data<T>(), outer, n, inner, ctx.threads);
      ctx.output(0) = std::move(y);
      st = Status::ok();
    });
    return st;
  }

 private:
  template <typename T>
  void run(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, int threads) const {
    parallel_for(outer * inner, threads, [&](int64_t b, int64_t e) {
      for (int64_t row = b; row < e; ++row) {
        const int64_t base = (row / inner) * n * inner + row % inner;
        const T* xr = x + base;
        T* yr = y + base;
        // Subtracting the max keeps exp() in range; the first max wins for Hardmax.
        int64_t arg = 0;
        T m = -std::numeric_limits<T>::infinity();
        for (int64_t i = 0; i < n; ++i) {
          if (xr[i * inner] > m || i == 0) { m = xr[i * inner]; arg = i; }
        }
        if (kind_ == SoftmaxKind::kHardmax) {
          for (int64_t i = 0; i < n; ++i) yr[i * inner] = i == arg ? T(1) : T(0);
          continue;
        }
        T sum = 0;
        for (int64_t i = 0; i < n; ++i) {
          T ex = std::exp(xr[i * inner] - m);
          if (kind_ == SoftmaxKind::kSoftmax) yr[i * inner] = ex;
          sum += ex;
        }
        if (kind_ == SoftmaxKind::kSoftmax) {
          for (int64_t i = 0; i < n; ++i) yr[i * inner] /= sum;
        } else {
          const T shift = m + std::log(sum);
          for (int64_t i = 0; i < n; ++i) yr[i * inner] = xr[i * inner] - shift;
        }
      }
    }, n * 4);
  }

  SoftmaxKind kind_;
  bool coerce_2d_;
  int64_t axis_;
};

template <SoftmaxKind K>
Result<std::unique_ptr<Kernel>> make_softmax(const Node& node) {
  return std::unique_ptr<Kernel>(std::make_unique<SoftmaxKernel>(node, K));
}

}  // namespace

void register_softmax_kernels(KernelRegistry& r) {
  r.add("Softmax", 1, kMaxOpset, make_softmax<SoftmaxKind::kSoftmax>);
  r.add("LogSoftmax", 1, kMaxOpset, make_softmax<SoftmaxKind::kLogSoftmax>);
  r.add("Hardmax", 1, kMaxOpset, make_softmax<SoftmaxKind::kHardmax>);
}

}  // namespace qwb
