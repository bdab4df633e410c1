// Groups a model's nodes into fast steps (see fast.h): pattern matching on the graph, once per
// session. Every decision here is structural; a step that meets a shape or dtype it cannot handle
// at run time falls back to the reference kernels of the nodes it covers.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <optional>
#include <set>

#include "exec/dnnl/fast.h"

namespace qwb::fast {
namespace {

class Planner {
 public:
  Planner(const Graph& g, bool fuse, const std::map<std::string, Tensor>* folded, const std::vector<bool>* folded_node)
      : g_(g), fuse_(fuse), folded_(folded), folded_node_(folded_node) {
    for (const auto& o : g.outputs) graph_outputs_.insert(o.name);
  }

  Plan run() {
    plan_.step_of_node.assign(g_.nodes.size(), -1);
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      if (plan_.step_of_node[i] >= 0 || is_folded(static_cast<int>(i))) continue;
      const Node& n = g_.nodes[i];
      if (!n.domain.empty() || n.op_type == "DequantizeLinear") continue;
      plan_node(static_cast<int>(i));
    }
    absorb_dead_dequantize();
    // DequantizeLinear last: INT8 patterns match them first; the rest become reorders.
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const Node& n = g_.nodes[i];
      if (plan_.step_of_node[i] >= 0 || is_folded(static_cast<int>(i)) || !n.domain.empty() ||
          n.op_type != "DequantizeLinear") {
        continue;
      }
      plan_node(static_cast<int>(i));
    }
    return std::move(plan_);
  }

 private:
  // ---- graph queries
  const Node& node(int i) const { return g_.nodes[static_cast<size_t>(i)]; }
  // An initializer, or the value of a Constant node (exporters emit both for scalars).
  const Tensor* constant(const std::string& v) const {
    auto it = g_.initializers.find(v);
    if (it != g_.initializers.end()) return &it->second;
    if (folded_) {
      auto f = folded_->find(v);
      if (f != folded_->end()) return &f->second;
    }
    const int p = producer(v);
    return p >= 0 && node(p).op_type == "Constant" && node(p).domain.empty() ? node(p).attrs.get_tensor("value") : nullptr;
  }
  const Tensor* constant_input(const Node& n, size_t i) const {
    return i < n.inputs.size() && !n.inputs[i].empty() ? constant(n.inputs[i]) : nullptr;
  }
  // The only consumer of value v, when v has exactly one and is not a graph output.
  int sole_consumer(const std::string& v) const {
    if (graph_outputs_.count(v)) return -1;
    auto it = g_.consumers.find(v);
    if (it == g_.consumers.end() || it->second.size() != 1) return -1;
    const int c = it->second[0];
    return plan_.step_of_node[static_cast<size_t>(c)] >= 0 || !node(c).domain.empty() ? -1 : c;
  }
  int producer(const std::string& v) const {
    auto it = g_.producer.find(v);
    return it == g_.producer.end() ? -1 : it->second;
  }
  const ValueInfo* info(const std::string& v) const {
    auto it = g_.value_info.find(v);
    if (it != g_.value_info.end()) return it->second.has_shape ? &it->second : nullptr;
    for (const auto& i : g_.inputs) {
      if (i.name == v) return i.has_shape ? &i : nullptr;
    }
    return nullptr;
  }
  // False only when both shapes are known (up to symbolic dims) and differ.
  bool maybe_same_shape(const std::string& a, const std::string& b) const {
    const ValueInfo *x = info(a), *y = info(b);
    if (!x || !y) return true;
    if (x->dims.size() != y->dims.size()) return false;
    for (size_t i = 0; i < x->dims.size(); ++i) {
      if (x->dims[i].known() && y->dims[i].known() && x->dims[i].value != y->dims[i].value) return false;
    }
    return true;
  }

  static std::optional<float> scalar(const Tensor* t) {
    if (!t || t->numel() != 1 || !dtype_is_float(t->dtype())) return std::nullopt;
    return static_cast<float>(t->get_double(0));
  }

  // ---- element-wise activations that fuse as post-ops: the chain starting at value `cur`.
  struct Match {
    std::vector<Eltwise> e;  // applied in order
    std::vector<int> nodes;
    std::string out;
  };

