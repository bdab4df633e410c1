// Normalization ops: BatchNormalization, InstanceNormalization, LayerNormalization,
// GroupNormalization, LRN, MeanVarianceNormalization.
//
// Statistics are accumulated in double; float16/bfloat16 inputs run through float32.
#include <algorithm>
#include <cmath>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/reduce/reduce_common.h"

namespace qwb {

namespace {

// Any float tensor as doubles (parameters such as scale, bias, running mean/var).
std::vector<double> to_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[i] = t.get_double(i);
  return v;
}

// Mean and population variance of the n values get(0..n-1), two passes.
template <typename Get>
std::pair<double, double> mean_var(int64_t n, Get get) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += get(i);
  const double mean = n ? s / n : 0.0;
  double v = 0;
  for (int64_t i = 0; i < n; ++i) { double d = get(i) - mean; v += d * d; }
  return {mean, n ? v / n : 0.0};
}

// Runs body.template operator()<T>() for float / double inputs, float16 / bfloat16 through
// float32; other dtypes are an unsupported Status naming the input.
template <typename Body>
Status dispatch_float(KernelContext& ctx, const Kernel& k, Body&& body, uint32_t keep_float32_outputs = 0) {
  const Tensor& x = ctx.input(0);
  if (is_half_dtype(x.dtype()))
    return run_half_as_float(ctx, x.dtype(), [&k](KernelContext& c) { return k.compute(c); }, keep_float32_outputs);
  Status st = unsupported_dtype(*ctx.node, x.dtype());
  QWB_DISPATCH_FLOAT(x.dtype(), st = body(T{}));
  return st;
}

// ---------------------------------------------------------------------------------------------

class BatchNormKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<BatchNormKernel>();
    k->epsilon_ = node.attrs.get_float("epsilon", 1e-5f);
    k->momentum_ = node.attrs.get_float("momentum", 0.9f);
    k->training_ = node.opset >= 14 && node.attrs.get_int("training_mode", 0) != 0;
    // Before opset 14 the extra outputs (running and saved statistics) exist only for training,
    // whose saved-statistics semantics differ between versions: not supported.
    if (node.opset < 14) {
      for (size_t i = 1; i < node.outputs.size(); ++i)
        if (!node.outputs[i].empty())
          return unsupported(node.describe() + ": training outputs (" + node.outputs[i] +
                             ") are only supported from opset 14 (training_mode)");
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    return dispatch_float(ctx, *this, [&](auto tag) { return run<decltype(tag)>(ctx); });
  }

 private:
  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    if (x.rank() < 2) return invalid_argument(node.describe() + ": input must have rank >= 2");
    const int64_t n = x.dim(0), c = x.dim(1), spatial = dims_product(x.shape(), 2, x.rank());
    std::vector<double> scale = to_doubles(ctx.input(1)), bias = to_doubles(ctx.input(2));
    std::vector<double> mean = to_doubles(ctx.input(3)), var = to_doubles(ctx.input(4));
    // Per-channel parameters, or per-element ones (C, D1, ...) for the old spatial=0 mode.
    const int64_t count = static_cast<int64_t>(scale.size());
    const bool per_channel = count == c;
    if (!per_channel && count != c * spatial)
      return invalid_argument(node.describe() + ": scale has " + std::to_string(count) + " elements for " +
                              std::to_string(c) + " channels");
    if (bias.size() != scale.size() || mean.size() != scale.size() || var.size() != scale.size())
      return invalid_argument(node.describe() + ": scale, B, mean and var must have the same size");
    const T* src = x.data<T>();

    if (training_) {
      // Batch statistics per channel replace the running ones; the running ones are updated.
      if (!per_channel) return invalid_argument(node.describe() + ": training needs per-channel parameters");
      std::vector<double> running_mean = mean, running_var = var;
      for (int64_t ch = 0; ch < c; ++ch) {
        auto get = [&](int64_t i) { return static_cast<double>(src[((i / spatial) * c + ch) * spatial + i % spatial]); };
        auto [m, v] = mean_var(n * spatial, get);
        mean[ch] = m;
        var[ch] = v;
        running_mean[ch] = running_mean[ch] * momentum_ + m * (1.0 - momentum_);
        running_var[ch] = running_var[ch] * momentum_ + v * (1.0 - momentum_);
      }
      if (ctx.num_outputs() > 1) ctx.output(1) = vector_tensor<T>(running_mean, ctx.input(3));
      if (ctx.num_outputs() > 2) ctx.output(2) = vector_tensor<T>(running_var, ctx.input(4));
    }

    // y = (x - mean) * (scale / sqrt(var + eps)) + bias, with the per-parameter factors in T.
    std::vector<T> a(scale.size()), m(scale.size()), bb(scale.size());
    for (size_t p = 0; p < scale.size(); ++p) {
      a[p] = static_cast<T>(scale[p] / std::sqrt(var[p] + epsilon_));
      m[p] = static_cast<T>(mean[p]);
      bb[p] = static_cast<T>(bias[p]);
    }
    Tensor y(x.dtype(), x.shape());
    T* dst = y.data<T>();
    // Rows of `len` elements: one channel's spatial block, or one sample for per-element params.
    const int64_t len = per_channel ? spatial : count, rows = x.numel() / std::max<int64_t>(len, 1);
    parallel_for(rows, ctx.threads, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* xs = src + r * len;
        T* ys = dst + r * len;
        if (per_channel) {
          const int64_t p = r % c;
          for (int64_t i = 0; i < len; ++i) ys[i] = (xs[i] - m[p]) * a[p] + bb[p];
        } else {
          for (int64_t i = 0; i < len; ++i) ys[i] = (xs[i] - m[i]) * a[i] + bb[i];
        }
      }
    }, len);
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

  // A 1-D tensor of `v` in the dtype of x (T), shaped like `like`.
  template <typename T>
  static Tensor vector_tensor(const std::vector<double>& v, const Tensor& like) {
    Tensor t(DTypeOf<T>::value, like.shape());
    for (size_t i = 0; i < v.size(); ++i) t.data<T>()[i] = static_cast<T>(v[i]);
    return t;
  }

  float epsilon_ = 1e-5f;
  float momentum_ = 0.9f;
  bool training_ = false;
};

