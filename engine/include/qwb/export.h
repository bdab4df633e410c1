// Export: quantized and converted models, and calibration tables for other tools.
//
//   auto r = qwb::export_qdq(model, quantization, "model.int8.onnx");
//   std::cout << "opset " << r->opset << ", " << r->bytes << " bytes\n";
//   qwb::export_fp16(model, {.keep_io_types = true}, "model.fp16.onnx");
//   qwb::write_tensorrt_cache(quantization, "calib.cache");
//   qwb::write_ort_calibration_table(quantization, "calibration.json");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qwb/model.h"
#include "qwb/quant.h"
#include "qwb/status.h"

namespace qwb {

struct ExportResult {
  std::string path;
  int opset = 0;
  int64_t bytes = 0;
  int quantize_nodes = 0, dequantize_nodes = 0, cast_nodes = 0;
  bool checked = false;                // ONNX's checker ran and passed
  std::vector<std::string> notices;    // e.g. why the checker was skipped
};

// ONNX QDQ model: weights stored quantized and fed through DequantizeLinear (per-channel axis,
// blocks), QuantizeLinear -> DequantizeLinear after each quantized activation, int32 biases.
// Opset 13 at least; 19 for float8; 21 when int4/uint4, int16 or blocked scales are used (ops
// whose signature changed on the way, e.g. Reduce* axes, are converted).
Result<ExportResult> export_qdq(const Model& model, const Quantization& q, const std::string& path);

struct Fp16Options {
  bool keep_io_types = true;              // graph inputs/outputs stay float32 (Casts inserted)
  std::vector<std::string> block_ops;     // op types kept in float32 (added to a default list)
  std::vector<std::string> block_nodes;   // node names kept in float32
};

// FP16 model: float32 initializers and values become float16 (clamped to +-65504); blocked ops
// and nodes run in float32 between Casts.
Result<ExportResult> export_fp16(const Model& model, const Fp16Options& options, const std::string& path);

// TensorRT calibration cache: "TRT-8601-EntropyCalibration2" (MinMaxCalibration for minmax),
// then "<tensor>: <hex of float32 scale = amax / 127>" per activation.
Status write_tensorrt_cache(const Quantization& q, const std::string& path);
std::string tensorrt_cache_text(const Quantization& q);

// ONNX Runtime calibration table (calibration.json): {"tensor": {"lowest": l, "highest": h}}.
Status write_ort_calibration_table(const Quantization& q, const std::string& path);

}  // namespace qwb
