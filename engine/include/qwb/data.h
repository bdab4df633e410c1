// Datasets: samples (one input tensor per sample) with optional labels, preprocessing,
// sampling (which samples a calibration run uses) and calibration-data validation.
//
// Sources (the SPEC strings of `qwb-cli evaluate --data`):
//   fashion-mnist:test | fashion-mnist:train   Debian's dataset-fashion-mnist (IDX, gzipped)
//   idx:IMAGES[,LABELS]                        IDX files, gzipped or plain
//   npy:FILE[,LABELS]                          .npy array [N, ...]; LABELS .npy (integers) or IDX
//   npz:FILE[,KEY[,LABELKEY]]                  NumPy .npz; KEY default: x, images, else the first
//                                              array; labels from LABELKEY, else y or labels
//                                              when 1-D integers with one per sample
//   images:DIR                                 JPEG/PNG/BMP, one subfolder per class (label =
//                                              index in sorted subfolder names), or images
//                                              directly in DIR (no labels)
//   pb:DIR[,INPUT]                             ONNX test data: DIR/test_data_set_*/input_INPUT.pb
//                                              (or DIR/input_INPUT.pb), INPUT default 0; dim 0 of
//                                              each tensor is the batch; labels: DIR/labels.npy
//
// Images are decoded, resized (shorter side, bilinear), center-cropped and laid out (NCHW or
// NHWC) when loading and kept as uint8, so that the per-batch preprocessing below applies.
// Integer data (image pixels) is converted with `scale` then (x - mean) / std per channel.
// Float data is used as stored unless the caller sets `apply_to_float`.
//
//   qwb::DatasetOptions opt;
//   opt.preprocess = qwb::Preprocess::from_metadata(model.summary().metadata);
//   auto ds = qwb::load_dataset("fashion-mnist:test", opt);
//   qwb::Tensor batch = ds->batch(0, 64, {1, 28, 28});   // [64, 1, 28, 28] float32
//
//   auto ids = qwb::sample_ids(*ds, 512, qwb::Sampling::kStratified, /*seed=*/1);
//   qwb::Dataset calib = ds->subset(*ids);               // store sample_ids_sha256(*ids) too
//   auto report = qwb::validate_calibration(calib, &*ds, {});
//   std::cout << qwb::format_validation_report(*report);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

struct Preprocess {
  float scale = 1.0f / 255.0f;  // applied to integer data first
  std::vector<float> mean;      // per channel, or one value for all; empty: 0
  std::vector<float> stddev;    // per channel, or one value; empty: 1
  std::string layout = "NCHW";  // channel axis for per-channel mean/std: NCHW -> 1, NHWC -> last;
                                // images: also the layout they are stored in
  bool apply_to_float = false;  // also normalise float data
  // Images only (applied when loading, before the uint8 samples are stored).
  int64_t resize = 0;       // shorter side to this many pixels, bilinear; 0: keep
  int64_t crop_height = 0;  // center crop; 0: none (set both or neither)
  int64_t crop_width = 0;
  int64_t channels = 3;     // 1: grayscale, 3: RGB

  // Reads qwb.mean, qwb.std, qwb.scale, qwb.layout, qwb.resize, qwb.crop ("H,W" or "N") and
  // qwb.channels from a model's metadata_props.
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
  Dataset(std::string name, Tensor samples, std::vector<int64_t> labels, Preprocess pre,
          std::vector<std::string> class_names = {});

  const std::string& name() const { return name_; }
  int64_t size() const { return samples_.defined() ? samples_.dim(0) : 0; }
  bool has_labels() const { return !labels_.empty(); }
  const std::vector<int64_t>& labels() const { return labels_; }
  // Class names by label (image folders: the subfolder names); empty when the source has none.
  const std::vector<std::string>& class_names() const { return class_names_; }
  // Shape of one raw sample, e.g. [28, 28].
  Shape sample_shape() const;
  const Tensor& raw_samples() const { return samples_; }
  const Preprocess& preprocess() const { return pre_; }
  int64_t num_classes() const;  // max label + 1, at least the number of class names

  // Samples [begin, end) preprocessed to float32 and reshaped to [n, target...]. The target
  // shape (without batch) must have the same element count as a raw sample.
  Result<Tensor> batch(int64_t begin, int64_t end, const Shape& target) const;
  // Same with target = sample_shape() (statistics on what a model with that input sees).
  Result<Tensor> batch(int64_t begin, int64_t end) const { return batch(begin, end, sample_shape()); }

