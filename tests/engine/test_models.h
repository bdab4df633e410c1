// Builds small ONNX models in memory for engine tests (protobuf API of libonnx-dev).
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace qwb::testmodels {

inline onnx::ValueInfoProto tensor_info(const std::string& name, int elem, const std::vector<int64_t>& dims,
                                        const std::string& batch_param = "") {
  onnx::ValueInfoProto v;
  v.set_name(name);
  auto* tt = v.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem);
  auto* shape = tt->mutable_shape();
  for (size_t i = 0; i < dims.size(); ++i) {
    auto* d = shape->add_dim();
    if (i == 0 && !batch_param.empty()) d->set_dim_param(batch_param);
    else d->set_dim_value(dims[i]);
  }
  return v;
}

inline onnx::NodeProto node(const std::string& op, const std::vector<std::string>& in,
                            const std::vector<std::string>& out, const std::string& name = "") {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name.empty() ? op + "_" + out[0] : name);
  for (const auto& i : in) n.add_input(i);
  for (const auto& o : out) n.add_output(o);
  return n;
}

inline onnx::TensorProto float_init(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<float>& values) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  for (float v : values) t.add_float_data(v);
  return t;
}

inline onnx::ModelProto model(int opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("qwb-tests");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  m.mutable_graph()->set_name("test");
  return m;
}

// y = Relu(x @ W + b) with x [batch, 4], W [4, 3]: a tiny MLP layer.
inline onnx::ModelProto mlp_model(int opset = 13) {
  auto m = model(opset);
  auto* g = m.mutable_graph();
  *g->add_input() = tensor_info("x", onnx::TensorProto::FLOAT, {1, 4}, "batch");
  *g->add_output() = tensor_info("y", onnx::TensorProto::FLOAT, {1, 3}, "batch");
  std::vector<float> w;
  for (int i = 0; i < 12; ++i) w.push_back(0.1f * static_cast<float>(i) - 0.5f);
  *g->add_initializer() = float_init("W", {4, 3}, w);
  *g->add_initializer() = float_init("b", {3}, {0.1f, -0.2f, 0.3f});
  *g->add_node() = node("MatMul", {"x", "W"}, {"xw"}, "fc");
  *g->add_node() = node("Add", {"xw", "b"}, {"z"}, "bias");
  *g->add_node() = node("Relu", {"z"}, {"y"}, "relu");
  return m;
}

inline std::string serialize(const onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

}  // namespace qwb::testmodels
