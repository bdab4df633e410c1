// Shape ops: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand, Identity,
// Dropout (inference), Constant, ConstantOfShape, Range, EyeLike, DepthToSpace, SpaceToDepth.
//
// Ops that only change the shape (Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout) alias
// the input buffer; kernels never write into their inputs, so sharing is safe.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "exec/kernel.h"
#include "exec/kernel_util.h"
#include "exec/kernels/shape/shape_util.h"

namespace qwb {

namespace {

using shape_detail::Arith;
using shape_detail::check_storable;
using shape_detail::input_or_attr;
using shape_detail::read_int64s;

// A one-element tensor holding 1 in `dt` (EyeLike diagonal, all-true Dropout masks).
Tensor one_of(DType dt) { return Tensor::scalar<float>(1.0f).cast(dt); }

class ShapeKernel final : public Kernel {
 public:
  explicit ShapeKernel(const Node& node)
      : start_(node.attrs.get_int("start", 0)), has_end_(node.attrs.has("end")),
        end_(node.attrs.get_int("end", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Shape& s = ctx.input(0).shape();
    const int64_t r = static_cast<int64_t>(s.size());
    // start/end (opset 15) are clamped to [0, rank] after adding rank to negatives.
    auto clamp = [r](int64_t v) { return std::clamp(v < 0 ? v + r : v, int64_t{0}, r); };
    const int64_t b = clamp(start_), e = has_end_ ? clamp(end_) : r;
    std::vector<int64_t> dims;
    for (int64_t i = b; i < e; ++i) dims.push_back(s[static_cast<size_t>(i)]);
    ctx.output(0) = Tensor::from_vector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
    return Status::ok();
  }

 private:
  int64_t start_;
  bool has_end_;
  int64_t end_;
};

class SizeKernel final : public Kernel {
 public:
  explicit SizeKernel(const Node&) {}
  Status compute(KernelContext& ctx) const override {
    ctx.output(0) = Tensor::scalar<int64_t>(ctx.input(0).numel());
    return Status::ok();
  }
};

class ReshapeKernel final : public Kernel {
 public:
  explicit ReshapeKernel(const Node& node)
      : allowzero_(node.attrs.get_int("allowzero", 0) != 0), attr_shape_(node.attrs.get_ints("shape")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    const std::vector<int64_t> spec = input_or_attr(ctx, 1, attr_shape_);  // attribute in opset 1-4
    Shape out(spec.size());
    int infer = -1;
    int64_t known = 1;
    for (size_t i = 0; i < spec.size(); ++i) {
      int64_t d = spec[i];
      if (d == -1) {
        if (infer >= 0) return invalid_argument(node.describe() + ": shape has more than one -1");
        infer = static_cast<int>(i);
        continue;
      }
      if (d == 0 && !allowzero_) {  // 0 copies the input dimension
        if (i >= x.shape().size()) {
          return invalid_argument(node.describe() + ": shape entry 0 at index " + std::to_string(i) +
                                  " has no input dimension to copy (input " + shape_str(x.shape()) + ")");
        }
        d = x.shape()[i];
      }
      if (d < 0) return invalid_argument(node.describe() + ": invalid shape entry " + std::to_string(d));
      out[i] = d;
      known *= d;
    }
    if (infer >= 0) {
      if (known == 0 || x.numel() % known != 0) {
        return invalid_argument(node.describe() + ": cannot reshape " + shape_str(x.shape()) + " to " +
                                shape_str(spec));
      }
      out[static_cast<size_t>(infer)] = x.numel() / known;
    }
    if (shape_numel(out) != x.numel()) {
      return invalid_argument(node.describe() + ": cannot reshape " + shape_str(x.shape()) + " to " +
                              shape_str(out));
    }
    ctx.output(0) = x.reshaped(out);
    return Status::ok();
  }

 private:
  bool allowzero_;
  std::vector<int64_t> attr_shape_;
};

class FlattenKernel final : public Kernel {
 public:
  explicit FlattenKernel(const Node& node) : axis_(node.attrs.get_int("axis", 1)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const int64_t r = x.rank();
    const int64_t a = axis_ < 0 ? axis_ + r : axis_;
    if (a < 0 || a > r) {
      return invalid_argument(ctx.node->describe() + ": axis " + std::to_string(axis_) +
                              " is out of range for rank " + std::to_string(r));
    }
    const Shape& s = x.shape();
    const Shape out{shape_detail::prod(s, 0, static_cast<size_t>(a)), shape_detail::prod(s, static_cast<size_t>(a), s.size())};
    ctx.output(0) = x.reshaped(out);
    return Status::ok();
  }

