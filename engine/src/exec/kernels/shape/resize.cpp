// Resize (opsets 10, 11, 13, 18, 19) and Upsample (opsets 7 and 9).
//
// Interpolation is separable: for every resized dim we precompute, per output index, the input
// indices and weights ("taps") and then apply one pass per dim. Coordinates follow the ONNX
// reference implementation (double precision; `output_width = scale * input_width` as a real
// number in the align_corners / tf_crop_and_resize formulas). Out-of-range neighbours repeat the
// edge value. Opset < 11 (Upsample, Resize-10) has no coordinate attributes: it uses asymmetric
// coordinates and, for nearest, truncation when upsampling and ceil when downsampling (as ONNX
// Runtime does).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <type_traits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/reduce/reduce_common.h"

namespace qwb {

namespace {

enum class Mode { kNearest, kLinear, kCubic };
enum class Coord { kHalfPixel, kHalfPixelSymmetric, kPytorchHalfPixel, kAlignCorners, kAsymmetric,
                   kTfHalfPixelForNn, kTfCropAndResize };
enum class Nearest { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kLegacy };
enum class AspectPolicy { kStretch, kNotLarger, kNotSmaller };

struct Tap {
  int64_t index;
  double weight;
};

// Taps of one resized dim: output j reads taps[begin[j] .. begin[j + 1]) or, when extrapolate[j],
// is the extrapolation value (tf_crop_and_resize outside the crop box).
struct DimTaps {
  std::vector<Tap> taps;
  std::vector<int64_t> begin{0};
  std::vector<bool> extrapolate;
  bool identity = true;
};

class ResizeKernel final : public Kernel {
 public:
  // `upsample` selects Upsample's input layout (X, scales) and attribute set.
  static Result<std::unique_ptr<Kernel>> create(const Node& node, bool upsample) {
    auto k = std::make_unique<ResizeKernel>();
    const auto& a = node.attrs;
    const bool legacy = upsample || node.opset < 11;
    k->scales_attr_ = a.get_floats("scales");
    k->scales_input_ = upsample ? (node.opset < 9 ? -1 : 1) : (legacy ? 1 : 2);
    k->sizes_input_ = legacy ? -1 : 3;
    k->roi_input_ = legacy ? -1 : 1;

    const std::string mode = a.get_string("mode", "nearest");
    if (mode == "nearest") k->mode_ = Mode::kNearest;
    else if (mode == "linear" || (legacy && mode == "bilinear")) k->mode_ = Mode::kLinear;
    else if (mode == "cubic" && !legacy) k->mode_ = Mode::kCubic;
    else return unsupported(node.describe() + ": mode '" + mode + "' is not supported");

    if (legacy) {
      k->coord_ = Coord::kAsymmetric;
      k->nearest_ = Nearest::kLegacy;
      return std::unique_ptr<Kernel>(std::move(k));
    }
    const std::string coord = a.get_string("coordinate_transformation_mode", "half_pixel");
    if (coord == "half_pixel") k->coord_ = Coord::kHalfPixel;
    else if (coord == "half_pixel_symmetric") k->coord_ = Coord::kHalfPixelSymmetric;
    else if (coord == "pytorch_half_pixel") k->coord_ = Coord::kPytorchHalfPixel;
    else if (coord == "align_corners") k->coord_ = Coord::kAlignCorners;
    else if (coord == "asymmetric") k->coord_ = Coord::kAsymmetric;
    else if (coord == "tf_half_pixel_for_nn") k->coord_ = Coord::kTfHalfPixelForNn;
    else if (coord == "tf_crop_and_resize") k->coord_ = Coord::kTfCropAndResize;
    else return unsupported(node.describe() + ": coordinate_transformation_mode '" + coord + "' is not supported");

    const std::string nearest = a.get_string("nearest_mode", "round_prefer_floor");
    if (nearest == "round_prefer_floor") k->nearest_ = Nearest::kRoundPreferFloor;
    else if (nearest == "round_prefer_ceil") k->nearest_ = Nearest::kRoundPreferCeil;
    else if (nearest == "floor") k->nearest_ = Nearest::kFloor;
    else if (nearest == "ceil") k->nearest_ = Nearest::kCeil;
    else return unsupported(node.describe() + ": nearest_mode '" + nearest + "' is not supported");

    k->cubic_a_ = a.get_float("cubic_coeff_a", -0.75f);
    k->exclude_outside_ = a.get_int("exclude_outside", 0) != 0;
    k->extrapolation_ = a.get_float("extrapolation_value", 0.0f);
    k->antialias_ = a.get_int("antialias", 0) != 0 && k->mode_ != Mode::kNearest;
    k->axes_ = a.get_ints("axes");
    const std::string policy = a.get_string("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") k->policy_ = AspectPolicy::kStretch;
    else if (policy == "not_larger") k->policy_ = AspectPolicy::kNotLarger;
    else if (policy == "not_smaller") k->policy_ = AspectPolicy::kNotSmaller;
    else return unsupported(node.describe() + ": keep_aspect_ratio_policy '" + policy + "' is not supported");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    const Tensor& x = ctx.input(0);
    const int rank = x.rank();
    const Shape& in = x.shape();

    // Resized axes (opset 18 `axes`, default all).
    std::vector<int> axes;
    if (axes_.empty()) {
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    } else {
      for (int64_t v : axes_) {
        QWB_ASSIGN_OR_RETURN(int d, normalize_axis(v, rank, node));
        axes.push_back(d);
      }
    }
    const size_t na = axes.size();
    auto present = [&](int i) { return i >= 0 && ctx.has_input(i) && ctx.input(i).numel() > 0; };

    std::vector<double> scale(rank, 1.0);
    Shape out = in;
    if (present(sizes_input_)) {
      std::vector<int64_t> sizes = ctx.input(sizes_input_).to_int64_vector();
      if (sizes.size() != na)
        return invalid_argument(node.describe() + ": sizes has " + std::to_string(sizes.size()) + " values for " +
                                std::to_string(na) + " resized axes");
      for (size_t i = 0; i < na; ++i) {
        if (sizes[i] < 0) return invalid_argument(node.describe() + ": negative output size");
        out[axes[i]] = sizes[i];
        scale[axes[i]] = in[axes[i]] ? static_cast<double>(sizes[i]) / static_cast<double>(in[axes[i]]) : 1.0;
      }
      if (policy_ != AspectPolicy::kStretch && na > 0) {
        // One scale for all resized axes; sizes become round_half_up(scale * input size).
        double s = scale[axes[0]];
        for (int d : axes) s = policy_ == AspectPolicy::kNotLarger ? std::min(s, scale[d]) : std::max(s, scale[d]);
        for (int d : axes) {
          scale[d] = s;
          out[d] = static_cast<int64_t>(s * static_cast<double>(in[d]) + 0.5);
        }
      }
    } else {
      std::vector<double> sc;
      if (present(scales_input_)) {
        const Tensor& t = ctx.input(scales_input_);
        for (int64_t i = 0; i < t.numel(); ++i) sc.push_back(static_cast<float>(t.get_double(i)));
      } else if (scales_input_ < 0) {
        sc.assign(scales_attr_.begin(), scales_attr_.end());
      } else {
        return invalid_argument(node.describe() + ": one of scales and sizes must be given");
      }
      if (sc.size() != na)
        return invalid_argument(node.describe() + ": scales has " + std::to_string(sc.size()) + " values for " +
                                std::to_string(na) + " resized axes");
      for (size_t i = 0; i < na; ++i) {
        if (!(sc[i] > 0)) return invalid_argument(node.describe() + ": scales must be positive");
        scale[axes[i]] = sc[i];
        out[axes[i]] = static_cast<int64_t>(std::floor(sc[i] * static_cast<double>(in[axes[i]])));
      }
    }

    // Crop box for tf_crop_and_resize: roi = [starts..., ends...] over the resized axes.
    std::vector<double> roi_start(rank, 0.0), roi_end(rank, 1.0);
    if (coord_ == Coord::kTfCropAndResize) {
      if (!present(roi_input_)) return invalid_argument(node.describe() + ": tf_crop_and_resize needs roi");
      const Tensor& roi = ctx.input(roi_input_);
      if (roi.numel() != static_cast<int64_t>(2 * na))
        return invalid_argument(node.describe() + ": roi must have 2 * " + std::to_string(na) + " values");
      for (size_t i = 0; i < na; ++i) {
        roi_start[axes[i]] = roi.get_double(static_cast<int64_t>(i));
        roi_end[axes[i]] = roi.get_double(static_cast<int64_t>(na + i));
      }
    }

    std::vector<DimTaps> dims(rank);
    for (int d = 0; d < rank; ++d) {
      if (in[d] == 0 && out[d] > 0)
        return invalid_argument(node.describe() + ": cannot resize an empty dimension to " + std::to_string(out[d]));
      dims[d] = make_taps(in[d], out[d], scale[d], roi_start[d], roi_end[d]);
    }

    // Run the passes on the element type: float types interpolate in float / double, other
    // dtypes go through float32 for linear / cubic (truncating back, as the reference does) and
    // are copied bit-exactly for nearest.
    const DType dt = x.dtype();
    if (dt == DType::kFloat32) { ctx.output(0) = run<float>(x, dims, ctx.threads); return Status::ok(); }
    if (dt == DType::kFloat64) { ctx.output(0) = run<double>(x, dims, ctx.threads); return Status::ok(); }
    if (mode_ != Mode::kNearest || coord_ == Coord::kTfCropAndResize) {
      if (!dtype_is_supported(dt) || dt == DType::kBool || dt == DType::kFloat8E4M3FNUZ ||
          dt == DType::kFloat8E5M2FNUZ)
        return unsupported_dtype(node, dt);
      ctx.output(0) = run<float>(x.cast(DType::kFloat32), dims, ctx.threads).cast(dt);
      return Status::ok();
    }
    Status st = unsupported_dtype(node, dt);
    QWB_DISPATCH_BYTES(dt, {
      ctx.output(0) = run<T>(x, dims, ctx.threads);
      st = Status::ok();
    });
    return st;
  }

