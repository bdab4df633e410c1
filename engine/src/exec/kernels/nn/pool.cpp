// Pooling: MaxPool (with Indices), AveragePool, LpPool, their Global* forms, and MaxUnpool.
// 1-D to 3-D; window geometry (pads, auto_pad, ceil_mode, dilations) comes from spatial.h.
#include "exec/kernels/nn/nn_util.h"
#include "exec/kernels/nn/spatial.h"

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

namespace qwb {
namespace {

using nn::Window3;

enum class PoolKind { kMax, kAverage, kLp };

// LpPool-1 stored p as a float, later versions as an int; both mean the same exponent.
float parse_p(const Node& node) {
  const Attribute* a = node.attrs.find("p");
  if (!a) return 2.0f;
  return a->type == Attribute::Type::kFloat ? a->f : static_cast<float>(a->i);
}

// Finishes an Lp sum: (sum |x|^p)^(1/p), with the common p = 1, 2 done exactly.
template <typename T>
T lp_root(T sum, float p) {
  if (p == 1.0f) return sum;
  if (p == 2.0f) return static_cast<T>(std::sqrt(static_cast<double>(sum)));
  return static_cast<T>(std::pow(static_cast<double>(sum), 1.0 / p));
}
template <typename T>
T lp_term(T v, float p) {
  if (p == 1.0f) return static_cast<T>(v < T(0) ? -v : v);
  if (p == 2.0f) return static_cast<T>(v * v);
  return static_cast<T>(std::pow(std::abs(static_cast<double>(v)), static_cast<double>(p)));
}

// MaxPool, AveragePool, LpPool.
class PoolKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node, PoolKind kind) {
    QWB_ASSIGN_OR_RETURN(nn::WindowAttrs attrs, nn::parse_window_attrs(node));
    if (attrs.kernel_shape.empty()) {
      return invalid_argument(node.describe() + ": attribute kernel_shape is required");
    }
    auto k = std::unique_ptr<PoolKernel>(new PoolKernel(node, kind, std::move(attrs)));
    k->count_include_pad_ = node.attrs.get_int("count_include_pad", 0) != 0;
    k->storage_order_ = node.attrs.get_int("storage_order", 0);
    if (k->storage_order_ != 0 && k->storage_order_ != 1) {
      return invalid_argument(node.describe() + ": attribute storage_order must be 0 or 1");
    }
    k->p_ = parse_p(node);
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    const DType dt = ctx.input(0).dtype();
    if (nn::is_half(dt)) return nn::compute_in_float(ctx, [this](KernelContext& c) { return compute(c); });
    Status st = unsupported_dtype(node_, dt);
    QWB_DISPATCH_FLOAT(dt, st = run<T>(ctx));
    if (kind_ == PoolKind::kMax) {
      // MaxPool-12 also takes 8-bit integers (pure comparisons).
      if (dt == DType::kInt8) st = run<int8_t>(ctx);
      if (dt == DType::kUInt8) st = run<uint8_t>(ctx);
    }
    return st;
  }

 private:
  PoolKernel(const Node& node, PoolKind kind, nn::WindowAttrs attrs)
      : node_(node), kind_(kind), attrs_(std::move(attrs)) {}

  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    QWB_ASSIGN_OR_RETURN(Window3 w, nn::forward_window(attrs_, x.shape(), attrs_.kernel_shape, node_));
    const int64_t planes = x.dim(0) * x.dim(1), isz = w.in_size(), osz = w.out_size();
    Tensor y(x.dtype(), w.output_shape(x.dim(0), x.dim(1)));
    const bool want_indices = kind_ == PoolKind::kMax && ctx.num_outputs() > 1;
    Tensor indices = want_indices ? Tensor(DType::kInt64, y.shape()) : Tensor();
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    int64_t* ip = want_indices ? indices.data<int64_t>() : nullptr;