  std::optional<Match> match_eltwise(const std::string& cur) const {
    auto it = g_.consumers.find(cur);
    if (it == g_.consumers.end() || graph_outputs_.count(cur)) return std::nullopt;
    const auto& cons = it->second;
    if (cons.size() == 1) {
      const Node& n = node(cons[0]);
      if (plan_.step_of_node[static_cast<size_t>(cons[0])] >= 0 || !n.domain.empty()) return std::nullopt;
      if (auto e = simple_eltwise(n)) return Match{*e, {cons[0]}, n.outputs[0]};
      return std::nullopt;
    }
    if (cons.size() == 2) {
      // Swish: Mul(x, Sigmoid(x)); HardSwish: Mul(x, HardSigmoid(x, 1/6, 0.5));
      // GELU: Mul(Mul(x, Add(Erf(Div(x, sqrt 2)), 1)), 0.5).
      for (int k = 0; k < 2; ++k) {
        const int a = cons[static_cast<size_t>(k)], b = cons[static_cast<size_t>(1 - k)];
        if (auto m = match_swish(cur, a, b)) return m;
        if (auto m = match_gelu(cur, a, b)) return m;
      }
    }
    return std::nullopt;
  }

  using Chain = std::vector<Eltwise>;
  std::optional<Chain> simple_eltwise(const Node& n) const {
    using A = dnnl::algorithm;
    const std::string& op = n.op_type;
    if (n.outputs.size() != 1) return std::nullopt;
    if (op == "Relu") return Chain{{A::eltwise_relu, 0.0f, 0.0f}};
    if (op == "LeakyRelu") return Chain{{A::eltwise_relu, n.attrs.get_float("alpha", 0.01f), 0.0f}};
    if (op == "Sigmoid") return Chain{{A::eltwise_logistic, 0.0f, 0.0f}};
    if (op == "Tanh") return Chain{{A::eltwise_tanh, 0.0f, 0.0f}};
    if (op == "Elu") return Chain{{A::eltwise_elu, n.attrs.get_float("alpha", 1.0f), 0.0f}};
    if (op == "HardSwish") return Chain{{A::eltwise_hardswish, 0.0f, 0.0f}};
    if (op == "HardSigmoid") {  // max(0, min(1, alpha * x + beta)): oneDNN 2.6 has no hardsigmoid
      return Chain{{A::eltwise_linear, n.attrs.get_float("alpha", 0.2f), n.attrs.get_float("beta", 0.5f)},
                   {A::eltwise_clip_v2, 0.0f, 1.0f}};
    }
    if (op == "Clip") {
      float lo = -FLT_MAX, hi = FLT_MAX;
      if (n.opset < 11) {
        lo = n.attrs.get_float("min", lo);
        hi = n.attrs.get_float("max", hi);
      } else {
        for (size_t i = 1; i < n.inputs.size() && i < 3; ++i) {
          if (n.inputs[i].empty()) continue;
          auto v = scalar(constant(n.inputs[i]));
          if (!v) return std::nullopt;
          (i == 1 ? lo : hi) = *v;
        }
      }
      return Chain{{A::eltwise_clip_v2, lo, hi}};
    }
    return std::nullopt;
  }

  bool free_node(int i) const { return plan_.step_of_node[static_cast<size_t>(i)] < 0 && node(i).domain.empty(); }
  // Whether node n is a binary op with `x` and a constant scalar (either order); returns it.
  std::optional<float> with_scalar(const Node& n, const std::string& op, const std::string& x) const {
    if (n.op_type != op || n.inputs.size() != 2) return std::nullopt;
    if (n.inputs[0] == x) return scalar(constant(n.inputs[1]));
    if (n.inputs[1] == x && op != "Div") return scalar(constant(n.inputs[0]));
    return std::nullopt;
  }

