// Model: an ONNX model loaded into the engine's graph IR.
//
// Model::load parses the ModelProto (with external data next to the model), runs ONNX's checker
// where it knows the opset (<= 17 for ONNX 1.12) and otherwise records a notice, converts the
// graph into a protobuf-free IR (nodes in topological order, attributes, initializers as
// Tensors) and keeps the proto so rewrite passes can write a new model later.
//
//   auto model = qwb::Model::load("resnet50.onnx");
//   if (!model) { std::cerr << model.status().message(); return 2; }
//   const qwb::ModelSummary& s = model->summary();
//   std::cout << s.architecture << " (" << s.architecture_reason << ")\n";
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

struct Attribute {
  enum class Type { kUndefined, kFloat, kInt, kString, kTensor, kGraph, kFloats, kInts, kStrings, kTensors, kGraphs };
  Type type = Type::kUndefined;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

class AttributeMap {
 public:
  bool has(const std::string& name) const { return attrs_.count(name) > 0; }
  const Attribute* find(const std::string& name) const;
  int64_t get_int(const std::string& name, int64_t dflt) const;
  float get_float(const std::string& name, float dflt) const;
  std::string get_string(const std::string& name, const std::string& dflt) const;
  std::vector<int64_t> get_ints(const std::string& name, std::vector<int64_t> dflt = {}) const;
  std::vector<float> get_floats(const std::string& name, std::vector<float> dflt = {}) const;
  std::vector<std::string> get_strings(const std::string& name, std::vector<std::string> dflt = {}) const;
  const Tensor* get_tensor(const std::string& name) const;
  void set(const std::string& name, Attribute a) { attrs_[name] = std::move(a); }
  const std::map<std::string, Attribute>& all() const { return attrs_; }

 private:
  std::map<std::string, Attribute> attrs_;
};

struct Node {
  std::string name;     // never empty: unnamed nodes get "<op_type>_<index>"
  std::string op_type;
  std::string domain;   // "" for the default ONNX domain ("ai.onnx" is normalised to "")
  int opset = 0;        // the model's opset for this node's domain
  int index = 0;        // position in topological order
  std::vector<std::string> inputs;   // "" marks a missing optional input
  std::vector<std::string> outputs;
  AttributeMap attrs;
  // "node 'conv1' (Conv, opset 13)"
  std::string describe() const;
};

// A dimension is known (value >= 0), symbolic (param non-empty) or unknown.
struct Dim {
  int64_t value = -1;
  std::string param;
  bool known() const { return value >= 0; }
};

struct ValueInfo {
  std::string name;
  DType dtype = DType::kUndefined;
  bool has_shape = false;
  std::vector<Dim> dims;
  std::string shape_str() const;  // "[batch, 3, 224, 224]"
};

struct Graph {
  std::vector<Node> nodes;                 // topological order
  std::vector<ValueInfo> inputs;           // graph inputs that are not initializers
  std::vector<ValueInfo> outputs;
  std::map<std::string, Tensor> initializers;
  std::map<std::string, ValueInfo> value_info;  // intermediate values with known type/shape
  // value name -> index of the producing node (absent for inputs/initializers)
  std::map<std::string, int> producer;
  // value name -> indices of consuming nodes
  std::map<std::string, std::vector<int>> consumers;
};

struct NodeSummary {
  std::string name;
  std::string op_type;
  std::vector<std::string> input_shapes;   // shape strings, "?" where unknown
  std::vector<std::string> output_shapes;
  int64_t parameters = 0;   // elements of initializer inputs
  int64_t macs = 0;         // multiply-accumulates for batch 1 (0 where not meaningful)
};

struct ModelSummary {
  std::string path;
  std::string producer;          // "pytorch 1.13.1"
  int64_t ir_version = 0;
  int opset = 0;                 // default-domain opset
  std::map<std::string, int> opsets;  // domain -> version
  int64_t parameters = 0;        // total initializer elements
  int64_t parameter_bytes = 0;
  int64_t macs = 0;
  std::map<std::string, int> op_counts;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<NodeSummary> nodes;
  std::string architecture;        // cnn | transformer | rnn | mlp | other
  std::string architecture_reason;
  std::vector<std::string> unsupported_ops;  // "Op (opset N)" the executor lacks
  std::map<std::string, std::string> metadata;  // metadata_props
  std::vector<std::string> notices;  // e.g. "opset 21 is newer than the ONNX 1.12 checker; check skipped"
  bool shapes_inferred = false;
};

struct LoadOptions {
  bool run_checker = true;
  // When ONNX shape inference leaves multiply ops without shapes, run the model once on zero
  // inputs to measure them (for the summary's MACs). Callers that only execute skip it.
  bool measure_shapes = true;
};

class Model {
 public:
  static Result<Model> load(const std::string& path, const LoadOptions& options = {});
  // Parses a serialized ModelProto; `base_dir` resolves external data, `name` is used in messages.
  static Result<Model> from_bytes(const std::string& bytes, const std::string& name,
                                  const std::string& base_dir = ".", const LoadOptions& options = {});

  const std::string& path() const { return path_; }
  const Graph& graph() const { return *graph_; }
  const ModelSummary& summary() const { return *summary_; }
  int opset(const std::string& domain = "") const;
  // Serialised ModelProto as loaded (external data not inlined).
  std::string serialize() const;
  // The ModelProto (an onnx::ModelProto*). Engine-internal: include "model/proto.h" to use it.
  std::shared_ptr<const void> proto_handle() const { return proto_; }

 private:
  std::string path_;
  std::shared_ptr<const void> proto_;
  std::shared_ptr<const Graph> graph_;
  std::shared_ptr<const ModelSummary> summary_;
  friend class ModelBuilder;
};

}  // namespace qwb
