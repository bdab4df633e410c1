// Per-layer sensitivity sweeps and error propagation (qwb/sensitivity.h).
#include "qwb/sensitivity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>

namespace qwb {

const char* sweep_mode_name(SweepMode m) { return m == SweepMode::kOnly ? "only" : "all_but"; }

const char* sweep_part_name(SweepPart p) {
  switch (p) {
    case SweepPart::kWeights: return "weights";
    case SweepPart::kActivations: return "activations";
    default: return "both";
  }
}

Result<SweepMode> parse_sweep_mode(const std::string& s) {
  if (s == "only") return SweepMode::kOnly;
  if (s == "all-but" || s == "all_but") return SweepMode::kAllBut;
  return invalid_argument("unknown sensitivity mode '" + s + "' (known: only, all-but)");
}

Result<SweepPart> parse_sweep_part(const std::string& s) {
  if (s == "weights") return SweepPart::kWeights;
  if (s == "activations") return SweepPart::kActivations;
  if (s == "both") return SweepPart::kBoth;
  return invalid_argument("unknown sensitivity part '" + s + "' (known: weights, activations, both)");
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// What one variant quantizes: replaced initializers and fake-quantized activations.
struct Subset {
  std::shared_ptr<TensorMap> weights = std::make_shared<TensorMap>();
  std::set<std::string> activations;
};

// Fake quantization of `subset` through taps, as Simulation does for a whole quantization.
RunOptions tap_options(const Quantization& q, const Subset& s) {
  RunOptions ro;
  ro.initializers = s.weights;
  ro.tap_inputs = true;
  const Quantization* qp = &q;
  const std::set<std::string>* acts = &s.activations;
  ro.tap = [qp, acts](const TapEvent& e, Tensor& t) {
    if (acts->count(*e.value)) t = fake_quantize_tensor(t, qp->activations.at(*e.value));
  };
  return ro;
}

// Per-variant running sums over batches.
struct Accumulator {
  OutputErrorAccumulator out, local;
  double kl = 0;
  int64_t correct = 0, samples = 0;
  bool has_local = false;
};

std::vector<double> softmax_row(const float* x, int64_t c) {
  std::vector<double> p(static_cast<size_t>(c));
  double mx = -INFINITY, sum = 0;
  for (int64_t j = 0; j < c; ++j) mx = std::max(mx, static_cast<double>(x[j]));
  for (int64_t j = 0; j < c; ++j) sum += p[static_cast<size_t>(j)] = std::exp(x[j] - mx);
  for (auto& v : p) v /= sum;
  return p;
}

int64_t argmax_row(const float* x, int64_t c) { return std::max_element(x, x + c) - x; }

// Model output as [rows, classes] float32.
Result<Tensor> logits_of(const TensorMap& out, const std::string& name, int64_t rows, const std::string& path) {
  auto it = out.find(name);
  if (it == out.end()) return not_found("file '" + path + "': no output named '" + name + "'");
  Tensor t = it->second.dtype() == DType::kFloat32 ? it->second : it->second.cast(DType::kFloat32);
  if (rows == 0 || t.numel() % rows != 0) {
    return invalid_argument("file '" + path + "': output '" + name + "' of shape " + shape_str(t.shape()) +
                            " is not per-sample scores");
  }
  return t.reshaped({rows, t.numel() / rows});
}

void add_logits(Accumulator& a, const Tensor& ref, const Tensor& y, const std::vector<int64_t>& labels) {
  const int64_t rows = ref.dim(0), c = ref.dim(1);
  a.out.add(ref.data<float>(), y.data<float>(), ref.numel());
  for (int64_t r = 0; r < rows; ++r) {
    const float* pr = ref.data<float>() + r * c;
    const float* py = y.data<float>() + r * c;
    const auto p = softmax_row(pr, c), qv = softmax_row(py, c);
    for (int64_t j = 0; j < c; ++j) {
      const double pj = p[static_cast<size_t>(j)];
      if (pj > 0) a.kl += pj * (std::log(pj) - std::log(std::max(qv[static_cast<size_t>(j)], 1e-300)));
    }
    if (!labels.empty() && argmax_row(py, c) == labels[static_cast<size_t>(r)]) ++a.correct;
  }
  a.samples += rows;
}

}  // namespace

Result<SensitivityReport> analyze_sensitivity(const Session& session, const Quantization& q, const Dataset& data,
                                              const SensitivityOptions& o, ProgressSink& progress) {
  const auto t_start = Clock::now();
  const Model& model = session.model();
  const Graph& g = model.graph();
  if (g.inputs.size() != 1) {
    return invalid_argument("file '" + model.path() + "': sensitivity needs a model with one input, it has " +
                            std::to_string(g.inputs.size()));
  }
  if (o.modes.empty() || o.parts.empty()) return invalid_argument("sensitivity needs at least one mode and one part");
  const std::string input = g.inputs[0].name;
  const std::string output = o.output.empty() ? g.outputs[0].name : o.output;
  QWB_ASSIGN_OR_RETURN(Shape target, model_sample_shape(model, data));
  QWB_ASSIGN_OR_RETURN(std::vector<int64_t> ids, resolve_sample_ids(data, o.ids));

  // Layers: the plan's quantized nodes, with what each one quantizes.
  std::map<std::string, int> node_index;
  for (size_t i = 0; i < g.nodes.size(); ++i) node_index[g.nodes[i].name] = static_cast<int>(i);
  struct Layer {
    std::string name;
    int node = 0;
    TensorMap weights;               // fake-quantized initializers (weights and biases)
    std::set<std::string> acts;      // its planned input activations
  };
  std::vector<Layer> layers;
  for (const auto& name : q.plan.quantized_nodes) {
    if (!o.layers.empty() && std::find(o.layers.begin(), o.layers.end(), name) == o.layers.end()) continue;
    auto ni = node_index.find(name);
    if (ni == node_index.end()) continue;
    Layer l{name, ni->second, {}, {}};
    for (const auto& [w, e] : q.plan.weights) {
      if (e.node == name) l.weights[w] = q.weights.at(w).dequantized;
    }
    for (const auto& [b, e] : q.plan.biases) {
      if (e.node == name && q.biases.count(b)) l.weights[b] = q.biases.at(b).dequantized;
    }
    for (const auto& in : g.nodes[static_cast<size_t>(ni->second)].inputs) {
      if (q.activations.count(in)) l.acts.insert(in);
    }
    layers.push_back(std::move(l));
  }
  for (const auto& want : o.layers) {
    if (std::none_of(layers.begin(), layers.end(), [&](const Layer& l) { return l.name == want; })) {
      return invalid_argument("file '" + model.path() + "': '" + want + "' is not a quantized layer of this plan");
    }
  }

  struct Variant {
    SweepMode mode;
    SweepPart part;
    std::string key;
  };
  std::vector<Variant> variants;
  for (SweepMode m : o.modes) {
    for (SweepPart p : o.parts) variants.push_back({m, p, std::string(sweep_mode_name(m)) + "." + sweep_part_name(p)});
  }
  auto subset_of = [&](const Layer& l, const Variant& v) {
    Subset s;
    const bool w = v.part != SweepPart::kActivations, a = v.part != SweepPart::kWeights;
    if (v.mode == SweepMode::kOnly) {
      if (w) s.weights->insert(l.weights.begin(), l.weights.end());
      if (a) s.activations = l.acts;
      return s;
    }
    // All but l: every other layer's weights and inputs (an input l shares with another layer
    // stays quantized for that one).
    for (const Layer& other : layers) {
      if (other.name == l.name) continue;
      if (w) s.weights->insert(other.weights.begin(), other.weights.end());
      if (a) s.activations.insert(other.acts.begin(), other.acts.end());
    }
    for (const auto& name : q.plan.quantized_nodes) {
      // Layers outside o.layers are quantized in the "all but" runs as well.
      if (std::any_of(layers.begin(), layers.end(), [&](const Layer& x) { return x.name == name; })) continue;
      auto ni = node_index.find(name);
      if (ni == node_index.end()) continue;
      for (const auto& [wn, e] : q.plan.weights) {
        if (w && e.node == name) (*s.weights)[wn] = q.weights.at(wn).dequantized;
      }
      for (const auto& in : g.nodes[static_cast<size_t>(ni->second)].inputs) {
        if (a && q.activations.count(in)) s.activations.insert(in);
      }
    }
    return s;
  };

  // Values produced by nodes (fetched by the FP32 pass) and, per layer, the nodes whose values
  // its changes can alter: the consumers of a changed tensor and everything after them.
  std::vector<std::string> produced;
  for (const auto& n : g.nodes) {
    for (const auto& out : n.outputs) {
      if (!out.empty()) produced.push_back(out);
    }
  }
  auto dirty_values = [&](const std::set<std::string>& changed) {
    std::set<std::string> dirty(changed.begin(), changed.end()), values;
    for (const auto& n : g.nodes) {
      if (std::none_of(n.inputs.begin(), n.inputs.end(), [&](const std::string& i) { return dirty.count(i) > 0; })) continue;
      for (const auto& out : n.outputs) {
        if (!out.empty()) dirty.insert(out), values.insert(out);
      }
    }
    return values;
  };

  SensitivityReport r;
  r.has_labels = data.has_labels();
  r.planned_samples = static_cast<int64_t>(ids.size());
  for (const auto& v : variants) r.variants.push_back(v.key);
  std::vector<std::vector<Accumulator>> acc(layers.size(), std::vector<Accumulator>(variants.size()));
  Accumulator fp32_acc, all_acc;
  std::map<int64_t, int64_t> fp32_correct_at;  // samples so far -> FP32 correct among them
  std::map<std::string, OutputErrorAccumulator> prop;
  const bool want_all = o.propagation || r.has_labels;
  Subset everything;
  for (const auto& [w, t] : q.weights) (*everything.weights)[w] = t.dequantized;
  for (const auto& [b, t] : q.biases) (*everything.weights)[b] = t.dequantized;
  for (const auto& [a, t] : q.activations) everything.activations.insert(a);

  const int64_t n = static_cast<int64_t>(ids.size()), bs = std::max<int64_t>(1, o.batch);
  const int64_t batches = (n + bs - 1) / bs;
  const int64_t per_batch = 1 + static_cast<int64_t>(layers.size() * variants.size()) + (want_all ? 1 : 0);
  int64_t step = 0;
  auto tick = [&](const std::string& what) { return progress.report(step++, batches * per_batch, what); };

  for (int64_t b0 = 0; b0 < n && !r.cancelled; b0 += bs) {
    const int64_t b1 = std::min(n, b0 + bs);
    std::vector<int64_t> labels;
    if (r.has_labels) {
      for (int64_t i = b0; i < b1; ++i) labels.push_back(data.labels()[static_cast<size_t>(ids[static_cast<size_t>(i)])]);
    }
    if (!tick("FP32 pass")) {
      r.cancelled = true;
      break;
    }
    QWB_ASSIGN_OR_RETURN(Tensor x, gather_batch(data, ids, b0, b1, target));
    const TensorMap inputs{{input, x}};
    const auto t_fp32 = Clock::now();
    // Every value when the propagation needs them all; else what the fused program materialises
    // (values inside a fused step are recomputed from its inputs when needed).
    RunOptions all_values;
    if (o.propagation) {
      all_values.fetch = produced;
    } else {
      all_values.fetch_all = true;
    }
    QWB_ASSIGN_OR_RETURN(TensorMap fp32_map, session.run(inputs, all_values));
    const double fp32_seconds = since(t_fp32);
    auto fp32 = std::make_shared<const TensorMap>(std::move(fp32_map));
    QWB_ASSIGN_OR_RETURN(Tensor ref, logits_of(*fp32, output, b1 - b0, model.path()));
    add_logits(fp32_acc, ref, ref, labels);
    fp32_correct_at[fp32_acc.samples] = fp32_acc.correct;

    const bool time_it = o.time_baseline;
    double reuse_seconds = fp32_seconds;
    for (size_t li = 0; li < layers.size() && !r.cancelled; ++li) {
      const Layer& l = layers[li];
      const Node& node = g.nodes[static_cast<size_t>(l.node)];
      const std::string& own = node.outputs.empty() ? std::string() : node.outputs[0];
      std::optional<Tensor> fp32_own;  // the layer's FP32 output, computed once for its variants
      for (size_t vi = 0; vi < variants.size(); ++vi) {
        const Variant& v = variants[vi];
        if (!tick(l.name + " " + v.key)) {
          r.cancelled = true;
          break;
        }
        Accumulator& a = acc[li][vi];
        Subset s = subset_of(l, v);
        if (v.mode == SweepMode::kAllBut) {
          RunOptions ro = tap_options(q, s);
          QWB_ASSIGN_OR_RETURN(TensorMap out, session.run(inputs, ro));
          QWB_ASSIGN_OR_RETURN(Tensor y, logits_of(out, output, b1 - b0, model.path()));
          add_logits(a, ref, y, labels);
          continue;
        }
        // Only l: everything l's changes cannot reach comes from the FP32 pass; its replaced
        // input activations are fake-quantized there (or in the graph input).
        std::set<std::string> changed(s.activations);
        for (const auto& [w, t] : *s.weights) changed.insert(w);
        const std::set<std::string> dirty = dirty_values(changed);
        auto replaced = std::make_shared<TensorMap>();
        TensorMap in = inputs;
        for (const auto& act : s.activations) {
          const QuantizedTensor& qt = q.activations.at(act);
          if (act == input) {
            in[input] = fake_quantize_tensor(x, qt);
          } else if (fp32->count(act)) {
            (*replaced)[act] = fake_quantize_tensor(fp32->at(act), qt);
          }
        }
        auto known = std::make_shared<TensorMap>(*replaced);
        for (const auto& [name, t] : *fp32) {
          if (!dirty.count(name)) known->emplace(name, t);
        }
        RunOptions ro;
        ro.initializers = s.weights;
        ro.known = known;
        const auto t_reuse = Clock::now();
        QWB_ASSIGN_OR_RETURN(TensorMap out, session.run(in, ro));
        if (time_it) reuse_seconds += since(t_reuse);
        QWB_ASSIGN_OR_RETURN(Tensor y, logits_of(out, output, b1 - b0, model.path()));
        add_logits(a, ref, y, labels);
        if (time_it) {
          // The plain way: the same run with nothing reused but the replaced activations.
          RunOptions po = ro;
          po.known = replaced;
          const auto t_plain = Clock::now();
          QWB_ASSIGN_OR_RETURN(TensorMap pout, session.run(in, po));
          r.baseline_seconds += since(t_plain);
          // And as a Simulation of this layer alone would: fake quantization through taps.
          const auto t_sim = Clock::now();
          QWB_ASSIGN_OR_RETURN(TensorMap sout, session.run(inputs, tap_options(q, s)));
          r.simulation_seconds += since(t_sim);
          (void)sout;
          QWB_ASSIGN_OR_RETURN(Tensor py, logits_of(pout, output, b1 - b0, model.path()));
          for (int64_t i = 0; i < py.numel(); ++i) {
            r.baseline_max_abs_diff = std::max(r.baseline_max_abs_diff,
                                               static_cast<double>(std::abs(py.data<float>()[i] - y.data<float>()[i])));
          }
        }
        // The layer's own output, from runs of just the layer (and anything inside a fused step
        // it needs); FP32 and quantized use the same inputs otherwise.
        if (!own.empty()) {
          auto own_output = [&](const TensorMap* weights_and_acts, const TensorMap& run_in) -> Result<Tensor> {
            if (!weights_and_acts && fp32->count(own)) return fp32->at(own);
            auto local_known = std::make_shared<TensorMap>(*fp32);
            for (const auto& out_name : node.outputs) local_known->erase(out_name);
            RunOptions lo;
            if (weights_and_acts) {
              for (const auto& [act, t] : *replaced) (*local_known)[act] = t;
              lo.initializers = s.weights;
            }
            lo.known = local_known;
            lo.fetch = {own};
            lo.fetch_only = true;
            QWB_ASSIGN_OR_RETURN(TensorMap lout, session.run(run_in, lo));
            return lout.at(own);
          };
          if (!fp32_own) {
            QWB_ASSIGN_OR_RETURN(Tensor t, own_output(nullptr, inputs));
            fp32_own = std::move(t);
          }
          const Tensor& base = *fp32_own;
          QWB_ASSIGN_OR_RETURN(Tensor mine, own_output(replaced.get(), in));
          if (base.dtype() == DType::kFloat32 && mine.dtype() == DType::kFloat32 && mine.numel() == base.numel()) {
            a.local.add(base.data<float>(), mine.data<float>(), base.numel());
            a.has_local = true;
          }
        }
      }
    }
    if (time_it) {
      const auto t_plain = Clock::now();
      QWB_ASSIGN_OR_RETURN(TensorMap pout, session.run(inputs));
      (void)pout;
      r.baseline_seconds += since(t_plain);
      r.simulation_seconds += since(t_plain);
      r.reuse_seconds += reuse_seconds;
    }
    if (r.cancelled) break;

    if (want_all) {
      if (!tick("all layers quantized")) {
        r.cancelled = true;
        break;
      }
      RunOptions ro = tap_options(q, everything);
      if (o.propagation) ro.fetch = produced;
      QWB_ASSIGN_OR_RETURN(TensorMap out, session.run(inputs, ro));
      QWB_ASSIGN_OR_RETURN(Tensor y, logits_of(out, output, b1 - b0, model.path()));
      add_logits(all_acc, ref, y, labels);
      if (o.propagation) {
        for (const auto& name : produced) {
          const Tensor& base = fp32->at(name);
          const Tensor& mine = out.at(name);
          if (base.dtype() != DType::kFloat32 || mine.dtype() != DType::kFloat32 || base.numel() != mine.numel()) continue;
          prop[name].add(base.data<float>(), mine.data<float>(), base.numel());
        }
      }
    }
    r.samples = b1;
  }
  progress.report(batches * per_batch, batches * per_batch, r.cancelled ? "cancelled" : "done");

  auto top1 = [&](const Accumulator& a) {
    return a.samples ? static_cast<double>(a.correct) / static_cast<double>(a.samples) : std::nan("");
  };
  if (r.has_labels && fp32_acc.samples) {
    r.fp32_top1 = top1(fp32_acc);
    if (all_acc.samples) r.all_top1 = top1(all_acc);
  }
  std::map<std::string, double> local_of_layer;
  for (size_t li = 0; li < layers.size(); ++li) {
    LayerSensitivity ls;
    ls.layer = layers[li].name;
    ls.op = g.nodes[static_cast<size_t>(layers[li].node)].op_type;
    ls.index = static_cast<int>(li);
    ls.complete = true;
    bool ranked = false;
    for (size_t vi = 0; vi < variants.size(); ++vi) {
      const Accumulator& a = acc[li][vi];
      if (a.samples < r.planned_samples) ls.complete = false;
      if (!a.samples) continue;
      LayerMetrics m;
      m.samples = a.samples;
      const OutputError e = a.out.result();
      m.output_sqnr_db = e.sqnr_db;
      m.output_cosine = e.cosine;
      m.logits_kl = a.kl / static_cast<double>(a.samples);
      m.local_sqnr_db = a.has_local ? a.local.result().sqnr_db : std::nan("");
      if (r.has_labels) {
        // Against FP32 on the same samples (a cancelled batch may have reached some variants only).
        const int64_t base = fp32_correct_at.at(a.samples);
        m.delta_top1_pts = 100.0 * static_cast<double>(a.correct - base) / static_cast<double>(a.samples);
      }
      ls.metrics[variants[vi].key] = m;
      if (variants[vi].key == "only.both") local_of_layer[ls.layer] = m.local_sqnr_db;
    }
    // Harm: output NMSE of only.both when computed, else of the first variant.
    for (const std::string& key : {std::string("only.both"), variants.front().key}) {
      auto it = ls.metrics.find(key);
      if (ranked || it == ls.metrics.end()) continue;
      ls.harm = std::isinf(it->second.output_sqnr_db) ? 0.0 : std::pow(10.0, -it->second.output_sqnr_db / 10.0);
      ranked = true;
    }
    r.layers.push_back(std::move(ls));
  }
  std::stable_sort(r.layers.begin(), r.layers.end(),
                   [](const LayerSensitivity& a, const LayerSensitivity& b) { return a.harm > b.harm; });
  if (o.propagation) {
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& nd = g.nodes[i];
      for (const auto& out : nd.outputs) {
        auto it = prop.find(out);
        if (it == prop.end()) continue;
        TensorError te{out, nd.name, static_cast<int>(i), it->second.result().sqnr_db, std::nan("")};
        if (!nd.outputs.empty() && out == nd.outputs[0]) {
          if (auto lo = local_of_layer.find(nd.name); lo != local_of_layer.end()) te.local_sqnr_db = lo->second;
        }
        r.propagation.push_back(te);
      }
    }
  }
  r.seconds = since(t_start);
  return r;
}

}  // namespace qwb