// ---------------------------------------------------------------------------------------------

// Normalizes groups of channels of an (N, C, spatial...) tensor over (channels in group, spatial),
// then applies a per-channel affine. InstanceNormalization is the case group = 1 channel.
template <typename T>
void normalize_channel_groups(const T* src, T* dst, int64_t n, int64_t c, int64_t spatial, int64_t groups,
                              double epsilon, const std::function<double(int64_t)>& scale_of,
                              const std::function<double(int64_t)>& bias_of, int threads) {
  const int64_t per_group = c / groups, len = per_group * spatial;
  parallel_for(n * groups, threads, [&](int64_t b, int64_t e) {
    for (int64_t g = b; g < e; ++g) {
      const T* xs = src + g * len;
      T* ys = dst + g * len;
      auto [mean, var] = mean_var(len, [&](int64_t i) { return static_cast<double>(xs[i]); });
      const double inv = 1.0 / std::sqrt(var + epsilon);
      for (int64_t k = 0; k < per_group; ++k) {
        const int64_t ch = (g % groups) * per_group + k;
        const double a = scale_of(ch) * inv, bb = bias_of(ch);
        for (int64_t s = 0; s < spatial; ++s) ys[k * spatial + s] = static_cast<T>((xs[k * spatial + s] - mean) * a + bb);
      }
    }
  }, len * 3);
}

class InstanceNormKernel final : public Kernel {
 public:
  explicit InstanceNormKernel(const Node& node) : epsilon_(node.attrs.get_float("epsilon", 1e-5f)) {}