  std::optional<Match> match_swish(const std::string& x, int sig, int mul) const {
    const Node& s = node(sig);
    const Node& m = node(mul);
    if (!free_node(sig) || !free_node(mul) || m.op_type != "Mul") return std::nullopt;
    // x * HardSigmoid(x) with alpha 1/6, beta 0.5 is HardSwish (how PyTorch < 1.x exports it).
    const bool hard = s.op_type == "HardSigmoid" && std::fabs(s.attrs.get_float("alpha", 0.2f) - 1.0f / 6) < 1e-6f &&
                      s.attrs.get_float("beta", 0.5f) == 0.5f;
    if (s.op_type != "Sigmoid" && !hard) return std::nullopt;
    if (sole_consumer(s.outputs[0]) != mul) return std::nullopt;
    const bool ok = (m.inputs[0] == x && m.inputs[1] == s.outputs[0]) || (m.inputs[1] == x && m.inputs[0] == s.outputs[0]);
    if (!ok) return std::nullopt;
    std::vector<int> nodes{sig, mul};
    std::sort(nodes.begin(), nodes.end());
    if (hard) return Match{{{dnnl::algorithm::eltwise_hardswish, 0.0f, 0.0f}}, nodes, m.outputs[0]};
    return Match{{{dnnl::algorithm::eltwise_swish, 1.0f, 0.0f}}, nodes, m.outputs[0]};
  }

  std::optional<Match> match_gelu(const std::string& x, int div, int mul1) const {
    if (!free_node(div) || !free_node(mul1)) return std::nullopt;
    auto d = with_scalar(node(div), "Div", x);
    if (!d || std::fabs(*d - std::sqrt(2.0f)) > 1e-3f) return std::nullopt;
    const int erf = sole_consumer(node(div).outputs[0]);
    if (erf < 0 || node(erf).op_type != "Erf") return std::nullopt;
    const int add = sole_consumer(node(erf).outputs[0]);
    if (add < 0) return std::nullopt;
    auto one = with_scalar(node(add), "Add", node(erf).outputs[0]);
    if (!one || *one != 1.0f) return std::nullopt;
    const Node& m1 = node(mul1);
    const std::string& a = node(add).outputs[0];
    if (m1.op_type != "Mul" || !((m1.inputs[0] == x && m1.inputs[1] == a) || (m1.inputs[1] == x && m1.inputs[0] == a))) {
      return std::nullopt;
    }
    if (sole_consumer(a) != mul1) return std::nullopt;
    const int mul2 = sole_consumer(m1.outputs[0]);
    if (mul2 < 0) return std::nullopt;
    auto half = with_scalar(node(mul2), "Mul", m1.outputs[0]);
    if (!half || *half != 0.5f) return std::nullopt;
    std::vector<int> nodes{div, erf, add, mul1, mul2};
    std::sort(nodes.begin(), nodes.end());
    return Match{{{dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f}}, nodes, node(mul2).outputs[0]};
  }

  // Extends a step's node list with a chain of post-op activations; returns the last value.
  // GELU stays out of matmul post-ops: oneDNN 2.6 applies it there in a scalar loop (4.5 ms on
  // ViT-B/16's 197x3072 MLP output against 0.3 ms as its own jit eltwise primitive).
  std::string absorb_eltwise_chain(std::string cur, std::vector<int>& nodes, std::vector<Eltwise>& post,
                                   bool allow_gelu = true) const {
    while (auto m = match_eltwise(cur)) {
      if (!allow_gelu && m->e[0].alg == dnnl::algorithm::eltwise_gelu_erf) break;
      post.insert(post.end(), m->e.begin(), m->e.end());
      nodes.insert(nodes.end(), m->nodes.begin(), m->nodes.end());
      cur = m->out;
    }
    return cur;
  }

  // ---- quantization patterns
  struct Dq {
    int node = -1;
    std::string input;
    std::vector<float> scale;
    int32_t zero_point = 0;
    DType qtype = DType::kUndefined;
    int64_t axis = 1;
  };