 private:
  int64_t axis_;
};

class SqueezeKernel final : public Kernel {
 public:
  explicit SqueezeKernel(const Node& node) : axes_(node.attrs.get_ints("axes")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    const std::vector<int64_t> axes = input_or_attr(ctx, 1, axes_);  // attribute before opset 13
    std::vector<bool> drop(static_cast<size_t>(x.rank()), false);
    if (axes.empty()) {  // no axes: drop every dimension of size 1
      for (int i = 0; i < x.rank(); ++i) drop[static_cast<size_t>(i)] = x.dim(i) == 1;
    }
    for (int64_t a : axes) {
      QWB_ASSIGN_OR_RETURN(int ax, normalize_axis(a, x.rank(), node));
      if (x.dim(ax) != 1) {
        return invalid_argument(node.describe() + ": cannot squeeze axis " + std::to_string(a) + " of size " +
                                std::to_string(x.dim(ax)) + " (input " + shape_str(x.shape()) + ")");
      }
      drop[static_cast<size_t>(ax)] = true;
    }
    Shape out;
    for (int i = 0; i < x.rank(); ++i)
      if (!drop[static_cast<size_t>(i)]) out.push_back(x.dim(i));
    ctx.output(0) = x.reshaped(out);
    return Status::ok();
  }

 private:
  std::vector<int64_t> axes_;
};

class UnsqueezeKernel final : public Kernel {
 public:
  explicit UnsqueezeKernel(const Node& node) : axes_(node.attrs.get_ints("axes")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    const std::vector<int64_t> axes = input_or_attr(ctx, 1, axes_);  // attribute before opset 13
    const int out_rank = x.rank() + static_cast<int>(axes.size());
    std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
    for (int64_t a : axes) {
      QWB_ASSIGN_OR_RETURN(int ax, normalize_axis(a, out_rank, node));
      if (inserted[static_cast<size_t>(ax)]) {
        return invalid_argument(node.describe() + ": axis " + std::to_string(a) + " is repeated");
      }
      inserted[static_cast<size_t>(ax)] = true;
    }
    Shape out;
    int src = 0;
    for (int i = 0; i < out_rank; ++i) out.push_back(inserted[static_cast<size_t>(i)] ? 1 : x.dim(src++));
    ctx.output(0) = x.reshaped(out);
    return Status::ok();
  }

 private:
  std::vector<int64_t> axes_;
};

class TransposeKernel final : public Kernel {
 public:
  explicit TransposeKernel(const Node& node) : perm_(node.attrs.get_ints("perm")) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    std::vector<int64_t> perm = perm_;
    if (perm.empty()) {  // default: reverse the dimensions
      for (int i = x.rank() - 1; i >= 0; --i) perm.push_back(i);
    }
    std::vector<bool> seen(static_cast<size_t>(x.rank()), false);
    bool identity = true;
    bool valid = static_cast<int>(perm.size()) == x.rank();
    for (size_t i = 0; valid && i < perm.size(); ++i) {
      valid = perm[i] >= 0 && perm[i] < x.rank() && !seen[static_cast<size_t>(perm[i])];
      if (valid) seen[static_cast<size_t>(perm[i])] = true;
      identity = identity && perm[i] == static_cast<int64_t>(i);
    }
    if (!valid) {
      return invalid_argument(node.describe() + ": perm " + shape_str(perm) + " is not a permutation of rank " +
                              std::to_string(x.rank()));
    }
    ctx.output(0) = identity ? x : shape_detail::permute(x, x.shape(), perm, ctx.threads);
    return Status::ok();
  }

