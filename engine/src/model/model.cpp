// Model loading: parse, check, convert to the graph IR, summarise.
#include "qwb/model.h"

#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "model/architecture.h"
#include "model/proto.h"
#include "qwb/executor.h"

namespace qwb {

// ONNX 1.12's checker and shape inference know the default domain up to this opset.
constexpr int kCheckerMaxOpset = 17;

const Attribute* AttributeMap::find(const std::string& name) const {
  auto it = attrs_.find(name);
  return it == attrs_.end() ? nullptr : &it->second;
}
int64_t AttributeMap::get_int(const std::string& name, int64_t dflt) const {
  const Attribute* a = find(name);
  return a ? a->i : dflt;
}
float AttributeMap::get_float(const std::string& name, float dflt) const {
  const Attribute* a = find(name);
  return a ? a->f : dflt;
}
std::string AttributeMap::get_string(const std::string& name, const std::string& dflt) const {
  const Attribute* a = find(name);
  return a ? a->s : dflt;
}
std::vector<int64_t> AttributeMap::get_ints(const std::string& name, std::vector<int64_t> dflt) const {
  const Attribute* a = find(name);
  return a ? a->ints : dflt;
}
std::vector<float> AttributeMap::get_floats(const std::string& name, std::vector<float> dflt) const {
  const Attribute* a = find(name);
  return a ? a->floats : dflt;
}
std::vector<std::string> AttributeMap::get_strings(const std::string& name,
                                                   std::vector<std::string> dflt) const {
  const Attribute* a = find(name);
  return a ? a->strings : dflt;
}
const Tensor* AttributeMap::get_tensor(const std::string& name) const {
  const Attribute* a = find(name);
  return (a && a->type == Attribute::Type::kTensor) ? &a->t : nullptr;
}

std::string Node::describe() const {
  return "node '" + name + "' (" + (domain.empty() ? "" : domain + ":") + op_type + ", opset " +
         std::to_string(opset) + ")";
}

std::string ValueInfo::shape_str() const {
  if (!has_shape) return "?";
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += dims[i].known() ? std::to_string(dims[i].value) : (dims[i].param.empty() ? "?" : dims[i].param);
  }
  return s + "]";
}

int Model::opset(const std::string& domain) const {
  auto it = summary_->opsets.find(domain);
  return it == summary_->opsets.end() ? 0 : it->second;
}

std::string Model::serialize() const {
  std::string out;
  model_proto(*this).SerializeToString(&out);
  return out;
}

namespace {

std::string norm_domain(const std::string& d) { return d == "ai.onnx" ? "" : d; }

ValueInfo value_info_from_proto(const onnx::ValueInfoProto& v) {
  ValueInfo vi;
  vi.name = v.name();
  if (v.type().has_tensor_type()) {
    const auto& tt = v.type().tensor_type();
    vi.dtype = static_cast<DType>(tt.elem_type());
    if (tt.has_shape()) {
      vi.has_shape = true;
      for (const auto& d : tt.shape().dim()) {
        Dim dim;
        if (d.has_dim_value()) dim.value = d.dim_value();
        else if (d.has_dim_param()) dim.param = d.dim_param();
        vi.dims.push_back(dim);
      }
    }
  }
  return vi;
}

Result<Attribute> attribute_from_proto(const onnx::AttributeProto& a, const std::string& base_dir,
                                       const std::string& ctx) {
  Attribute out;
  using T = Attribute::Type;
  switch (a.type()) {
    case onnx::AttributeProto::FLOAT: out.type = T::kFloat; out.f = a.f(); break;
    case onnx::AttributeProto::INT: out.type = T::kInt; out.i = a.i(); break;
    case onnx::AttributeProto::STRING: out.type = T::kString; out.s = a.s(); break;
    case onnx::AttributeProto::FLOATS: out.type = T::kFloats; out.floats.assign(a.floats().begin(), a.floats().end()); break;
    case onnx::AttributeProto::INTS: out.type = T::kInts; out.ints.assign(a.ints().begin(), a.ints().end()); break;
    case onnx::AttributeProto::STRINGS: out.type = T::kStrings; out.strings.assign(a.strings().begin(), a.strings().end()); break;
    case onnx::AttributeProto::TENSOR: {
      out.type = T::kTensor;
      auto t = tensor_from_proto(a.t(), base_dir, ctx + " attribute '" + a.name() + "'");
      // A tensor attribute the engine cannot hold (e.g. strings) stays undefined; the kernel
      // that needs it reports unsupported.
      if (t) out.t = std::move(*t);
      break;
    }
    case onnx::AttributeProto::GRAPH: out.type = T::kGraph; break;
    case onnx::AttributeProto::GRAPHS: out.type = T::kGraphs; break;
    case onnx::AttributeProto::TENSORS: out.type = T::kTensors; break;
    default:
      // Attributes written with only a ref_attr_name or an unknown type: keep the name, no value.
      break;
  }
  return out;
}

int64_t attr_int(const Node& n, const char* k, int64_t d) { return n.attrs.get_int(k, d); }

// Multiply-accumulates of one node for the shapes ONNX shape inference found (batch 1 where the
// batch is symbolic). 0 where unknown or not a MAC op.
int64_t node_macs(const Node& n, const std::vector<std::vector<int64_t>>& in,
                  const std::vector<std::vector<int64_t>>& out) {
  auto known = [](const std::vector<int64_t>& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](int64_t d) { return d >= 0; });
  };
  auto numel = [](const std::vector<int64_t>& s) {
    int64_t p = 1;
    for (int64_t d : s) p *= std::max<int64_t>(d, 1);
    return p;
  };
  if (out.empty() || !known(out[0])) return 0;
  if ((n.op_type == "Conv" || n.op_type == "ConvTranspose") && in.size() >= 2 && known(in[1])) {
    const auto& w = in[1];
    int64_t k = 1;
    for (size_t i = 2; i < w.size(); ++i) k *= w[i];
    if (n.op_type == "Conv") return numel(out[0]) * w[1] * k;
    // ConvTranspose: every input element scatters into Cout/group * k outputs.
    if (!known(in[0])) return 0;
    return numel(in[0]) * w[1] * k;
  }
  if ((n.op_type == "MatMul" || n.op_type == "MatMulInteger") && in.size() >= 2 && known(in[0]) && known(in[1])) {
    int64_t kdim = in[0].back();
    return numel(out[0]) * kdim;
  }
  if (n.op_type == "Gemm" && in.size() >= 2 && known(in[0])) {
    int64_t kdim = attr_int(n, "transA", 0) ? in[0][0] : in[0].back();
    return numel(out[0]) * kdim;
  }
  return 0;
}

