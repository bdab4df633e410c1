// Gather/scatter family: Gather, GatherElements, GatherND, ScatterND, ScatterElements (and the
// deprecated Scatter), OneHot, Trilu, CumSum, NonZero, Compress.
//
// Data movement is by element size, so every storable dtype works; scatter reductions and
// CumSum compute on numeric types (float16/bfloat16 through float).
#include <algorithm>
#include <cstring>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/shape/shape_util.h"

namespace qwb {

namespace {

using shape_detail::Arith;
using shape_detail::check_storable;
using shape_detail::prod;
using shape_detail::read_int64s;
using shape_detail::wrap_index;

char* bytes(Tensor& t) { return static_cast<char*>(t.raw()); }
const char* bytes(const Tensor& t) { return static_cast<const char*>(t.raw()); }

class GatherKernel final : public Kernel {
 public:
  explicit GatherKernel(const Node& node) : axis_(node.attrs.get_int("axis", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, data.dtype()));
    if (data.rank() == 0) return invalid_argument(node.describe() + ": data must have rank >= 1");
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, data.rank(), node));
    std::vector<int64_t> idx = read_int64s(ctx.input(1));
    const int64_t dim = data.dim(axis);
    for (int64_t& i : idx) QWB_RETURN_IF_ERROR(wrap_index(i, dim, node, "index"));

    const Shape& ds = data.shape();
    Shape out_shape(ds.begin(), ds.begin() + axis);
    for (int64_t d : ctx.input(1).shape()) out_shape.push_back(d);
    out_shape.insert(out_shape.end(), ds.begin() + axis + 1, ds.end());
    Tensor out(data.dtype(), out_shape);

    const int64_t outer = prod(ds, 0, static_cast<size_t>(axis));
    const int64_t n = static_cast<int64_t>(idx.size());
    const size_t block = static_cast<size_t>(prod(ds, static_cast<size_t>(axis) + 1, ds.size())) * dtype_size(data.dtype());
    const char* src = bytes(data);
    char* dst = bytes(out);
    parallel_for(outer * n, ctx.threads, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        const int64_t o = t / n, j = t % n;
        std::memcpy(dst + t * block, src + (o * dim + idx[static_cast<size_t>(j)]) * block, block);
      }
    }, static_cast<int64_t>(block / 4 + 1));
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  int64_t axis_;
};

// GatherElements/ScatterElements: for every element of `indices`, the offset into data of the
// element it addresses (its own coordinates with the `axis` coordinate replaced by the index).
Result<std::vector<int64_t>> element_offsets(const Shape& data_shape, const Tensor& indices, int64_t axis_attr,
                                             const Node& node) {
  const int r = static_cast<int>(data_shape.size());
  if (indices.rank() != r) {
    return invalid_argument(node.describe() + ": indices " + shape_str(indices.shape()) +
                            " must have the rank of data " + shape_str(data_shape));
  }
  QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_attr, r, node));
  for (int k = 0; k < r; ++k) {
    if (k != axis && indices.dim(k) > data_shape[static_cast<size_t>(k)]) {
      return invalid_argument(node.describe() + ": indices " + shape_str(indices.shape()) +
                              " exceed data " + shape_str(data_shape) + " outside the axis");
    }
  }
  std::vector<int64_t> offs = read_int64s(indices);
  const auto strides = contiguous_strides(data_shape);
  std::vector<int64_t> coord(static_cast<size_t>(r), 0);
  for (int64_t& off : offs) {
    QWB_RETURN_IF_ERROR(wrap_index(off, data_shape[static_cast<size_t>(axis)], node, "index"));
    int64_t o = 0;
    for (int k = 0; k < r; ++k) o += (k == axis ? off : coord[static_cast<size_t>(k)]) * strides[static_cast<size_t>(k)];
    off = o;
    for (int k = r - 1; k >= 0; --k) {  // next coordinate of indices, row-major
      if (++coord[static_cast<size_t>(k)] < indices.dim(k)) break;
      coord[static_cast<size_t>(k)] = 0;
    }
  }
  return offs;
}

