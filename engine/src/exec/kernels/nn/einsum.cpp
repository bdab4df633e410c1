// Einsum: general equations (explicit or implicit output, ellipsis with broadcasting, repeated
// labels within an operand as diagonals, any number of operands).
//
// Evaluation: each operand first takes its diagonals and sums away labels nobody else needs;
// operands are then contracted left to right, each pair as a batched GEMM
// [batch, left, k] x [batch, k, right]; the last result is summed / transposed to the output.
#include "exec/kernels/nn/nn_util.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qwb {
namespace {

// Letters are labelled by their character code; ellipsis dims by kEllipsisLabel + position.
constexpr int kEllipsisLabel = 256;

struct Equation {
  std::vector<std::vector<int>> inputs;  // labels per input dim (ellipsis expanded)
  std::vector<int> output;
};

// A term as written: letters, with -1 standing for "...".
Result<std::vector<int>> parse_term(const std::string& term, const Node& node) {
  std::vector<int> out;
  for (size_t i = 0; i < term.size(); ++i) {
    const char ch = term[i];
    if (ch == '.') {
      if (term.compare(i, 3, "...") != 0 || std::count(out.begin(), out.end(), -1) > 0) {
        return invalid_argument(node.describe() + ": malformed ellipsis in einsum term '" + term + "'");
      }
      out.push_back(-1);
      i += 2;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
      out.push_back(static_cast<unsigned char>(ch));
    } else {
      return invalid_argument(node.describe() + ": invalid character '" + std::string(1, ch) +
                              "' in einsum equation");
    }
  }
  return out;
}

// Expands "..." in a parsed term to `ell` labels, right-aligned within `max_ell`.
std::vector<int> expand_term(const std::vector<int>& term, int64_t ell, int64_t max_ell) {
  std::vector<int> out;
  for (int l : term) {
    if (l != -1) {
      out.push_back(l);
      continue;
    }
    for (int64_t j = 0; j < ell; ++j) out.push_back(kEllipsisLabel + static_cast<int>(max_ell - ell + j));
  }
  return out;
}

Result<Equation> parse_equation(std::string eq, const std::vector<const Tensor*>& inputs, const Node& node) {
  eq.erase(std::remove_if(eq.begin(), eq.end(), [](char c) { return c == ' ' || c == '\t'; }), eq.end());
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::vector<int>> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    QWB_ASSIGN_OR_RETURN(std::vector<int> t, parse_term(lhs.substr(start, comma - start), node));
    terms.push_back(std::move(t));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != inputs.size()) {
    return invalid_argument(node.describe() + ": einsum equation '" + eq + "' has " +
                            std::to_string(terms.size()) + " terms for " + std::to_string(inputs.size()) +
                            " inputs");
  }
  Equation e;
  std::vector<int64_t> ell(terms.size(), 0);
  int64_t max_ell = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const bool has_ell = std::count(terms[i].begin(), terms[i].end(), -1) > 0;
    const int64_t letters = static_cast<int64_t>(terms[i].size()) - (has_ell ? 1 : 0);
    const int64_t rank = inputs[i]->rank();
    if (has_ell ? rank < letters : rank != letters) {
      return invalid_argument(node.describe() + ": einsum term " + std::to_string(i) + " does not match input " +
                              shape_str(inputs[i]->shape()));
    }
    ell[i] = rank - letters;
    max_ell = std::max(max_ell, ell[i]);
  }
  for (size_t i = 0; i < terms.size(); ++i) e.inputs.push_back(expand_term(terms[i], ell[i], max_ell));

  if (arrow != std::string::npos) {
    QWB_ASSIGN_OR_RETURN(std::vector<int> out, parse_term(eq.substr(arrow + 2), node));
    e.output = expand_term(out, max_ell, max_ell);
    std::vector<int> sorted = e.output;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
      return invalid_argument(node.describe() + ": einsum output repeats a label");
    }
  } else {
    // Implicit output: the ellipsis dims, then the letters used exactly once, alphabetically.
    std::map<int, int> count;
    for (const auto& t : e.inputs) for (int l : t) ++count[l];
    for (int64_t j = 0; j < max_ell; ++j) e.output.push_back(kEllipsisLabel + static_cast<int>(j));
    for (const auto& [l, c] : count) {
      if (l < kEllipsisLabel && c == 1) e.output.push_back(l);
    }
  }
  return e;
}