namespace qwb {

Result<std::vector<LayerError>> layer_errors(const Session& session, std::shared_ptr<const Quantization> q,
                                             const Dataset& data, const std::vector<int64_t>& ids, int64_t batch,
                                             ProgressSink& progress) {
  const Model& model = session.model();
  const Graph& g = model.graph();
  std::map<std::string, size_t> node_index;
  for (size_t i = 0; i < g.nodes.size(); ++i) node_index[g.nodes[i].name] = i;
  std::vector<LayerError> rows;
  std::vector<std::string> fetch;
  for (const std::string& name : q->plan.quantized_nodes) {
    auto it = node_index.find(name);
    if (it == node_index.end() || g.nodes[it->second].outputs.empty()) continue;
    const Node& n = g.nodes[it->second];
    rows.push_back({n.name, n.op_type, n.outputs[0], {}});
    fetch.push_back(n.outputs[0]);
  }
  if (rows.empty() || ids.empty()) return rows;
  QWB_ASSIGN_OR_RETURN(Shape target, model_sample_shape(model, data));
  const std::string& input = g.inputs.at(0).name;
  Simulation sim(std::move(q));
  RunOptions plain;
  plain.fetch = fetch;
  const RunOptions simulated = sim.run_options(plain);
  std::vector<OutputErrorAccumulator> acc(rows.size());
  const int64_t n = static_cast<int64_t>(ids.size()), bs = std::max<int64_t>(1, batch);
  for (int64_t b0 = 0; b0 < n; b0 += bs) {
    if (!progress.report(b0, n, "layer outputs against FP32")) return cancelled("per-layer error cancelled");
    const int64_t b1 = std::min(n, b0 + bs);
    QWB_ASSIGN_OR_RETURN(Tensor x, gather_batch(data, ids, b0, b1, target));
    QWB_ASSIGN_OR_RETURN(TensorMap ref, session.run({{input, x}}, plain));
    QWB_ASSIGN_OR_RETURN(TensorMap cand, session.run({{input, x}}, simulated));
    for (size_t i = 0; i < rows.size(); ++i) {
      auto r = ref.find(rows[i].tensor);
      auto c = cand.find(rows[i].tensor);
      if (r == ref.end() || c == cand.end() || r->second.numel() != c->second.numel() ||
          r->second.dtype() != DType::kFloat32 || c->second.dtype() != DType::kFloat32) {
        continue;
      }
      acc[i].add(r->second.data<float>(), c->second.data<float>(), r->second.numel());
    }
  }
  progress.report(n, n, "layer outputs against FP32");
  for (size_t i = 0; i < rows.size(); ++i) rows[i].error = acc[i].result();
  return rows;
}

}  // namespace qwb
