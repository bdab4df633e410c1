// The bench job: latency of a model on synthetic inputs, with warm-up, percentiles and peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "qwb/jobs.h"

namespace qwb {

using json = nlohmann::json;

namespace {

// Seeded inputs of the model's types: normal floats, small non-negative integers (valid ids).
Result<TensorMap> make_inputs(const Model& m, int64_t batch, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  TensorMap inputs;
  for (const ValueInfo& v : m.graph().inputs) {
    Shape s;
    for (size_t i = 0; i < v.dims.size(); ++i) {
      if (i == 0 && !v.dims[i].known()) {
        s.push_back(batch);
      } else if (!v.dims[i].known()) {
        return unsupported("file '" + m.path() + "': input '" + v.name + "' has a symbolic dimension " + v.shape_str() +
                           " besides the batch; bench needs fixed shapes");
      } else {
        s.push_back(i == 0 ? batch : v.dims[i].value);
      }
    }
    Tensor f(DType::kFloat32, s);
    for (int64_t i = 0; i < f.numel(); ++i) f.data<float>()[i] = dtype_is_float(v.dtype) ? nd(rng) : static_cast<float>(rng() % 2);
    inputs[v.name] = v.dtype == DType::kFloat32 ? f : f.cast(v.dtype);
  }
  return inputs;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(pos), hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

Result<BenchReport> run_bench(const BenchConfig& c, ProgressSink& progress) {
  if (c.runs < 1 || c.warmup < 0 || c.batch < 1) return invalid_argument("bench needs runs >= 1, warmup >= 0 and batch >= 1");
  auto loaded = Model::load(c.model, {.run_checker = true, .measure_shapes = false});
  if (!loaded) return loaded.status();
  auto model = std::make_shared<const Model>(std::move(*loaded));
  QWB_ASSIGN_OR_RETURN(Session session, Session::create(model, {.threads = c.threads, .backend = c.backend}));
  QWB_ASSIGN_OR_RETURN(TensorMap inputs, make_inputs(*model, c.batch, c.seed));
  BenchReport r;
  r.model = c.model;
  r.batch = c.batch;
  r.threads = session.threads();
  const int total = c.warmup + c.runs;
  for (int i = 0; i < total; ++i) {
    if (!progress.report(i, total, i < c.warmup ? "warming up" : "timing")) return cancelled("bench cancelled");
    RunOptions ro;
    if (c.profile && i >= c.warmup) {
      ro.profile = [&r, n = c.runs](const std::string& kind, double ms) { r.op_ms[kind] += ms / n; };
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto out = session.run(inputs, ro);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!out) return out.status();
    if (i >= c.warmup) r.times_ms.push_back(ms);
  }
  progress.report(total, total, "done");
  // After the runs: a fast step that fell back to reference kernels counts as reference.
  const BackendStats stats = session.backend_stats();
  r.fast_ops = stats.fast;
  r.reference_ops = stats.reference;
  r.folded_ops = stats.folded;
  r.backend = c.backend;
  r.median_ms = percentile(r.times_ms, 0.5);
  r.p90_ms = percentile(r.times_ms, 0.9);
  r.min_ms = *std::min_element(r.times_ms.begin(), r.times_ms.end());
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  r.peak_rss_mb = static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
  return r;
}

Result<std::vector<double>> measure_latencies(const std::vector<std::string>& models, ProgressSink& progress, int runs, int warmup) {
  if (runs < 1 || warmup < 0) return invalid_argument("latency needs runs >= 1 and warmup >= 0");
  struct Timed {
    Session session;
    TensorMap inputs;
    std::vector<double> ms;
  };
  std::vector<Timed> timed;
  for (const auto& path : models) {
    QWB_ASSIGN_OR_RETURN(Model loaded, Model::load(path, {.run_checker = false, .measure_shapes = false}));
    auto model = std::make_shared<const Model>(std::move(loaded));
    QWB_ASSIGN_OR_RETURN(Session session, Session::create(model, {}));
    QWB_ASSIGN_OR_RETURN(TensorMap inputs, make_inputs(*model, 1, 0));
    timed.push_back({std::move(session), std::move(inputs), {}});
  }
  const int total = warmup + runs;
  for (int i = 0; i < total; ++i) {
    if (!progress.report(i, total, i < warmup ? "warming up" : "timing (batch 1)")) return cancelled("latency measurement cancelled");
    for (auto& t : timed) {
      const auto t0 = std::chrono::steady_clock::now();
      auto out = t.session.run(t.inputs, {});
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!out) return out.status();
      if (i >= warmup) t.ms.push_back(ms);
    }
  }
  progress.report(total, total, "done");
  std::vector<double> medians;
  for (const auto& t : timed) medians.push_back(percentile(t.ms, 0.5));
  return medians;
}

json to_json(const BenchReport& r) {
  return {{"model", r.model},
          {"median_ms", r.median_ms},
          {"p90_ms", r.p90_ms},
          {"min_ms", r.min_ms},
          {"runs", r.times_ms.size()},
          {"times_ms", r.times_ms},
          {"threads", r.threads},
          {"batch", r.batch},
          {"peak_rss_mb", r.peak_rss_mb},
          {"backend", {{"name", backend_name(r.backend)}, {"fast", r.fast_ops}, {"reference", r.reference_ops}, {"folded", r.folded_ops}}},
          {"profile_ms", r.op_ms}};
}

}  // namespace qwb