std::vector<int> concat(std::vector<int> a, const std::vector<int>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// An intermediate operand: distinct labels, their sizes, contiguous row-major data.
template <typename T>
struct Operand {
  std::vector<int> labels;
  Shape shape;
  std::vector<T> data;

  int64_t size_of(int label) const {
    auto it = std::find(labels.begin(), labels.end(), label);
    return it == labels.end() ? 1 : shape[static_cast<size_t>(it - labels.begin())];
  }
  bool has(int label) const { return std::find(labels.begin(), labels.end(), label) != labels.end(); }
};

// dst[idx] (=/+=) src[sum idx_d * strides_d] over all indices of `shape` (dst contiguous).
template <typename T>
void strided_visit(const T* src, const Shape& shape, const std::vector<int64_t>& src_strides,
                   const std::vector<int64_t>& dst_strides, T* dst, bool accumulate) {
  const int64_t total = shape_numel(shape);
  if (total == 0) return;
  const size_t r = shape.size();
  std::vector<int64_t> idx(r, 0);
  int64_t so = 0, dof = 0;
  for (int64_t n = 0; n < total; ++n) {
    if (accumulate) dst[dof] += src[so]; else dst[dof] = src[so];
    for (size_t d = r; d-- > 0;) {
      so += src_strides[d];
      dof += dst_strides[d];
      if (++idx[d] < shape[d]) break;
      so -= src_strides[d] * shape[d];
      dof -= dst_strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

// Copies `op` into the label order `order` with the given sizes; labels `op` lacks or has with
// size 1 are broadcast.
template <typename T>
Operand<T> arrange(const Operand<T>& op, const std::vector<int>& order, const std::map<int, int64_t>& sizes) {
  Operand<T> out;
  out.labels = order;
  const auto st = contiguous_strides(op.shape);
  std::vector<int64_t> src_st;
  for (int l : order) {
    out.shape.push_back(sizes.at(l));
    auto it = std::find(op.labels.begin(), op.labels.end(), l);
    const size_t d = static_cast<size_t>(it - op.labels.begin());
    src_st.push_back(it == op.labels.end() || op.shape[d] == 1 ? 0 : st[d]);
  }
  out.data.resize(static_cast<size_t>(shape_numel(out.shape)));
  strided_visit(op.data.data(), out.shape, src_st, contiguous_strides(out.shape), out.data.data(), false);
  return out;
}

// Sums `op` over every label not in `keep`, keeping the others in their order.
template <typename T>
Operand<T> sum_to(const Operand<T>& op, const std::vector<int>& keep) {
  Operand<T> out;
  for (size_t d = 0; d < op.labels.size(); ++d) {
    if (std::count(keep.begin(), keep.end(), op.labels[d])) {
      out.labels.push_back(op.labels[d]);
      out.shape.push_back(op.shape[d]);
    }
  }
  if (out.labels.size() == op.labels.size()) return op;
  out.data.assign(static_cast<size_t>(shape_numel(out.shape)), T(0));
  const auto ost = contiguous_strides(out.shape);
  std::vector<int64_t> dst_st(op.labels.size(), 0);
  for (size_t d = 0, o = 0; d < op.labels.size(); ++d) {
    if (o < out.labels.size() && out.labels[o] == op.labels[d]) dst_st[d] = ost[o++];
  }
  strided_visit(op.data.data(), op.shape, contiguous_strides(op.shape), dst_st, out.data.data(), true);
  return out;
}

// An input tensor as an operand, with repeated labels reduced to their diagonal.
template <typename T>
Result<Operand<T>> make_operand(const Tensor& t, const std::vector<int>& labels, const Node& node) {
  Operand<T> op;
  const auto st = contiguous_strides(t.shape());
  std::vector<int64_t> src_st;
  for (size_t d = 0; d < labels.size(); ++d) {
    auto it = std::find(op.labels.begin(), op.labels.end(), labels[d]);
    if (it == op.labels.end()) {
      op.labels.push_back(labels[d]);
      op.shape.push_back(t.dim(static_cast<int>(d)));
      src_st.push_back(st[d]);
      continue;
    }
    const size_t o = static_cast<size_t>(it - op.labels.begin());
    if (op.shape[o] != t.dim(static_cast<int>(d))) {
      return invalid_argument(node.describe() + ": einsum diagonal over dims of different sizes in " +
                              shape_str(t.shape()));
    }
    src_st[o] += st[d];  // walking the diagonal advances every repeated dim at once
  }
  op.data.resize(static_cast<size_t>(shape_numel(op.shape)));
  strided_visit(t.data<T>(), op.shape, src_st, contiguous_strides(op.shape), op.data.data(), false);
  return op;
}

// Contracts a and b over their shared labels not in `keep`.
template <typename T>
Operand<T> contract(const Operand<T>& a, const Operand<T>& b, const std::vector<int>& keep,
                    const std::map<int, int64_t>& sizes, int threads) {
  auto kept = [&](int l) { return std::count(keep.begin(), keep.end(), l) > 0; };
  std::vector<int> batch, left, red, right;
  for (int l : a.labels) {
    if (b.has(l)) (kept(l) ? batch : red).push_back(l);
    else left.push_back(l);
  }
  for (int l : b.labels) {
    if (!a.has(l)) right.push_back(l);
  }
  const Operand<T> aa = arrange(a, concat(concat(batch, left), red), sizes);
  const Operand<T> bb = arrange(b, concat(concat(batch, red), right), sizes);
  auto prod = [&](const std::vector<int>& ls) {
    int64_t p = 1;
    for (int l : ls) p *= sizes.at(l);
    return p;
  };
  const int64_t nb = prod(batch), m = prod(left), k = prod(red), n = prod(right);
  Operand<T> out;
  out.labels = concat(concat(batch, left), right);
  for (int l : out.labels) out.shape.push_back(sizes.at(l));
  out.data.assign(static_cast<size_t>(nb * m * n), T(0));
  nn::for_each_product(nb, m * n * k, threads, [&](int64_t i, int product_threads) {
    nn::gemm(aa.data.data() + i * m * k, bb.data.data() + i * k * n, out.data.data() + i * m * n, m, n, k,
             false, false, T(1), false, product_threads);
  });
  return out;
}

class EinsumKernel final : public Kernel {
 public:
  explicit EinsumKernel(const Node& node) : node_(node), equation_(node.attrs.get_string("equation", "")) {}

  Status compute(KernelContext& ctx) const override {
    if (ctx.num_inputs() == 0) return invalid_argument(node_.describe() + ": Einsum needs inputs");
    const DType dt = ctx.input(0).dtype();
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      if (ctx.input(i).dtype() != dt) return invalid_argument(node_.describe() + ": inputs must share one dtype");
    }
    return nn::dispatch_typed<true>(ctx, node_, [this](auto t, KernelContext& c) { return run<decltype(t)>(c); });
  }

 private:
  template <typename T>
  Status run(KernelContext& ctx) const {
    QWB_ASSIGN_OR_RETURN(Equation eq, parse_equation(equation_, ctx.inputs, node_));
    // Label sizes; a size of 1 broadcasts against any other.
    std::map<int, int64_t> sizes;
    for (size_t i = 0; i < eq.inputs.size(); ++i) {
      for (size_t d = 0; d < eq.inputs[i].size(); ++d) {
        const int64_t s = ctx.input(static_cast<int>(i)).dim(static_cast<int>(d));
        auto [it, fresh] = sizes.emplace(eq.inputs[i][d], s);
        if (fresh || it->second == s || s == 1) continue;
        if (it->second != 1) {
          return invalid_argument(node_.describe() + ": einsum label '" +
                                  (eq.inputs[i][d] < kEllipsisLabel ? std::string(1, static_cast<char>(eq.inputs[i][d]))
                                                                     : std::string("...")) +
                                  "' has sizes " + std::to_string(it->second) + " and " + std::to_string(s));
        }
        it->second = s;
      }
    }
    for (int l : eq.output) {
      if (!sizes.count(l)) {
        return invalid_argument(node_.describe() + ": einsum output label not found in any input");
      }
    }
    // Labels still needed after operand i: those of the output and of operands i+1...
    const size_t n_ops = eq.inputs.size();
    std::vector<std::vector<int>> needed(n_ops);
    std::vector<int> acc = eq.output;
    for (size_t i = n_ops; i-- > 0;) {
      needed[i] = acc;
      acc.insert(acc.end(), eq.inputs[i].begin(), eq.inputs[i].end());
    }
    Operand<T> result;
    for (size_t i = 0; i < n_ops; ++i) {
      QWB_ASSIGN_OR_RETURN(Operand<T> op, make_operand<T>(ctx.input(static_cast<int>(i)), eq.inputs[i], node_));
      // Sum away labels only this operand has (and the result so far lacks).
      std::vector<int> keep = needed[i];
      if (i > 0) keep.insert(keep.end(), result.labels.begin(), result.labels.end());
      op = sum_to(op, keep);
      if (i == 0) {
        result = std::move(op);
        continue;
      }
      result = sum_to(result, concat(needed[i], op.labels));
      result = contract(result, op, needed[i], sizes, ctx.threads);
    }
    result = sum_to(result, eq.output);
    Operand<T> out = arrange(result, eq.output, sizes);
    Shape shape = out.shape;
    ctx.output(0) = Tensor::from_vector<T>(std::move(shape), out.data);
    return Status::ok();
  }

  Node node_;
  std::string equation_;
};

}  // namespace

void register_einsum_kernels(KernelRegistry& r) { r.add("Einsum", 12, kMaxOpset, make_kernel<EinsumKernel>); }

}  // namespace qwb
