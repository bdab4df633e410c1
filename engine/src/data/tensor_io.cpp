#include "qwb/tensor_io.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "model/proto.h"

namespace qwb {

namespace {

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return not_found("file '" + path + "': no such file");
  std::ifstream f(path, std::ios::binary);
  if (!f) return io_error("file '" + path + "': cannot be opened for reading");
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

Status write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return io_error("file '" + path + "': cannot be opened for writing");
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return io_error("file '" + path + "': write failed (disk full?)");
  return Status::ok();
}

const std::map<std::string, DType>& npy_types() {
  static const std::map<std::string, DType> m = {
      {"<f4", DType::kFloat32}, {"<f8", DType::kFloat64}, {"<f2", DType::kFloat16},
      {"|i1", DType::kInt8},    {"|u1", DType::kUInt8},   {"<i2", DType::kInt16},
      {"<u2", DType::kUInt16},  {"<i4", DType::kInt32},   {"<u4", DType::kUInt32},
      {"<i8", DType::kInt64},   {"<u8", DType::kUInt64},  {"|b1", DType::kBool},
  };
  return m;
}

// Value of `key` in the header dict, e.g. 'descr': '<f4' -> <f4.
std::string header_field(const std::string& h, const std::string& key) {
  auto p = h.find("'" + key + "'");
  if (p == std::string::npos) return "";
  p = h.find(':', p);
  if (p == std::string::npos) return "";
  ++p;
  while (p < h.size() && h[p] == ' ') ++p;
  if (p >= h.size()) return "";
  if (h[p] == '\'') {
    auto e = h.find('\'', p + 1);
    return e == std::string::npos ? "" : h.substr(p + 1, e - p - 1);
  }
  if (h[p] == '(') {
    auto e = h.find(')', p);
    return e == std::string::npos ? "" : h.substr(p, e - p + 1);
  }
  auto e = h.find_first_of(",}", p);
  return h.substr(p, e - p);
}

}  // namespace

Result<Tensor> parse_npy(const std::string& bytes, const std::string& name) {
  const std::string ctx = "file '" + name + "'";
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    return invalid_argument(ctx + ": not a NumPy .npy file (missing \\x93NUMPY magic)");
  }
  int major = static_cast<uint8_t>(bytes[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<uint8_t>(bytes[8]) | (static_cast<uint8_t>(bytes[9]) << 8);
    hstart = 10;
  } else {
    if (bytes.size() < 12) return invalid_argument(ctx + ": truncated .npy header");
    hlen = 0;
    for (int i = 0; i < 4; ++i) hlen |= static_cast<size_t>(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
    hstart = 12;
  }
  if (hstart + hlen > bytes.size()) return invalid_argument(ctx + ": truncated .npy header");
  std::string h = bytes.substr(hstart, hlen);
  std::string descr = header_field(h, "descr");
  std::string fortran = header_field(h, "fortran_order");
  std::string shape_s = header_field(h, "shape");
  if (descr == "<b1" || descr == "|b1") descr = "|b1";
  if (descr == "<i1") descr = "|i1";
  if (descr == "<u1") descr = "|u1";
  auto it = npy_types().find(descr);
  if (it == npy_types().end()) {
    return unsupported(ctx + ": .npy dtype '" + descr + "' is not supported (use little-endian numeric types)");
  }
  if (fortran.find("True") != std::string::npos) {
    return unsupported(ctx + ": Fortran-order .npy arrays are not supported; save with C order");
  }
  Shape shape;
  {
    std::string s = shape_s;
    for (char& c : s) if (c == '(' || c == ')' || c == ',') c = ' ';
    std::istringstream is(s);
    int64_t d;
    while (is >> d) {
      if (d < 0) return invalid_argument(ctx + ": negative dimension in .npy shape " + shape_s);
      shape.push_back(d);
    }
  }
  // Size from the header, checked against the bytes present before allocating: a corrupt
  // shape must not ask for an enormous buffer.
  const size_t data_start = hstart + hlen;
  const size_t avail = bytes.size() - data_start;
  size_t need = dtype_size(it->second);
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) need = 0;
  for (int64_t d : shape) {
    if (d != 0 && need > avail / static_cast<size_t>(d)) {
      need = SIZE_MAX;
      break;
    }
    need *= static_cast<size_t>(d);
  }
  if (avail < need) {
    return invalid_argument(ctx + ": .npy data is truncated (" + std::to_string(avail) + " bytes, expected " +
                            (need == SIZE_MAX ? std::string("more") : std::to_string(need)) + " for " +
                            dtype_name(it->second) + " " + shape_str(shape) + ")");
  }
  Tensor t(it->second, shape);
  if (t.nbytes()) std::memcpy(t.raw(), bytes.data() + data_start, t.nbytes());
  return t;
}

Result<Tensor> read_npy(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.status();
  return parse_npy(*bytes, path);
}

Status write_npy(const std::string& path, const Tensor& t) {
  std::string descr;
  for (const auto& [d, dt] : npy_types()) if (dt == t.dtype()) descr = d;
  if (descr.empty()) return unsupported("file '" + path + "': cannot write " + std::string(dtype_name(t.dtype())) + " to .npy");
  std::string shape = "(";
  for (size_t i = 0; i < t.shape().size(); ++i) shape += std::to_string(t.shape()[i]) + (t.shape().size() == 1 ? "," : i + 1 < t.shape().size() ? ", " : "");
  shape += ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that magic + len + header + '\n' is a multiple of 64 (as numpy does).
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(static_cast<const char*>(t.raw()), t.nbytes());
  return write_file(path, out);
}

Result<Tensor> read_tensor_pb(const std::string& path, std::string* name) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.status();
  onnx::TensorProto p;
  if (!p.ParseFromString(*bytes)) return invalid_argument("file '" + path + "': not a serialized ONNX TensorProto");
  if (name) *name = p.name();
  std::string dir = std::filesystem::path(path).parent_path().string();
  return tensor_from_proto(p, dir.empty() ? "." : dir, "file '" + path + "'");
}

Status write_tensor_pb(const std::string& path, const Tensor& t, const std::string& name) {
  onnx::TensorProto p;
  QWB_RETURN_IF_ERROR(tensor_to_proto(t, name, &p));
  std::string bytes;
  p.SerializeToString(&bytes);
  return write_file(path, bytes);
}

}  // namespace qwb