class GatherElementsKernel final : public Kernel {
 public:
  explicit GatherElementsKernel(const Node& node) : axis_(node.attrs.get_int("axis", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    QWB_RETURN_IF_ERROR(check_storable(*ctx.node, data.dtype()));
    QWB_ASSIGN_OR_RETURN(std::vector<int64_t> offs, element_offsets(data.shape(), indices, axis_, *ctx.node));
    Tensor out(data.dtype(), indices.shape());
    QWB_DISPATCH_BYTES(data.dtype(), {
      const T* src = static_cast<const T*>(data.raw());
      T* dst = static_cast<T*>(out.raw());
      for (size_t i = 0; i < offs.size(); ++i) dst[i] = src[offs[i]];
    });
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  int64_t axis_;
};

class GatherNDKernel final : public Kernel {
 public:
  explicit GatherNDKernel(const Node& node) : batch_dims_(node.attrs.get_int("batch_dims", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, data.dtype()));
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    const int64_t b = batch_dims_, r = data.rank(), q = indices.rank();
    const int64_t m = q > 0 ? is.back() : 0;
    bool ok = q >= 1 && b >= 0 && b < q && b < r && m >= 1 && m <= r - b;
    for (int64_t k = 0; ok && k < b; ++k) ok = ds[static_cast<size_t>(k)] == is[static_cast<size_t>(k)];
    if (!ok) {
      return invalid_argument(node.describe() + ": data " + shape_str(ds) + " and indices " + shape_str(is) +
                              " do not match for batch_dims " + std::to_string(b));
    }
    Shape out_shape(is.begin(), is.end() - 1);
    out_shape.insert(out_shape.end(), ds.begin() + b + m, ds.end());
    Tensor out(data.dtype(), out_shape);

    const auto strides = contiguous_strides(ds);
    const int64_t batches = prod(ds, 0, static_cast<size_t>(b));
    const int64_t tuples = prod(is, static_cast<size_t>(b), is.size() - 1);  // per batch
    const int64_t batch_stride = b > 0 ? strides[static_cast<size_t>(b - 1)] : 0;
    const size_t es = dtype_size(data.dtype());
    const size_t slice = static_cast<size_t>(prod(ds, static_cast<size_t>(b + m), ds.size())) * es;
    const std::vector<int64_t> idx = read_int64s(indices);
    const char* src = bytes(data);
    char* dst = bytes(out);
    for (int64_t bi = 0; bi < batches; ++bi) {
      for (int64_t t = 0; t < tuples; ++t) {
        const int64_t tuple = bi * tuples + t;
        int64_t off = bi * batch_stride;
        for (int64_t k = 0; k < m; ++k) {
          int64_t i = idx[static_cast<size_t>(tuple * m + k)];
          QWB_RETURN_IF_ERROR(wrap_index(i, ds[static_cast<size_t>(b + k)], node, "index"));
          off += i * strides[static_cast<size_t>(b + k)];
        }
        std::memcpy(dst + tuple * slice, src + off * static_cast<int64_t>(es), slice);
      }
    }
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  int64_t batch_dims_;
};

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

Result<Reduction> parse_reduction(const Node& node) {
  const std::string s = node.attrs.get_string("reduction", "none");
  if (s == "none") return Reduction::kNone;
  if (s == "add") return Reduction::kAdd;
  if (s == "mul") return Reduction::kMul;
  if (s == "max") return Reduction::kMax;
  if (s == "min") return Reduction::kMin;
  return unsupported(node.describe() + ": reduction '" + s + "' is not supported");
}

template <typename T>
void combine(T& dst, T src, Reduction red) {
  using A = typename Arith<T>::Acc;
  const A a = Arith<T>::load(dst), b = Arith<T>::load(src);
  switch (red) {
    case Reduction::kNone: dst = src; return;
    case Reduction::kAdd: dst = Arith<T>::store(static_cast<A>(a + b)); return;
    case Reduction::kMul: dst = Arith<T>::store(static_cast<A>(a * b)); return;
    case Reduction::kMax: dst = Arith<T>::store(std::max(a, b)); return;
    case Reduction::kMin: dst = Arith<T>::store(std::min(a, b)); return;
  }
}

// out[offs[i] + j] (op)= upd[i * block + j] for j < block, in index order (later duplicates win
// or accumulate, as in the ONNX reference).
Status scatter(Tensor& out, const Tensor& upd, const std::vector<int64_t>& offs, int64_t block, Reduction red,
               const Node& node) {
  if (upd.dtype() != out.dtype()) return invalid_argument(node.describe() + ": updates and data differ in type");
  if (red == Reduction::kNone) {
    const size_t es = dtype_size(out.dtype());
    for (size_t i = 0; i < offs.size(); ++i) {
      std::memcpy(bytes(out) + offs[i] * static_cast<int64_t>(es), bytes(upd) + static_cast<int64_t>(i) * block * static_cast<int64_t>(es),
                  static_cast<size_t>(block) * es);
    }
    return Status::ok();
  }
  Status st = unsupported_dtype(node, out.dtype(), "data (with a reduction)");
  QWB_SHAPE_DISPATCH_ARITH(out.dtype(), {
    T* o = out.data<T>();
    const T* u = upd.data<T>();
    for (size_t i = 0; i < offs.size(); ++i)
      for (int64_t j = 0; j < block; ++j) combine(o[offs[i] + j], u[static_cast<int64_t>(i) * block + j], red);
    st = Status::ok();
  });
  return st;
}

class ScatterNDKernel final : public Kernel {
 public:
  explicit ScatterNDKernel(Reduction red) : red_(red) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    QWB_ASSIGN_OR_RETURN(Reduction red, parse_reduction(node));
    return std::unique_ptr<Kernel>(std::make_unique<ScatterNDKernel>(red));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const Tensor& updates = ctx.input(2);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, data.dtype()));
    const Shape& ds = data.shape();
    const Shape& is = indices.shape();
    const int64_t k = indices.rank() > 0 ? is.back() : -1;
    // updates must be indices.shape[:-1] + data.shape[k:]
    Shape want(is.begin(), is.end() - (is.empty() ? 0 : 1));
    if (k >= 0 && k <= data.rank()) want.insert(want.end(), ds.begin() + k, ds.end());
    if (k < 0 || k > data.rank() || updates.shape() != want) {
      return invalid_argument(node.describe() + ": data " + shape_str(ds) + ", indices " + shape_str(is) +
                              " and updates " + shape_str(updates.shape()) + " do not match");
    }
    const auto strides = contiguous_strides(ds);
    const std::vector<int64_t> idx = read_int64s(indices);
    // One offset per index tuple; k == 0 addresses the whole of data.
    std::vector<int64_t> offs(static_cast<size_t>(prod(is, 0, is.size() - 1)), 0);
    for (size_t t = 0; t < offs.size(); ++t) {
      int64_t off = 0;
      for (int64_t j = 0; j < k; ++j) {
        int64_t i = idx[t * static_cast<size_t>(k) + static_cast<size_t>(j)];
        QWB_RETURN_IF_ERROR(wrap_index(i, ds[static_cast<size_t>(j)], node, "index"));
        off += i * strides[static_cast<size_t>(j)];
      }
      offs[t] = off;
    }
    Tensor out = data.clone();
    QWB_RETURN_IF_ERROR(scatter(out, updates, offs, prod(ds, static_cast<size_t>(k), ds.size()), red_, node));
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  Reduction red_;
};

