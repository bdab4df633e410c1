// Slice, Concat, Split, Tile, Pad. All move elements by size, so every storable dtype works.
#include <algorithm>
#include <cstring>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/shape/shape_util.h"

namespace qwb {

namespace {

using shape_detail::check_storable;
using shape_detail::input_or_attr;
using shape_detail::prod;
using shape_detail::read_int64s;

class SliceKernel final : public Kernel {
 public:
  explicit SliceKernel(const Node& node)
      : starts_(node.attrs.get_ints("starts")), ends_(node.attrs.get_ints("ends")), axes_(node.attrs.get_ints("axes")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    // Opset 1-9: starts/ends/axes attributes; 10+: inputs 1-4 (axes and steps optional).
    const std::vector<int64_t> starts = input_or_attr(ctx, 1, starts_);
    const std::vector<int64_t> ends = input_or_attr(ctx, 2, ends_);
    const std::vector<int64_t> axes = input_or_attr(ctx, 3, axes_);
    const std::vector<int64_t> steps = input_or_attr(ctx, 4, {});
    const size_t n = starts.size();
    if (ends.size() != n || (!axes.empty() && axes.size() != n) || (!steps.empty() && steps.size() != n)) {
      return invalid_argument(node.describe() + ": starts, ends, axes and steps differ in length");
    }
    const int r = x.rank();
    Shape out = x.shape();
    std::vector<int64_t> first(static_cast<size_t>(r), 0), step(static_cast<size_t>(r), 1);
    std::vector<bool> seen(static_cast<size_t>(r), false);
    for (size_t i = 0; i < n; ++i) {
      QWB_ASSIGN_OR_RETURN(int ax, normalize_axis(axes.empty() ? static_cast<int64_t>(i) : axes[i], r, node));
      if (seen[static_cast<size_t>(ax)]) return invalid_argument(node.describe() + ": axis " + std::to_string(ax) + " is repeated");
      seen[static_cast<size_t>(ax)] = true;
      const int64_t d = x.dim(ax), s = steps.empty() ? 1 : steps[i];
      if (s == 0) return invalid_argument(node.describe() + ": step is 0");
      int64_t b = starts[i], e = ends[i];
      if (b < 0) b += d;
      if (e < 0) e += d;
      int64_t count = 0;
      // Out-of-range starts/ends (INT64_MAX for "to the end") clamp to the valid range for the direction.
      if (s > 0) {
        b = std::clamp(b, int64_t{0}, d);
        e = std::clamp(e, int64_t{0}, d);
        count = e > b ? (e - b + s - 1) / s : 0;
      } else if (d > 0) {
        b = std::clamp(b, int64_t{0}, d - 1);
        e = std::clamp(e, int64_t{-1}, d - 1);
        count = b > e ? (b - e - s - 1) / -s : 0;
      }
      first[static_cast<size_t>(ax)] = count > 0 ? b : 0;
      step[static_cast<size_t>(ax)] = s;
      out[static_cast<size_t>(ax)] = count;
    }
    const auto strides = contiguous_strides(x.shape());
    int64_t offset = 0;
    std::vector<int64_t> src_strides(static_cast<size_t>(r));
    for (size_t k = 0; k < static_cast<size_t>(r); ++k) {
      offset += first[k] * strides[k];
      src_strides[k] = step[k] * strides[k];
    }
    Tensor y(x.dtype(), out);
    const size_t es = dtype_size(x.dtype());
    if (y.numel() > 0) {
      shape_detail::copy_strided(es, static_cast<const char*>(x.raw()) + offset * static_cast<int64_t>(es), src_strides,
                                 y.raw(), contiguous_strides(out), out, ctx.threads);
    }
    ctx.output(0) = y;
    return Status::ok();
  }

