// ONNX QDQ export: the layout ONNX Runtime and TensorRT consume (design section 6).
//
// A quantized weight keeps its name as the output of a DequantizeLinear fed by the stored
// integer tensor, so its consumers need no change. A quantized activation A gets
// A -> QuantizeLinear -> DequantizeLinear -> A_dequantized and every consumer reads the latter,
// exactly what the simulation's tap does.
#include <filesystem>
#include <set>

#include "export/onnx_edit.h"

namespace qwb {

using namespace exporter;

namespace {

int required_opset(const Quantization& q, int current) {
  int need = std::max(current, 13);  // per-axis DequantizeLinear
  auto visit = [&](const QuantizedTensor& t) {
    const DType d = t.spec.dtype;
    if (d == DType::kInt4 || d == DType::kUInt4 || d == DType::kInt16 || t.spec.granularity == Granularity::kBlock) need = std::max(need, 21);
    if (t.spec.is_float8()) need = std::max(need, 19);
  };
  for (const auto& [n, t] : q.weights) visit(t);
  for (const auto& [n, t] : q.activations) visit(t);
  return need;
}

onnx::NodeProto cast_node(const std::string& in, const std::string& out, DType to, const std::string& name) {
  onnx::NodeProto n = make_node("Cast", {in}, {out}, name);
  set_int_attr(n, "to", static_cast<int64_t>(to));
  return n;
}

}  // namespace

Result<ExportResult> export_qdq(const Model& model, const Quantization& q, const std::string& path) {
  const std::string ctx = "file '" + model.path() + "'";
  onnx::ModelProto proto = model_proto(model);
  std::string base = std::filesystem::path(model.path()).parent_path().string();
  QWB_RETURN_IF_ERROR(inline_external_data(proto, base.empty() ? "." : base, ctx));
  QWB_RETURN_IF_ERROR(upgrade_opset(proto, required_opset(q, default_opset(proto)), ctx));

  onnx::GraphProto& g = *proto.mutable_graph();
  NameSet names(g);
  std::set<std::string> replaced;
  for (const auto& [n, t] : q.weights) replaced.insert(n);
  for (const auto& [n, t] : q.biases) replaced.insert(n);

  // Drop the float copies of quantized initializers (and their graph-input entries, which old
  // IR versions list).
  {
    auto* inits = g.mutable_initializer();
    for (int i = inits->size() - 1; i >= 0; --i)
      if (replaced.count(inits->Get(i).name())) inits->DeleteSubrange(i, 1);
    auto* ins = g.mutable_input();
    for (int i = ins->size() - 1; i >= 0; --i)
      if (replaced.count(ins->Get(i).name())) ins->DeleteSubrange(i, 1);
  }

  std::vector<onnx::NodeProto> head;
  // Stored weight -> DequantizeLinear (or Cast for float16/bfloat16) producing the original name.
  auto emit_weight = [&](const std::string& name, const QuantizedTensor& t) -> Status {
    if (t.spec.is_cast()) {
      const std::string stored = names.fresh(name + "_" + dtype_name(t.spec.dtype));
      QWB_RETURN_IF_ERROR(add_initializer(g, t.q, stored));
      head.push_back(cast_node(stored, name, DType::kFloat32, names.fresh(name + "_Cast")));
      return Status::ok();
    }
    const std::string qn = names.fresh(name + "_quantized"), sn = names.fresh(name + "_scale"),
                      zn = names.fresh(name + "_zero_point");
    QWB_RETURN_IF_ERROR(add_initializer(g, t.q, qn));
    QWB_RETURN_IF_ERROR(add_initializer(g, t.scale, sn));
    QWB_RETURN_IF_ERROR(add_initializer(g, t.zero_point, zn));
    onnx::NodeProto dq = make_node("DequantizeLinear", {qn, sn, zn}, {name}, names.fresh(name + "_DequantizeLinear"));
    if (t.axis >= 0) set_int_attr(dq, "axis", t.axis);
    if (t.spec.granularity == Granularity::kBlock) set_int_attr(dq, "block_size", t.spec.block_size);
    head.push_back(std::move(dq));
    return Status::ok();
  };
  for (const auto& [name, t] : q.weights) QWB_RETURN_IF_ERROR(emit_weight(name, t));
  for (const auto& [name, t] : q.biases) QWB_RETURN_IF_ERROR(emit_weight(name, t));

  // Activation A -> Q -> DQ (or Cast -> Cast), inserted right after A's producer.
  std::map<std::string, std::vector<onnx::NodeProto>> after;
  std::map<std::string, std::string> renamed;
  for (const auto& [name, t] : q.activations) {
    const std::string out = names.fresh(name + "_dequantized");
    auto& list = after[name];
    if (t.spec.is_cast()) {
      const std::string mid = names.fresh(name + "_" + dtype_name(t.spec.dtype));
      list.push_back(cast_node(name, mid, t.spec.dtype, names.fresh(name + "_Cast")));
      list.push_back(cast_node(mid, out, DType::kFloat32, names.fresh(name + "_Cast")));
    } else {
      const std::string sn = names.fresh(name + "_scale"), zn = names.fresh(name + "_zero_point"),
                        qn = names.fresh(name + "_quantized");
      QWB_RETURN_IF_ERROR(add_initializer(g, t.scale, sn));
      QWB_RETURN_IF_ERROR(add_initializer(g, t.zero_point, zn));
      list.push_back(make_node("QuantizeLinear", {name, sn, zn}, {qn}, names.fresh(name + "_QuantizeLinear")));
      list.push_back(make_node("DequantizeLinear", {qn, sn, zn}, {out}, names.fresh(name + "_DequantizeLinear")));
    }
    renamed[name] = out;
  }
  rename_inputs(g, renamed);  // before the Q/DQ nodes join, so they keep reading the original

  std::vector<onnx::NodeProto> nodes = std::move(head);
  for (const auto& in : g.input()) {
    auto it = after.find(in.name());
    if (it != after.end()) nodes.insert(nodes.end(), it->second.begin(), it->second.end());
  }
  for (const auto& n : g.node()) {
    nodes.push_back(n);
    for (const auto& o : n.output()) {
      auto it = after.find(o);
      if (it != after.end()) nodes.insert(nodes.end(), it->second.begin(), it->second.end());
    }
  }
  g.clear_node();
  for (auto& n : nodes) *g.add_node() = std::move(n);

  // Record what was done, for a reader of the file.
  std::string desc = "weights " + (q.plan.weights.empty() ? std::string("float32") : q.plan.weights.begin()->second.spec.describe()) +
                     "; activations " +
                     (q.plan.activations.empty() ? std::string("float32") : q.plan.activations.begin()->second.describe()) +
                     "; calibration " + calib_method_name(q.calib.method) + "; " + std::to_string(q.plan.quantized_nodes.size()) +
                     " nodes quantized, " + std::to_string(q.plan.excluded_nodes.size()) + " excluded";
  bool set = false;
  for (auto& p : *proto.mutable_metadata_props()) {
    if (p.key() == "qwb.quantization") {
      p.set_value(desc);
      set = true;
    }
  }
  if (!set) {
    auto* p = proto.add_metadata_props();
    p->set_key("qwb.quantization");
    p->set_value(desc);
  }
  return save_and_check(proto, path);
}

}  // namespace qwb
