// Geometry shared by the windowed nn kernels (Conv, ConvTranspose, pooling): parsing of
// kernel_shape / strides / dilations / pads / auto_pad / ceil_mode, output sizes and resolved
// pads, and the index ranges the loops use to skip padding.
//
// Spatial dims (1 to 3) are right-aligned into three slots so every kernel can use one fixed
// triple loop: a 1-D op uses slot 2 only, the unused leading slots have size 1, kernel 1,
// stride 1 and no padding.
//
//   QWB_ASSIGN_OR_RETURN(nn::Window3 w, nn::forward_window(attrs_, x.shape(), kernel, node));
//   for (int64_t oh = 0; oh < w.out[1]; ++oh) {
//     auto [k0, k1] = w.taps(1, oh);   // kernel rows that land inside the input
//     ...
//   }
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "exec/kernel.h"

namespace qwb::nn {

enum class AutoPad { kNotSet, kValid, kSameUpper, kSameLower };

constexpr int kMaxSpatialRank = 3;

// Windowing attributes as written on the node; empty vectors mean "not given".
struct WindowAttrs {
  std::vector<int64_t> kernel_shape;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;            // [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
  std::vector<int64_t> output_padding;  // ConvTranspose only
  std::vector<int64_t> output_shape;    // ConvTranspose only
  AutoPad auto_pad = AutoPad::kNotSet;
  bool ceil_mode = false;
};

inline int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// Indices j in [0, n) with 0 <= j * step + offset < limit, as [begin, end) (step > 0).
inline std::pair<int64_t, int64_t> valid_range(int64_t n, int64_t step, int64_t offset, int64_t limit) {
  int64_t lo = std::max<int64_t>(0, ceil_div(-offset, step));
  int64_t hi = std::min<int64_t>(n, floor_div(limit - 1 - offset, step) + 1);
  return {lo, std::max(lo, hi)};
}

inline Result<WindowAttrs> parse_window_attrs(const Node& node) {
  WindowAttrs a;
  const AttributeMap& at = node.attrs;
  a.kernel_shape = at.get_ints("kernel_shape");
  a.strides = at.get_ints("strides");
  a.dilations = at.get_ints("dilations");
  a.pads = at.get_ints("pads");
  a.output_padding = at.get_ints("output_padding");
  a.output_shape = at.get_ints("output_shape");
  a.ceil_mode = at.get_int("ceil_mode", 0) != 0;
  const std::string ap = at.get_string("auto_pad", "NOTSET");
  if (ap == "NOTSET" || ap.empty()) {
    a.auto_pad = AutoPad::kNotSet;
  } else if (ap == "VALID") {
    a.auto_pad = AutoPad::kValid;
  } else if (ap == "SAME_UPPER") {
    a.auto_pad = AutoPad::kSameUpper;
  } else if (ap == "SAME_LOWER") {
    a.auto_pad = AutoPad::kSameLower;
  } else {
    return invalid_argument(node.describe() + ": attribute auto_pad has unknown value '" + ap + "'");
  }
  for (int64_t v : a.strides) {
    if (v <= 0) return invalid_argument(node.describe() + ": attribute strides must be positive");
  }
  for (int64_t v : a.dilations) {
    if (v <= 0) return invalid_argument(node.describe() + ": attribute dilations must be positive");
  }
  for (int64_t v : a.kernel_shape) {
    if (v <= 0) return invalid_argument(node.describe() + ": attribute kernel_shape must be positive");
  }
  return a;
}

// Resolved geometry of one windowed op in three right-aligned slots (see the file comment).
struct Window3 {
  int rank = 0;  // real spatial rank (1..3)
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1},
      dilation{1, 1, 1}, pad_begin{0, 0, 0}, pad_end{0, 0, 0};

  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  // [n, c, out...] with the real spatial rank.
  Shape output_shape(int64_t n, int64_t c) const {
    Shape s{n, c};
    for (int i = kMaxSpatialRank - rank; i < kMaxSpatialRank; ++i) s.push_back(out[i]);
    return s;
  }
  // Forward ops: kernel taps of slot i that read inside the input for output index o.
  std::pair<int64_t, int64_t> taps(int i, int64_t o) const {
    return valid_range(kernel[i], dilation[i], o * stride[i] - pad_begin[i], in[i]);
  }
  // Forward ops: taps inside the padded input [-pad_begin, in + pad_end) (count_include_pad).
  std::pair<int64_t, int64_t> padded_taps(int i, int64_t o) const {
    return valid_range(kernel[i], dilation[i], o * stride[i], in[i] + pad_begin[i] + pad_end[i]);
  }
  // Forward ops: output indices of slot i whose tap k reads inside the input.
  std::pair<int64_t, int64_t> outputs_for_tap(int i, int64_t k) const {
    return valid_range(out[i], stride[i], k * dilation[i] - pad_begin[i], in[i]);
  }
  // Transposed ops: input indices of slot i whose tap k writes inside the output.
  std::pair<int64_t, int64_t> inputs_for_tap(int i, int64_t k) const {
    return valid_range(in[i], stride[i], k * dilation[i] - pad_begin[i], out[i]);
  }
  // True for a 1x1 window with unit stride and no padding: im2col would be the identity.
  bool is_pointwise() const {
    for (int i = 0; i < kMaxSpatialRank; ++i) {
      if (kernel[i] != 1 || stride[i] != 1 || pad_begin[i] != 0 || pad_end[i] != 0) return false;
    }
    return true;
  }
};