 private:
  // Input coordinate of output index j along a dim (see the ONNX Resize coordinate modes).
  double source_coord(int64_t j, int64_t in, int64_t out, double scale, double start, double end) const {
    const double out_w = scale * static_cast<double>(in);  // real-valued output length
    const double xr = static_cast<double>(j);
    switch (coord_) {
      case Coord::kHalfPixel: return (xr + 0.5) / scale - 0.5;
      case Coord::kHalfPixelSymmetric: {
        const double adjustment = static_cast<double>(out) / out_w;
        const double offset = static_cast<double>(in) / 2.0 * (1.0 - adjustment);
        return offset + (xr + 0.5) / scale - 0.5;
      }
      case Coord::kPytorchHalfPixel: return out_w > 1.0 ? (xr + 0.5) / scale - 0.5 : 0.0;
      case Coord::kAlignCorners: return out_w == 1.0 ? 0.0 : xr * static_cast<double>(in - 1) / (out_w - 1.0);
      case Coord::kAsymmetric: return xr / scale;
      case Coord::kTfHalfPixelForNn: return (xr + 0.5) / scale;
      case Coord::kTfCropAndResize: {
        const double span = static_cast<double>(in - 1);
        if (out_w == 1.0) return (end - start) * span / 2.0 + start * span;
        return xr * (end - start) * span / (out_w - 1.0) + start * span;
      }
    }
    return 0.0;
  }