class ScatterElementsKernel final : public Kernel {
 public:
  ScatterElementsKernel(const Node& node, Reduction red) : axis_(node.attrs.get_int("axis", 0)), red_(red) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    QWB_ASSIGN_OR_RETURN(Reduction red, parse_reduction(node));
    return std::unique_ptr<Kernel>(std::make_unique<ScatterElementsKernel>(node, red));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& data = ctx.input(0);
    const Tensor& indices = ctx.input(1);
    const Tensor& updates = ctx.input(2);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, data.dtype()));
    if (updates.shape() != indices.shape()) {
      return invalid_argument(node.describe() + ": updates " + shape_str(updates.shape()) +
                              " must have the shape of indices " + shape_str(indices.shape()));
    }
    QWB_ASSIGN_OR_RETURN(std::vector<int64_t> offs, element_offsets(data.shape(), indices, axis_, node));
    Tensor out = data.clone();
    QWB_RETURN_IF_ERROR(scatter(out, updates, offs, 1, red_, node));
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  int64_t axis_;
  Reduction red_;
};

class OneHotKernel final : public Kernel {
 public:
  explicit OneHotKernel(const Node& node) : axis_(node.attrs.get_int("axis", -1)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& indices = ctx.input(0);
    const Tensor& depth_t = ctx.input(1);
    const Tensor& values = ctx.input(2);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, values.dtype(), "values"));
    if (depth_t.numel() != 1 || values.numel() != 2) {
      return invalid_argument(node.describe() + ": depth must have one element and values two");
    }
    const int64_t depth = static_cast<int64_t>(depth_t.get_double(0));
    if (depth <= 0) return invalid_argument(node.describe() + ": depth must be positive");
    const int64_t r = indices.rank();
    const int64_t axis = axis_ < 0 ? axis_ + r + 1 : axis_;
    if (axis < 0 || axis > r) {
      return invalid_argument(node.describe() + ": axis " + std::to_string(axis_) + " is out of range for rank " +
                              std::to_string(r + 1));
    }
    Shape out_shape = indices.shape();
    out_shape.insert(out_shape.begin() + axis, depth);
    Tensor out(values.dtype(), out_shape);
    const size_t es = dtype_size(values.dtype());
    shape_detail::fill_elements(out.raw(), values.raw(), es, out.numel());  // off value everywhere
    const char* on = bytes(values) + es;
    const std::vector<int64_t> idx = read_int64s(indices);  // float indices truncate, as in the reference
    const int64_t inner = prod(indices.shape(), static_cast<size_t>(axis), indices.shape().size());
    for (size_t t = 0; t < idx.size(); ++t) {
      int64_t i = idx[t];
      if (i < 0) i += depth;
      if (i < 0 || i >= depth) continue;  // out of range: all off
      const int64_t o = static_cast<int64_t>(t) / inner, in = static_cast<int64_t>(t) % inner;
      std::memcpy(bytes(out) + ((o * depth + i) * inner + in) * static_cast<int64_t>(es), on, es);
    }
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  int64_t axis_;
};