 private:
  std::vector<int64_t> perm_;
};

class ExpandKernel final : public Kernel {
 public:
  explicit ExpandKernel(const Node&) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    // Bidirectional broadcast: a 1 in the requested shape keeps the input's dimension.
    QWB_ASSIGN_OR_RETURN(Shape out, broadcast_shapes({x.shape(), read_int64s(ctx.input(1))}, node));
    ctx.output(0) = out == x.shape() ? x : shape_detail::broadcast_to(x, out, ctx.threads);
    return Status::ok();
  }
};

class IdentityKernel final : public Kernel {
 public:
  explicit IdentityKernel(const Node&) {}
  Status compute(KernelContext& ctx) const override {
    ctx.output(0) = ctx.input(0);
    return Status::ok();
  }
};

// Inference Dropout: Y = X, mask all true. Random dropout (training) is not supported.
class DropoutKernel final : public Kernel {
 public:
  explicit DropoutKernel(const Node& node) : opset_(node.opset) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    // Opset 1-6: is_test=0 (the default) asks for training-mode dropout.
    if (node.opset < 7 && node.attrs.get_int("is_test", 0) == 0 && node.attrs.get_float("ratio", 0.5f) > 0) {
      return unsupported(node.describe() + ": is_test=0 (training-mode dropout) is not supported");
    }
    return std::unique_ptr<Kernel>(std::make_unique<DropoutKernel>(node));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    // Opset 12+: ratio (input 1, default 0.5) and training_mode (input 2, default false).
    const bool training = ctx.has_input(2) && ctx.input(2).numel() > 0 && ctx.input(2).get_double(0) != 0;
    if (training) {
      const double ratio = ctx.has_input(1) && ctx.input(1).numel() > 0 ? ctx.input(1).get_double(0) : 0.5;
      if (ratio > 0) {
        return unsupported(ctx.node->describe() + ": training_mode=true with ratio " + std::to_string(ratio) +
                           " (random dropout) is not supported");
      }
    }
    ctx.output(0) = x;
    if (ctx.num_outputs() > 1) {
      // The mask is bool from opset 10, the input's type before.
      const DType mdt = opset_ >= 10 ? DType::kBool : x.dtype();
      QWB_RETURN_IF_ERROR(check_storable(*ctx.node, mdt, "mask"));
      Tensor mask(mdt, x.shape());
      shape_detail::fill_elements(mask.raw(), one_of(mdt).raw(), dtype_size(mdt), mask.numel());
      ctx.output(1) = mask;
    }
    return Status::ok();
  }

 private:
  int opset_;
};

class ConstantKernel final : public Kernel {
 public:
  explicit ConstantKernel(Tensor value) : value_(std::move(value)) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    const AttributeMap& a = node.attrs;
    Tensor v;
    if (a.has("value")) {
      const Tensor* t = a.get_tensor("value");
      if (!t || !t->defined()) return unsupported(node.describe() + ": attribute 'value' holds an unsupported tensor");
      v = *t;
    } else if (a.has("value_float")) {
      v = Tensor::scalar<float>(a.get_float("value_float", 0));
    } else if (a.has("value_floats")) {
      auto f = a.get_floats("value_floats");
      v = Tensor::from_vector<float>({static_cast<int64_t>(f.size())}, f);
    } else if (a.has("value_int")) {
      v = Tensor::scalar<int64_t>(a.get_int("value_int", 0));
    } else if (a.has("value_ints")) {
      auto i = a.get_ints("value_ints");
      v = Tensor::from_vector<int64_t>({static_cast<int64_t>(i.size())}, i);
    } else {
      for (const char* name : {"value_string", "value_strings", "sparse_value"}) {
        if (a.has(name)) return unsupported(node.describe() + ": attribute '" + name + "' is not supported");
      }
      return invalid_argument(node.describe() + ": has no value attribute");
    }
    return std::unique_ptr<Kernel>(std::make_unique<ConstantKernel>(std::move(v)));
  }

  Status compute(KernelContext& ctx) const override {
    ctx.output(0) = value_;
    return Status::ok();
  }

 private:
  Tensor value_;
};

// Reads a non-negative shape from an int64 tensor.
Result<Shape> shape_input(const Tensor& t, const Node& node) {
  Shape s = read_int64s(t);
  for (int64_t d : s) {
    if (d < 0) return invalid_argument(node.describe() + ": shape " + shape_str(s) + " has a negative dimension");
  }
  return s;
}

