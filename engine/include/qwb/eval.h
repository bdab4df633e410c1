// Evaluation: classification metrics from logits and labels, and evaluating a model on a dataset.
//
//   qwb::ClassificationMetrics m = qwb::classification_metrics(predictions, labels, 10);
//   auto r = qwb::evaluate(session, dataset, {.batch = 64}, progress);
//   std::cout << r->metrics.top1 << "\n";
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

struct EvaluateOptions {
  int64_t batch = 64;
  std::string output;  // which output holds the logits (default: the first)
};

struct EvaluateResult {
  ClassificationMetrics metrics;
  std::vector<std::vector<int64_t>> topk;  // per sample, top-5 class indices
  double seconds = 0;
};

Result<EvaluateResult> evaluate(const Session& session, const Dataset& data, const EvaluateOptions& options,
                                ProgressSink& progress);

}  // namespace qwb
