// Helpers shared by the ONNX writers: fresh names, initializers from Tensors, opset upgrades,
// inlining external data, and saving with a check by reloading.
#pragma once

#include <set>
#include <string>

#include "model/proto.h"
#include "qwb/export.h"

namespace qwb::exporter {

// Names already used by values and nodes of a graph (recursively), to mint unique new ones.
class NameSet {
 public:
  explicit NameSet(const onnx::GraphProto& g);
  std::string fresh(const std::string& base);

 private:
  void collect(const onnx::GraphProto& g);
  std::set<std::string> used_;
};

Status add_initializer(onnx::GraphProto& g, const Tensor& t, const std::string& name);
onnx::NodeProto make_node(const std::string& op, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name);
void set_int_attr(onnx::NodeProto& n, const std::string& name, int64_t v);

// Renames node inputs (in subgraphs too) by `map`.
void rename_inputs(onnx::GraphProto& g, const std::map<std::string, std::string>& map);

// Loads external initializer data so the written file is self-contained.
Status inline_external_data(onnx::ModelProto& m, const std::string& base_dir, const std::string& context);

// Raises the default-domain opset to `target`, rewriting ops whose signature changed on the way
// (Squeeze/Unsqueeze/ReduceSum/Split at 13, the other Reduce ops at 18) and the IR version.
Status upgrade_opset(onnx::ModelProto& m, int target, const std::string& context);
int default_opset(const onnx::ModelProto& m);

// Writes the model, reloads it with our loader (ONNX's checker where ONNX 1.12 knows the opset)
// and fills the result. A file that fails the check is removed and the error returned.
Result<ExportResult> save_and_check(const onnx::ModelProto& m, const std::string& path);

}  // namespace qwb::exporter
