#include <algorithm>
#include <chrono>
#include <numeric>

#include "qwb/eval.h"

namespace qwb {

ClassificationMetrics classification_metrics(const std::vector<std::vector<int64_t>>& topk,
                                             const std::vector<int64_t>& labels, int64_t num_classes) {
  ClassificationMetrics m;
  const size_t n = std::min(topk.size(), labels.size());
  m.samples = static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i)
    for (int64_t c : topk[i]) num_classes = std::max(num_classes, c + 1);
  for (int64_t l : labels) num_classes = std::max(num_classes, l + 1);
  m.confusion.assign(static_cast<size_t>(num_classes), std::vector<int64_t>(static_cast<size_t>(num_classes), 0));
  int64_t top1 = 0, top5 = 0;
  for (size_t i = 0; i < n; ++i) {
    if (topk[i].empty()) continue;
    int64_t pred = topk[i][0], y = labels[i];
    top1 += pred == y;
    const size_t k = std::min<size_t>(5, topk[i].size());
    top5 += std::find(topk[i].begin(), topk[i].begin() + static_cast<std::ptrdiff_t>(k), y) != topk[i].begin() + static_cast<std::ptrdiff_t>(k);
    m.confusion[static_cast<size_t>(y)][static_cast<size_t>(pred)]++;
  }
  if (n) {
    m.top1 = static_cast<double>(top1) / static_cast<double>(n);
    m.top5 = static_cast<double>(top5) / static_cast<double>(n);
  }
  m.per_class.resize(static_cast<size_t>(num_classes));
  double f1_sum = 0, wf1 = 0;
  for (int64_t c = 0; c < num_classes; ++c) {
    int64_t tp = m.confusion[static_cast<size_t>(c)][static_cast<size_t>(c)], fp = 0, fn = 0;
    for (int64_t o = 0; o < num_classes; ++o) {
      if (o == c) continue;
      fp += m.confusion[static_cast<size_t>(o)][static_cast<size_t>(c)];
      fn += m.confusion[static_cast<size_t>(c)][static_cast<size_t>(o)];
    }
    ClassMetrics& cm = m.per_class[static_cast<size_t>(c)];
    cm.support = tp + fn;
    cm.precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
    cm.recall = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
    cm.f1 = cm.precision + cm.recall > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall) : 0.0;
    f1_sum += cm.f1;
    wf1 += cm.f1 * static_cast<double>(cm.support);
  }
  // Macro F1 over all classes as scikit-learn's f1_score(average='macro') with labels 0..C-1.
  if (num_classes) m.macro_f1 = f1_sum / static_cast<double>(num_classes);
  if (n) m.weighted_f1 = wf1 / static_cast<double>(n);
  return m;
}

Result<EvaluateResult> evaluate(const Session& session, const Dataset& data, const EvaluateOptions& options,
                                ProgressSink& progress) {
  const Model& model = session.model();
  const auto& inputs = model.graph().inputs;
  if (inputs.size() != 1) {
    return unsupported("file '" + model.path() + "': evaluate needs a model with one input, this one has " +
                       std::to_string(inputs.size()));
  }
  if (!data.has_labels()) return invalid_argument("dataset '" + data.name() + "' has no labels; evaluate needs labels");
  const ValueInfo& in = inputs[0];
  Shape target;
  for (size_t i = 1; i < in.dims.size(); ++i) {
    if (!in.dims[i].known()) {
      return unsupported("file '" + model.path() + "': input '" + in.name + "' has a symbolic non-batch dimension " +
                         in.shape_str() + "; evaluate needs fixed sample dimensions");
    }
    target.push_back(in.dims[i].value);
  }
  if (!in.has_shape) target = data.sample_shape();
  std::string out_name = options.output.empty() ? model.graph().outputs[0].name : options.output;

  EvaluateResult r;
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = data.size(), bs = std::max<int64_t>(1, options.batch);
  r.topk.reserve(static_cast<size_t>(n));
  for (int64_t b = 0; b < n; b += bs) {
    if (!progress.report(b, n, "evaluating")) return cancelled("evaluation cancelled");
    auto x = data.batch(b, std::min(n, b + bs), target);
    if (!x) return x.status();
    auto out = session.run({{in.name, *x}});
    if (!out) return out.status();
    auto it = out->find(out_name);
    if (it == out->end()) return not_found("file '" + model.path() + "': no output named '" + out_name + "'");
    Tensor logits = it->second.dtype() == DType::kFloat32 ? it->second : it->second.cast(DType::kFloat32);
    const int64_t rows = x->dim(0);
    if (logits.numel() % rows != 0) {
      return invalid_argument("file '" + model.path() + "': output '" + out_name + "' of shape " +
                              shape_str(logits.shape()) + " is not per-sample class scores");
    }
    const int64_t classes = logits.numel() / rows;
    const float* p = logits.data<float>();
    std::vector<int64_t> idx(static_cast<size_t>(classes));
    for (int64_t r0 = 0; r0 < rows; ++r0) {
      std::iota(idx.begin(), idx.end(), 0);
      const float* row = p + r0 * classes;
      const size_t k = static_cast<size_t>(std::min<int64_t>(5, classes));
      std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                        [&](int64_t a, int64_t c) { return row[a] > row[c] || (row[a] == row[c] && a < c); });
      r.topk.emplace_back(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  progress.report(n, n, "evaluated");
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.metrics = classification_metrics(r.topk, data.labels(), data.num_classes());
  return r;
}

}  // namespace qwb