  // A DequantizeLinear producing `v` with constant scale (and zero point); the quantized type
  // comes from the zero point or the quantized initializer.
  std::optional<Dq> dequantize_of(const std::string& v) const {
    const int p = producer(v);
    if (p < 0 || !free_node(p) || node(p).op_type != "DequantizeLinear") return std::nullopt;
    const Node& n = node(p);
    if (n.attrs.get_int("block_size", 0) != 0) return std::nullopt;
    const Tensor* s = constant_input(n, 1);
    if (!s || s->dtype() != DType::kFloat32 || s->rank() > 1) return std::nullopt;
    Dq d;
    d.node = p;
    d.input = n.inputs[0];
    d.axis = n.attrs.get_int("axis", 1);
    for (int64_t i = 0; i < s->numel(); ++i) d.scale.push_back(s->data<float>()[i]);
    const Tensor* zp = constant_input(n, 2);
    if (n.inputs.size() > 2 && !n.inputs[2].empty() && !zp) return std::nullopt;
    if (zp) {
      if (zp->numel() != 1 && zp->numel() != s->numel()) return std::nullopt;
      d.qtype = zp->dtype();
      for (int64_t i = 0; i < zp->numel(); ++i) {
        if (zp->get_int64(i) != zp->get_int64(0)) return std::nullopt;  // per-channel zero points
      }
      d.zero_point = static_cast<int32_t>(zp->get_int64(0));
    } else if (const Tensor* q = constant(d.input)) {
      d.qtype = q->dtype();
    } else if (const int qp = producer(d.input); qp >= 0 && node(qp).op_type == "QuantizeLinear" &&
                                                  (node(qp).inputs.size() < 3 || node(qp).inputs[2].empty())) {
      d.qtype = DType::kUInt8;  // QuantizeLinear without zero point produces uint8
    }
    return d;
  }

  // Activation input of an INT8 primitive: per-tensor u8/s8.
  std::optional<Dq> activation_dq(const std::string& v) const {
    auto d = dequantize_of(v);
    if (!d || d->scale.size() != 1 || (d->qtype != DType::kUInt8 && d->qtype != DType::kInt8)) return std::nullopt;
    if (constant(d->input)) return std::nullopt;
    return d;
  }

  // Weight input: constant s8 with zero point 0, per-tensor or per-channel along `axis`.
  std::optional<Dq> weight_dq(const std::string& v, int rank_axis_channels) const {
    auto d = dequantize_of(v);
    if (!d || d->qtype != DType::kInt8 || d->zero_point != 0 || !constant(d->input)) return std::nullopt;
    if (sole_consumer(v) < 0) return std::nullopt;
    const Tensor& w = *constant(d->input);
    if (d->scale.size() > 1) {
      const int64_t axis = d->axis < 0 ? d->axis + w.rank() : d->axis;
      if (axis != rank_axis_channels || w.dim(static_cast<int>(axis)) != static_cast<int64_t>(d->scale.size())) {
        return std::nullopt;
      }
    }
    return d;
  }

  // Bias: a float constant, or DequantizeLinear of an int32 constant (returns its input name).
  std::optional<std::pair<std::string, bool>> int8_bias(const std::string& v) const {
    if (v.empty()) return std::pair<std::string, bool>{"", false};
    if (const Tensor* t = constant(v); t && t->dtype() == DType::kFloat32) return std::pair<std::string, bool>{v, false};
    auto d = dequantize_of(v);
    if (d && d->qtype == DType::kInt32 && d->zero_point == 0 && constant(d->input) && sole_consumer(v) >= 0) {
      return std::pair<std::string, bool>{d->input, true};
    }
    return std::nullopt;
  }

  // A trailing QuantizeLinear (per-tensor) that the primitive can write directly.
  std::optional<std::pair<int, QuantOut>> quantize_after(const std::string& v) const {
    const int q = sole_consumer(v);
    if (q < 0 || node(q).op_type != "QuantizeLinear") return std::nullopt;
    const Node& n = node(q);
    auto s = scalar(constant_input(n, 1));
    if (!s || !(*s > 0.0f) || n.attrs.get_int("saturate", 1) != 1) return std::nullopt;
    QuantOut o;
    o.scale = *s;
    if (n.inputs.size() > 2 && !n.inputs[2].empty()) {
      const Tensor* zp = constant_input(n, 2);
      if (!zp || zp->numel() != 1 || (zp->dtype() != DType::kUInt8 && zp->dtype() != DType::kInt8)) return std::nullopt;
      o.zero_point = static_cast<int32_t>(zp->get_int64(0));
      o.dtype = zp->dtype();
    }
    return std::pair<int, QuantOut>{q, o};
  }

  // The session's own tensors for inputs [1, n) where they are constants: a fast op may cache
  // work derived from them (reordered weights) while a run passes these very tensors.
  std::vector<Tensor> constant_inputs(const std::vector<std::string>& inputs, size_t n) const {
    std::vector<Tensor> v(n);
    for (size_t i = 1; i < n && i < inputs.size(); ++i) {
      if (const Tensor* t = inputs[i].empty() ? nullptr : constant(inputs[i])) v[i] = *t;
    }
    return v;
  }