class ConstantOfShapeKernel final : public Kernel {
 public:
  explicit ConstantOfShapeKernel(Tensor value) : value_(std::move(value)) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    Tensor v = Tensor::scalar<float>(0.0f);  // default: float32 zero
    if (node.attrs.has("value")) {
      const Tensor* t = node.attrs.get_tensor("value");
      if (!t || !t->defined() || t->numel() != 1) {
        return unsupported(node.describe() + ": attribute 'value' must be a one-element tensor");
      }
      v = *t;
    }
    return std::unique_ptr<Kernel>(std::make_unique<ConstantOfShapeKernel>(std::move(v)));
  }

  Status compute(KernelContext& ctx) const override {
    QWB_ASSIGN_OR_RETURN(Shape shape, shape_input(ctx.input(0), *ctx.node));
    Tensor out(value_.dtype(), shape);
    shape_detail::fill_elements(out.raw(), value_.raw(), dtype_size(value_.dtype()), out.numel());
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  Tensor value_;
};

class RangeKernel final : public Kernel {
 public:
  explicit RangeKernel(const Node&) {}

  Status compute(KernelContext& ctx) const override {
    const Node& node = *ctx.node;
    const DType dt = ctx.input(0).dtype();
    for (int i = 0; i < 3; ++i) {
      if (ctx.input(i).numel() != 1) return invalid_argument(node.describe() + ": start, limit and delta must be scalars");
      if (ctx.input(i).dtype() != dt) return invalid_argument(node.describe() + ": start, limit and delta differ in type");
    }
    Status st = unsupported_dtype(node, dt);
    QWB_SHAPE_DISPATCH_ARITH(dt, {
      using A = typename Arith<T>::Acc;
      const A start = Arith<T>::load(ctx.input(0).data<T>()[0]);
      const A limit = Arith<T>::load(ctx.input(1).data<T>()[0]);
      const A delta = Arith<T>::load(ctx.input(2).data<T>()[0]);
      if (delta == A(0)) return invalid_argument(node.describe() + ": delta is 0");
      int64_t n = 0;
      if constexpr (std::is_integral_v<A>) {  // exact: ceil((limit - start) / delta)
        const int64_t s = static_cast<int64_t>(start), l = static_cast<int64_t>(limit), d = static_cast<int64_t>(delta);
        if (d > 0 && l > s) n = (l - s + d - 1) / d;
        if (d < 0 && l < s) n = (s - l - d - 1) / -d;
      } else {
        n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((static_cast<double>(limit) - start) / delta)));
      }
      Tensor out(dt, {n});
      T* o = out.data<T>();
      for (int64_t i = 0; i < n; ++i) o[i] = Arith<T>::store(static_cast<A>(start + static_cast<A>(i) * delta));
      ctx.output(0) = out;
      st = Status::ok();
    });
    return st;
  }
};

class EyeLikeKernel final : public Kernel {
 public:
  explicit EyeLikeKernel(const Node& node)
      : dtype_(static_cast<DType>(node.attrs.get_int("dtype", 0))), k_(node.attrs.get_int("k", 0)) {}

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    const DType dt = dtype_ == DType::kUndefined ? x.dtype() : dtype_;
    QWB_RETURN_IF_ERROR(check_storable(node, dt, "output"));
    if (x.rank() != 2) return invalid_argument(node.describe() + ": input must be 2-D, got " + shape_str(x.shape()));
    Tensor out(dt, x.shape());
    const Tensor one = one_of(dt);
    const size_t es = dtype_size(dt);
    const int64_t rows = x.dim(0), cols = x.dim(1);
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t j = i + k_;
      if (j >= 0 && j < cols) std::memcpy(static_cast<char*>(out.raw()) + (i * cols + j) * es, one.raw(), es);
    }
    ctx.output(0) = out;
    return Status::ok();
  }

 private:
  DType dtype_;
  int64_t k_;
};

