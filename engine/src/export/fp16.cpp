// FP16 export: float32 initializers and values become float16; blocked ops run in float32.
//
// Which values are float32 is learned by running the model once on zero inputs (types are then
// exact, whatever shape inference knows), so Casts go exactly where a float16 value meets a
// float32 consumer or the other way round.
#include <cmath>
#include <filesystem>
#include <set>

#include "export/onnx_edit.h"
#include "qwb/executor.h"

namespace qwb {

using namespace exporter;

namespace {

// Ops kept in float32 by default: their float inputs are not all of type T (Resize scales,
// Range), they have no float16 variant in common runtimes, or they are quantization ops.
const std::set<std::string> kDefaultBlock = {"Resize",          "Upsample",        "Range",         "CumSum",
                                             "TopK",            "NonMaxSuppression", "RoiAlign",    "RandomUniformLike",
                                             "QuantizeLinear",  "DequantizeLinear", "DynamicQuantizeLinear",
                                             "RandomNormalLike", "Multinomial"};

Result<std::map<std::string, DType>> value_dtypes(const Model& model) {
  auto session = Session::create(std::make_shared<const Model>(model), {.threads = 1});
  if (!session) return session.status();
  TensorMap inputs;
  for (const auto& v : model.graph().inputs) {
    Shape s;
    for (const auto& d : v.dims) s.push_back(d.known() ? d.value : 1);
    inputs[v.name] = Tensor(v.dtype == DType::kUndefined ? DType::kFloat32 : v.dtype, s);
  }
  std::map<std::string, DType> types;
  RunOptions ro;
  ro.tap_inputs = true;
  ro.tap = [&](const TapEvent& e, Tensor& t) { types[*e.value] = t.dtype(); };
  auto out = session->run(inputs, ro);
  if (!out) return Status(out.status().code(), "the model could not be run to learn its value types: " + out.status().message());
  for (const auto& [name, t] : model.graph().initializers) types[name] = t.dtype();
  return types;
}

Tensor to_half_clamped(const Tensor& t) {
  Tensor c = t.clone();
  float* p = c.data<float>();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (std::isfinite(p[i])) p[i] = std::clamp(p[i], -65504.0f, 65504.0f);
  return c.cast(DType::kFloat16);
}

void convert_float_attrs(onnx::NodeProto& n) {
  for (auto& a : *n.mutable_attribute()) {
    if ((a.name() == "to" || a.name() == "dtype") && a.type() == onnx::AttributeProto::INT && a.i() == onnx::TensorProto::FLOAT) {
      a.set_i(onnx::TensorProto::FLOAT16);
    }
    if (a.type() == onnx::AttributeProto::TENSOR && a.t().data_type() == onnx::TensorProto::FLOAT) {
      auto t = tensor_from_proto(a.t(), ".", "attribute");
      if (!t) continue;
      const std::string name = a.t().name();
      a.mutable_t()->Clear();
      (void)tensor_to_proto(to_half_clamped(*t), name, a.mutable_t());
    }
  }
}

}  // namespace

Result<ExportResult> export_fp16(const Model& model, const Fp16Options& o, const std::string& path) {
  const std::string ctx = "file '" + model.path() + "'";
  const Graph& ir = model.graph();
  std::set<std::string> block_ops = kDefaultBlock, block_nodes(o.block_nodes.begin(), o.block_nodes.end());
  block_ops.insert(o.block_ops.begin(), o.block_ops.end());
  for (const auto& n : o.block_nodes) {
    if (!ir.producer.count(n) && std::none_of(ir.nodes.begin(), ir.nodes.end(), [&](const Node& x) { return x.name == n; }))
      return not_found(ctx + ": the fp16 block list names node '" + n + "', which does not exist");
  }
  QWB_ASSIGN_OR_RETURN(auto types, value_dtypes(model));

  onnx::ModelProto proto = model_proto(model);
  std::string base = std::filesystem::path(model.path()).parent_path().string();
  QWB_RETURN_IF_ERROR(inline_external_data(proto, base.empty() ? "." : base, ctx));
  onnx::GraphProto& g = *proto.mutable_graph();
  NameSet names(g);
  auto is_f32 = [&](const std::string& v) {
    auto it = types.find(v);
    return it != types.end() && it->second == DType::kFloat32;
  };
  // IR node index by proto position: the proto's order is the file's, names are unique.
  std::map<std::string, bool> blocked_by_name;
  for (const Node& n : ir.nodes) blocked_by_name[n.name] = block_ops.count(n.op_type) || block_nodes.count(n.name);
  auto node_blocked = [&](int i, const onnx::NodeProto& n) {
    const std::string key = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    auto it = blocked_by_name.find(key);
    return it != blocked_by_name.end() ? it->second : block_ops.count(n.op_type()) > 0;
  };

  // half[v]: the value is float16 in the new graph. Initializers only used by blocked nodes stay.
  std::set<std::string> half;
  std::map<std::string, int> fp16_users;
  for (int i = 0; i < g.node_size(); ++i)
    if (!node_blocked(i, g.node(i)))
      for (const auto& s : g.node(i).input()) fp16_users[s]++;
  for (auto& init : *g.mutable_initializer()) {
    if (init.data_type() != onnx::TensorProto::FLOAT || !fp16_users.count(init.name())) continue;
    auto t = tensor_from_proto(init, ".", ctx);
    if (!t) return t.status();
    const std::string name = init.name();
    init.Clear();
    QWB_RETURN_IF_ERROR(tensor_to_proto(to_half_clamped(*t), name, &init));
    half.insert(name);
  }

  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, std::string> as_half, as_float;  // cast copies made so far
  auto cast_to = [&](const std::string& v, DType to) {
    auto& cache = to == DType::kFloat16 ? as_half : as_float;
    if (auto it = cache.find(v); it != cache.end()) return it->second;
    const std::string out = names.fresh(v + (to == DType::kFloat16 ? "_fp16" : "_fp32"));
    onnx::NodeProto c = make_node("Cast", {v}, {out}, names.fresh(v + "_Cast"));
    set_int_attr(c, "to", static_cast<int64_t>(to));
    nodes.push_back(std::move(c));
    cache[v] = out;
    return out;
  };
  // Graph inputs become float16 unless their types are kept (then consumers get a Cast).
  if (!o.keep_io_types) {
    for (auto& in : *g.mutable_input()) {
      if (!is_f32(in.name()) || half.count(in.name())) continue;
      in.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT16);
      half.insert(in.name());
    }
  }
  std::set<std::string> graph_outputs;
  for (const auto& out : g.output()) graph_outputs.insert(out.name());
  std::map<std::string, std::string> output_rename;  // keep_io: producer writes name_fp16

