#include "export/onnx_edit.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace qwb::exporter {

NameSet::NameSet(const onnx::GraphProto& g) { collect(g); }

void NameSet::collect(const onnx::GraphProto& g) {
  for (const auto& v : g.input()) used_.insert(v.name());
  for (const auto& v : g.output()) used_.insert(v.name());
  for (const auto& v : g.initializer()) used_.insert(v.name());
  for (const auto& v : g.value_info()) used_.insert(v.name());
  for (const auto& n : g.node()) {
    used_.insert(n.name());
    for (const auto& s : n.input()) used_.insert(s);
    for (const auto& s : n.output()) used_.insert(s);
    for (const auto& a : n.attribute()) {
      if (a.has_g()) collect(a.g());
      for (const auto& sg : a.graphs()) collect(sg);
    }
  }
}

std::string NameSet::fresh(const std::string& base) {
  std::string n = base;
  for (int i = 1; used_.count(n); ++i) n = base + "_" + std::to_string(i);
  used_.insert(n);
  return n;
}

Status add_initializer(onnx::GraphProto& g, const Tensor& t, const std::string& name) {
  return tensor_to_proto(t, name, g.add_initializer());
}

onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (const auto& s : inputs) n.add_input(s);
  for (const auto& s : outputs) n.add_output(s);
  return n;
}

void set_int_attr(onnx::NodeProto& n, const std::string& name, int64_t v) {
  for (auto& a : *n.mutable_attribute()) {
    if (a.name() == name) {
      a.set_i(v);
      return;
    }
  }
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void rename_inputs(onnx::GraphProto& g, const std::map<std::string, std::string>& map) {
  for (auto& n : *g.mutable_node()) {
    for (auto& s : *n.mutable_input()) {
      auto it = map.find(s);
      if (it != map.end()) s = it->second;
    }
    // Subgraphs may read outer-scope values by name.
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) rename_inputs(*a.mutable_g(), map);
      for (auto& sg : *a.mutable_graphs()) rename_inputs(sg, map);
    }
  }
}

Status inline_external_data(onnx::ModelProto& m, const std::string& base_dir, const std::string& context) {
  for (auto& init : *m.mutable_graph()->mutable_initializer()) {
    if (init.data_location() != onnx::TensorProto::EXTERNAL) continue;
    auto t = tensor_from_proto(init, base_dir, context);
    if (!t) return t.status();
    const std::string name = init.name();
    init.Clear();
    QWB_RETURN_IF_ERROR(tensor_to_proto(*t, name, &init));
  }
  return Status::ok();
}

int default_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") return static_cast<int>(o.version());
  return 0;
}

