// Reductions (ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp), ArgMax/ArgMin, TopK.
//
// Axes come from the `axes` attribute before the opset where they became an input (ReduceSum at
// 13, the others at 18). Empty axes reduce everything unless noop_with_empty_axes is set, in
// which case the op is applied per element (a reduction over no axes: Sum is the identity,
// SumSquare squares, L1 takes |x|, ...). Reductions over empty dims give the identity of the
// operation (0 for sums, 1 for Prod, -inf / lowest for Max, -inf for LogSum(Exp), NaN for Mean).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/reduce/reduce_common.h"

namespace qwb {

namespace {

enum class ReduceOp { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

// Reduces n values; get(r) returns the r-th one.
template <typename T, typename Get>
T reduce_values(ReduceOp op, int64_t n, Get get) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;
  constexpr bool kFloat = std::is_floating_point_v<T>;
  switch (op) {
    case ReduceOp::kMax: {
      T m = kFloat ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
      for (int64_t r = 0; r < n; ++r) m = std::max(m, get(r));
      return m;
    }
    case ReduceOp::kMin: {
      T m = kFloat ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
      for (int64_t r = 0; r < n; ++r) m = std::min(m, get(r));
      return m;
    }
    case ReduceOp::kProd: {
      Acc p = 1;
      for (int64_t r = 0; r < n; ++r) p *= static_cast<Acc>(get(r));
      return static_cast<T>(p);
    }
    case ReduceOp::kLogSumExp: {
      double m = -std::numeric_limits<double>::infinity();
      for (int64_t r = 0; r < n; ++r) m = std::max(m, static_cast<double>(get(r)));
      if (std::isinf(m)) return static_cast<T>(m);  // empty, all -inf, or any +inf
      double s = 0;
      for (int64_t r = 0; r < n; ++r) s += std::exp(static_cast<double>(get(r)) - m);
      return static_cast<T>(m + std::log(s));
    }
    default: break;
  }
  // Sum-like reductions: accumulate f(x) in a wide type.
  Acc s = 0;
  switch (op) {
    case ReduceOp::kL1:
      for (int64_t r = 0; r < n; ++r) {
        Acc v = static_cast<Acc>(get(r));
        if constexpr (std::is_signed_v<Acc>) s += v < 0 ? -v : v; else s += v;
      }
      return static_cast<T>(s);
    case ReduceOp::kL2:
    case ReduceOp::kSumSquare:
      for (int64_t r = 0; r < n; ++r) { Acc v = static_cast<Acc>(get(r)); s += v * v; }
      return op == ReduceOp::kL2 ? static_cast<T>(std::sqrt(static_cast<double>(s))) : static_cast<T>(s);
    default:
      for (int64_t r = 0; r < n; ++r) s += static_cast<Acc>(get(r));
      break;
  }
  if (op == ReduceOp::kLogSum) return static_cast<T>(std::log(static_cast<double>(s)));
  if (op == ReduceOp::kMean) {
    if constexpr (kFloat) return static_cast<T>(s / static_cast<double>(n));  // n == 0 -> NaN
    else return n ? static_cast<T>(s / static_cast<Acc>(n)) : T(0);
  }
  return static_cast<T>(s);
}

class ReduceKernel final : public Kernel {
 public:
  ReduceKernel(const Node& node, ReduceOp op, bool axes_input)
      : op_(op),
        axes_input_(axes_input),
        keepdims_(node.attrs.get_int("keepdims", 1) != 0),
        noop_with_empty_axes_(node.attrs.get_int("noop_with_empty_axes", 0) != 0),
        axes_attr_(node.attrs.get_ints("axes")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (is_half_dtype(x.dtype()))
      return run_half_as_float(ctx, x.dtype(), [this](KernelContext& c) { return compute(c); });
    const Node& node = *ctx.node;
    const int rank = x.rank();
    std::vector<int64_t> axes = axes_attr_;
    if (axes_input_) axes = ctx.has_input(1) ? ctx.input(1).to_int64_vector() : std::vector<int64_t>{};

    std::vector<bool> reduced(rank, axes.empty() && !(axes_input_ && noop_with_empty_axes_));
    for (int64_t a : axes) {
      QWB_ASSIGN_OR_RETURN(int d, normalize_axis(a, rank, node));
      if (rank > 0) reduced[d] = true;
    }
    Shape out_shape;
    for (int d = 0; d < rank; ++d) {
      if (!reduced[d]) out_shape.push_back(x.dim(d));
      else if (keepdims_) out_shape.push_back(1);
    }
    const ReducePlan plan = make_reduce_plan(x.shape(), reduced);

    DType dt = x.dtype();
    if (dt == DType::kBool && (op_ == ReduceOp::kMax || op_ == ReduceOp::kMin)) dt = DType::kUInt8;
    Status st = unsupported_dtype(node, x.dtype());
    QWB_DISPATCH_NUMERIC(dt, {
      Tensor y(x.dtype(), out_shape);
      run<T>(static_cast<const T*>(x.raw()), static_cast<T*>(y.raw()), plan, ctx.threads);
      ctx.output(0) = std::move(y);
      st = Status::ok();
    });
    return st;
  }