  static bool quantized_output_ok(const std::vector<Eltwise>& post) {
    return std::all_of(post.begin(), post.end(), [](const Eltwise& e) {
      return (e.alg == dnnl::algorithm::eltwise_relu && e.alpha == 0.0f) || e.alg == dnnl::algorithm::eltwise_clip_v2;
    });
  }

  // DequantizeLinear(activation) and DequantizeLinear(weight) [+ DequantizeLinear(int32 bias)]
  // feeding node n: the step then reads the quantized tensors directly (inputs X, W, B).
  void match_int8(const Node& n, int weight_axis, int weight_rank, std::vector<std::string>& inputs,
                  std::vector<int>& absorbed, QuantFusion& f) const {
    auto x = activation_dq(n.inputs[0]);
    auto w = x ? weight_dq(n.inputs[1], weight_axis) : std::nullopt;
    if (w && weight_rank && constant(w->input)->rank() != weight_rank) return;
    auto b = w ? int8_bias(inputs[2]) : std::nullopt;
    if (!x || !w || !b) return;
    f.int8 = true;
    f.qin = {x->scale[0], x->zero_point, x->qtype};
    f.w_scale = w->scale;
    f.bias_int32 = b->second;
    inputs = {x->input, w->input, b->first};
    absorbed = {x->node, w->node};
    if (b->second) absorbed.push_back(producer(n.inputs[2]));
  }

  // ---- steps
  void add_step(std::vector<int> nodes, std::vector<int> absorbed, std::vector<std::string> inputs,
                std::vector<std::string> outputs, std::unique_ptr<FastOp> op) {
    if (!op) return;
    std::sort(nodes.begin(), nodes.end());
    // Values the covered nodes read from outside the step, beyond those the fast op uses, are
    // step inputs too: they must stay alive for a fallback to the reference kernels.
    std::set<std::string> inside;
    std::vector<int> all = nodes;
    all.insert(all.end(), absorbed.begin(), absorbed.end());
    std::sort(all.begin(), all.end());
    for (int n : all) {
      for (const auto& v : node(n).inputs) {
        if (!v.empty() && !inside.count(v) && std::find(inputs.begin(), inputs.end(), v) == inputs.end()) {
          inputs.push_back(v);
        }
      }
      for (const auto& v : node(n).outputs) inside.insert(v);
    }
    const int s = static_cast<int>(plan_.steps.size());
    for (int n : nodes) plan_.step_of_node[static_cast<size_t>(n)] = s;
    Step st;
    st.nodes = std::move(nodes);
    st.inputs = std::move(inputs);
    st.outputs = std::move(outputs);
    st.op = std::move(op);
    st.bypassed = absorbed;
    plan_.steps.push_back(std::move(st));
    absorbed_.push_back(std::move(absorbed));
  }

