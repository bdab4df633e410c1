// Tensor: a dense, row-major n-d array with an ONNX element type.
//
// The buffer is shared (copying a Tensor is cheap and aliases the data); kernels never write
// into their inputs, so aliasing is safe. Narrow types are stored one element per byte (int4 and
// uint4 are unpacked on load and packed on save). Half types are stored as their bit patterns.
//
//   qwb::Tensor t(qwb::DType::kFloat32, {1, 3, 224, 224});
//   float* p = t.data<float>();
//   qwb::Tensor flat = t.reshaped({1, 3 * 224 * 224});   // same buffer
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "qwb/status.h"

namespace qwb {

// Values equal ONNX TensorProto.DataType.
enum class DType : int32_t {
  kUndefined = 0,
  kFloat32 = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUInt4 = 21,
  kInt4 = 22,
};

using Shape = std::vector<int64_t>;

// Bit-pattern wrappers so half types have distinct C++ types for dispatch.
struct Float16 { uint16_t bits = 0; };
struct BFloat16 { uint16_t bits = 0; };
struct Float8E4M3FN { uint8_t bits = 0; };
struct Float8E5M2 { uint8_t bits = 0; };
struct Int4 { int8_t v = 0; };
struct UInt4 { uint8_t v = 0; };

float half_to_float(uint16_t h);
uint16_t float_to_half(float f);  // round to nearest even, saturates to inf
float bfloat16_to_float(uint16_t b);
uint16_t float_to_bfloat16(float f);  // round to nearest even
float float8e4m3fn_to_float(uint8_t v);
uint8_t float_to_float8e4m3fn(float f, bool saturate = true);
float float8e5m2_to_float(uint8_t v);
uint8_t float_to_float8e5m2(float f, bool saturate = true);

size_t dtype_size(DType t);           // bytes per stored element (int4: 1)
const char* dtype_name(DType t);      // "float32", "int8", ...
bool dtype_is_float(DType t);         // float16/32/64, bfloat16, float8
bool dtype_is_integer(DType t);       // signed/unsigned ints incl. int4
bool dtype_is_supported(DType t);     // the engine can store it (everything but string/complex)

template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> { static constexpr DType value = DType::kFloat32; };
template <> struct DTypeOf<double> { static constexpr DType value = DType::kFloat64; };
template <> struct DTypeOf<uint8_t> { static constexpr DType value = DType::kUInt8; };
template <> struct DTypeOf<int8_t> { static constexpr DType value = DType::kInt8; };
template <> struct DTypeOf<uint16_t> { static constexpr DType value = DType::kUInt16; };
template <> struct DTypeOf<int16_t> { static constexpr DType value = DType::kInt16; };
template <> struct DTypeOf<int32_t> { static constexpr DType value = DType::kInt32; };
template <> struct DTypeOf<int64_t> { static constexpr DType value = DType::kInt64; };
template <> struct DTypeOf<uint32_t> { static constexpr DType value = DType::kUInt32; };
template <> struct DTypeOf<uint64_t> { static constexpr DType value = DType::kUInt64; };
template <> struct DTypeOf<bool> { static constexpr DType value = DType::kBool; };
template <> struct DTypeOf<Float16> { static constexpr DType value = DType::kFloat16; };
template <> struct DTypeOf<BFloat16> { static constexpr DType value = DType::kBFloat16; };
template <> struct DTypeOf<Float8E4M3FN> { static constexpr DType value = DType::kFloat8E4M3FN; };
template <> struct DTypeOf<Float8E5M2> { static constexpr DType value = DType::kFloat8E5M2; };
template <> struct DTypeOf<Int4> { static constexpr DType value = DType::kInt4; };
template <> struct DTypeOf<UInt4> { static constexpr DType value = DType::kUInt4; };

int64_t shape_numel(const Shape& s);
std::string shape_str(const Shape& s);  // "[1, 3, 224, 224]"

class Tensor {
 public:
  Tensor() = default;
  // Allocates a zero-filled tensor.
  Tensor(DType dtype, Shape shape);
  // Allocates without zeroing, for outputs a kernel writes completely (saves a pass over
  // memory: 2.4 MB per ViT-B/16 MLP output).
  static Tensor uninitialized(DType dtype, Shape shape);

  template <typename T>
  static Tensor from_vector(Shape shape, const std::vector<T>& values) {
    Tensor t(DTypeOf<T>::value, std::move(shape));
    if constexpr (std::is_same_v<T, bool>) {
      for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
    } else {
      std::memcpy(t.raw(), values.data(), values.size() * sizeof(T));
    }
    return t;
  }
  template <typename T>
  static Tensor scalar(T v) { return from_vector<T>({}, std::vector<T>{v}); }

  bool defined() const { return dtype_ != DType::kUndefined; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i < 0 ? i + rank() : i]; }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return static_cast<size_t>(numel_) * dtype_size(dtype_); }

  void* raw() { return buf_ ? static_cast<char*>(buf_.get()) + offset_ : nullptr; }
  const void* raw() const { return buf_ ? static_cast<const char*>(buf_.get()) + offset_ : nullptr; }
  // T must have the element's storage size (bool/uint8 and int4/int8 share 1-byte storage).
  template <typename T> T* data() { return static_cast<T*>(raw()); }
  template <typename T> const T* data() const { return static_cast<const T*>(raw()); }

  // Same buffer, new shape (numel must match).
  Tensor reshaped(Shape shape) const;
  // Deep copy.
  Tensor clone() const;
  // Element i converted to double / int64 (slow; for shape tensors and tests).
  double get_double(int64_t i) const;
  int64_t get_int64(int64_t i) const;
  // All elements as int64 (for shape-like inputs: Reshape shape, Slice starts, ...).
  std::vector<int64_t> to_int64_vector() const;
  // Converted copy (saturation/rounding as ONNX Cast).
  Tensor cast(DType to) const;

 private:
  DType dtype_ = DType::kUndefined;
  Shape shape_;
  int64_t numel_ = 0;
  std::shared_ptr<void> buf_;
  size_t offset_ = 0;
};

}  // namespace qwb