    parallel_for(planes, ctx.threads, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const T* xc = xp + p * isz;
        for (int64_t od = 0; od < w.out[0]; ++od) {
          const auto [kd0, kd1] = w.taps(0, od);
          for (int64_t oh = 0; oh < w.out[1]; ++oh) {
            const auto [kh0, kh1] = w.taps(1, oh);
            for (int64_t ow = 0; ow < w.out[2]; ++ow) {
              const auto [kw0, kw1] = w.taps(2, ow);
              const int64_t o = p * osz + (od * w.out[1] + oh) * w.out[2] + ow;
              T best = std::numeric_limits<T>::lowest();
              int64_t best_at = 0;
              T sum = T(0);
              for (int64_t kd = kd0; kd < kd1; ++kd) {
                const int64_t id = od * w.stride[0] - w.pad_begin[0] + kd * w.dilation[0];
                for (int64_t kh = kh0; kh < kh1; ++kh) {
                  const int64_t ih = oh * w.stride[1] - w.pad_begin[1] + kh * w.dilation[1];
                  for (int64_t kw = kw0; kw < kw1; ++kw) {
                    const int64_t iw = ow * w.stride[2] - w.pad_begin[2] + kw * w.dilation[2];
                    const int64_t at = (id * w.in[1] + ih) * w.in[2] + iw;
                    const T v = xc[at];
                    if (kind_ == PoolKind::kMax) {
                      if (v > best || (kd == kd0 && kh == kh0 && kw == kw0)) {
                        best = v;
                        // storage_order 1 numbers the spatial positions column-major.
                        best_at = storage_order_ == 0 ? at : id + w.in[0] * (ih + w.in[1] * iw);
                      }
                    } else if (kind_ == PoolKind::kAverage) {
                      sum += v;
                    } else {
                      sum += lp_term(v, p_);
                    }
                  }
                }
              }
              if (kind_ == PoolKind::kMax) {
                yp[o] = best;
                if (ip) ip[o] = p * isz + best_at;
              } else if (kind_ == PoolKind::kAverage) {
                int64_t count = (kd1 - kd0) * (kh1 - kh0) * (kw1 - kw0);
                if (count_include_pad_) {
                  // Padding cells count, cells past the padding (ceil_mode) do not.
                  int64_t c = 1;
                  for (int s = 0; s < nn::kMaxSpatialRank; ++s) {
                    const int64_t oi = s == 0 ? od : s == 1 ? oh : ow;
                    const auto [a, b] = w.padded_taps(s, oi);
                    c *= b - a;
                  }
                  count = c;
                }
                yp[o] = count > 0 ? sum / static_cast<T>(count) : T(0);
              } else {
                yp[o] = lp_root(sum, p_);
              }
            }
          }
        }
      }
    }, osz * w.kernel_size());

    ctx.output(0) = std::move(y);
    if (want_indices) ctx.output(1) = std::move(indices);
    return Status::ok();
  }

  Node node_;
  PoolKind kind_;
  nn::WindowAttrs attrs_;
  bool count_include_pad_ = false;
  int64_t storage_order_ = 0;
  float p_ = 2.0f;
};

// GlobalMaxPool, GlobalAveragePool, GlobalLpPool: one window over all spatial dims (any rank).
class GlobalPoolKernel final : public Kernel {
 public:
  GlobalPoolKernel(const Node& node, PoolKind kind) : node_(node), kind_(kind), p_(parse_p(node)) {}

  Status compute(KernelContext& ctx) const override {
    return nn::dispatch_typed<false>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    if (x.rank() < 3) {
      return invalid_argument(node_.describe() + ": input must have rank >= 3, got " + shape_str(x.shape()));
    }
    Shape out_shape(x.shape().size(), 1);
    out_shape[0] = x.dim(0);
    out_shape[1] = x.dim(1);
    Tensor y(x.dtype(), out_shape);
    const int64_t planes = x.dim(0) * x.dim(1), sz = planes > 0 ? x.numel() / planes : 0;
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    parallel_for(planes, ctx.threads, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const T* xc = xp + p * sz;
        if (kind_ == PoolKind::kMax) {
          T best = std::numeric_limits<T>::lowest();
          for (int64_t i = 0; i < sz; ++i) best = std::max(best, xc[i]);
          yp[p] = best;
        } else {
          T sum = T(0);
          for (int64_t i = 0; i < sz; ++i) sum += kind_ == PoolKind::kAverage ? xc[i] : lp_term(xc[i], p_);
          yp[p] = kind_ == PoolKind::kAverage ? (sz > 0 ? sum / static_cast<T>(sz) : T(0)) : lp_root(sum, p_);
        }
      }
    }, sz);
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

  Node node_;
  PoolKind kind_;
  float p_;
};