 private:
  std::vector<int64_t> starts_, ends_, axes_;
};

class ConcatKernel final : public Kernel {
 public:
  // Opset 1-3 default the axis to 1; it is required from opset 4.
  explicit ConcatKernel(const Node& node) : axis_(node.attrs.get_int("axis", node.opset < 4 ? 1 : 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    const Tensor& x0 = ctx.input(0);
    QWB_RETURN_IF_ERROR(check_storable(node, x0.dtype()));
    if (x0.rank() == 0) return invalid_argument(node.describe() + ": inputs must have rank >= 1");
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x0.rank(), node));
    Shape out = x0.shape();
    out[static_cast<size_t>(axis)] = 0;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& xi = ctx.input(i);
      bool ok = xi.dtype() == x0.dtype() && xi.rank() == x0.rank();
      for (int k = 0; ok && k < x0.rank(); ++k) ok = k == axis || xi.dim(k) == x0.dim(k);
      if (!ok) {
        return invalid_argument(node.describe() + ": input " + std::to_string(i) + " " + dtype_name(xi.dtype()) +
                                shape_str(xi.shape()) + " does not match input 0 " + dtype_name(x0.dtype()) +
                                shape_str(x0.shape()) + " outside axis " + std::to_string(axis));
      }
      out[static_cast<size_t>(axis)] += xi.dim(axis);
    }
    Tensor y(x0.dtype(), out);
    const int64_t outer = prod(out, 0, static_cast<size_t>(axis));
    const size_t unit = static_cast<size_t>(prod(out, static_cast<size_t>(axis) + 1, out.size())) * dtype_size(x0.dtype());
    const size_t out_row = static_cast<size_t>(out[static_cast<size_t>(axis)]) * unit;
    char* dst = static_cast<char*>(y.raw());
    parallel_for(outer, ctx.threads, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        char* d = dst + static_cast<size_t>(o) * out_row;
        for (int i = 0; i < ctx.num_inputs(); ++i) {
          const size_t row = static_cast<size_t>(ctx.input(i).dim(axis)) * unit;
          std::memcpy(d, static_cast<const char*>(ctx.input(i).raw()) + static_cast<size_t>(o) * row, row);
          d += row;
        }
      }
    }, static_cast<int64_t>(out_row / 4 + 1));
    ctx.output(0) = y;
    return Status::ok();
  }

 private:
  int64_t axis_;
};

class SplitKernel final : public Kernel {
 public:
  explicit SplitKernel(const Node& node)
      : axis_(node.attrs.get_int("axis", 0)), split_(node.attrs.get_ints("split")),
        num_outputs_(node.attrs.get_int("num_outputs", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    if (x.rank() == 0) return invalid_argument(node.describe() + ": input must have rank >= 1");
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x.rank(), node));
    const int64_t dim = x.dim(axis);
    const int64_t n = ctx.num_outputs();
    // Sizes: input 1 (opset 13+, and optionally opset 1), the attribute (< 13), else equal parts;
    // num_outputs (opset 18) allows a smaller last part.
    std::vector<int64_t> sizes = input_or_attr(ctx, 1, split_);
    if (sizes.empty()) {
      const int64_t chunk = num_outputs_ > 0 ? (dim + n - 1) / n : (dim % n == 0 ? dim / n : -1);
      if (chunk < 0) {
        return invalid_argument(node.describe() + ": dimension " + std::to_string(dim) + " cannot be split into " +
                                std::to_string(n) + " equal parts");
      }
      for (int64_t i = 0; i < n; ++i) sizes.push_back(std::clamp(dim - i * chunk, int64_t{0}, chunk));
    }
    int64_t total = 0;
    bool ok = static_cast<int64_t>(sizes.size()) == n;
    for (int64_t s : sizes) {
      ok = ok && s >= 0;
      total += s;
    }
    if (!ok || total != dim) {
      return invalid_argument(node.describe() + ": split " + shape_str(sizes) + " does not divide dimension " +
                              std::to_string(dim) + " into " + std::to_string(n) + " outputs");
    }
    const int64_t outer = prod(x.shape(), 0, static_cast<size_t>(axis));
    const size_t unit = static_cast<size_t>(prod(x.shape(), static_cast<size_t>(axis) + 1, x.shape().size())) *
                        dtype_size(x.dtype());
    const char* src = static_cast<const char*>(x.raw());
    int64_t begin = 0;
    for (int64_t i = 0; i < n; ++i) {
      Shape shape = x.shape();
      shape[static_cast<size_t>(axis)] = sizes[static_cast<size_t>(i)];
      Tensor y(x.dtype(), shape);
      const size_t row = static_cast<size_t>(sizes[static_cast<size_t>(i)]) * unit;
      char* dst = static_cast<char*>(y.raw());
      for (int64_t o = 0; o < outer; ++o) {
        std::memcpy(dst + static_cast<size_t>(o) * row, src + (static_cast<size_t>(o * dim + begin)) * unit, row);
      }
      begin += sizes[static_cast<size_t>(i)];
      ctx.output(static_cast<int>(i)) = y;
    }
    return Status::ok();
  }

 private:
  int64_t axis_;
  std::vector<int64_t> split_;
  int64_t num_outputs_;
};

