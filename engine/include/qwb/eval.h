// Evaluation: classification metrics, calibration error, and comparing a model (or a quantized
// simulation of it) against a reference on the same data.
//
//   qwb::ClassificationMetrics m = qwb::classification_metrics(topk, labels, 10);
//   auto r = qwb::evaluate(session, dataset, {.batch = 64}, progress);
//   std::cout << r->metrics.top1 << " ECE " << r->ece << "\n";
//   // FP32 vs a fake-quant simulation, one pass over the data:
//   auto c = qwb::compare(session, {}, session, sim.run_options(), dataset, {}, progress);
//   std::cout << c->agreement << " " << c->flipped.size() << "\n";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qwb/data.h"
#include "qwb/executor.h"
#include "qwb/progress.h"
#include "qwb/status.h"

namespace qwb {

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  int64_t support = 0;
};

struct ClassificationMetrics {
  int64_t samples = 0;
  double top1 = 0, top5 = 0;  // fractions 0..1
  double macro_f1 = 0, weighted_f1 = 0;
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<int64_t>> confusion;  // [true][predicted]
};

// `topk` holds, per sample, class indices sorted by descending score (at least 1, up to 5).
ClassificationMetrics classification_metrics(const std::vector<std::vector<int64_t>>& topk,
                                             const std::vector<int64_t>& labels, int64_t num_classes);

// Expected calibration error with equal-width confidence bins (15 by default): the
// sample-weighted mean of |accuracy - mean confidence| per bin.
double expected_calibration_error(const std::vector<float>& confidence, const std::vector<bool>& correct, int bins = 15);

// Error of `y` against the reference `x` (design section 6).
struct OutputError {
  double sqnr_db = 0;   // 20 log10(||x|| / ||x - y||); +inf when identical
  double cosine = 1;
  double mse = 0;       // mean (y - x)^2
  double nmse = 0;      // sum (y - x)^2 / sum x^2
  double max_abs = 0;
  int64_t values = 0;
};

// Accumulates OutputError over batches.
class OutputErrorAccumulator {
 public:
  void add(const float* x, const float* y, int64_t n);
  OutputError result() const;

 private:
  double xx_ = 0, yy_ = 0, xy_ = 0, dd_ = 0, max_abs_ = 0;
  int64_t n_ = 0;
};

// Shape of one sample (without the batch dimension) for a single-input model, taken from the
// model's input where it is fixed and otherwise from the data. Names the input on failure.
Result<Shape> model_sample_shape(const Model& model, const Dataset& data);
// `ids` checked against the dataset's size; empty means every sample, in order.
Result<std::vector<int64_t>> resolve_sample_ids(const Dataset& data, const std::vector<int64_t>& ids);
// Samples ids[begin, end) preprocessed and stacked into one batch [n, target...].
Result<Tensor> gather_batch(const Dataset& data, const std::vector<int64_t>& ids, int64_t begin, int64_t end,
                            const Shape& target);

struct EvaluateOptions {
  int64_t batch = 64;
  std::string output;          // which output holds the logits (default: the first)
  std::vector<int64_t> ids;    // samples to use (empty: all)
  RunOptions run;              // e.g. a quantization simulation's options
};

struct EvaluateResult {
  ClassificationMetrics metrics;
  std::vector<std::vector<int64_t>> topk;  // per sample, top-5 class indices
  std::vector<float> confidence;           // per sample, softmax probability of the top-1 class
  double ece = 0;                          // 15-bin expected calibration error
  double seconds = 0;
};

Result<EvaluateResult> evaluate(const Session& session, const Dataset& data, const EvaluateOptions& options,
                                ProgressSink& progress);

struct FlippedSample {
  int64_t index = 0;      // sample id in the dataset
  int64_t label = -1;     // true label (-1 without labels)
  int64_t reference = 0;  // reference (FP32) prediction
  int64_t candidate = 0;  // candidate (quantized) prediction
  float reference_confidence = 0, candidate_confidence = 0;
};

struct Comparison {
  bool has_labels = false;
  EvaluateResult reference, candidate;  // metrics only filled with labels
  double agreement = 1;                 // fraction of samples with equal top-1
  std::vector<FlippedSample> flipped;   // samples whose top-1 differs
  OutputError output_error;             // candidate output vs reference output
  double seconds = 0;
};

// Runs both models on the same batches. Without labels only agreement and output error are
// reported (for outputs that are not class scores, agreement compares argmax and may be moot).
Result<Comparison> compare(const Session& reference, const RunOptions& reference_run, const Session& candidate,
                           const RunOptions& candidate_run, const Dataset& data, const EvaluateOptions& options,
                           ProgressSink& progress);

}  // namespace qwb
