#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
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

double expected_calibration_error(const std::vector<float>& confidence, const std::vector<bool>& correct, int bins) {
  const size_t n = std::min(confidence.size(), correct.size());
  if (n == 0 || bins < 1) return 0.0;
  std::vector<double> conf(static_cast<size_t>(bins), 0.0), acc(static_cast<size_t>(bins), 0.0);
  std::vector<int64_t> count(static_cast<size_t>(bins), 0);
  for (size_t i = 0; i < n; ++i) {
    // Bins are (k/B, (k+1)/B]; a confidence of exactly 0 goes to the first bin.
    const double c = std::clamp<double>(confidence[i], 0.0, 1.0);
    const size_t b = static_cast<size_t>(std::clamp<int64_t>(static_cast<int64_t>(std::ceil(c * bins)) - 1, 0, bins - 1));
    conf[b] += c;
    acc[b] += correct[i] ? 1.0 : 0.0;
    count[b]++;
  }
  double ece = 0;
  for (size_t b = 0; b < static_cast<size_t>(bins); ++b)
    if (count[b]) ece += std::abs(acc[b] - conf[b]) / static_cast<double>(n);
  return ece;
}

void OutputErrorAccumulator::add(const float* x, const float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double a = x[i], b = y[i], d = b - a;
    xx_ += a * a;
    yy_ += b * b;
    xy_ += a * b;
    dd_ += d * d;
    max_abs_ = std::max(max_abs_, std::abs(d));
  }
  n_ += n;
}

OutputError OutputErrorAccumulator::result() const {
  OutputError e;
  e.values = n_;
  if (n_ == 0) return e;
  e.sqnr_db = dd_ > 0 ? 10.0 * std::log10(xx_ / dd_) : std::numeric_limits<double>::infinity();
  e.cosine = xx_ > 0 && yy_ > 0 ? xy_ / std::sqrt(xx_ * yy_) : (xx_ == yy_ ? 1.0 : 0.0);
  e.mse = dd_ / static_cast<double>(n_);
  e.nmse = xx_ > 0 ? dd_ / xx_ : 0.0;
  e.max_abs = max_abs_;
  return e;
}

Result<Shape> model_sample_shape(const Model& model, const Dataset& data) {
  const auto& inputs = model.graph().inputs;
  if (inputs.size() != 1) {
    return unsupported("file '" + model.path() + "': evaluation and calibration need a model with one input, this one has " +
                       std::to_string(inputs.size()));
  }
  const ValueInfo& in = inputs[0];
  if (!in.has_shape) return data.sample_shape();
  Shape target;
  for (size_t i = 1; i < in.dims.size(); ++i) {
    if (!in.dims[i].known()) {
      return unsupported("file '" + model.path() + "': input '" + in.name + "' has a symbolic non-batch dimension " +
                         in.shape_str() + "; fixed sample dimensions are needed");
    }
    target.push_back(in.dims[i].value);
  }
  if (shape_numel(target) != shape_numel(data.sample_shape())) {
    return invalid_argument("dataset '" + data.name() + "': a sample has shape " + shape_str(data.sample_shape()) +
                            " but model input '" + in.name + "' of '" + model.path() + "' needs " + in.shape_str());
  }
  return target;
}

Result<std::vector<int64_t>> resolve_sample_ids(const Dataset& data, const std::vector<int64_t>& ids_in) {
  std::vector<int64_t> ids = ids_in;
  if (ids.empty()) {
    ids.resize(static_cast<size_t>(data.size()));
    std::iota(ids.begin(), ids.end(), 0);
  }
  for (int64_t id : ids) {
    if (id < 0 || id >= data.size()) {
      return invalid_argument("sample id " + std::to_string(id) + " is outside dataset '" + data.name() + "' (" +
                              std::to_string(data.size()) + " samples)");
    }
  }
  return ids;
}