// MaxUnpool: scatters X into zeros at the flat positions in I. The indices refer to the shape
// MaxPool's input would have had (inferred from kernel/strides/pads); an explicit output_shape
// keeps each value's coordinates and only resizes the tensor (as the ONNX reference does).
class MaxUnpoolKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    QWB_ASSIGN_OR_RETURN(nn::WindowAttrs attrs, nn::parse_window_attrs(node));
    if (attrs.kernel_shape.empty()) {
      return invalid_argument(node.describe() + ": attribute kernel_shape is required");
    }
    return std::unique_ptr<Kernel>(new MaxUnpoolKernel(node, std::move(attrs)));
  }

  Status compute(KernelContext& ctx) const override {
    return nn::dispatch_typed<false>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  MaxUnpoolKernel(const Node& node, nn::WindowAttrs attrs) : node_(node), attrs_(std::move(attrs)) {}

  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    const Tensor& ind = ctx.input(1);
    if (ind.shape() != x.shape() || (ind.dtype() != DType::kInt64 && ind.dtype() != DType::kInt32)) {
      return invalid_argument(node_.describe() + ": I must be an int64 tensor shaped like X " +
                              shape_str(x.shape()));
    }
    // Inferred pooled-from shape: the ConvTranspose size formula without output padding.
    nn::WindowAttrs a = attrs_;
    a.output_shape.clear();
    a.output_padding.clear();
    QWB_ASSIGN_OR_RETURN(Window3 w, nn::transpose_window(a, x.shape(), attrs_.kernel_shape, node_));
    const Shape inferred = w.output_shape(x.dim(0), x.dim(1));
    Shape out_shape = inferred;
    if (ctx.has_input(2)) {
      out_shape = ctx.input(2).to_int64_vector();
      if (out_shape.size() != inferred.size()) {
        return invalid_argument(node_.describe() + ": output_shape " + shape_str(out_shape) +
                                " must have rank " + std::to_string(inferred.size()));
      }
    }
    Tensor y(x.dtype(), out_shape);
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    const auto in_strides = contiguous_strides(inferred);
    const auto out_strides = contiguous_strides(out_shape);
    const int64_t total = shape_numel(inferred);
    for (int64_t i = 0; i < x.numel(); ++i) {
      int64_t flat = ind.get_int64(i);
      if (flat < 0 || flat >= total) {
        return invalid_argument(node_.describe() + ": index " + std::to_string(flat) +
                                " is out of range for " + shape_str(inferred));
      }
      int64_t dst = 0;
      bool inside = true;
      for (size_t d = 0; d < inferred.size(); ++d) {
        const int64_t coord = flat / in_strides[d];
        flat %= in_strides[d];
        inside = inside && coord < out_shape[d];
        dst += coord * out_strides[d];
      }
      if (inside) yp[dst] = xp[i];
    }
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

  Node node_;
  nn::WindowAttrs attrs_;
};

}  // namespace

void register_pool_kernels(KernelRegistry& r) {
  // Later versions add attributes (MaxPool-8 Indices/storage_order, -10 ceil_mode/dilations,
  // AveragePool-7 count_include_pad, -19 dilations, LpPool-18 ceil_mode/dilations) or dtypes;
  // absent attributes take their defaults, so one kernel serves every version.
  r.add("MaxPool", 1, kMaxOpset, [](const Node& n) { return PoolKernel::create(n, PoolKind::kMax); });
  r.add("AveragePool", 1, kMaxOpset,
        [](const Node& n) { return PoolKernel::create(n, PoolKind::kAverage); });
  r.add("LpPool", 1, kMaxOpset, [](const Node& n) { return PoolKernel::create(n, PoolKind::kLp); });
  auto global = [](PoolKind kind) {
    return [kind](const Node& n) -> Result<std::unique_ptr<Kernel>> {
      return std::unique_ptr<Kernel>(std::make_unique<GlobalPoolKernel>(n, kind));
    };
  };
  r.add("GlobalMaxPool", 1, kMaxOpset, global(PoolKind::kMax));
  r.add("GlobalAveragePool", 1, kMaxOpset, global(PoolKind::kAverage));
  r.add("GlobalLpPool", 1, kMaxOpset, global(PoolKind::kLp));
  r.add("MaxUnpool", 9, kMaxOpset, MaxUnpoolKernel::create);
}

}  // namespace qwb
