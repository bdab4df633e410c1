// ConvTranspose (1-D to 3-D, groups, strides, dilations, pads, output_padding, output_shape,
// auto_pad, optional bias).
//
// Per (image, group): col[M/g * kernel, in positions] = W_g^T * X_g with an Eigen GEMM, then
// col2im scatters every column into the output window it covers (the adjoint of Conv's im2col).
#include "exec/kernels/nn/nn_util.h"
#include "exec/kernels/nn/spatial.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace qwb {
namespace {

using nn::Window3;

// Adds col (rows (channel, kd, kh, kw), columns input positions) into y [channels, D, H, W];
// taps that fall into the cropped padding are dropped. Parallel over output channels so no two
// threads write the same element.
template <typename T>
void col2im(const T* col, int64_t channels, const Window3& w, T* y, int threads) {
  const int64_t ksz = w.kernel_size(), isz = w.in_size(), osz = w.out_size();
  const auto& K = w.kernel;
  parallel_for(channels, threads, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      T* yc = y + c * osz;
      for (int64_t k = 0; k < ksz; ++k) {
        const int64_t kw = k % K[2], kh = (k / K[2]) % K[1], kd = k / (K[2] * K[1]);
        const T* src = col + (c * ksz + k) * isz;
        const auto [id0, id1] = w.inputs_for_tap(0, kd);
        const auto [ih0, ih1] = w.inputs_for_tap(1, kh);
        const auto [iw0, iw1] = w.inputs_for_tap(2, kw);
        for (int64_t id = id0; id < id1; ++id) {
          const int64_t od = id * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
          for (int64_t ih = ih0; ih < ih1; ++ih) {
            const int64_t oh = ih * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
            T* dst = yc + (od * w.out[1] + oh) * w.out[2] - w.pad_begin[2] + kw * w.dilation[2];
            const T* row = src + (id * w.in[1] + ih) * w.in[2];
            const int64_t sw = w.stride[2];
            for (int64_t iw = iw0; iw < iw1; ++iw) dst[iw * sw] += row[iw];
          }
        }
      }
    }
  }, ksz * isz);
}

class ConvTransposeKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    QWB_ASSIGN_OR_RETURN(nn::WindowAttrs attrs, nn::parse_window_attrs(node));
    const int64_t group = node.attrs.get_int("group", 1);
    if (group <= 0) return invalid_argument(node.describe() + ": attribute group must be positive");
    return std::unique_ptr<Kernel>(new ConvTransposeKernel(node, std::move(attrs), group));
  }

  Status compute(KernelContext& ctx) const override {
    return nn::dispatch_typed<false>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  ConvTransposeKernel(const Node& node, nn::WindowAttrs attrs, int64_t group)
      : node_(node), attrs_(std::move(attrs)), group_(group) {}

  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    const Tensor& wt = ctx.input(1);
    const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    QWB_ASSIGN_OR_RETURN(const std::vector<int64_t> kernel, nn::conv_kernel_dims(ctx, attrs_, node_));
    // W is [C, M/group, kernel...].
    const int64_t n = x.dim(0), c = x.dim(1), mg = wt.dim(1), m = mg * group_;
    if (wt.dim(0) != c || c % group_ != 0) {
      return invalid_argument(node_.describe() + ": X " + shape_str(x.shape()) + " and W " +
                              shape_str(wt.shape()) + " do not match group " + std::to_string(group_));
    }
    if (bias && bias->numel() != m) {
      return invalid_argument(node_.describe() + ": B has " + std::to_string(bias->numel()) +
                              " values, expected " + std::to_string(m));
    }
    QWB_ASSIGN_OR_RETURN(Window3 w, nn::transpose_window(attrs_, x.shape(), kernel, node_));

    Tensor y(x.dtype(), w.output_shape(n, m));  // zero-filled: col2im accumulates into it
    const T* xp = x.data<T>();
    const T* wp = wt.data<T>();
    T* yp = y.data<T>();
    const int64_t cg = c / group_, ksz = w.kernel_size(), isz = w.in_size(), osz = w.out_size();
    std::vector<T> col(static_cast<size_t>(mg * ksz * isz));
    for (int64_t img = 0; img < n; ++img) {
      for (int64_t g = 0; g < group_; ++g) {
        // W_g is stored [cg, mg * ksz]; its transpose times X_g [cg, isz] gives col.
        nn::gemm(wp + g * cg * mg * ksz, xp + (img * c + g * cg) * isz, col.data(), mg * ksz, isz, cg,
                 /*trans_a=*/true, false, T(1), false, ctx.threads);
        col2im(col.data(), mg, w, yp + (img * m + g * mg) * osz, ctx.threads);
      }
    }
    if (bias) {
      const T* bp = bias->data<T>();
      for (int64_t p = 0; p < n * m; ++p) {
        T* row = yp + p * osz;
        const T b = bp[p % m];
        for (int64_t i = 0; i < osz; ++i) row[i] += b;
      }
    }
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

  Node node_;
  nn::WindowAttrs attrs_;
  int64_t group_;
};

}  // namespace

void register_conv_transpose_kernels(KernelRegistry& r) {
  // ConvTranspose-11 and -22 only reword the spec and add bfloat16: one kernel serves them all.
  r.add("ConvTranspose", 1, kMaxOpset, ConvTransposeKernel::create);
}

}  // namespace qwb