Result<Tensor> gather_batch(const Dataset& data, const std::vector<int64_t>& ids, int64_t begin, int64_t end,
                            const Shape& target) {
  // Contiguous ids (the common case) are one slice; otherwise sample by sample.
  bool contiguous = true;
  for (int64_t i = begin + 1; i < end && contiguous; ++i) contiguous = ids[static_cast<size_t>(i)] == ids[static_cast<size_t>(i - 1)] + 1;
  if (contiguous && end > begin) return data.batch(ids[static_cast<size_t>(begin)], ids[static_cast<size_t>(end - 1)] + 1, target);
  Shape shape = target;
  shape.insert(shape.begin(), end - begin);
  Tensor out(DType::kFloat32, shape);
  const int64_t per = shape_numel(target);
  for (int64_t i = begin; i < end; ++i) {
    const int64_t id = ids[static_cast<size_t>(i)];
    QWB_ASSIGN_OR_RETURN(Tensor one, data.batch(id, id + 1, target));
    std::memcpy(out.data<float>() + (i - begin) * per, one.data<float>(), static_cast<size_t>(per) * sizeof(float));
  }
  return out;
}

namespace {

// The per-sample work shared by evaluate and compare: a batch loop over ids.
struct BatchLoop {
  const Model& model;
  const Dataset& data;
  const EvaluateOptions& options;
  std::vector<int64_t> ids;
  Shape target;
  std::string input, output;

  static Result<BatchLoop> make(const Model& model, const Dataset& data, const EvaluateOptions& options) {
    QWB_ASSIGN_OR_RETURN(Shape target, model_sample_shape(model, data));
    QWB_ASSIGN_OR_RETURN(std::vector<int64_t> ids, resolve_sample_ids(data, options.ids));
    BatchLoop l{model, data, options, std::move(ids), target, model.graph().inputs[0].name,
                options.output.empty() ? model.graph().outputs[0].name : options.output};
    return l;
  }

  // Logits of one batch as float32 [rows, classes].
  Result<Tensor> logits(const Session& s, const RunOptions& ro, const Tensor& x) const {
    auto out = s.run({{input, x}}, ro);
    if (!out) return out.status();
    auto it = out->find(output);
    if (it == out->end()) return not_found("file '" + s.model().path() + "': no output named '" + output + "'");
    Tensor t = it->second.dtype() == DType::kFloat32 ? it->second : it->second.cast(DType::kFloat32);
    const int64_t rows = x.dim(0);
    if (rows == 0 || t.numel() % rows != 0) {
      return invalid_argument("file '" + s.model().path() + "': output '" + output + "' of shape " + shape_str(t.shape()) +
                              " is not per-sample scores");
    }
    return t.reshaped({rows, t.numel() / rows});
  }

  std::vector<int64_t> labels() const {
    std::vector<int64_t> l;
    if (!data.has_labels()) return l;
    l.reserve(ids.size());
    for (int64_t id : ids) l.push_back(data.labels()[static_cast<size_t>(id)]);
    return l;
  }
};

// Appends top-5 and softmax confidence of each row.
void append_scores(const Tensor& logits, EvaluateResult& r) {
  const int64_t rows = logits.dim(0), classes = logits.dim(1);
  const float* p = logits.data<float>();
  std::vector<int64_t> idx(static_cast<size_t>(classes));
  const size_t k = static_cast<size_t>(std::min<int64_t>(5, classes));
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = p + i * classes;
    std::iota(idx.begin(), idx.end(), 0);
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                      [&](int64_t a, int64_t c) { return row[a] > row[c] || (row[a] == row[c] && a < c); });
    r.topk.emplace_back(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k));
    // Softmax of the top score, stable: 1 / sum exp(x_j - x_max).
    const double top = row[idx[0]];
    double z = 0;
    for (int64_t j = 0; j < classes; ++j) z += std::exp(static_cast<double>(row[j]) - top);
    r.confidence.push_back(static_cast<float>(1.0 / z));
  }
}