  int64_t nearest_index(double x, double scale) const {
    const double fl = std::floor(x);
    if (x == fl) return static_cast<int64_t>(x);
    const double frac = x - fl;
    switch (nearest_) {
      case Nearest::kRoundPreferFloor: return static_cast<int64_t>(frac <= 0.5 ? fl : fl + 1);
      case Nearest::kRoundPreferCeil: return static_cast<int64_t>(frac < 0.5 ? fl : fl + 1);
      case Nearest::kFloor: return static_cast<int64_t>(fl);
      case Nearest::kCeil: return static_cast<int64_t>(fl + 1);
      case Nearest::kLegacy: return static_cast<int64_t>(scale < 1.0 ? std::ceil(x) : std::trunc(x));
    }
    return 0;
  }

  // Interpolation kernel at distance t (linear: triangle; cubic: Keys with coefficient A).
  double kernel_weight(double t) const {
    t = std::fabs(t);
    if (mode_ == Mode::kLinear) return std::max(0.0, 1.0 - t);
    const double a = cubic_a_;
    if (t <= 1.0) return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
    if (t < 2.0) return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
    return 0.0;
  }

  DimTaps make_taps(int64_t in, int64_t out, double scale, double start, double end) const {
    DimTaps t;
    t.extrapolate.assign(out, false);
    const double support = mode_ == Mode::kCubic ? 2.0 : 1.0;
    // Antialiasing stretches the kernel by 1/scale when downsampling.
    const double ks = antialias_ ? std::min(scale, 1.0) : 1.0;
    const int64_t reach = static_cast<int64_t>(std::ceil(support / ks));
    for (int64_t j = 0; j < out; ++j) {
      const double x = source_coord(j, in, out, scale, start, end);
      if (coord_ == Coord::kTfCropAndResize && (x < 0.0 || x > static_cast<double>(in - 1))) {
        t.extrapolate[j] = true;
        t.identity = false;
        t.begin.push_back(static_cast<int64_t>(t.taps.size()));
        continue;
      }
      const size_t first = t.taps.size();
      if (mode_ == Mode::kNearest) {
        t.taps.push_back({nearest_index(x, scale), 1.0});
      } else {
        const int64_t fl = static_cast<int64_t>(std::floor(x));
        double sum = 0.0;
        for (int64_t i = fl - reach + 1; i <= fl + reach; ++i) {
          double w = kernel_weight(ks * (static_cast<double>(i) - x));
          if (exclude_outside_ && (i < 0 || i >= in)) w = 0.0;
          sum += w;
          if (w != 0.0) t.taps.push_back({i, w});
        }
        // The plain kernels already sum to 1; antialiased and edge-excluded ones are renormalised.
        if ((antialias_ || exclude_outside_) && sum != 0.0)
          for (size_t k = first; k < t.taps.size(); ++k) t.taps[k].weight /= sum;
      }
      for (size_t k = first; k < t.taps.size(); ++k) t.taps[k].index = std::clamp<int64_t>(t.taps[k].index, 0, in - 1);
      t.begin.push_back(static_cast<int64_t>(t.taps.size()));
      if (!(t.taps.size() == first + 1 && t.taps[first].index == j && t.taps[first].weight == 1.0)) t.identity = false;
    }
    if (out != in) t.identity = false;
    return t;
  }