namespace {

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

void remove_attr(onnx::NodeProto& n, const std::string& name) {
  auto* attrs = n.mutable_attribute();
  for (int i = 0; i < attrs->size(); ++i) {
    if (attrs->Get(i).name() == name) {
      attrs->DeleteSubrange(i, 1);
      return;
    }
  }
}

// Moves an ints attribute into an int64 initializer input at position `index`.
Status attr_to_input(onnx::GraphProto& g, onnx::NodeProto& n, const std::string& attr, int index, NameSet& names) {
  const auto* a = find_attr(n, attr);
  if (!a) return Status::ok();
  std::vector<int64_t> v(a->ints().begin(), a->ints().end());
  const std::string name = names.fresh((n.name().empty() ? n.op_type() : n.name()) + "_" + attr);
  QWB_RETURN_IF_ERROR(add_initializer(g, Tensor::from_vector<int64_t>({static_cast<int64_t>(v.size())}, v), name));
  while (n.input_size() < index) n.add_input("");
  if (n.input_size() == index) n.add_input(name);
  else n.set_input(index, name);
  remove_attr(n, attr);
  return Status::ok();
}

Status upgrade_graph(onnx::GraphProto& g, int from, int to, NameSet& names, const std::string& ctx) {
  static const std::set<std::string> reduce18 = {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                                                 "ReduceL1",   "ReduceL2",  "ReduceLogSum", "ReduceLogSumExp",
                                                 "ReduceSumSquare"};
  for (auto& n : *g.mutable_node()) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    const std::string& op = n.op_type();
    if (from < 13 && to >= 13) {
      if (op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") QWB_RETURN_IF_ERROR(attr_to_input(g, n, "axes", 1, names));
      if (op == "Split") QWB_RETURN_IF_ERROR(attr_to_input(g, n, "split", 1, names));
    }
    if (from < 18 && to >= 18) {
      if (reduce18.count(op)) QWB_RETURN_IF_ERROR(attr_to_input(g, n, "axes", 1, names));
      // Opset 18 Split needs either the split input or num_outputs.
      if (op == "Split" && (n.input_size() < 2 || n.input(1).empty()) && !find_attr(n, "num_outputs"))
        set_int_attr(n, "num_outputs", n.output_size());
    }
    if (from < 21 && to >= 21 && op == "GroupNormalization") {
      return unsupported(ctx + ": node '" + n.name() + "' (GroupNormalization, opset " + std::to_string(from) +
                         ") changed meaning in opset 21 and cannot be upgraded; use a format that keeps the opset (int8/uint8 per-tensor or per-channel)");
    }
    if ((op == "Upsample" && to >= 10) || (op == "Scatter" && to >= 11)) {
      return unsupported(ctx + ": node '" + n.name() + "' (" + op + ") is deprecated at opset " + std::to_string(to) +
                         "; re-export the model with a newer opset");
    }
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) QWB_RETURN_IF_ERROR(upgrade_graph(*a.mutable_g(), from, to, names, ctx));
      for (auto& sg : *a.mutable_graphs()) QWB_RETURN_IF_ERROR(upgrade_graph(sg, from, to, names, ctx));
    }
  }
  return Status::ok();
}

}  // namespace

Status upgrade_opset(onnx::ModelProto& m, int target, const std::string& context) {
  const int from = default_opset(m);
  if (from >= target) return Status::ok();
  NameSet names(m.graph());
  QWB_RETURN_IF_ERROR(upgrade_graph(*m.mutable_graph(), from, target, names, context));
  bool found = false;
  for (auto& o : *m.mutable_opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      o.set_version(target);
      found = true;
    }
  }
  if (!found) {
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(target);
  }
  // The IR version that introduced the opset's types (float8: IR 9, int4: IR 10).
  const int64_t ir = target >= 21 ? 10 : target >= 19 ? 9 : target >= 15 ? 8 : 7;
  if (m.ir_version() < ir) m.set_ir_version(ir);
  return Status::ok();
}

Result<ExportResult> save_and_check(const onnx::ModelProto& m, const std::string& path) {
  namespace fs = std::filesystem;
  std::string bytes;
  if (!m.SerializeToString(&bytes)) return internal_error("file '" + path + "': the model could not be serialised (over 2 GB?)");
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return io_error("file '" + path + "': cannot be opened for writing");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!f) return io_error("file '" + path + "': write failed (disk full?)");
  }
  LoadOptions lo;
  lo.measure_shapes = false;
  auto reloaded = Model::load(tmp, lo);
  if (!reloaded) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return internal_error("the exported model failed its check and was not written to '" + path + "': " + reloaded.status().message());
  }
  // Rename last so a failed export never leaves a half-written file under the final name.
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return io_error("file '" + path + "': cannot be written (" + ec.message() + ")");
  ExportResult r;
  r.path = path;
  r.opset = default_opset(m);
  r.bytes = static_cast<int64_t>(bytes.size());
  r.notices = reloaded->summary().notices;
  r.checked = std::none_of(r.notices.begin(), r.notices.end(),
                            [](const std::string& n) { return n.find("check skipped") != std::string::npos; });
  for (const auto& n : m.graph().node()) {
    r.quantize_nodes += n.op_type() == "QuantizeLinear";
    r.dequantize_nodes += n.op_type() == "DequantizeLinear";
    r.cast_nodes += n.op_type() == "Cast";
  }
  return r;
}

}  // namespace qwb::exporter
