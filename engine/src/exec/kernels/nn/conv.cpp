// Conv (1-D to 3-D, groups, dilations, strides, pads, auto_pad, optional bias).
//
// Per (image, group) the input is unfolded by im2col into a [C/g * kernel, out positions] matrix
// and multiplied by the group's weights [M/g, C/g * kernel] with an Eigen GEMM; 1x1 unit-stride
// convolutions skip im2col. Depthwise convolutions (one input channel per group) use a direct
// loop instead, where im2col would cost as much as the convolution itself.
#include "exec/kernels/nn/nn_util.h"
#include "exec/kernels/nn/spatial.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace qwb {
namespace {

using nn::Window3;

// Unfolds one group of one image: x is [channels, D, H, W]; col gets one row per
// (channel, kd, kh, kw) and one column per output position. Padding reads as zero.
template <typename T>
void im2col(const T* x, int64_t channels, const Window3& w, T* col, int threads) {
  const int64_t ksz = w.kernel_size(), osz = w.out_size();
  const auto& K = w.kernel;
  parallel_for(channels * ksz, threads, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t c = r / ksz, k = r % ksz;
      const int64_t kw = k % K[2], kh = (k / K[2]) % K[1], kd = k / (K[2] * K[1]);
      const T* xc = x + c * w.in_size();
      T* dst = col + r * osz;
      std::fill(dst, dst + osz, T(0));
      const auto [od0, od1] = w.outputs_for_tap(0, kd);
      const auto [oh0, oh1] = w.outputs_for_tap(1, kh);
      const auto [ow0, ow1] = w.outputs_for_tap(2, kw);
      for (int64_t od = od0; od < od1; ++od) {
        const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
        for (int64_t oh = oh0; oh < oh1; ++oh) {
          const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
          const T* src = xc + (id * w.in[1] + ih) * w.in[2] - w.pad_begin[2] + kw * w.dilation[2];
          T* row = dst + (od * w.out[1] + oh) * w.out[2];
          const int64_t sw = w.stride[2];
          for (int64_t ow = ow0; ow < ow1; ++ow) row[ow] = src[ow * sw];
        }
      }
    }
  }, osz);
}

// Depthwise: every group has one input channel; output channel m reads channel m / (M / group).
template <typename T>
void depthwise(const T* x, const T* wt, const T* bias, T* y, int64_t n, int64_t m_total,
               int64_t m_per_group, const Window3& w, int threads) {
  const int64_t ksz = w.kernel_size(), isz = w.in_size(), osz = w.out_size();
  parallel_for(n * m_total, threads, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const int64_t img = p / m_total, m = p % m_total;
      const T* xc = x + (img * (m_total / m_per_group) + m / m_per_group) * isz;
      const T* wm = wt + m * ksz;
      T* out = y + p * osz;
      const T b = bias ? bias[m] : T(0);
      for (int64_t od = 0; od < w.out[0]; ++od) {
        const auto [kd0, kd1] = w.taps(0, od);
        for (int64_t oh = 0; oh < w.out[1]; ++oh) {
          const auto [kh0, kh1] = w.taps(1, oh);
          for (int64_t ow = 0; ow < w.out[2]; ++ow) {
            const auto [kw0, kw1] = w.taps(2, ow);
            T acc = b;
            for (int64_t kd = kd0; kd < kd1; ++kd) {
              const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
              for (int64_t kh = kh0; kh < kh1; ++kh) {
                const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
                const T* xr = xc + (id * w.in[1] + ih) * w.in[2] + ow * w.stride[2] - w.pad_begin[2];
                const T* wr = wm + (kd * w.kernel[1] + kh) * w.kernel[2];
                for (int64_t kw = kw0; kw < kw1; ++kw) acc += xr[kw * w.dilation[2]] * wr[kw];
              }
            }
            out[(od * w.out[1] + oh) * w.out[2] + ow] = acc;
          }
        }
      }
    }
  }, osz * ksz);
}

class ConvKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    QWB_ASSIGN_OR_RETURN(nn::WindowAttrs attrs, nn::parse_window_attrs(node));
    const int64_t group = node.attrs.get_int("group", 1);
    if (group <= 0) return invalid_argument(node.describe() + ": attribute group must be positive");
    return std::unique_ptr<Kernel>(new ConvKernel(node, std::move(attrs), group));
  }

  Status compute(KernelContext& ctx) const override {
    return nn::dispatch_typed<false>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  ConvKernel(const Node& node, nn::WindowAttrs attrs, int64_t group)
      : node_(node), attrs_(std::move(attrs)), group_(group) {}

  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    const Tensor& wt = ctx.input(1);
    const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    QWB_ASSIGN_OR_RETURN(const std::vector<int64_t> kernel, nn::conv_kernel_dims(ctx, attrs_, node_));
    const int64_t n = x.dim(0), c = x.dim(1), m = wt.dim(0), cg = wt.dim(1);
    if (cg * group_ != c || m % group_ != 0) {
      return invalid_argument(node_.describe() + ": X " + shape_str(x.shape()) + " and W " +
                              shape_str(wt.shape()) + " do not match group " + std::to_string(group_));
    }
    if (bias && bias->numel() != m) {
      return invalid_argument(node_.describe() + ": B has " + std::to_string(bias->numel()) +
                              " values, expected " + std::to_string(m));
    }
    QWB_ASSIGN_OR_RETURN(Window3 w, nn::forward_window(attrs_, x.shape(), kernel, node_));

    Tensor y(x.dtype(), w.output_shape(n, m));
    const T* xp = x.data<T>();
    const T* wp = wt.data<T>();
    const T* bp = bias ? bias->data<T>() : nullptr;
    T* yp = y.data<T>();
    const int64_t mg = m / group_, ksz = w.kernel_size(), isz = w.in_size(), osz = w.out_size();

    if (cg == 1 && group_ > 1) {
      depthwise(xp, wp, bp, yp, n, m, mg, w, ctx.threads);
    } else {
      const bool pointwise = w.is_pointwise();
      std::vector<T> col(pointwise ? 0 : static_cast<size_t>(cg * ksz * osz));
      for (int64_t img = 0; img < n; ++img) {
        for (int64_t g = 0; g < group_; ++g) {
          const T* xg = xp + (img * c + g * cg) * isz;
          T* yg = yp + (img * m + g * mg) * osz;
          const T* b = xg;  // pointwise: the input already is the [cg, positions] matrix
          if (!pointwise) {
            im2col(xg, cg, w, col.data(), ctx.threads);
            b = col.data();
          }
          if (bp) {
            for (int64_t j = 0; j < mg; ++j) std::fill(yg + j * osz, yg + (j + 1) * osz, bp[g * mg + j]);
          }
          nn::gemm(wp + g * mg * cg * ksz, b, yg, mg, osz, cg * ksz, false, false, T(1), bp != nullptr,
                   ctx.threads);
        }
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

void register_conv_kernels(KernelRegistry& r) {
  // Conv-11 and -22 only reword the spec and add bfloat16: one kernel serves every version.
  r.add("Conv", 1, kMaxOpset, ConvKernel::create);
  register_conv_transpose_kernels(r);
}

}  // namespace qwb
