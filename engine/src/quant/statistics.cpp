// One streaming pass over calibration data: activation statistics through executor taps, weight
// statistics straight from the initializers.
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include "qwb/eval.h"
#include "qwb/quant.h"

namespace qwb {

namespace {

void weight_stats(TensorStats& ts, const Tensor& w, int channel_axis) {
  ts.is_weight = true;
  ts.shape = w.shape();
  ts.add(w.data<float>(), w.numel());
  if (channel_axis < 0 || channel_axis >= w.rank()) return;
  ts.channel_axis = channel_axis;
  int64_t outer = 1, inner = 1;
  const int64_t dim = w.dim(channel_axis);
  for (int d = 0; d < channel_axis; ++d) outer *= w.dim(d);
  for (int d = channel_axis + 1; d < w.rank(); ++d) inner *= w.dim(d);
  ts.channel_min.assign(static_cast<size_t>(dim), std::numeric_limits<float>::infinity());
  ts.channel_max.assign(static_cast<size_t>(dim), -std::numeric_limits<float>::infinity());
  const float* x = w.data<float>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < dim; ++c)
      for (int64_t i = 0; i < inner; ++i) {
        const float v = x[(o * dim + c) * inner + i];
        if (!std::isfinite(v)) continue;
        ts.channel_min[static_cast<size_t>(c)] = std::min(ts.channel_min[static_cast<size_t>(c)], v);
        ts.channel_max[static_cast<size_t>(c)] = std::max(ts.channel_max[static_cast<size_t>(c)], v);
      }
}

}  // namespace

Result<Statistics> collect_statistics(const Session& session, const Dataset& data, const std::vector<int64_t>& ids_in,
                                      const QuantPlan* plan, const StatsOptions& options, ProgressSink& progress) {
  const Model& model = session.model();
  const Graph& g = model.graph();
  const auto t0 = std::chrono::steady_clock::now();
  if (data.size() == 0) return invalid_argument("calibration dataset '" + data.name() + "' is empty");
  QWB_ASSIGN_OR_RETURN(Shape target, model_sample_shape(model, data));

  Statistics st;
  QWB_ASSIGN_OR_RETURN(st.sample_ids, resolve_sample_ids(data, ids_in));

  // Which activations to record.
  std::set<std::string> wanted;
  const bool all = !plan || options.all_activations;
  if (plan) {
    for (const auto& [name, spec] : plan->activations) wanted.insert(name);
  }
  for (const auto& [name, e] : plan ? plan->weights : std::map<std::string, WeightEntry>{}) {
    weight_stats(st.tensors[name], g.initializers.at(name), e.channel_axis);
    st.tensors[name].name = name;
  }
  if (!plan) {
    for (const auto& [name, w] : g.initializers) {
      if (w.dtype() != DType::kFloat32 || w.numel() < 2) continue;
      weight_stats(st.tensors[name], w, w.rank() >= 2 ? 0 : -1);
      st.tensors[name].name = name;
    }
  }

  const std::string& input = g.inputs[0].name;
  RunOptions ro;
  ro.tap_inputs = true;
  ro.tap = [&](const TapEvent& e, Tensor& t) {
    if (t.dtype() != DType::kFloat32) return;
    if (!all && !wanted.count(*e.value)) return;
    if (g.initializers.count(*e.value)) return;
    TensorStats& ts = st.tensors[*e.value];
    if (ts.name.empty()) ts.name = *e.value;
    ts.shape = t.shape();
    ts.add(t.data<float>(), t.numel());
  };
  const int64_t n = static_cast<int64_t>(st.sample_ids.size()), bs = std::max<int64_t>(1, options.batch);
  for (int64_t b = 0; b < n; b += bs) {
    if (!progress.report(b, n, "calibrating")) return cancelled("calibration cancelled");
    QWB_ASSIGN_OR_RETURN(Tensor x, gather_batch(data, st.sample_ids, b, std::min(n, b + bs), target));
    auto out = session.run({{input, x}}, ro);
    if (!out) return out.status();
  }
  progress.report(n, n, "calibrated");
  st.samples = n;
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace qwb