  Status compute(KernelContext& ctx) const override {
    return dispatch_float(ctx, *this, [&](auto tag) {
      using T = decltype(tag);
      const Tensor& x = ctx.input(0);
      if (x.rank() < 2) return invalid_argument(ctx.node->describe() + ": input must have rank >= 2");
      const int64_t c = x.dim(1);
      std::vector<double> scale = to_doubles(ctx.input(1)), bias = to_doubles(ctx.input(2));
      if (static_cast<int64_t>(scale.size()) != c || static_cast<int64_t>(bias.size()) != c)
        return invalid_argument(ctx.node->describe() + ": scale and B must have C = " + std::to_string(c) + " elements");
      Tensor y(x.dtype(), x.shape());
      normalize_channel_groups<T>(x.data<T>(), y.data<T>(), x.dim(0), c, dims_product(x.shape(), 2, x.rank()), c,
                                  epsilon_, [&](int64_t ch) { return scale[ch]; },
                                  [&](int64_t ch) { return bias[ch]; }, ctx.threads);
      ctx.output(0) = std::move(y);
      return Status::ok();
    });
  }

 private:
  float epsilon_;
};

class GroupNormKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<GroupNormKernel>();
    k->epsilon_ = node.attrs.get_float("epsilon", 1e-5f);
    k->groups_ = node.attrs.get_int("num_groups", 0);
    if (k->groups_ <= 0) return invalid_argument(node.describe() + ": attribute num_groups must be positive");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    return dispatch_float(ctx, *this, [&](auto tag) {
      using T = decltype(tag);
      const Tensor& x = ctx.input(0);
      const Node& node = *ctx.node;
      if (x.rank() < 2) return invalid_argument(node.describe() + ": input must have rank >= 2");
      const int64_t c = x.dim(1);
      if (c % groups_ != 0)
        return invalid_argument(node.describe() + ": channels " + std::to_string(c) +
                                " are not divisible by num_groups " + std::to_string(groups_));
      std::vector<double> scale = to_doubles(ctx.input(1)), bias = to_doubles(ctx.input(2));
      // Opset 18 has one scale per group, opset 21 one per channel.
      const int64_t count = static_cast<int64_t>(scale.size());
      if ((count != c && count != groups_) || bias.size() != scale.size())
        return invalid_argument(node.describe() + ": scale and bias must have C or num_groups elements");
      const int64_t per_group = c / groups_;
      auto param = [&](const std::vector<double>& v, int64_t ch) { return count == c ? v[ch] : v[ch / per_group]; };
      Tensor y(x.dtype(), x.shape());
      normalize_channel_groups<T>(x.data<T>(), y.data<T>(), x.dim(0), c, dims_product(x.shape(), 2, x.rank()),
                                  groups_, epsilon_, [&](int64_t ch) { return param(scale, ch); },
                                  [&](int64_t ch) { return param(bias, ch); }, ctx.threads);
      ctx.output(0) = std::move(y);
      return Status::ok();
    });
  }

 private:
  float epsilon_ = 1e-5f;
  int64_t groups_ = 1;
};

// ---------------------------------------------------------------------------------------------