  // A dataset of the samples `ids` (in that order) with their labels, same name, preprocessing
  // and class names. Ids outside [0, size()) are skipped; sample_ids() never produces them.
  Dataset subset(const std::vector<int64_t>& ids) const;

 private:
  std::string name_;
  Tensor samples_;
  std::vector<int64_t> labels_;
  Preprocess pre_;
  std::vector<std::string> class_names_;
};

// IDX (MNIST family) reader: gzipped or plain; any IDX element type.
Result<Tensor> read_idx(const std::string& path);

Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options);

// ---- Sampling -------------------------------------------------------------------------------

enum class Sampling {
  kFirst,       // ids 0 .. n-1
  kRandom,      // n distinct ids, seeded
  kStratified,  // per label proportional to its frequency (largest remainder), seeded
};

// "first" | "random" | "stratified".
Result<Sampling> parse_sampling(const std::string& s);
const char* sampling_name(Sampling s);

// Sorted, distinct ids of n samples (n > size: all ids). Deterministic for a seed on every
// platform (std::mt19937_64 with our own bounded draw, not std::uniform_int_distribution).
// Stratified sampling needs labels. n < 0 is an error.
Result<std::vector<int64_t>> sample_ids(const Dataset& ds, int64_t n, Sampling how, uint64_t seed);

// SHA-256 hex of the ids as decimal text joined by '\n' (no trailing newline): stored with a
// run so that the exact calibration samples can be checked later.
std::string sample_ids_sha256(const std::vector<int64_t>& ids);

// ---- Calibration-data validation ------------------------------------------------------------

enum class CheckStatus { kOk, kWarning, kError };
const char* check_status_name(CheckStatus s);  // "ok" | "warning" | "error"

struct ValidationCheck {
  std::string name;        // sample_count, sample_shape, ks_test, range_coverage, label_coverage
  CheckStatus status = CheckStatus::kOk;
  double value = 0;        // the measured number (count, KS D, covered fraction, ...)
  double threshold = 0;    // the limit it was compared with
  std::string message;     // one line for people, with the numbers
  std::map<std::string, double> details;  // further numbers, e.g. p_value, calib_min
  std::vector<std::string> items;         // e.g. the classes missing from the calibration set
};

struct ValidationReport {
  std::vector<ValidationCheck> checks;
  std::vector<std::string> notes;  // checks that were not run, and why
  CheckStatus worst() const;
};

struct ValidationOptions {
  int64_t min_samples_error = 1;    // error below
  int64_t min_samples_warn = 128;   // warning below: ranges from few samples are noisy
  int64_t max_samples_warn = 10000; // warning above: calibration gets slow for little gain
  // KS test and ranges use the preprocessed values of at most ks_max_samples random samples
  // per set, and the KS test at most ks_max_values random values among them.
  int64_t ks_max_samples = 2000;
  int64_t ks_max_values = 100000;
  uint64_t seed = 0;
  // The KS test warns only when the difference is both significant and large: with 1e5 values
  // per set, tiny harmless differences are significant.
  double ks_p_threshold = 0.01;
  double ks_d_threshold = 0.05;
  double min_range_coverage = 0.95;  // warning below (fraction of the reference range)
};

// Checks `calib` on its own (count, and classes with no samples when it has class names) and,
// when `reference` is given, against it (shape, KS test, range and label coverage).
Result<ValidationReport> validate_calibration(const Dataset& calib, const Dataset* reference,
                                              const ValidationOptions& options);

nlohmann::json to_json(const ValidationReport& report);
std::string format_validation_report(const ValidationReport& report);  // one line per check

// Two-sample Kolmogorov-Smirnov test: D = sup |F_a - F_b| and the asymptotic p-value
// Q_KS(sqrt(n m / (n + m)) D). Empty input gives D = 0, p = 1.
struct KsResult {
  double d = 0;
  double p_value = 1;
};
KsResult ks_two_sample(std::vector<float> a, std::vector<float> b);
// Survival function of the Kolmogorov distribution, Q_KS(x) = P(K > x).
double kolmogorov_sf(double x);

}  // namespace qwb
