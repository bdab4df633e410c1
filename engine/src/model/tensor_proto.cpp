#include <filesystem>
#include <fstream>

#include "model/proto.h"

namespace qwb {

namespace {

template <typename Src, typename Dst>
void copy_field(const Src& field, Dst* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Dst>(field.Get(static_cast<int>(i)));
}

Status read_external(const onnx::TensorProto& p, const std::string& base_dir,
                     const std::string& ctx, std::string* bytes) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = std::stoll(kv.value());
    else if (kv.key() == "length") length = std::stoll(kv.value());
  }
  if (location.empty()) return invalid_argument(ctx + ": external data has no 'location'");
  std::filesystem::path path = std::filesystem::path(base_dir) / location;
  std::ifstream f(path, std::ios::binary);
  if (!f) return not_found(ctx + ": external data file '" + path.string() + "' cannot be opened");
  f.seekg(0, std::ios::end);
  int64_t size = f.tellg();
  if (length < 0) length = size - offset;
  if (offset < 0 || offset + length > size) {
    return invalid_argument(ctx + ": external data file '" + path.string() + "' is too short (" +
                            std::to_string(size) + " bytes, need " + std::to_string(offset + length) + ")");
  }
  bytes->resize(static_cast<size_t>(length));
  f.seekg(offset);
  f.read(bytes->data(), length);
  if (!f) return io_error(ctx + ": reading external data '" + path.string() + "' failed");
  return Status::ok();
}

}  // namespace

Result<Tensor> tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir,
                                 const std::string& context) {
  const std::string ctx = context + (p.name().empty() ? "" : " tensor '" + p.name() + "'");
  DType dt = static_cast<DType>(p.data_type());
  if (!dtype_is_supported(dt)) {
    return unsupported(ctx + ": element type " + std::to_string(p.data_type()) + " (" + dtype_name(dt) +
                       ") is not supported");
  }
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape) {
    if (d < 0) return invalid_argument(ctx + ": negative dimension in " + shape_str(shape));
  }
  Tensor t(dt, shape);
  const int64_t n = t.numel();
  const bool packed4 = dt == DType::kInt4 || dt == DType::kUInt4;

  std::string external;
  const std::string* raw = nullptr;
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    QWB_RETURN_IF_ERROR(read_external(p, base_dir, ctx, &external));
    raw = &external;
  } else if (p.has_raw_data()) {
    raw = &p.raw_data();
  }
  if (raw) {
    size_t need = packed4 ? static_cast<size_t>((n + 1) / 2) : t.nbytes();
    if (raw->size() != need) {
      return invalid_argument(ctx + ": raw data has " + std::to_string(raw->size()) + " bytes, expected " +
                              std::to_string(need) + " for " + dtype_name(dt) + " " + shape_str(shape));
    }
    if (packed4) {
      auto* dst = static_cast<uint8_t*>(t.raw());
      for (int64_t i = 0; i < n; ++i) {
        uint8_t byte = static_cast<uint8_t>((*raw)[static_cast<size_t>(i / 2)]);
        uint8_t nib = (i % 2 == 0) ? (byte & 0x0f) : (byte >> 4);
        dst[i] = (dt == DType::kInt4 && (nib & 0x8)) ? static_cast<uint8_t>(nib | 0xf0) : nib;
      }
    } else if (need) {
      std::memcpy(t.raw(), raw->data(), need);
    }
    return t;
  }

  auto check = [&](int64_t have) -> Status {
    int64_t want = packed4 ? (n + 1) / 2 : n;
    if (have != want) {
      return invalid_argument(ctx + ": has " + std::to_string(have) + " values, expected " +
                              std::to_string(want) + " for shape " + shape_str(shape));
    }
    return Status::ok();
  };
  switch (dt) {
    case DType::kFloat32:
      QWB_RETURN_IF_ERROR(check(p.float_data_size()));
      copy_field(p.float_data(), t.data<float>(), n);
      break;
    case DType::kFloat64:
      QWB_RETURN_IF_ERROR(check(p.double_data_size()));
      copy_field(p.double_data(), t.data<double>(), n);
      break;
    case DType::kInt64:
      QWB_RETURN_IF_ERROR(check(p.int64_data_size()));
      copy_field(p.int64_data(), t.data<int64_t>(), n);
      break;
    case DType::kUInt32: case DType::kUInt64:
      QWB_RETURN_IF_ERROR(check(p.uint64_data_size()));
      if (dt == DType::kUInt32) copy_field(p.uint64_data(), t.data<uint32_t>(), n);
      else copy_field(p.uint64_data(), t.data<uint64_t>(), n);
      break;
    case DType::kInt32: QWB_RETURN_IF_ERROR(check(p.int32_data_size())); copy_field(p.int32_data(), t.data<int32_t>(), n); break;
    case DType::kInt16: QWB_RETURN_IF_ERROR(check(p.int32_data_size())); copy_field(p.int32_data(), t.data<int16_t>(), n); break;
    case DType::kUInt16: case DType::kFloat16: case DType::kBFloat16:
      QWB_RETURN_IF_ERROR(check(p.int32_data_size()));
      copy_field(p.int32_data(), static_cast<uint16_t*>(t.raw()), n);
      break;
    case DType::kInt8:
      QWB_RETURN_IF_ERROR(check(p.int32_data_size()));
      copy_field(p.int32_data(), t.data<int8_t>(), n);
      break;
    case DType::kUInt8: case DType::kBool: case DType::kFloat8E4M3FN: case DType::kFloat8E4M3FNUZ:
    case DType::kFloat8E5M2: case DType::kFloat8E5M2FNUZ:
      QWB_RETURN_IF_ERROR(check(p.int32_data_size()));
      copy_field(p.int32_data(), static_cast<uint8_t*>(t.raw()), n);
      break;
    case DType::kInt4: case DType::kUInt4: {
      QWB_RETURN_IF_ERROR(check(p.int32_data_size()));
      auto* dst = static_cast<uint8_t*>(t.raw());
      for (int64_t i = 0; i < n; ++i) {
        uint8_t byte = static_cast<uint8_t>(p.int32_data(static_cast<int>(i / 2)));
        uint8_t nib = (i % 2 == 0) ? (byte & 0x0f) : (byte >> 4);
        dst[i] = (dt == DType::kInt4 && (nib & 0x8)) ? static_cast<uint8_t>(nib | 0xf0) : nib;
      }
      break;
    }
    default:
      return unsupported(ctx + ": element type " + dtype_name(dt) + " is not supported");
  }
  return t;
}

Status tensor_to_proto(const Tensor& t, const std::string& name, onnx::TensorProto* p) {
  p->Clear();
  p->set_name(name);
  p->set_data_type(static_cast<int32_t>(t.dtype()));
  for (int64_t d : t.shape()) p->add_dims(d);
  if (t.dtype() == DType::kInt4 || t.dtype() == DType::kUInt4) {
    std::string packed(static_cast<size_t>((t.numel() + 1) / 2), '\0');
    const auto* src = static_cast<const uint8_t*>(t.raw());
    for (int64_t i = 0; i < t.numel(); ++i) {
      uint8_t nib = src[i] & 0x0f;
      packed[static_cast<size_t>(i / 2)] = static_cast<char>(
          static_cast<uint8_t>(packed[static_cast<size_t>(i / 2)]) | (i % 2 == 0 ? nib : nib << 4));
    }
    p->set_raw_data(std::move(packed));
  } else {
    p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
  }
  return Status::ok();
}

}  // namespace qwb