namespace detail {

// Fills the slots of `w` common to forward and transposed ops; checks attribute lengths.
inline Status init_window(const WindowAttrs& a, const Shape& x_shape,
                          const std::vector<int64_t>& kernel, const Node& node, Window3& w) {
  const int r = static_cast<int>(x_shape.size()) - 2;
  if (r < 1) {
    return invalid_argument(node.describe() + ": input must have rank >= 3 (N, C, spatial...), got " +
                            shape_str(x_shape));
  }
  if (r > kMaxSpatialRank) {
    return unsupported(node.describe() + ": " + std::to_string(r) +
                       "-D spatial input is not supported (at most 3-D)");
  }
  auto check_len = [&](const std::vector<int64_t>& v, size_t n, const char* name) -> Status {
    if (!v.empty() && v.size() != n) {
      return invalid_argument(node.describe() + ": attribute " + name + " has " +
                              std::to_string(v.size()) + " values, expected " + std::to_string(n) +
                              " for input " + shape_str(x_shape));
    }
    return Status::ok();
  };
  QWB_RETURN_IF_ERROR(check_len(kernel, static_cast<size_t>(r), "kernel_shape"));
  if (kernel.empty()) return invalid_argument(node.describe() + ": kernel_shape is missing");
  QWB_RETURN_IF_ERROR(check_len(a.strides, static_cast<size_t>(r), "strides"));
  QWB_RETURN_IF_ERROR(check_len(a.dilations, static_cast<size_t>(r), "dilations"));
  QWB_RETURN_IF_ERROR(check_len(a.pads, static_cast<size_t>(2 * r), "pads"));
  w.rank = r;
  for (int i = 0; i < r; ++i) {
    const int s = kMaxSpatialRank - r + i;
    w.in[s] = x_shape[static_cast<size_t>(2 + i)];
    w.kernel[s] = kernel[static_cast<size_t>(i)];
    if (!a.strides.empty()) w.stride[s] = a.strides[static_cast<size_t>(i)];
    if (!a.dilations.empty()) w.dilation[s] = a.dilations[static_cast<size_t>(i)];
    if (!a.pads.empty() && a.auto_pad == AutoPad::kNotSet) {
      w.pad_begin[s] = a.pads[static_cast<size_t>(i)];
      w.pad_end[s] = a.pads[static_cast<size_t>(r + i)];
    }
  }
  return Status::ok();
}

// Splits a total padding between begin and end: SAME_UPPER puts the odd cell at the end.
inline void split_padding(int64_t total, bool extra_at_end, int64_t& begin, int64_t& end) {
  const int64_t half = floor_div(total, 2);
  begin = extra_at_end ? half : total - half;
  end = total - begin;
}

}  // namespace detail

// Conv and pooling: output size and pads from the input shape (N, C, spatial...) and the kernel.
// ceil_mode follows ONNX/PyTorch: the last window must start inside the input or left padding.
inline Result<Window3> forward_window(const WindowAttrs& a, const Shape& x_shape,
                                      const std::vector<int64_t>& kernel, const Node& node) {
  Window3 w;
  QWB_RETURN_IF_ERROR(detail::init_window(a, x_shape, kernel, node, w));
  for (int s = kMaxSpatialRank - w.rank; s < kMaxSpatialRank; ++s) {
    const int64_t ek = (w.kernel[s] - 1) * w.dilation[s] + 1;  // effective (dilated) kernel
    switch (a.auto_pad) {
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        w.out[s] = ceil_div(w.in[s], w.stride[s]);
        const int64_t total = std::max<int64_t>(0, (w.out[s] - 1) * w.stride[s] + ek - w.in[s]);
        detail::split_padding(total, a.auto_pad == AutoPad::kSameUpper, w.pad_begin[s], w.pad_end[s]);
        break;
      }
      case AutoPad::kValid:
      case AutoPad::kNotSet: {
        const int64_t span = w.in[s] + w.pad_begin[s] + w.pad_end[s] - ek;
        if (span < 0) {
          return invalid_argument(node.describe() + ": kernel " + std::to_string(ek) +
                                  " (with dilation) is larger than the padded input " +
                                  shape_str(x_shape));
        }
        if (a.ceil_mode) {
          w.out[s] = ceil_div(span, w.stride[s]) + 1;
          if ((w.out[s] - 1) * w.stride[s] >= w.in[s] + w.pad_begin[s]) --w.out[s];
        } else {
          w.out[s] = span / w.stride[s] + 1;
        }
        break;
      }
    }
  }
  return w;
}