  // Applies the passes, innermost dim first. T is the element type (float / double interpolate,
  // unsigned byte-width types are copied for nearest).
  template <typename T>
  Tensor run(const Tensor& x, const std::vector<DimTaps>& dims, int threads) const {
    Tensor cur = x;
    for (int d = x.rank() - 1; d >= 0; --d) {
      if (dims[d].identity) continue;
      cur = pass<T>(cur, d, dims[d], threads);
    }
    return cur.raw() == x.raw() ? x.clone() : cur;
  }

  template <typename T>
  Tensor pass(const Tensor& x, int d, const DimTaps& t, int threads) const {
    Shape os = x.shape();
    const int64_t out_d = static_cast<int64_t>(t.extrapolate.size());
    const int64_t in_d = os[d];
    os[d] = out_d;
    const int64_t outer = dims_product(os, 0, d), inner = dims_product(os, d + 1, static_cast<int>(os.size()));
    Tensor y(x.dtype(), os);
    const T* src = static_cast<const T*>(x.raw());
    T* dst = static_cast<T*>(y.raw());
    constexpr bool kFloat = std::is_floating_point_v<T>;
    const T extrap = kFloat ? static_cast<T>(extrapolation_) : T{};
    parallel_for(outer * out_d, threads, [&](int64_t b, int64_t e) {
      for (int64_t row = b; row < e; ++row) {
        const int64_t o = row / out_d, j = row % out_d;
        T* yr = dst + row * inner;
        if (t.extrapolate[j]) {
          std::fill(yr, yr + inner, extrap);
          continue;
        }
        const Tap* tp = t.taps.data() + t.begin[j];
        const int64_t nt = t.begin[j + 1] - t.begin[j];
        if constexpr (kFloat) {
          const T* first = src + (o * in_d + tp[0].index) * inner;
          const T w0 = static_cast<T>(tp[0].weight);
          for (int64_t i = 0; i < inner; ++i) yr[i] = w0 * first[i];
          for (int64_t k = 1; k < nt; ++k) {
            const T* xr = src + (o * in_d + tp[k].index) * inner;
            const T w = static_cast<T>(tp[k].weight);
            for (int64_t i = 0; i < inner; ++i) yr[i] += w * xr[i];
          }
        } else {
          std::memcpy(yr, src + (o * in_d + tp[0].index) * inner, sizeof(T) * inner);
        }
      }
    }, inner * 4);
    return y;
  }

  Mode mode_ = Mode::kNearest;
  Coord coord_ = Coord::kHalfPixel;
  Nearest nearest_ = Nearest::kRoundPreferFloor;
  AspectPolicy policy_ = AspectPolicy::kStretch;
  double cubic_a_ = -0.75;
  bool exclude_outside_ = false;
  bool antialias_ = false;
  float extrapolation_ = 0.0f;
  std::vector<int64_t> axes_;
  std::vector<float> scales_attr_;
  int scales_input_ = -1, sizes_input_ = -1, roi_input_ = -1;
};

}  // namespace

void register_resize_kernels(KernelRegistry& r) {
  r.add("Resize", 10, kMaxOpset, [](const Node& n) { return ResizeKernel::create(n, false); });
  r.add("Upsample", 7, 9, [](const Node& n) { return ResizeKernel::create(n, true); });
}

}  // namespace qwb