class TileKernel final : public Kernel {
 public:
  explicit TileKernel(const Node&) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    const std::vector<int64_t> reps = read_int64s(ctx.input(1));
    if (static_cast<int>(reps.size()) != x.rank()) {
      return invalid_argument(node.describe() + ": repeats " + shape_str(reps) + " do not match input rank " +
                              std::to_string(x.rank()));
    }
    // Tile is a broadcast copy of the view [r0, d0, r1, d1, ...] with stride 0 on every r_k.
    const auto strides = contiguous_strides(x.shape());
    Shape view, out;
    std::vector<int64_t> src_strides;
    for (int k = 0; k < x.rank(); ++k) {
      if (reps[static_cast<size_t>(k)] < 0) return invalid_argument(node.describe() + ": negative repeat");
      view.insert(view.end(), {reps[static_cast<size_t>(k)], x.dim(k)});
      src_strides.insert(src_strides.end(), {0, strides[static_cast<size_t>(k)]});
      out.push_back(reps[static_cast<size_t>(k)] * x.dim(k));
    }
    Tensor y(x.dtype(), out);
    shape_detail::copy_strided(dtype_size(x.dtype()), x.raw(), src_strides, y.raw(), contiguous_strides(view), view,
                               ctx.threads);
    ctx.output(0) = y;
    return Status::ok();
  }
};

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

class PadKernel final : public Kernel {
 public:
  PadKernel(const Node& node, PadMode mode)
      : mode_(mode),
        // Opset 1 names the attribute "paddings", 2-10 "pads"; 11+ take inputs.
        pads_(node.attrs.has("paddings") ? node.attrs.get_ints("paddings") : node.attrs.get_ints("pads")),
        value_(node.attrs.get_float("value", 0.0f)) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    const std::string m = node.attrs.get_string("mode", "constant");
    PadMode mode;
    if (m == "constant") mode = PadMode::kConstant;
    else if (m == "reflect") mode = PadMode::kReflect;
    else if (m == "edge") mode = PadMode::kEdge;
    else if (m == "wrap") mode = PadMode::kWrap;
    else return unsupported(node.describe() + ": mode '" + m + "' is not supported");
    return std::unique_ptr<Kernel>(std::make_unique<PadKernel>(node, mode));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    const DType dt = x.dtype();
    QWB_RETURN_IF_ERROR(check_storable(node, dt));
    const int r = x.rank();
    const std::vector<int64_t> pads = input_or_attr(ctx, 1, pads_);
    // Opset 18: optional axes input selects the padded dims; pads then has 2 * len(axes) entries.
    std::vector<int64_t> axes;
    if (ctx.has_input(3)) {
      for (int64_t a : read_int64s(ctx.input(3))) {
        QWB_ASSIGN_OR_RETURN(int ax, normalize_axis(a, r, node));
        axes.push_back(ax);
      }
    } else {
      for (int k = 0; k < r; ++k) axes.push_back(k);
    }
    if (pads.size() != 2 * axes.size()) {
      return invalid_argument(node.describe() + ": pads " + shape_str(pads) + " must have 2 * " +
                              std::to_string(axes.size()) + " entries");
    }
    std::vector<int64_t> before(static_cast<size_t>(r), 0), after(static_cast<size_t>(r), 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      before[static_cast<size_t>(axes[i])] = pads[i];
      after[static_cast<size_t>(axes[i])] = pads[i + axes.size()];
    }
    // The pad value: input 2 (opset 11+, same type as x) or the float attribute.
    Tensor value = ctx.has_input(2) && ctx.input(2).numel() > 0 ? ctx.input(2) : Tensor::scalar<float>(value_).cast(dt);
    if (value.dtype() != dt) return invalid_argument(node.describe() + ": constant_value differs in type from data");