// LayerNormalization (opset 17): normalizes over dims [axis, rank); optional outputs Mean and
// InvStdDev (shape x.shape[:axis] + ones) in stash_type (float32 unless float64 is asked for).
class LayerNormKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<LayerNormKernel>();
    k->axis_ = node.attrs.get_int("axis", -1);
    k->epsilon_ = node.attrs.get_float("epsilon", 1e-5f);
    k->stash_ = static_cast<DType>(node.attrs.get_int("stash_type", 1));
    if (k->stash_ != DType::kFloat32 && k->stash_ != DType::kFloat64)
      return unsupported(node.describe() + ": stash_type " + dtype_name(k->stash_) + " is not supported");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    // Mean and InvStdDev stay in the stash type for half inputs.
    return dispatch_float(ctx, *this, [&](auto tag) { return run<decltype(tag)>(ctx); }, 0b110);
  }

 private:
  template <typename T>
  Status run(KernelContext& ctx) const {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x.rank(), node));
    const int64_t rows = dims_product(x.shape(), 0, axis), n = dims_product(x.shape(), axis, x.rank());
    Shape norm_shape(x.shape().begin() + axis, x.shape().end());
    QWB_ASSIGN_OR_RETURN(std::vector<int64_t> ws, param_strides(ctx.input(1), norm_shape, node));
    std::vector<int64_t> bs;
    std::vector<double> bias;
    if (ctx.has_input(2)) {
      QWB_ASSIGN_OR_RETURN(bs, param_strides(ctx.input(2), norm_shape, node));
      bias = to_doubles(ctx.input(2));
    }
    const std::vector<double> scale = to_doubles(ctx.input(1));
    // Index of normalized element i (row-major over norm_shape) in a broadcast parameter.
    const auto norm_strides = contiguous_strides(norm_shape);
    std::vector<int64_t> w_index(n), b_index(bias.empty() ? 0 : n);
    for (int64_t i = 0; i < n; ++i) {
      int64_t wi = 0, bi = 0, rem = i;
      for (size_t d = 0; d < norm_shape.size(); ++d) {
        int64_t q = rem / norm_strides[d];
        rem %= norm_strides[d];
        wi += q * ws[d];
        if (!bias.empty()) bi += q * bs[d];
      }
      w_index[i] = wi;
      if (!bias.empty()) b_index[i] = bi;
    }

    Shape stat_shape = x.shape();
    for (int d = axis; d < x.rank(); ++d) stat_shape[d] = 1;
    Tensor y(x.dtype(), x.shape()), mean_t(DType::kFloat64, stat_shape), inv_t(DType::kFloat64, stat_shape);
    const T* src = x.data<T>();
    T* dst = y.data<T>();
    double* means = mean_t.data<double>();
    double* invs = inv_t.data<double>();
    parallel_for(rows, ctx.threads, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const T* xs = src + r * n;
        T* ys = dst + r * n;
        auto [mean, var] = mean_var(n, [&](int64_t i) { return static_cast<double>(xs[i]); });
        const double inv = 1.0 / std::sqrt(var + epsilon_);
        means[r] = mean;
        invs[r] = inv;
        for (int64_t i = 0; i < n; ++i) {
          double v = (xs[i] - mean) * inv * scale[w_index[i]];
          if (!bias.empty()) v += bias[b_index[i]];
          ys[i] = static_cast<T>(v);
        }
      }
    }, n * 4);
    ctx.output(0) = std::move(y);
    if (ctx.num_outputs() > 1) ctx.output(1) = mean_t.cast(stash_);
    if (ctx.num_outputs() > 2) ctx.output(2) = inv_t.cast(stash_);
    return Status::ok();
  }

  // Strides of a Scale/B parameter broadcast (numpy-style, from the right) to the normalized shape.
  static Result<std::vector<int64_t>> param_strides(const Tensor& p, const Shape& norm_shape, const Node& node) {
    Shape ps = p.shape();
    while (ps.size() > norm_shape.size() && ps.front() == 1) ps.erase(ps.begin());
    bool ok = ps.size() <= norm_shape.size();
    for (size_t i = 0; ok && i < ps.size(); ++i) {
      int64_t d = ps[ps.size() - 1 - i], want = norm_shape[norm_shape.size() - 1 - i];
      ok = d == want || d == 1;
    }
    if (!ok)
      return invalid_argument(node.describe() + ": parameter shape " + shape_str(p.shape()) +
                              " does not broadcast to the normalized shape " + shape_str(norm_shape));
    return broadcast_strides(ps, norm_shape);
  }

  int64_t axis_ = -1;
  float epsilon_ = 1e-5f;
  DType stash_ = DType::kFloat32;
};

// ---------------------------------------------------------------------------------------------