  void plan_node(int i) {
    const Node& n = node(i);
    const std::string& op = n.op_type;
    if (op == "Conv") return plan_conv(i);
    if (op == "Gemm" || (op == "MatMul" && n.opset >= 1)) return plan_matmul(i);
    if (op == "ConvTranspose") return add_step({i}, {}, n.inputs, {n.outputs[0]}, make_conv_transpose(n));
    if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" || op == "GlobalMaxPool") {
      return add_step({i}, {}, {n.inputs[0]}, {n.outputs[0]}, make_pool(n));
    }
    if (op == "Softmax") return add_step({i}, {}, {n.inputs[0]}, {n.outputs[0]}, make_softmax(n));
    if (op == "Transpose") return add_step({i}, {}, {n.inputs[0]}, {n.outputs[0]}, make_transpose(n));
    if (op == "LayerNormalization" && n.inputs.size() >= 2) {
      return add_step({i}, {}, {n.inputs[0], n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : ""}, {n.outputs[0]},
                      make_layer_norm(n));
    }
    if (op == "BatchNormalization") {
      return add_step({i}, {}, {n.inputs[0]}, {n.outputs[0]},
                      make_batchnorm(n, constant_input(n, 1), constant_input(n, 2), constant_input(n, 3),
                                     constant_input(n, 4)));
    }
    if ((op == "QuantizeLinear" || op == "DequantizeLinear") && n.attrs.get_int("block_size", 0) == 0) {
      return add_step({i}, {}, {n.inputs[0]}, {n.outputs[0]},
                      make_quant_reorder(n, constant_input(n, 1), constant_input(n, 2)));
    }
    if ((op == "Add" || op == "Mul" || op == "Sub" || op == "Div") && n.opset >= 7) {
      return add_step({i}, {}, {n.inputs[0], n.inputs[1]}, {n.outputs[0]}, make_binary(n));
    }
    if (auto e = simple_eltwise(n)) {
      std::vector<int> nodes{i};
      std::vector<Eltwise> chain = *e;
      std::string out = fuse_ ? absorb_eltwise_chain(n.outputs[0], nodes, chain) : n.outputs[0];
      return add_step(nodes, {}, {n.inputs[0]}, {out}, make_eltwise(n, chain));
    }
  }

  void plan_conv(int i) {
    const Node& n = node(i);
    ConvFusion f;
    std::vector<int> nodes{i}, absorbed;
    std::vector<std::string> inputs{n.inputs[0], n.inputs[1], n.inputs.size() > 2 ? n.inputs[2] : ""};
    if (fuse_) match_int8(n, /*weight_axis=*/0, /*weight_rank=*/0, inputs, absorbed, f);
    f.cache = constant_inputs(inputs, 3);
    std::string cur = n.outputs[0];
    if (fuse_ && !f.int8) {
      const int bn = sole_consumer(cur);
      if (bn >= 0 && node(bn).op_type == "BatchNormalization" && node(bn).outputs.size() == 1 &&
          node(bn).attrs.get_int("training_mode", 0) == 0) {
        const Node& b = node(bn);
        const Tensor *gamma = constant_input(b, 1), *beta = constant_input(b, 2), *mean = constant_input(b, 3),
                     *var = constant_input(b, 4);
        const float eps = b.attrs.get_float("epsilon", 1e-5f);
        if (gamma && beta && mean && var && gamma->numel() == beta->numel() && gamma->numel() == mean->numel() &&
            gamma->numel() == var->numel()) {
          for (int64_t c = 0; c < gamma->numel(); ++c) {
            const float s = static_cast<float>(gamma->get_double(c) / std::sqrt(var->get_double(c) + eps));
            f.bn_scale.push_back(s);
            f.bn_shift.push_back(static_cast<float>(beta->get_double(c) - mean->get_double(c) * s));
          }
          nodes.push_back(bn);
          cur = b.outputs[0];
        }
      }
    }
    if (fuse_) {
      const int add = sole_consumer(cur);
      if (add >= 0 && node(add).op_type == "Add" && node(add).opset >= 7 && node(add).inputs.size() == 2 &&
          node(add).inputs[0] != node(add).inputs[1]) {
        const Node& a = node(add);
        const std::string& other = a.inputs[0] == cur ? a.inputs[1] : a.inputs[0];
        // The sum post-op needs the other operand in the output's shape; a broadcast one (an
        // SE scale [N,C,1,1]) stays a separate binary step.
        if (!constant(other) && maybe_same_shape(cur, other)) {
          f.sum = true;
          inputs.push_back(other);
          nodes.push_back(add);
          cur = a.outputs[0];
        }
      }
      cur = absorb_eltwise_chain(cur, nodes, f.post);
      if (f.int8 && !f.sum && quantized_output_ok(f.post)) {
        if (auto q = quantize_after(cur)) {
          f.has_qout = true;
          f.qout = q->second;
          nodes.push_back(q->first);
          cur = node(q->first).outputs[0];
        }
      }
    }
    add_step(nodes, absorbed, inputs, {cur}, make_conv(n, std::move(f)));
  }

  void plan_matmul(int i) {
    const Node& n = node(i);
    const bool gemm = n.op_type == "Gemm";
    if (gemm && n.attrs.get_int("transA", 0) != 0) return;
    MatMulFusion f;
    std::vector<int> nodes{i}, absorbed;
    // A, B, C (bias; "" for none): the op reads these three positions.
    std::vector<std::string> inputs{n.inputs[0], n.inputs[1], gemm && n.inputs.size() > 2 ? n.inputs[2] : ""};
    // An int32 C is already scaled; Gemm's beta would have to apply to it.
    if (fuse_ && !(gemm && n.attrs.get_float("beta", 1.0f) != 1.0f)) {
      const bool trans_b = gemm && n.attrs.get_int("transB", 0) != 0;
      match_int8(n, /*weight_axis=*/trans_b ? 0 : 1, /*weight_rank=*/2, inputs, absorbed, f);
    }
    f.cache = constant_inputs(inputs, 2);
    std::string cur = n.outputs[0];
    if (fuse_) {
      if (!gemm) {
        // MatMul + Add(constant [N]) is a Gemm with bias.
        const int add = sole_consumer(cur);
        if (add >= 0 && node(add).op_type == "Add" && node(add).opset >= 7) {
          const Node& a = node(add);
          const std::string& other = a.inputs[0] == cur ? a.inputs[1] : a.inputs[0];
          const Tensor* c = constant(other);
          const Tensor* wt = constant(inputs[1]);  // the int8 weight when INT8
          if (c && c->dtype() == DType::kFloat32 && c->rank() == 1 && wt && wt->rank() == 2 && c->dim(0) == wt->dim(1)) {
            f.bias_from_add = true;
            inputs[2] = other;
            nodes.push_back(add);
            cur = a.outputs[0];
          }
        }
      }
      cur = absorb_eltwise_chain(cur, nodes, f.post, /*allow_gelu=*/false);
      if (f.int8 && quantized_output_ok(f.post)) {
        if (auto q = quantize_after(cur)) {
          f.has_qout = true;
          f.qout = q->second;
          nodes.push_back(q->first);
          cur = node(q->first).outputs[0];
        }
      }
    }
    add_step(nodes, absorbed, inputs, {cur}, gemm ? make_gemm(n, std::move(f)) : make_matmul(n, std::move(f)));
    if (fuse_) {
      if (auto m = match_eltwise(cur)) {  // a GELU left out of the post-ops runs as its own step
        std::vector<int> enodes = m->nodes;
        std::vector<Eltwise> chain = m->e;
        const std::string out = absorb_eltwise_chain(m->out, enodes, chain);
        add_step(enodes, {}, {cur}, {out}, make_eltwise(n, chain));
      }
    }
  }

  // DequantizeLinear nodes bypassed by INT8 steps: a node whose output nothing reads any more
  // is covered by the (first) step that bypassed it; the others keep running.
  void absorb_dead_dequantize() {
    std::map<std::string, int> reads;
    for (const auto& o : g_.outputs) ++reads[o.name];
    for (const Step& s : plan_.steps) {
      for (const auto& v : s.inputs) ++reads[v];
    }
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      if (plan_.step_of_node[i] >= 0) continue;
      for (const auto& v : g_.nodes[i].inputs) ++reads[v];
    }
    for (size_t s = 0; s < plan_.steps.size(); ++s) {
      for (int d : absorbed_[s]) {
        if (plan_.step_of_node[static_cast<size_t>(d)] >= 0) continue;
        if (reads[node(d).outputs[0]] == 0) {
          plan_.step_of_node[static_cast<size_t>(d)] = static_cast<int>(s);
        }
      }
    }
  }

  bool is_folded(int i) const { return folded_node_ && (*folded_node_)[static_cast<size_t>(i)]; }

  const Graph& g_;
  bool fuse_;
  const std::map<std::string, Tensor>* folded_;
  const std::vector<bool>* folded_node_;
  std::set<std::string> graph_outputs_;
  Plan plan_;
  std::vector<std::vector<int>> absorbed_;  // per step: DequantizeLinear nodes it bypassed
};

}  // namespace

Plan plan_model(const Model& model, bool fuse, const std::map<std::string, Tensor>* folded,
                const std::vector<bool>* folded_node) {
  return Planner(model.graph(), fuse, folded, folded_node).run();
}

std::vector<std::string> planned_op_types() {
  return {"Add",  "AveragePool", "BatchNormalization", "Clip",  "Conv", "ConvTranspose", "DequantizeLinear",
          "Div",  "Elu",         "Gemm",               "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "HardSwish",
          "LayerNormalization", "LeakyRelu", "MatMul", "MaxPool", "Mul", "QuantizeLinear", "Relu", "Sigmoid",
          "Softmax", "Sub", "Tanh", "Transpose"};
}

}  // namespace qwb::fast