class TriluKernel final : public Kernel {
 public:
  explicit TriluKernel(const Node& node) : upper_(node.attrs.get_int("upper", 1) != 0) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    if (x.rank() < 2) return invalid_argument(node.describe() + ": input must have rank >= 2");
    const int64_t k = ctx.has_input(1) && ctx.input(1).numel() > 0 ? ctx.input(1).get_int64(0) : 0;
    const int64_t rows = x.dim(-2), cols = x.dim(-1);
    const int64_t mats = rows * cols == 0 ? 0 : x.numel() / (rows * cols);
    const size_t es = dtype_size(x.dtype());
    Tensor out(x.dtype(), x.shape());  // zero-filled; kept elements are copied row segment by row segment
    for (int64_t m = 0; m < mats; ++m) {
      for (int64_t i = 0; i < rows; ++i) {
        // upper keeps j - i >= k, lower keeps j - i <= k
        const int64_t j0 = upper_ ? std::clamp(i + k, int64_t{0}, cols) : 0;
        const int64_t j1 = upper_ ? cols : std::clamp(i + k + 1, int64_t{0}, cols);
        if (j1 <= j0) continue;
        const int64_t off = ((m * rows + i) * cols + j0) * static_cast<int64_t>(es);
        std::memcpy(bytes(out) + off, bytes(x) + off, static_cast<size_t>(j1 - j0) * es);
      }
    }
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  bool upper_;
};

class CumSumKernel final : public Kernel {
 public:
  explicit CumSumKernel(const Node& node)
      : exclusive_(node.attrs.get_int("exclusive", 0) != 0), reverse_(node.attrs.get_int("reverse", 0) != 0) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    if (ctx.input(1).numel() != 1) return invalid_argument(node.describe() + ": axis must be a scalar");
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(ctx.input(1).get_int64(0), x.rank(), node));
    const Shape& s = x.shape();
    const int64_t len = x.rank() == 0 ? 1 : s[static_cast<size_t>(axis)];
    const int64_t outer = prod(s, 0, static_cast<size_t>(axis));
    const int64_t inner = prod(s, static_cast<size_t>(axis) + 1, s.size());
    Tensor out(x.dtype(), s);
    Status st = unsupported_dtype(node, x.dtype());
    QWB_SHAPE_DISPATCH_ARITH(x.dtype(), {
      using A = typename Arith<T>::Acc;
      const T* src = x.data<T>();
      T* dst = out.data<T>();
      parallel_for(outer * inner, ctx.threads, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
          const int64_t base = (t / inner) * len * inner + t % inner;
          A acc = A(0);
          for (int64_t j = 0; j < len; ++j) {
            const int64_t p = base + (reverse_ ? len - 1 - j : j) * inner;
            const A v = Arith<T>::load(src[p]);
            if (!exclusive_) acc = static_cast<A>(acc + v);
            dst[p] = Arith<T>::store(acc);
            if (exclusive_) acc = static_cast<A>(acc + v);
          }
        }
      }, len);
      st = Status::ok();
    });
    if (st) ctx.output(0) = out;
    return st;
  }

 private:
  bool exclusive_, reverse_;
};