std::vector<int64_t> dims_batch1(const ValueInfo& v) {
  std::vector<int64_t> s;
  if (!v.has_shape) return s;
  for (size_t i = 0; i < v.dims.size(); ++i) {
    const Dim& d = v.dims[i];
    // A symbolic leading dim is the batch: count MACs for batch 1.
    s.push_back(d.known() ? d.value : (i == 0 ? 1 : -1));
  }
  return s;
}

}  // namespace

namespace {

// A copy of the model for ONNX shape inference, which writes into the proto it is given. Large
// float initializers keep their type and dims but not their payload: inference reads values only
// of small shape-like tensors, and copying ViT-B's 330 MB of weights would double peak memory.
onnx::ModelProto copy_for_shape_inference(onnx::ModelProto& proto) {
  auto* inits = proto.mutable_graph()->mutable_initializer();
  google::protobuf::RepeatedPtrField<onnx::TensorProto> saved;
  saved.Swap(inits);
  onnx::ModelProto copy = proto;
  saved.Swap(inits);
  for (const auto& t : *inits) {
    auto* c = copy.mutable_graph()->add_initializer();
    if (dtype_is_float(static_cast<DType>(t.data_type())) && t.raw_data().size() > 4096) {
      c->set_name(t.name());
      c->set_data_type(t.data_type());
      *c->mutable_dims() = t.dims();
    } else {
      *c = t;
    }
  }
  return copy;
}

bool is_mac_op(const std::string& op) {
  return op == "Conv" || op == "ConvTranspose" || op == "MatMul" || op == "Gemm" || op == "MatMulInteger";
}

// ONNX shape inference stops at dynamic shape chains (Shape -> Gather -> Concat -> Reshape) that
// exported transformers use, leaving MAC ops without shapes. Then the model runs once on zero
// inputs (batch 1) and the shapes it produces fill the summary.
void measure_shapes_if_needed(const Model& m, ModelSummary& summary) {
  const Graph& g = m.graph();
  bool need = false;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (!is_mac_op(g.nodes[i].op_type)) continue;
    for (const auto& s : summary.nodes[i].output_shapes) need |= s.find('?') != std::string::npos;
    for (const auto& s : summary.nodes[i].input_shapes) need |= s.find('?') != std::string::npos;
  }
  if (!need || !summary.unsupported_ops.empty()) return;
  TensorMap inputs;
  for (const auto& in : g.inputs) {
    if (!in.has_shape || !dtype_is_supported(in.dtype)) return;
    Shape shape;
    for (size_t d = 0; d < in.dims.size(); ++d) {
      if (in.dims[d].known()) shape.push_back(in.dims[d].value);
      else if (d == 0) shape.push_back(1);
      else return;  // symbolic non-batch dimension: no single shape to measure
    }
    inputs[in.name] = Tensor(in.dtype, shape);
  }
  auto session = Session::create(std::shared_ptr<const Model>(&m, [](const Model*) {}), {.threads = 0});
  if (!session) return;
  std::map<std::string, Shape> seen;
  for (const auto& [n, t] : g.initializers) seen[n] = t.shape();
  RunOptions ro;
  ro.tap_inputs = true;
  ro.tap = [&](const TapEvent& e, Tensor& t) { seen[*e.value] = t.shape(); };
  if (!session->run(inputs, ro)) return;
  summary.macs = 0;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    NodeSummary& ns = summary.nodes[i];
    std::vector<std::vector<int64_t>> ins, outs;
    ns.input_shapes.clear();
    ns.output_shapes.clear();
    for (const auto& v : n.inputs) {
      auto it = seen.find(v);
      ns.input_shapes.push_back(v.empty() ? "-" : it == seen.end() ? "?" : shape_str(it->second));
      ins.push_back(it == seen.end() ? std::vector<int64_t>{} : it->second);
    }
    for (const auto& v : n.outputs) {
      auto it = seen.find(v);
      ns.output_shapes.push_back(it == seen.end() ? "?" : shape_str(it->second));
      outs.push_back(it == seen.end() ? std::vector<int64_t>{} : it->second);
    }
    ns.macs = node_macs(n, ins, outs);
    summary.macs += ns.macs;
  }
  summary.notices.push_back("shapes and MACs measured by running the model once on zero inputs (batch 1)");
}

}  // namespace

