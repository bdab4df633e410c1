// SHA-256 (FIPS 180-4) for reproducibility records: sample ids of a calibration run, model and
// data files referenced by a project.
//
//   std::string h = qwb::sha256_hex("abc", 3);   // "ba7816bf8f01cfea..."
//   auto f = qwb::sha256_file("model.onnx");     // Result<std::string>, streamed
//   qwb::Sha256 s;  s.update(p, n);  s.update(q, m);  std::string hex = s.hex_digest();
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "qwb/status.h"

namespace qwb {

// Incremental hasher. hex_digest() finishes it; call reset() before reusing.
class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(const void* data, size_t n);
  std::array<uint8_t, 32> digest();
  std::string hex_digest();  // 64 lowercase hex digits

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_{};
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;  // bytes
};

std::string sha256_hex(const void* data, size_t n);
inline std::string sha256_hex(const std::string& s) { return sha256_hex(s.data(), s.size()); }
// Hashes a file in chunks (bounded memory); a missing or unreadable file is a Status naming it.
Result<std::string> sha256_file(const std::string& path);

}  // namespace qwb