  for (int i = 0; i < g.node_size(); ++i) {
    onnx::NodeProto n = g.node(i);
    const bool blocked = node_blocked(i, n);
    for (auto& s : *n.mutable_input()) {
      if (s.empty() || !is_f32(s)) continue;
      const bool is_half = half.count(s) > 0;
      if (!blocked && !is_half) s = cast_to(s, DType::kFloat16);
      else if (blocked && is_half) s = cast_to(s, DType::kFloat32);
    }
    if (!blocked) {
      convert_float_attrs(n);
      for (auto& s : *n.mutable_output()) {
        if (s.empty() || !is_f32(s)) continue;
        if (graph_outputs.count(s) && o.keep_io_types) {
          const std::string h = names.fresh(s + "_fp16");
          output_rename[h] = s;
          half.insert(h);
          s = h;
        } else {
          half.insert(s);
        }
      }
    }
    nodes.push_back(std::move(n));
  }
  for (const auto& [h, f] : output_rename) {
    onnx::NodeProto c = make_node("Cast", {h}, {f}, names.fresh(f + "_Cast"));
    set_int_attr(c, "to", static_cast<int64_t>(DType::kFloat32));
    nodes.push_back(std::move(c));
  }
  for (auto& out : *g.mutable_output())
    if (!o.keep_io_types && half.count(out.name())) out.mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT16);
  g.clear_node();
  for (auto& n : nodes) *g.add_node() = std::move(n);
  // Intermediate value types changed; runtimes re-infer them.
  g.clear_value_info();
  return save_and_check(proto, path);
}

}  // namespace qwb