// ConvTranspose: output size and pads. `x_shape` is the op's input (the smaller side); an
// explicit output_shape (spatial dims, or all dims) or SAME auto_pad fixes the output size and
// the pads follow from it, as the ONNX spec describes (odd padding goes to the end for
// SAME_UPPER, to the beginning otherwise).
inline Result<Window3> transpose_window(const WindowAttrs& a, const Shape& x_shape,
                                        const std::vector<int64_t>& kernel, const Node& node) {
  Window3 w;
  QWB_RETURN_IF_ERROR(detail::init_window(a, x_shape, kernel, node, w));
  const int r = w.rank;
  if (!a.output_padding.empty() && a.output_padding.size() != static_cast<size_t>(r)) {
    return invalid_argument(node.describe() + ": attribute output_padding has " +
                            std::to_string(a.output_padding.size()) + " values, expected " +
                            std::to_string(r));
  }
  std::vector<int64_t> out_shape = a.output_shape;
  if (out_shape.size() == static_cast<size_t>(r + 2)) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
  if (!out_shape.empty() && out_shape.size() != static_cast<size_t>(r)) {
    return invalid_argument(node.describe() + ": attribute output_shape has " +
                            std::to_string(a.output_shape.size()) + " values for " +
                            std::to_string(r) + " spatial dims");
  }
  for (int i = 0; i < r; ++i) {
    const int s = kMaxSpatialRank - r + i;
    const int64_t ek = (w.kernel[s] - 1) * w.dilation[s] + 1;
    const int64_t opad = a.output_padding.empty() ? 0 : a.output_padding[static_cast<size_t>(i)];
    const int64_t full = w.stride[s] * (w.in[s] - 1) + opad + ek;  // output size without padding
    const bool same = a.auto_pad == AutoPad::kSameUpper || a.auto_pad == AutoPad::kSameLower;
    if (!out_shape.empty() || same) {
      w.out[s] = !out_shape.empty() ? out_shape[static_cast<size_t>(i)] : w.in[s] * w.stride[s];
      detail::split_padding(full - w.out[s], a.auto_pad == AutoPad::kSameUpper, w.pad_begin[s],
                            w.pad_end[s]);
    } else {
      w.out[s] = full - w.pad_begin[s] - w.pad_end[s];
    }
    if (w.out[s] <= 0) {
      return invalid_argument(node.describe() + ": pads leave no output for input " + shape_str(x_shape));
    }
  }
  return w;
}

// Input checks shared by Conv and ConvTranspose: X, W (and B) of one dtype, equal ranks >= 3,
// kernel_shape (when given) equal to W's spatial dims. Returns the kernel dims.
inline Result<std::vector<int64_t>> conv_kernel_dims(const KernelContext& ctx, const WindowAttrs& a,
                                                     const Node& node) {
  const Tensor& x = ctx.input(0);
  const Tensor& w = ctx.input(1);
  if (w.dtype() != x.dtype() || (ctx.has_input(2) && ctx.input(2).dtype() != x.dtype())) {
    return invalid_argument(node.describe() + ": X, W and B must have the same dtype");
  }
  if (x.rank() < 3 || w.rank() != x.rank()) {
    return invalid_argument(node.describe() + ": X " + shape_str(x.shape()) + " and W " +
                            shape_str(w.shape()) + " must have the same rank >= 3");
  }
  std::vector<int64_t> kernel(w.shape().begin() + 2, w.shape().end());
  if (!a.kernel_shape.empty() && a.kernel_shape != kernel) {
    return invalid_argument(node.describe() + ": kernel_shape does not match W " + shape_str(w.shape()));
  }
  return kernel;
}

}  // namespace qwb::nn