void finish(EvaluateResult& r, const std::vector<int64_t>& labels, int64_t num_classes) {
  r.metrics = classification_metrics(r.topk, labels, num_classes);
  std::vector<bool> correct(r.topk.size());
  for (size_t i = 0; i < r.topk.size() && i < labels.size(); ++i) correct[i] = !r.topk[i].empty() && r.topk[i][0] == labels[i];
  r.ece = expected_calibration_error(r.confidence, correct);
}

}  // namespace

Result<EvaluateResult> evaluate(const Session& session, const Dataset& data, const EvaluateOptions& options,
                                ProgressSink& progress) {
  if (!data.has_labels()) return invalid_argument("dataset '" + data.name() + "' has no labels; evaluate needs labels");
  QWB_ASSIGN_OR_RETURN(BatchLoop loop, BatchLoop::make(session.model(), data, options));
  EvaluateResult r;
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = static_cast<int64_t>(loop.ids.size()), bs = std::max<int64_t>(1, options.batch);
  r.topk.reserve(static_cast<size_t>(n));
  for (int64_t b = 0; b < n; b += bs) {
    if (!progress.report(b, n, "evaluating")) return cancelled("evaluation cancelled");
    QWB_ASSIGN_OR_RETURN(Tensor x, gather_batch(data, loop.ids, b, std::min(n, b + bs), loop.target));
    QWB_ASSIGN_OR_RETURN(Tensor logits, loop.logits(session, options.run, x));
    append_scores(logits, r);
  }
  progress.report(n, n, "evaluated");
  finish(r, loop.labels(), data.num_classes());
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

Result<Comparison> compare(const Session& reference, const RunOptions& reference_run, const Session& candidate,
                           const RunOptions& candidate_run, const Dataset& data, const EvaluateOptions& options,
                           ProgressSink& progress) {
  QWB_ASSIGN_OR_RETURN(BatchLoop loop, BatchLoop::make(reference.model(), data, options));
  Comparison c;
  c.has_labels = data.has_labels();
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = static_cast<int64_t>(loop.ids.size()), bs = std::max<int64_t>(1, options.batch);
  OutputErrorAccumulator err;
  for (int64_t b = 0; b < n; b += bs) {
    if (!progress.report(b, n, "comparing")) return cancelled("comparison cancelled");
    QWB_ASSIGN_OR_RETURN(Tensor x, gather_batch(data, loop.ids, b, std::min(n, b + bs), loop.target));
    QWB_ASSIGN_OR_RETURN(Tensor ya, loop.logits(reference, reference_run, x));
    QWB_ASSIGN_OR_RETURN(Tensor yb, loop.logits(candidate, candidate_run, x));
    if (ya.shape() != yb.shape()) {
      return invalid_argument("output '" + loop.output + "' has shape " + shape_str(ya.shape()) + " in '" +
                              reference.model().path() + "' but " + shape_str(yb.shape()) + " in '" + candidate.model().path() + "'");
    }
    err.add(ya.data<float>(), yb.data<float>(), ya.numel());
    append_scores(ya, c.reference);
    append_scores(yb, c.candidate);
  }
  progress.report(n, n, "compared");
  const auto labels = loop.labels();
  int64_t agree = 0;
  for (size_t i = 0; i < c.reference.topk.size(); ++i) {
    const int64_t pa = c.reference.topk[i][0], pb = c.candidate.topk[i][0];
    if (pa == pb) {
      ++agree;
      continue;
    }
    c.flipped.push_back({loop.ids[i], labels.empty() ? -1 : labels[i], pa, pb, c.reference.confidence[i], c.candidate.confidence[i]});
  }
  c.agreement = n ? static_cast<double>(agree) / static_cast<double>(n) : 1.0;
  c.output_error = err.result();
  if (c.has_labels) {
    finish(c.reference, labels, data.num_classes());
    finish(c.candidate, labels, data.num_classes());
  }
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.reference.seconds = c.candidate.seconds = c.seconds;
  return c;
}

}  // namespace qwb