 private:
  template <typename T>
  void run(const T* x, T* y, const ReducePlan& plan, int threads) const {
    const int64_t n = static_cast<int64_t>(plan.inner.size());
    const int64_t* off = plan.inner.data();
    // Reductions over trailing dims read a contiguous row: index it directly.
    bool contiguous = true;
    for (int64_t r = 0; r < n && contiguous; ++r) contiguous = off[r] == r;
    parallel_for(static_cast<int64_t>(plan.outer.size()), threads, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const T* base = x + plan.outer[o];
        y[o] = contiguous ? reduce_values<T>(op_, n, [&](int64_t r) { return base[r]; })
                          : reduce_values<T>(op_, n, [&](int64_t r) { return base[off[r]]; });
      }
    }, std::max<int64_t>(n, 1));
  }

  ReduceOp op_;
  bool axes_input_;
  bool keepdims_;
  bool noop_with_empty_axes_;
  std::vector<int64_t> axes_attr_;
};

// ---------------------------------------------------------------------------------------------

// Rows of a tensor along one axis: element i of row (o, in) is at o * n * inner + i * inner + in.
struct AxisRows {
  int64_t outer = 1, n = 1, inner = 1;
  int64_t base(int64_t row) const { return (row / inner) * n * inner + row % inner; }
};

AxisRows axis_rows(const Shape& s, int axis) {
  const int rank = static_cast<int>(s.size());
  return {dims_product(s, 0, axis), s.empty() ? 1 : s[axis], dims_product(s, axis + 1, rank)};
}

class ArgReduceKernel final : public Kernel {
 public:
  ArgReduceKernel(const Node& node, bool is_max)
      : is_max_(is_max),
        axis_(node.attrs.get_int("axis", 0)),
        keepdims_(node.attrs.get_int("keepdims", 1) != 0),
        select_last_(node.attrs.get_int("select_last_index", 0) != 0) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (is_half_dtype(x.dtype()))
      return run_half_as_float(ctx, x.dtype(), [this](KernelContext& c) { return compute(c); });
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x.rank(), *ctx.node));
    const AxisRows rows = axis_rows(x.shape(), axis);
    Shape out_shape = x.shape();
    if (!out_shape.empty()) {
      if (keepdims_) out_shape[axis] = 1;
      else out_shape.erase(out_shape.begin() + axis);
    }
    if (rows.n == 0 && shape_numel(out_shape) > 0)
      return invalid_argument(ctx.node->describe() + ": cannot take the arg-extremum of an empty axis");
    Tensor y(DType::kInt64, out_shape);
    int64_t* dst = y.data<int64_t>();
    Status st = unsupported_dtype(*ctx.node, x.dtype());
    QWB_DISPATCH_NUMERIC(x.dtype(), {
      const T* src = x.data<T>();
      parallel_for(rows.outer * rows.inner, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t row = b; row < e; ++row) {
          const T* p = src + rows.base(row);
          int64_t best = 0;
          for (int64_t i = 1; i < rows.n; ++i) {
            T v = p[i * rows.inner], m = p[best * rows.inner];
            bool better = is_max_ ? (v > m || (select_last_ && v == m)) : (v < m || (select_last_ && v == m));
            if (better) best = i;
          }
          dst[row] = best;
        }
      }, rows.n);
      st = Status::ok();
    });
    if (!st.is_ok()) return st;
    ctx.output(0) = std::move(y);
    return Status::ok();
  }

 private:
  bool is_max_;
  int64_t axis_;
  bool keepdims_;
  bool select_last_;
};

// ---------------------------------------------------------------------------------------------