class ModelBuilder {
 public:
  static Result<Model> build(std::shared_ptr<onnx::ModelProto> proto, const std::string& name,
                             const std::string& base_dir, const LoadOptions& options);
};

Result<Model> ModelBuilder::build(std::shared_ptr<onnx::ModelProto> proto, const std::string& name,
                                  const std::string& base_dir, const LoadOptions& options) {
  const std::string file_ctx = "file '" + name + "'";
  auto summary = std::make_shared<ModelSummary>();
  summary->path = name;
  summary->ir_version = proto->ir_version();
  summary->producer = proto->producer_name() +
                      (proto->producer_version().empty() ? "" : " " + proto->producer_version());
  for (const auto& op : proto->opset_import()) summary->opsets[norm_domain(op.domain())] = static_cast<int>(op.version());
  for (const auto& kv : proto->metadata_props()) summary->metadata[kv.key()] = kv.value();
  if (!summary->opsets.count("")) {
    if (proto->opset_import_size() == 0) {
      return invalid_argument(file_ctx + ": model has no opset_import; it is not a valid ONNX model");
    }
    summary->opsets[""] = 0;
  }
  summary->opset = summary->opsets[""];
  if (summary->ir_version <= 0) {
    return invalid_argument(file_ctx + ": ir_version is missing; not a valid ONNX model");
  }
  if (!proto->has_graph() || proto->graph().node_size() == 0) {
    return invalid_argument(file_ctx + ": model has no graph nodes; the file is not an ONNX model or is truncated");
  }

  // Checker: only where ONNX 1.12 knows every opset in the model.
  bool checker_known = summary->opset <= kCheckerMaxOpset;
  for (const auto& [domain, version] : summary->opsets) {
    if (domain == "ai.onnx.ml" || domain.empty()) continue;
    checker_known = false;  // custom domains are outside the checker's knowledge
  }
  if (options.run_checker) {
    if (!checker_known) {
      summary->notices.push_back("opset " + std::to_string(summary->opset) +
                                 " (or a custom domain) is newer than the ONNX 1.12 checker knows; check skipped");
    } else {
      try {
        onnx::checker::CheckerContext ctx;
        ctx.set_ir_version(static_cast<int>(proto->ir_version()));
        std::unordered_map<std::string, int> versions;
        for (const auto& [d, v] : summary->opsets) versions[d.empty() ? "" : d] = v;
        ctx.set_opset_imports(versions);
        ctx.set_model_dir(base_dir);
        onnx::checker::LexicalScopeContext lex;
        onnx::checker::check_graph(proto->graph(), ctx, lex);
      } catch (const std::exception& e) {
        std::string what = e.what();
        // The first line is enough; the checker appends the whole node proto otherwise.
        if (auto p = what.find("\n\n==>"); p != std::string::npos) what = what.substr(0, p);
        return invalid_argument(file_ctx + ": fails the ONNX checker: " + what);
      }
    }
  }

  auto graph = std::make_shared<Graph>();
  const auto& g = proto->graph();
  for (const auto& init : g.initializer()) {
    auto t = tensor_from_proto(init, base_dir, file_ctx + ": initializer");
    if (!t) return t.status();
    graph->initializers[init.name()] = std::move(*t);
  }
  if (g.sparse_initializer_size() > 0) {
    return unsupported(file_ctx + ": sparse initializers are not supported");
  }
  for (const auto& in : g.input()) {
    if (graph->initializers.count(in.name())) continue;
    ValueInfo vi = value_info_from_proto(in);
    graph->inputs.push_back(vi);
  }
  for (const auto& out : g.output()) graph->outputs.push_back(value_info_from_proto(out));
  for (const auto& v : g.value_info()) graph->value_info[v.name()] = value_info_from_proto(v);

  // Convert nodes, then sort topologically (Kahn) so files with unordered nodes still run.
  std::vector<Node> nodes;
  nodes.reserve(static_cast<size_t>(g.node_size()));
  std::set<std::string> used_names;
  for (int i = 0; i < g.node_size(); ++i) {
    const auto& np = g.node(i);
    Node n;
    n.op_type = np.op_type();
    n.domain = norm_domain(np.domain());
    n.name = np.name();
    if (n.name.empty() || used_names.count(n.name)) n.name = np.op_type() + "_" + std::to_string(i);
    used_names.insert(n.name);
    auto it = summary->opsets.find(n.domain);
    n.opset = it == summary->opsets.end() ? 0 : it->second;
    n.inputs.assign(np.input().begin(), np.input().end());
    n.outputs.assign(np.output().begin(), np.output().end());
    for (const auto& a : np.attribute()) {
      auto attr = attribute_from_proto(a, base_dir, file_ctx + ": " + n.describe());
      if (!attr) return attr.status();
      n.attrs.set(a.name(), std::move(*attr));
    }
    nodes.push_back(std::move(n));
  }
  std::map<std::string, int> producer_of;
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& o : nodes[i].outputs) {
      if (o.empty()) continue;
      if (producer_of.count(o)) {
        return invalid_argument(file_ctx + ": value '" + o + "' is produced by two nodes ('" +
                                nodes[static_cast<size_t>(producer_of[o])].name + "' and '" + nodes[i].name + "')");
      }
      producer_of[o] = static_cast<int>(i);
    }
  }
  std::set<std::string> available;
  for (const auto& [n, t] : graph->initializers) available.insert(n);
  for (const auto& in : g.input()) available.insert(in.name());
  std::vector<int> indeg(nodes.size(), 0);
  std::vector<std::vector<int>> succ(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      if (in.empty() || available.count(in)) continue;
      auto p = producer_of.find(in);
      if (p == producer_of.end()) {
        return invalid_argument(file_ctx + ": " + nodes[i].describe() + ": input '" + in +
                                "' is not a graph input, an initializer or the output of any node");
      }
      ++indeg[i];
      succ[static_cast<size_t>(p->second)].push_back(static_cast<int>(i));
    }
  }
  std::deque<int> ready;
  for (size_t i = 0; i < nodes.size(); ++i) if (indeg[i] == 0) ready.push_back(static_cast<int>(i));
  std::vector<int> order;
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(i);
    for (int s : succ[static_cast<size_t>(i)]) if (--indeg[static_cast<size_t>(s)] == 0) ready.push_back(s);
  }
  if (order.size() != nodes.size()) {
    return invalid_argument(file_ctx + ": the graph has a cycle; it cannot be executed");
  }
  for (int i : order) {
    Node n = std::move(nodes[static_cast<size_t>(i)]);
    n.index = static_cast<int>(graph->nodes.size());
    graph->nodes.push_back(std::move(n));
  }
  for (const auto& n : graph->nodes) {
    for (const auto& o : n.outputs) if (!o.empty()) graph->producer[o] = n.index;
    for (const auto& in : n.inputs) if (!in.empty()) graph->consumers[in].push_back(n.index);
  }
  for (const auto& out : graph->outputs) {
    if (!graph->producer.count(out.name) && !graph->initializers.count(out.name) &&
        std::none_of(graph->inputs.begin(), graph->inputs.end(), [&](const ValueInfo& v) { return v.name == out.name; })) {
      return invalid_argument(file_ctx + ": graph output '" + out.name + "' is not produced by any node");
    }
  }

  // Shape inference on a copy without initializer payloads would lose constant shapes, so run
  // it on a full copy; failures only reduce what the summary can show.
  std::map<std::string, ValueInfo> shapes = graph->value_info;
  if (checker_known) {
    try {
      onnx::ModelProto copy = copy_for_shape_inference(*proto);
      onnx::shape_inference::InferShapes(copy);
      for (const auto& v : copy.graph().value_info()) shapes[v.name()] = value_info_from_proto(v);
      for (const auto& v : copy.graph().output()) shapes[v.name()] = value_info_from_proto(v);
      summary->shapes_inferred = true;
    } catch (const std::exception& e) {
      summary->notices.push_back(std::string("shape inference failed: ") + e.what());
    }
  } else {
    summary->notices.push_back("shapes of intermediate values are computed at run time (opset beyond ONNX 1.12)");
  }
  for (const auto& v : graph->inputs) shapes[v.name] = v;
  for (const auto& [name, t] : graph->initializers) {
    ValueInfo vi;
    vi.name = name;
    vi.dtype = t.dtype();
    vi.has_shape = true;
    for (int64_t d : t.shape()) vi.dims.push_back(Dim{d, ""});
    shapes[name] = vi;
  }
  graph->value_info = shapes;

  // Summary.
  for (const auto& [n, t] : graph->initializers) {
    summary->parameters += t.numel();
    summary->parameter_bytes += static_cast<int64_t>(t.nbytes());
  }
  summary->inputs = graph->inputs;
  summary->outputs = graph->outputs;
  for (auto& o : summary->outputs) if (!o.has_shape && shapes.count(o.name)) o = shapes[o.name];
  std::set<std::string> unsupported_set;
  for (const auto& n : graph->nodes) {
    summary->op_counts[(n.domain.empty() ? "" : n.domain + ":") + n.op_type]++;
    NodeSummary ns;
    ns.name = n.name;
    ns.op_type = n.op_type;
    std::vector<std::vector<int64_t>> ins, outs;
    for (const auto& in : n.inputs) {
      auto it = shapes.find(in);
      ns.input_shapes.push_back(in.empty() ? "-" : it == shapes.end() ? "?" : it->second.shape_str());
      ins.push_back(it == shapes.end() ? std::vector<int64_t>{} : dims_batch1(it->second));
      if (graph->initializers.count(in)) ns.parameters += graph->initializers.at(in).numel();
    }
    for (const auto& o : n.outputs) {
      auto it = shapes.find(o);
      ns.output_shapes.push_back(it == shapes.end() ? "?" : it->second.shape_str());
      outs.push_back(it == shapes.end() ? std::vector<int64_t>{} : dims_batch1(it->second));
    }
    ns.macs = node_macs(n, ins, outs);
    summary->macs += ns.macs;
    summary->nodes.push_back(std::move(ns));
    if (!op_supported(n.op_type, n.domain, n.opset)) {
      unsupported_set.insert((n.domain.empty() ? "" : n.domain + ":") + n.op_type + " (opset " +
                             std::to_string(n.opset) + ")");
    }
  }
  summary->unsupported_ops.assign(unsupported_set.begin(), unsupported_set.end());
  auto arch = detect_architecture(*graph);
  summary->architecture = arch.family;
  summary->architecture_reason = arch.reason;

  Model m;
  m.path_ = name;
  m.proto_ = std::static_pointer_cast<const void>(std::shared_ptr<const onnx::ModelProto>(proto));
  m.graph_ = graph;
  m.summary_ = summary;
  if (options.measure_shapes) measure_shapes_if_needed(m, *summary);
  return m;
}

Result<Model> Model::from_bytes(const std::string& bytes, const std::string& name,
                                const std::string& base_dir, const LoadOptions& options) {
  const std::string file_ctx = "file '" + name + "'";
  if (bytes.empty()) return invalid_argument(file_ctx + ": the file is empty; not an ONNX model");
  auto proto = std::make_shared<onnx::ModelProto>();
  if (!proto->ParseFromString(bytes)) {
    return invalid_argument(file_ctx + ": not a valid ONNX model (protobuf parsing failed: the file is "
                            "truncated, corrupt or not ONNX)");
  }
  return ModelBuilder::build(std::move(proto), name, base_dir, options);
}

Result<Model> Model::load(const std::string& path, const LoadOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return not_found("file '" + path + "': no such file");
  if (fs::is_directory(path, ec)) return invalid_argument("file '" + path + "': is a directory, not an ONNX model");
  std::ifstream f(path, std::ios::binary);
  if (!f) return io_error("file '" + path + "': cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string base = fs::path(path).parent_path().string();
  return from_bytes(bytes, path, base.empty() ? "." : base, options);
}

}  // namespace qwb
