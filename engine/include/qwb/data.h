// Datasets: samples (one input tensor per sample) with optional labels, and preprocessing.
//
// Sources (the SPEC strings of `qwb-cli evaluate --data`):
//   fashion-mnist:test | fashion-mnist:train   Debian's dataset-fashion-mnist (IDX, gzipped)
//   idx:IMAGES[,LABELS]                        IDX files, gzipped or plain
//   npy:FILE[,LABELS]                          .npy array [N, ...]; LABELS .npy (integers) or IDX
//
// Integer data (image pixels) is converted with `scale` then (x - mean) / std per channel.
// Float data is used as stored unless the caller sets `apply_to_float`.
//
//   qwb::DatasetOptions opt;
//   opt.preprocess = qwb::Preprocess::from_metadata(model.summary().metadata);
//   auto ds = qwb::load_dataset("fashion-mnist:test", opt);
//   qwb::Tensor batch = ds->batch(0, 64, {1, 28, 28});   // [64, 1, 28, 28] float32
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

struct Preprocess {
  float scale = 1.0f / 255.0f;  // applied to integer data first
  std::vector<float> mean;      // per channel, or one value for all; empty: 0
  std::vector<float> stddev;    // per channel, or one value; empty: 1
  std::string layout = "NCHW";  // channel axis for per-channel mean/std: NCHW -> 1, NHWC -> last
  bool apply_to_float = false;  // also normalise float data

  // Reads qwb.mean, qwb.std, qwb.scale, qwb.layout from a model's metadata_props.
  static Preprocess from_metadata(const std::map<std::string, std::string>& metadata);
  std::string describe() const;
};

struct DatasetOptions {
  Preprocess preprocess;
  int64_t limit = -1;  // use only the first N samples (-1: all)
};

class Dataset {
 public:
  Dataset() = default;
  Dataset(std::string name, Tensor samples, std::vector<int64_t> labels, Preprocess pre);

  const std::string& name() const { return name_; }
  int64_t size() const { return samples_.defined() ? samples_.dim(0) : 0; }
  bool has_labels() const { return !labels_.empty(); }
  const std::vector<int64_t>& labels() const { return labels_; }
  // Shape of one raw sample, e.g. [28, 28].
  Shape sample_shape() const;
  const Tensor& raw_samples() const { return samples_; }
  const Preprocess& preprocess() const { return pre_; }
  int64_t num_classes() const;  // max label + 1

  // Samples [begin, end) preprocessed to float32 and reshaped to [n, target...]. The target
  // shape (without batch) must have the same element count as a raw sample.
  Result<Tensor> batch(int64_t begin, int64_t end, const Shape& target) const;

 private:
  std::string name_;
  Tensor samples_;
  std::vector<int64_t> labels_;
  Preprocess pre_;
};

// IDX (MNIST family) reader: gzipped or plain; any IDX element type.
Result<Tensor> read_idx(const std::string& path);

Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options);

}  // namespace qwb
