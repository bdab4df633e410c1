// Quantization plans: which weights and activations get which format.
//
// Placement follows TensorRT's recommendation for explicit quantization, which ONNX Runtime also
// runs: the activation inputs and weights of Conv / ConvTranspose / Gemm / MatMul are quantized;
// a quantized activation is quantized once, right after its producer, and every consumer reads
// the quantized value. Graph outputs are never quantized (ties in quantized logits would flip
// predictions for no benefit).
#include <algorithm>
#include <set>

#include "qwb/quant.h"

namespace qwb {

namespace {

const Tensor* float_initializer(const Graph& g, const std::string& name) {
  auto it = g.initializers.find(name);
  return it != g.initializers.end() && it->second.dtype() == DType::kFloat32 ? &it->second : nullptr;
}

// Per-channel axis of a weight (design section 6) and the reduction axis blocks run along.
struct WeightAxes {
  int channel = 0;
  int block = 1;
};

WeightAxes weight_axes(const Node& n, const Tensor& w) {
  const int r = w.rank();
  if (n.op_type == "Conv") return {0, std::min(1, r - 1)};
  if (n.op_type == "ConvTranspose") return {std::min(1, r - 1), 0};
  if (n.op_type == "Gemm") return n.attrs.get_int("transB", 0) ? WeightAxes{0, 1} : WeightAxes{1, 0};
  // MatMul weight [..., K, N]: channels are the output columns, blocks run along K.
  return {r - 1, std::max(0, r - 2)};
}

Status check_weight_spec(const QuantSpec& s, const std::string& who) {
  if (!s.enabled()) return Status::ok();
  if (s.granularity == Granularity::kBlock && !(s.is_integer() || s.is_float8())) {
    return invalid_argument(who + ": block granularity applies to integer and fp8 weights, not " + dtype_name(s.dtype));
  }
  if (s.granularity == Granularity::kBlock && (s.block_size < 16 || (s.block_size & (s.block_size - 1)) != 0)) {
    return invalid_argument(who + ": block size " + std::to_string(s.block_size) + " must be a power of two >= 16");
  }
  if (s.reduce_range && s.dtype != DType::kInt8 && s.dtype != DType::kUInt8) {
    return invalid_argument(who + ": reduce_range applies to int8 and uint8 only, not " + std::string(dtype_name(s.dtype)));
  }
  return Status::ok();
}

Status check_activation_spec(const QuantSpec& s, const std::string& who) {
  if (!s.enabled()) return Status::ok();
  const DType t = s.dtype;
  if (!(t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16 || s.is_cast())) {
    return unsupported(who + ": activations of type " + std::string(dtype_name(t)) +
                       " are not supported (use int8, uint8, int16, fp16 or bf16)");
  }
  if (s.granularity != Granularity::kTensor) {
    return unsupported(who + ": activations are quantized per tensor; per-channel and block granularity apply to weights");
  }
  if (s.reduce_range && t != DType::kInt8 && t != DType::kUInt8) {
    return invalid_argument(who + ": reduce_range applies to int8 and uint8 only");
  }
  return Status::ok();
}

}  // namespace

bool is_quantizable_op(const std::string& op) {
  return op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul";
}

Result<QuantPlan> make_plan(const Model& model, const QuantOptions& o) {
  const Graph& g = model.graph();
  const std::string file = "file '" + model.path() + "'";
  QWB_RETURN_IF_ERROR(check_weight_spec(o.weights, "weights"));
  QWB_RETURN_IF_ERROR(check_activation_spec(o.activations, "activations"));
  if (!o.weights.enabled() && !o.activations.enabled()) {
    return invalid_argument("nothing to quantize: both weights and activations are 'none'");
  }

  std::map<std::string, const Node*> by_name;
  for (const Node& n : g.nodes) by_name[n.name] = &n;
  auto unknown_node = [&](const std::string& name, const std::string& what) {
    std::string hint;
    int shown = 0;
    for (const Node& n : g.nodes) {
      if (!is_quantizable_op(n.op_type)) continue;
      hint += (shown ? ", " : "") + n.name;
      if (++shown == 5) { hint += ", ..."; break; }
    }
    return not_found(file + ": " + what + " names node '" + name + "', which does not exist" +
                     (hint.empty() ? "" : " (quantizable nodes: " + hint + ")"));
  };
  std::set<std::string> excluded;
  for (const auto& e : o.exclude) {
    if (!by_name.count(e)) return unknown_node(e, "the exclusion list");
    excluded.insert(e);
  }
  for (const auto& [name, ov] : o.overrides) {
    if (!by_name.count(name)) return unknown_node(name, "an override");
    if (ov.weights) QWB_RETURN_IF_ERROR(check_weight_spec(*ov.weights, "override of node '" + name + "' (weights)"));
    if (ov.activations) QWB_RETURN_IF_ERROR(check_activation_spec(*ov.activations, "override of node '" + name + "' (activations)"));
  }

  std::set<std::string> graph_outputs;
  for (const auto& v : g.outputs) graph_outputs.insert(v.name);

  QuantPlan plan;
  for (const Node& n : g.nodes) {
    if (!is_quantizable_op(n.op_type)) continue;
    if (excluded.count(n.name)) {
      plan.excluded_nodes.push_back(n.name);
      continue;
    }
    QuantSpec ws = o.weights, as = o.activations;
    if (auto it = o.overrides.find(n.name); it != o.overrides.end()) {
      if (it->second.weights) ws = *it->second.weights;
      if (it->second.activations) as = *it->second.activations;
    }
    bool any = false;
    // The weight: input 1 when it is a float initializer.
    const Tensor* w = n.inputs.size() > 1 ? float_initializer(g, n.inputs[1]) : nullptr;
    WeightAxes axes;
    if (w && ws.enabled() && w->rank() >= 2) {
      axes = weight_axes(n, *w);
      if (!plan.weights.count(n.inputs[1])) {
        WeightEntry e{n.name, ws, -1, axes.channel};
        if (ws.granularity == Granularity::kChannel) e.axis = axes.channel;
        if (ws.granularity == Granularity::kBlock) e.axis = axes.block;
        plan.weights[n.inputs[1]] = e;
      }
      any = true;
    }
    // Activation inputs: float values that are not initializers (both inputs of an activation
    // MatMul, e.g. attention scores).
    const size_t act_inputs = n.op_type == "MatMul" ? 2 : 1;
    std::string act_in;
    for (size_t i = 0; i < std::min(act_inputs, n.inputs.size()); ++i) {
      const std::string& v = n.inputs[i];
      if (v.empty() || g.initializers.count(v) || !as.enabled() || graph_outputs.count(v)) continue;
      plan.activations.emplace(v, as);
      if (i == 0) act_in = v;
      any = true;
    }
    // int32 bias with s_input * s_weight: Conv/Gemm input 2, or the constant of an Add that is
    // the only consumer of a MatMul.
    const bool int_bias = w && ws.is_integer() && ws.granularity != Granularity::kBlock && as.is_integer() && !act_in.empty();
    if (int_bias) {
      const int64_t channels = w->dim(axes.channel);
      auto add_bias = [&](const std::string& b) {
        const Tensor* bt = float_initializer(g, b);
        if (bt && bt->rank() == 1 && bt->numel() == channels && !plan.biases.count(b)) {
          plan.biases[b] = BiasEntry{n.name, act_in, n.inputs[1], ws.granularity == Granularity::kChannel ? 0 : -1};
        }
      };
      if ((n.op_type == "Conv" || n.op_type == "ConvTranspose" || n.op_type == "Gemm") && n.inputs.size() > 2) {
        if (n.op_type != "Gemm" || (n.attrs.get_float("beta", 1.0f) == 1.0f && n.attrs.get_float("alpha", 1.0f) == 1.0f))
          add_bias(n.inputs[2]);
      } else if (n.op_type == "MatMul" && w->rank() == 2) {
        auto cit = g.consumers.find(n.outputs[0]);
        if (cit != g.consumers.end() && cit->second.size() == 1) {
          const Node& add = g.nodes[static_cast<size_t>(cit->second[0])];
          if (add.op_type == "Add" && add.inputs.size() == 2) add_bias(add.inputs[0] == n.outputs[0] ? add.inputs[1] : add.inputs[0]);
        }
      }
    }
    if (any) plan.quantized_nodes.push_back(n.name);
  }
  if (plan.quantized_nodes.empty()) {
    return invalid_argument(file + ": nothing to quantize: no Conv, ConvTranspose, Gemm or MatMul node with a float "
                            "weight or activation input" + std::string(excluded.empty() ? "" : " outside the exclusions"));
  }
  return plan;
}

}  // namespace qwb