// DepthToSpace and SpaceToDepth are a 6-D transpose of a reshaped NCHW input.
class DepthToSpaceKernel final : public Kernel {
 public:
  explicit DepthToSpaceKernel(const Node& node)
      : b_(node.attrs.get_int("blocksize", 0)), crd_(node.attrs.get_string("mode", "DCR") == "CRD") {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    const std::string mode = node.attrs.get_string("mode", "DCR");
    if (mode != "DCR" && mode != "CRD") return unsupported(node.describe() + ": mode '" + mode + "' is not supported");
    if (node.attrs.get_int("blocksize", 0) <= 0) return invalid_argument(node.describe() + ": blocksize must be positive");
    return std::unique_ptr<Kernel>(std::make_unique<DepthToSpaceKernel>(node));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    if (x.rank() != 4 || x.dim(1) % (b_ * b_) != 0) {
      return invalid_argument(node.describe() + ": input " + shape_str(x.shape()) +
                              " must be NCHW with C divisible by blocksize^2");
    }
    const int64_t n = x.dim(0), c = x.dim(1) / (b_ * b_), h = x.dim(2), w = x.dim(3);
    Tensor out = crd_ ? shape_detail::permute(x, {n, c, b_, b_, h, w}, {0, 1, 4, 2, 5, 3}, ctx.threads)
                      : shape_detail::permute(x, {n, b_, b_, c, h, w}, {0, 3, 4, 1, 5, 2}, ctx.threads);
    ctx.output(0) = out.reshaped({n, c, h * b_, w * b_});
    return Status::ok();
  }

 private:
  int64_t b_;
  bool crd_;
};

class SpaceToDepthKernel final : public Kernel {
 public:
  explicit SpaceToDepthKernel(const Node& node) : b_(node.attrs.get_int("blocksize", 0)) {}

  static Result<std::unique_ptr<Kernel>> create(const Node& node) {
    if (node.attrs.get_int("blocksize", 0) <= 0) return invalid_argument(node.describe() + ": blocksize must be positive");
    return std::unique_ptr<Kernel>(std::make_unique<SpaceToDepthKernel>(node));
  }

  Status compute(KernelContext& ctx) const override {
    const Tensor& x = ctx.input(0);
    const Node& node = *ctx.node;
    QWB_RETURN_IF_ERROR(check_storable(node, x.dtype()));
    if (x.rank() != 4 || x.dim(2) % b_ != 0 || x.dim(3) % b_ != 0) {
      return invalid_argument(node.describe() + ": input " + shape_str(x.shape()) +
                              " must be NCHW with H and W divisible by blocksize");
    }
    const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2) / b_, w = x.dim(3) / b_;
    Tensor out = shape_detail::permute(x, {n, c, h, b_, w, b_}, {0, 3, 5, 1, 2, 4}, ctx.threads);
    ctx.output(0) = out.reshaped({n, c * b_ * b_, h, w});
    return Status::ok();
  }

 private:
  int64_t b_;
};

}  // namespace

void register_shape_kernels(KernelRegistry& r) {
  r.add("Shape", 1, kMaxOpset, make_kernel<ShapeKernel>);
  r.add("Size", 1, kMaxOpset, make_kernel<SizeKernel>);
  r.add("Reshape", 1, kMaxOpset, make_kernel<ReshapeKernel>);
  r.add("Flatten", 1, kMaxOpset, make_kernel<FlattenKernel>);
  r.add("Squeeze", 1, kMaxOpset, make_kernel<SqueezeKernel>);
  r.add("Unsqueeze", 1, kMaxOpset, make_kernel<UnsqueezeKernel>);
  r.add("Transpose", 1, kMaxOpset, make_kernel<TransposeKernel>);
  r.add("Expand", 8, kMaxOpset, make_kernel<ExpandKernel>);
  r.add("Identity", 1, kMaxOpset, make_kernel<IdentityKernel>);
  r.add("Dropout", 1, kMaxOpset, DropoutKernel::create);
  r.add("Constant", 1, kMaxOpset, ConstantKernel::create);
  r.add("ConstantOfShape", 9, kMaxOpset, ConstantOfShapeKernel::create);
  r.add("Range", 11, kMaxOpset, make_kernel<RangeKernel>);
  r.add("EyeLike", 9, kMaxOpset, make_kernel<EyeLikeKernel>);
  r.add("DepthToSpace", 1, kMaxOpset, DepthToSpaceKernel::create);
  r.add("SpaceToDepth", 1, kMaxOpset, SpaceToDepthKernel::create);
}

}  // namespace qwb
