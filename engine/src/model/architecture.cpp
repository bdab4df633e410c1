#include "model/architecture.h"

#include <set>

namespace qwb {

namespace {

// Ops that sit between the score MatMul and Softmax (scaling, masking, reshapes).
const std::set<std::string> kPassThrough = {"Div", "Mul", "Add", "Sub", "Where", "Cast", "Reshape",
                                            "Transpose", "Dropout", "Identity", "Sqrt"};

bool reaches_back(const Graph& g, const std::string& value, const std::set<std::string>& targets, int depth) {
  auto it = g.producer.find(value);
  if (it == g.producer.end() || depth < 0) return false;
  const Node& n = g.nodes[static_cast<size_t>(it->second)];
  if (targets.count(n.op_type)) return true;
  if (!kPassThrough.count(n.op_type)) return false;
  for (const auto& in : n.inputs) if (!in.empty() && reaches_back(g, in, targets, depth - 1)) return true;
  return false;
}

bool reaches_forward(const Graph& g, const std::string& value, const std::set<std::string>& targets, int depth) {
  auto it = g.consumers.find(value);
  if (it == g.consumers.end() || depth < 0) return false;
  for (int idx : it->second) {
    const Node& n = g.nodes[static_cast<size_t>(idx)];
    if (targets.count(n.op_type)) return true;
    if (kPassThrough.count(n.op_type))
      for (const auto& o : n.outputs) if (reaches_forward(g, o, targets, depth - 1)) return true;
  }
  return false;
}

}  // namespace

ArchitectureGuess detect_architecture(const Graph& g) {
  const std::set<std::string> mm = {"MatMul", "Einsum", "Gemm"};
  int convs = 0, matmuls = 0, attention = 0;
  std::string rnn_op, attention_node;
  for (const auto& n : g.nodes) {
    if (n.op_type == "Conv" || n.op_type == "ConvTranspose") ++convs;
    if (mm.count(n.op_type)) ++matmuls;
    if (n.op_type == "LSTM" || n.op_type == "GRU" || n.op_type == "RNN") rnn_op = n.op_type;
    if (n.op_type == "Attention" || n.op_type == "MultiHeadAttention") {
      ++attention;
      if (attention_node.empty()) attention_node = n.name;
    }
    if (n.op_type == "Softmax" && !n.inputs.empty() && reaches_back(g, n.inputs[0], mm, 4) &&
        reaches_forward(g, n.outputs[0], mm, 2)) {
      ++attention;
      if (attention_node.empty()) attention_node = n.name;
    }
  }
  if (attention > 0) {
    return {"transformer", "Attention pattern: MatMul-Softmax-MatMul found " + std::to_string(attention) +
                               " time(s) (first at '" + attention_node + "')"};
  }
  if (!rnn_op.empty()) return {"rnn", "recurrent op " + rnn_op + " found"};
  if (convs > 0) {
    return {"cnn", std::to_string(convs) + " convolution(s)" +
                       (matmuls ? " and " + std::to_string(matmuls) + " dense layer(s)" : std::string()) +
                       ", no attention pattern"};
  }
  if (matmuls > 0) return {"mlp", std::to_string(matmuls) + " dense layer(s) (MatMul/Gemm), no convolution or attention"};
  return {"other", "no convolution, dense, attention or recurrent layer found"};
}

}  // namespace qwb