// LRN across channels: y = x / (bias + alpha / size * sum of x^2 over the channel window)^beta.
class LrnKernel final : public Kernel {
 public:
  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    auto k = std::make_unique<LrnKernel>();
    k->size_ = node.attrs.get_int("size", 0);
    k->alpha_ = node.attrs.get_float("alpha", 1e-4f);
    k->beta_ = node.attrs.get_float("beta", 0.75f);
    k->bias_ = node.attrs.get_float("bias", 1.0f);
    if (k->size_ <= 0) return invalid_argument(node.describe() + ": attribute size must be positive");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  Status compute(KernelContext& ctx) const override {
    return dispatch_float(ctx, *this, [&](auto tag) {
      using T = decltype(tag);
      const Tensor& x = ctx.input(0);
      if (x.rank() < 2) return invalid_argument(ctx.node->describe() + ": input must have rank >= 2");
      const int64_t n = x.dim(0), c = x.dim(1), spatial = dims_product(x.shape(), 2, x.rank());
      const int64_t lo = (size_ - 1) / 2, hi = size_ - 1 - lo;  // floor / ceil of (size - 1) / 2
      const T* src = x.data<T>();
      Tensor y(x.dtype(), x.shape());
      T* dst = y.data<T>();
      parallel_for(n * c, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t nc = b; nc < e; ++nc) {
          const int64_t batch = nc / c, ch = nc % c;
          const int64_t c0 = std::max<int64_t>(0, ch - lo), c1 = std::min<int64_t>(c - 1, ch + hi);
          for (int64_t s = 0; s < spatial; ++s) {
            double sq = 0;
            for (int64_t k = c0; k <= c1; ++k) {
              double v = src[(batch * c + k) * spatial + s];
              sq += v * v;
            }
            const int64_t i = nc * spatial + s;
            dst[i] = static_cast<T>(src[i] / std::pow(bias_ + alpha_ / size_ * sq, beta_));
          }
        }
      }, spatial * size_);
      ctx.output(0) = std::move(y);
      return Status::ok();
    });
  }

 private:
  int64_t size_ = 1;
  double alpha_ = 1e-4, beta_ = 0.75, bias_ = 1.0;
};

// ---------------------------------------------------------------------------------------------

// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over `axes` (default [0, 2, 3]).
class MvnKernel final : public Kernel {
 public:
  explicit MvnKernel(const Node& node) : axes_(node.attrs.get_ints("axes", {0, 2, 3})) {}

  Status compute(KernelContext& ctx) const override {
    return dispatch_float(ctx, *this, [&](auto tag) {
      using T = decltype(tag);
      const Tensor& x = ctx.input(0);
      std::vector<bool> reduced(x.rank(), false);
      for (int64_t a : axes_) {
        QWB_ASSIGN_OR_RETURN(int d, normalize_axis(a, x.rank(), *ctx.node));
        reduced[d] = true;
      }
      const ReducePlan plan = make_reduce_plan(x.shape(), reduced);
      const int64_t n = static_cast<int64_t>(plan.inner.size());
      const T* src = x.data<T>();
      Tensor y(x.dtype(), x.shape());
      T* dst = y.data<T>();
      parallel_for(static_cast<int64_t>(plan.outer.size()), ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          const int64_t base = plan.outer[o];
          auto [mean, var] = mean_var(n, [&](int64_t r) { return static_cast<double>(src[base + plan.inner[r]]); });
          const double denom = std::sqrt(var) + 1e-9;
          for (int64_t r = 0; r < n; ++r) {
            const int64_t i = base + plan.inner[r];
            dst[i] = static_cast<T>((src[i] - mean) / denom);
          }
        }
      }, n * 3);
      ctx.output(0) = std::move(y);
      return Status::ok();
    });
  }

 private:
  std::vector<int64_t> axes_;
};

}  // namespace

void register_norm_kernels(KernelRegistry& r) {
  r.add("BatchNormalization", 1, kMaxOpset, BatchNormKernel::create);
  r.add("InstanceNormalization", 1, kMaxOpset, make_kernel<InstanceNormKernel>);
  r.add("LayerNormalization", 17, kMaxOpset, LayerNormKernel::create);
  r.add("GroupNormalization", 18, kMaxOpset, GroupNormKernel::create);
  r.add("LRN", 1, kMaxOpset, LrnKernel::create);
  r.add("MeanVarianceNormalization", 9, kMaxOpset, make_kernel<MvnKernel>);
}

}  // namespace qwb