// Bits that make an element nonzero: everything but the sign bit for IEEE floats (-0 is zero);
// the FNUZ float8 types have no negative zero (0x80 is NaN).
uint64_t nonzero_mask(DType dt) {
  switch (dt) {
    case DType::kFloat32: return 0x7fffffffu;
    case DType::kFloat64: return 0x7fffffffffffffffull;
    case DType::kFloat16: case DType::kBFloat16: return 0x7fffu;
    case DType::kFloat8E4M3FN: case DType::kFloat8E5M2: return 0x7fu;
    default: return ~uint64_t{0};
  }
}

class NonZeroKernel final : public Kernel {
 public:
  explicit NonZeroKernel(const Node&) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    QWB_RETURN_IF_ERROR(check_storable(*ctx.node, x.dtype()));
    const uint64_t mask = nonzero_mask(x.dtype());
    std::vector<int64_t> hits;
    QWB_DISPATCH_BYTES(x.dtype(), {
      const T* p = static_cast<const T*>(x.raw());
      for (int64_t i = 0; i < x.numel(); ++i)
        if ((static_cast<uint64_t>(p[i]) & mask) != 0) hits.push_back(i);
    });
    // A scalar is treated as a 1-element vector (one coordinate row), as ONNX Runtime does.
    const int r = std::max(1, x.rank());
    const Shape shape = x.rank() == 0 ? Shape{1} : x.shape();
    const int64_t nnz = static_cast<int64_t>(hits.size());
    Tensor out(DType::kInt64, {r, nnz});
    int64_t* o = out.data<int64_t>();
    for (int64_t h = 0; h < nnz; ++h) {
      int64_t flat = hits[static_cast<size_t>(h)];
      for (int k = r - 1; k >= 0; --k) {
        o[k * nnz + h] = flat % shape[static_cast<size_t>(k)];
        flat /= shape[static_cast<size_t>(k)];
      }
    }
    ctx.output(0) = out;
    return Status::ok();
  }
};

class CompressKernel final : public Kernel {
 public:
  explicit CompressKernel(const Node& node)
      : has_axis_(node.attrs.has("axis")), axis_(node.attrs.get_int("axis", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    // Without an axis the input is flattened first.
    const Tensor x = has_axis_ ? ctx.input(0) : ctx.input(0).reshaped({ctx.input(0).numel()});
    const Tensor& cond = ctx.input(1);
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    if (cond.rank() != 1) return invalid_argument(node.describe() + ": condition must be 1-D");
    QWB_ASSIGN_OR_RETURN(int axis, normalize_axis(axis_, x.rank(), node));
    const int64_t dim = x.dim(axis);
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < std::min(dim, cond.numel()); ++i)
      if (cond.get_double(i) != 0) keep.push_back(i);
    Shape out_shape = x.shape();
    out_shape[static_cast<size_t>(axis)] = static_cast<int64_t>(keep.size());
    Tensor out(x.dtype(), out_shape);
    const int64_t outer = prod(x.shape(), 0, static_cast<size_t>(axis));
    const size_t block = static_cast<size_t>(prod(x.shape(), static_cast<size_t>(axis) + 1, x.shape().size())) *
                         dtype_size(x.dtype());
    char* dst = bytes(out);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i : keep) {
        std::memcpy(dst, bytes(x) + (o * dim + i) * static_cast<int64_t>(block), block);
        dst += block;
      }
    }
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  bool has_axis_;
  int64_t axis_;
};

}  // namespace

void register_gather_kernels(KernelRegistry& r) {
  r.add("Gather", 1, kMaxOpset, make_kernel<GatherKernel>);
  r.add("GatherElements", 11, kMaxOpset, make_kernel<GatherElementsKernel>);
  r.add("GatherND", 11, kMaxOpset, make_kernel<GatherNDKernel>);
  r.add("ScatterND", 11, kMaxOpset, ScatterNDKernel::create);
  r.add("ScatterElements", 11, kMaxOpset, ScatterElementsKernel::create);
  r.add("Scatter", 9, kMaxOpset, ScatterElementsKernel::create);  // deprecated alias of ScatterElements
  r.add("OneHot", 9, kMaxOpset, make_kernel<OneHotKernel>);
  r.add("Trilu", 14, kMaxOpset, make_kernel<TriluKernel>);
  r.add("CumSum", 11, kMaxOpset, make_kernel<CumSumKernel>);
  r.add("NonZero", 9, kMaxOpset, make_kernel<NonZeroKernel>);
  r.add("Compress", 9, kMaxOpset, make_kernel<CompressKernel>);
}

}  // namespace qwb