// TopK: the k largest (or smallest) values along an axis and their indices. Equal values keep
// the lower index first; the output is always sorted (allowed when sorted = 0).
class TopKKernel final : public Kernel {
 public:
  explicit TopKKernel(const Node& node)
      : k_attr_(node.opset < 10 ? node.attrs.get_int("k", -1) : -1),
        axis_(node.attrs.get_int("axis", -1)),
        largest_(node.attrs.get_int("largest", 1) != 0) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    if (is_half_dtype(x.dtype()))
      return run_half_as_float(ctx, x.dtype(), [this](KernelContext& c) { return compute(c); });
    const Node& node = *ctx.node;
    int64_t k = k_attr_;
    if (k < 0) {
      if (!ctx.has_input(1) || ctx.input(1).numel() != 1)
        return invalid_argument(node.describe() + ": input K must hold one value");
      k = ctx.input(1).get_int64(0);
    }
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x.rank(), node));
    const AxisRows rows = axis_rows(x.shape(), axis);
    if (k < 0 || k > rows.n)
      return invalid_argument(node.describe() + ": k = " + std::to_string(k) + " is out of range for axis size " +
                              std::to_string(rows.n));
    Shape out_shape = x.shape();
    out_shape[axis] = k;
    Tensor values(x.dtype(), out_shape), indices(DType::kInt64, out_shape);
    int64_t* idx_out = indices.data<int64_t>();
    Status st = unsupported_dtype(node, x.dtype());
    QWB_DISPATCH_NUMERIC(x.dtype(), {
      const T* src = x.data<T>();
      T* val_out = values.data<T>();
      parallel_for(rows.outer * rows.inner, ctx.threads, [&](int64_t b, int64_t e) {
        std::vector<int64_t> order(rows.n);
        for (int64_t row = b; row < e; ++row) {
          const T* p = src + rows.base(row);
          std::iota(order.begin(), order.end(), 0);
          // Strict weak order with NaN above every number (sorting must not see NaN unordered).
          auto greater = [](T a, T c) {
            if constexpr (std::is_floating_point_v<T>) {
              if (std::isnan(a)) return !std::isnan(c);
              if (std::isnan(c)) return false;
            }
            return a > c;
          };
          auto before = [&](int64_t i, int64_t j) {
            T a = p[i * rows.inner], c = p[j * rows.inner];
            if (greater(a, c)) return largest_;
            if (greater(c, a)) return !largest_;
            return i < j;
          };
          std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
          const int64_t ob = (row / rows.inner) * k * rows.inner + row % rows.inner;
          for (int64_t i = 0; i < k; ++i) {
            val_out[ob + i * rows.inner] = p[order[i] * rows.inner];
            idx_out[ob + i * rows.inner] = order[i];
          }
        }
      }, rows.n * 8);
      st = Status::ok();
    });
    if (!st.is_ok()) return st;
    ctx.output(0) = std::move(values);
    if (ctx.num_outputs() > 1) ctx.output(1) = std::move(indices);
    return Status::ok();
  }

 private:
  int64_t k_attr_;
  int64_t axis_;
  bool largest_;
};

// ---------------------------------------------------------------------------------------------

void add_reduce(KernelRegistry& r, const std::string& name, ReduceOp op, int axes_input_since) {
  r.add(name, 1, axes_input_since - 1, [op](const Node& node) -> Result<std::unique_ptr<Kernel>> {
    return std::unique_ptr<Kernel>(std::make_unique<ReduceKernel>(node, op, false));
  });
  r.add(name, axes_input_since, kMaxOpset, [op](const Node& node) -> Result<std::unique_ptr<Kernel>> {
    return std::unique_ptr<Kernel>(std::make_unique<ReduceKernel>(node, op, true));
  });
}

}  // namespace

void register_reduce_kernels(KernelRegistry& r) {
  add_reduce(r, "ReduceSum", ReduceOp::kSum, 13);
  add_reduce(r, "ReduceMean", ReduceOp::kMean, 18);
  add_reduce(r, "ReduceMax", ReduceOp::kMax, 18);
  add_reduce(r, "ReduceMin", ReduceOp::kMin, 18);
  add_reduce(r, "ReduceProd", ReduceOp::kProd, 18);
  add_reduce(r, "ReduceL1", ReduceOp::kL1, 18);
  add_reduce(r, "ReduceL2", ReduceOp::kL2, 18);
  add_reduce(r, "ReduceSumSquare", ReduceOp::kSumSquare, 18);
  add_reduce(r, "ReduceLogSum", ReduceOp::kLogSum, 18);
  add_reduce(r, "ReduceLogSumExp", ReduceOp::kLogSumExp, 18);
  r.add("ArgMax", 1, kMaxOpset, [](const Node& node) -> Result<std::unique_ptr<Kernel>> {
    return std::unique_ptr<Kernel>(std::make_unique<ArgReduceKernel>(node, true));
  });
  r.add("ArgMin", 1, kMaxOpset, [](const Node& node) -> Result<std::unique_ptr<Kernel>> {
    return std::unique_ptr<Kernel>(std::make_unique<ArgReduceKernel>(node, false));
  });
  r.add("TopK", 1, kMaxOpset, make_kernel<TopKKernel>);
}

}  // namespace qwb
