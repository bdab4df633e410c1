// Reading and writing tensors: NumPy .npy (and reading .npz) files and ONNX TensorProto .pb files.
//
//   auto x = qwb::read_npy("input.npy");           // float32, int64, uint8, ... C order
//   qwb::Status s = qwb::write_npy("out.npy", *x);
//   auto t = qwb::read_tensor_pb("test_data_set_0/input_0.pb");
//   auto arrays = qwb::read_npz("data.npz", {"x", "y"});   // [(name, tensor), ...]
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

Result<Tensor> read_npy(const std::string& path);
// Parses .npy bytes (used for members of .npz archives); `name` is used in messages.
Result<Tensor> parse_npy(const std::string& bytes, const std::string& name);
Status write_npy(const std::string& path, const Tensor& t);

// Reads a NumPy .npz archive (a zip of .npy members, stored or deflated, zip64 included).
// Arrays come in archive order, named without ".npy". When `keys` is given only those are
// parsed, in that order; a missing key is a NotFound status that lists the archive's keys.
Result<std::vector<std::pair<std::string, Tensor>>> read_npz(const std::string& path,
                                                             const std::vector<std::string>& keys = {});

// Reads a serialized onnx.TensorProto. Sets *name to the proto's name when given.
Result<Tensor> read_tensor_pb(const std::string& path, std::string* name = nullptr);
Status write_tensor_pb(const std::string& path, const Tensor& t, const std::string& name);

}  // namespace qwb
