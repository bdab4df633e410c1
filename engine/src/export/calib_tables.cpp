// Calibration tables for other tools, from the same calibrated ranges the QDQ export uses.
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "qwb/export.h"

namespace qwb {

namespace {
Status write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return io_error("file '" + path + "': cannot be opened for writing");
  f << text;
  if (!f) return io_error("file '" + path + "': write failed");
  return Status::ok();
}
}  // namespace

std::string tensorrt_cache_text(const Quantization& q) {
  // TensorRT 8.6 header; the algorithm name must match the calibrator that reads the cache.
  std::string s = q.calib.method == CalibMethod::kMinMax ? "TRT-8601-MinMaxCalibration\n" : "TRT-8601-EntropyCalibration2\n";
  for (const auto& [name, t] : q.activations) {
    if (!t.spec.is_integer()) continue;
    const float amax = std::max(std::abs(t.range.lo), std::abs(t.range.hi));
    const float scale = amax / 127.0f;
    uint32_t bits = 0;
    std::memcpy(&bits, &scale, sizeof bits);
    s += fmt::format("{}: {:08x}\n", name, bits);
  }
  return s;
}

Status write_tensorrt_cache(const Quantization& q, const std::string& path) { return write_text(path, tensorrt_cache_text(q)); }

Status write_ort_calibration_table(const Quantization& q, const std::string& path) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, t] : q.activations) {
    if (!t.spec.is_integer()) continue;
    j[name] = {{"CLS", "TensorData"}, {"lowest", t.range.lo}, {"highest", t.range.hi}};
  }
  return write_text(path, j.dump(2) + "\n");
}

}  // namespace qwb