    // Per dimension, the source index of every output index (-1: the pad value). Negative pads
    // crop first; edge/reflect/wrap then see the cropped extent, as ONNX Runtime does.
    Shape out(static_cast<size_t>(r));
    std::vector<std::vector<int64_t>> maps(static_cast<size_t>(r));
    for (size_t k = 0; k < static_cast<size_t>(r); ++k) {
      const int64_t d = x.shape()[k];
      const int64_t lo = std::max<int64_t>(0, -before[k]);
      const int64_t len = d - lo - std::max<int64_t>(0, -after[k]);
      const int64_t pb = std::max<int64_t>(0, before[k]);
      if (len < 0) return invalid_argument(node.describe() + ": pads " + shape_str(pads) + " crop more than the input");
      out[k] = len + pb + std::max<int64_t>(0, after[k]);
      if (len == 0 && out[k] > 0 && mode_ != PadMode::kConstant) {
        return invalid_argument(node.describe() + ": cannot pad an empty dimension in this mode");
      }
      auto& m = maps[k];
      m.resize(static_cast<size_t>(out[k]));
      for (int64_t o = 0; o < out[k]; ++o) {
        int64_t i = o - pb;
        if ((i < 0 || i >= len) && mode_ == PadMode::kConstant) {
          m[static_cast<size_t>(o)] = -1;
          continue;
        }
        if (i < 0 || i >= len) {
          switch (mode_) {
            case PadMode::kConstant: break;
            case PadMode::kEdge: i = std::clamp(i, int64_t{0}, len - 1); break;
            case PadMode::kWrap: i = ((i % len) + len) % len; break;
            case PadMode::kReflect: {
              const int64_t period = 2 * (len - 1);
              if (period == 0) { i = 0; break; }
              i = ((i % period) + period) % period;
              if (i >= len) i = period - i;
              break;
            }
          }
        }
        m[static_cast<size_t>(o)] = i + lo;
      }
    }
    Tensor y(dt, out);
    if (r == 0) {
      ctx.output(0) = x.clone();
      return Status::ok();
    }
    const auto strides = contiguous_strides(x.shape());
    const int64_t cols = out.back();
    const int64_t rows = cols == 0 ? 0 : y.numel() / cols;
    QWB_DISPATCH_BYTES(dt, {
      const T* src = static_cast<const T*>(x.raw());
      T* dst = static_cast<T*>(y.raw());
      T pad;
      std::memcpy(&pad, value.raw(), sizeof(T));
      const auto& last = maps.back();
      parallel_for(rows, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          // Source offset of this output row; -1 when any outer coordinate is padding.
          int64_t base = 0, rem = row;
          for (int k = r - 2; k >= 0 && base >= 0; --k) {
            const int64_t idx = maps[static_cast<size_t>(k)][static_cast<size_t>(rem % out[static_cast<size_t>(k)])];
            rem /= out[static_cast<size_t>(k)];
            base = idx < 0 ? -1 : base + idx * strides[static_cast<size_t>(k)];
          }
          T* d = dst + row * cols;
          for (int64_t c = 0; c < cols; ++c) {
            const int64_t i = last[static_cast<size_t>(c)];
            d[c] = base < 0 || i < 0 ? pad : src[base + i];
          }
        }
      }, cols);
    });
    ctx.output(0) = y;
    return Status::ok();
  }

 private:
  PadMode mode_;
  std::vector<int64_t> pads_;
  float value_;
};

}  // namespace

void register_slice_kernels(KernelRegistry& r) {
  r.add("Slice", 1, kMaxOpset, make_kernel<SliceKernel>);
  r.add("Concat", 1, kMaxOpset, make_kernel<ConcatKernel>);
  r.add("Split", 1, kMaxOpset, make_kernel<SplitKernel>);
  r.add("Tile", 6, kMaxOpset, make_kernel<TileKernel>);
  r.add("Pad", 1, kMaxOpset, PadKernel::create);
}

}  // namespace qwb
