// Engine-internal bridge to ONNX protobuf types (libonnx-dev). Only engine sources include this.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "qwb/model.h"
#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

// TensorProto -> Tensor. `base_dir` resolves external data; `context` prefixes error messages.
Result<Tensor> tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir,
                                 const std::string& context);
// Tensor -> TensorProto (raw_data; int4/uint4 packed two per byte).
Status tensor_to_proto(const Tensor& t, const std::string& name, onnx::TensorProto* proto);

inline const onnx::ModelProto& model_proto(const Model& m) {
  return *static_cast<const onnx::ModelProto*>(m.proto_handle().get());
}

}  // namespace qwb
