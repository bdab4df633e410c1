// Session: kernel selection once per model, execution per call.
#include <omp.h>
#include <xmmintrin.h>

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <unordered_map>

#include "exec/dnnl/fast.h"
#include "exec/kernel.h"
#include "qwb/executor.h"

namespace qwb {

// The order in which a session runs its work: reference nodes and fast steps.
struct Program {
  fast::Plan plan;
  struct Item {
    int node = -1;  // >= 0: this node on its reference kernel
    int step = -1;  // >= 0: this fast step of the plan
    std::vector<int> in, out;  // value ids (-1: missing optional)
    int done = 0;              // nodes finished once this item ran (progress)
    std::string kind;          // for RunOptions::profile
  };
  std::vector<Item> items;
  std::vector<int> consumer_count;  // reads of each value by items
  std::unique_ptr<std::atomic<bool>[]> fell_back;  // per step: last run used the reference kernels
  bool folded = false;  // skips the session's folded nodes and reads their values
};

struct Session::Impl {
  std::shared_ptr<const Model> model;
  int threads = 1;
  Backend backend = Backend::kFast;
  std::vector<std::unique_ptr<Kernel>> kernels;  // one per node, graph order
  std::unordered_map<std::string, int> value_id;
  std::vector<std::string> value_name;
  std::vector<std::vector<int>> node_inputs;   // value ids, -1 for missing optional
  std::vector<std::vector<int>> node_outputs;  // value ids, -1 for unused optional
  std::vector<bool> keep;                      // graph outputs and initializers are never freed
  // fused: for plain runs; observable: no cross-node fusion, used when a tap or fetch must see
  // every value. Both are all-reference for Backend::kReference.
  Program fused, observable;
  // Constant folding (fast backend, fused program): values computed once at creation from
  // initializers alone (exporters slice weights, build shapes from Constant nodes, ...).
  std::map<std::string, Tensor> folded;
  std::vector<bool> folded_node;
  // Initializers that only Conv/ConvTranspose/Gemm/MatMul/Add nodes read, and no folded node:
  // the fused program reads them at run time, so replacing them needs no unfused program.
  std::set<std::string> runtime_weights;

  void fold_constants();

  int id_of(const std::string& name) {
    auto [it, inserted] = value_id.emplace(name, static_cast<int>(value_name.size()));
    if (inserted) value_name.push_back(name);
    return it->second;
  }

  Program build_program(bool fuse) {
    Program p;
    const Graph& g = model->graph();
    const bool fold = fuse && backend == Backend::kFast;
    p.plan = backend == Backend::kFast ? fast::plan_model(*model, fuse, fold ? &folded : nullptr,
                                                          fold ? &folded_node : nullptr)
                                       : fast::Plan{};
    if (p.plan.step_of_node.empty()) p.plan.step_of_node.assign(g.nodes.size(), -1);
    auto ids = [&](const std::vector<std::string>& names) {
      std::vector<int> v;
      for (const auto& n : names) v.push_back(n.empty() ? -1 : value_id.at(n));
      return v;
    };
    p.folded = fold;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (fold && folded_node[i]) continue;
      const int s = p.plan.step_of_node[i];
      Program::Item it;
      if (s < 0) {
        it.node = static_cast<int>(i);
        it.in = node_inputs[i];
        it.out = node_outputs[i];
      } else if (static_cast<int>(i) == p.plan.steps[static_cast<size_t>(s)].nodes.back()) {
        it.step = s;
        it.in = ids(p.plan.steps[static_cast<size_t>(s)].inputs);
        it.out = ids(p.plan.steps[static_cast<size_t>(s)].outputs);
      } else {
        continue;
      }
      it.done = static_cast<int>(i) + 1;
      if (it.node >= 0) {
        it.kind = "reference " + g.nodes[i].op_type;
      } else {
        it.kind = "fast ";
        for (size_t k = 0; k < p.plan.steps[static_cast<size_t>(s)].nodes.size(); ++k) {
          it.kind += (k ? "+" : "") + g.nodes[static_cast<size_t>(p.plan.steps[static_cast<size_t>(s)].nodes[k])].op_type;
        }
      }
      p.items.push_back(std::move(it));
    }
    p.consumer_count.assign(value_name.size(), 0);
    for (const auto& it : p.items) {
      for (int v : it.in) if (v >= 0) ++p.consumer_count[static_cast<size_t>(v)];
    }
    p.fell_back = std::make_unique<std::atomic<bool>[]>(p.plan.steps.size());
    return p;
  }

  // Runs node `ni` on its reference kernel.
  Status run_node(int ni, const std::vector<const Tensor*>& inputs, std::vector<Tensor>& outputs) const;
};

void Session::Impl::fold_constants() {
  const Graph& g = model->graph();
  omp_set_num_threads(threads);
  Eigen::setNbThreads(threads);
  size_t bytes = 0;
  constexpr size_t kMaxFoldedBytes = size_t{256} << 20;  // a ConstantOfShape could be huge
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    // Q/DQ stay: they are the INT8 patterns the fast plan matches (only a DequantizeLinear of an
    // int32 bias folds: a float bias serves the INT8 primitives as well). Random ops are not
    // constant.
    const bool q_or_dq = n.op_type == "QuantizeLinear" || n.op_type == "DequantizeLinear";
    const bool int32_bias = n.op_type == "DequantizeLinear" && !n.inputs.empty() &&
                            g.initializers.count(n.inputs[0]) && g.initializers.at(n.inputs[0]).dtype() == DType::kInt32;
    if (!n.domain.empty() || (q_or_dq && !int32_bias) || n.op_type.rfind("Random", 0) == 0 ||
        n.op_type == "Bernoulli" || n.op_type == "Multinomial") {
      continue;
    }
    std::vector<const Tensor*> ins(n.inputs.size(), nullptr);
    bool constant = true;
    for (size_t k = 0; k < n.inputs.size() && constant; ++k) {
      if (n.inputs[k].empty()) continue;
      if (auto it = g.initializers.find(n.inputs[k]); it != g.initializers.end()) {
        ins[k] = &it->second;
      } else if (auto f = folded.find(n.inputs[k]); f != folded.end()) {
        ins[k] = &f->second;
      } else {
        constant = false;
      }
    }
    if (!constant) continue;
    std::vector<Tensor> outs;
    if (!run_node(static_cast<int>(i), ins, outs)) continue;  // the error shows when the node runs
    size_t add = 0;
    for (const auto& t : outs) add += t.defined() ? t.nbytes() : 0;
    if (bytes + add > kMaxFoldedBytes) continue;
    bytes += add;
    for (size_t o = 0; o < outs.size(); ++o) {
      if (!n.outputs[o].empty()) folded[n.outputs[o]] = std::move(outs[o]);
    }
    folded_node[i] = true;
  }
}

const char* backend_name(Backend b) { return b == Backend::kFast ? "fast" : "reference"; }

std::optional<Backend> parse_backend(std::string_view name) {
  if (name == "fast") return Backend::kFast;
  if (name == "reference") return Backend::kReference;
  return std::nullopt;
}

std::vector<std::string> fast_ops() {
  auto v = fast::planned_op_types();
  std::sort(v.begin(), v.end());
  return v;
}

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const Model& Session::model() const { return *impl_->model; }
int Session::threads() const { return impl_->threads; }
Backend Session::backend() const { return impl_->backend; }

BackendStats Session::backend_stats() const {
  BackendStats st;
  const Program& p = impl_->fused;
  const Graph& g = impl_->model->graph();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const int s = p.plan.step_of_node[i];
    const bool fast = s >= 0 && !p.fell_back[static_cast<size_t>(s)].load();
    if (p.folded && impl_->folded_node[i]) {
      st.folded[g.nodes[i].op_type]++;
    } else {
      (fast ? st.fast : st.reference)[g.nodes[i].op_type]++;
    }
  }
  return st;
}

Result<Session> Session::create(std::shared_ptr<const Model> model, const SessionOptions& options) {
  Session s;
  Impl& im = *s.impl_;
  im.model = model;
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  im.threads = options.threads > 0 ? options.threads : std::max(1, hw);
  im.backend = options.backend;
  const Graph& g = model->graph();
  const std::string file_ctx = "file '" + model->path() + "'";

  std::vector<std::string> missing;
  for (const auto& n : g.nodes) {
    const KernelEntry* e = KernelRegistry::global().find(n.op_type, n.domain, n.opset);
    if (!e) {
      missing.push_back(n.describe() + " is not supported");
      im.kernels.push_back(nullptr);
      continue;
    }
    auto k = e->factory(n);
    if (!k) return k.status().with_context(file_ctx);
    im.kernels.push_back(std::move(*k));
  }
  if (!missing.empty()) {
    std::string msg = file_ctx + ": " + missing.front();
    if (missing.size() > 1) msg += " (and " + std::to_string(missing.size() - 1) + " more unsupported node(s))";
    return unsupported(msg);
  }

  for (const auto& [name, t] : g.initializers) im.id_of(name);
  for (const auto& in : g.inputs) im.id_of(in.name);
  for (const auto& n : g.nodes) {
    std::vector<int> ins, outs;
    for (const auto& i : n.inputs) ins.push_back(i.empty() ? -1 : im.id_of(i));
    for (const auto& o : n.outputs) outs.push_back(o.empty() ? -1 : im.id_of(o));
    im.node_inputs.push_back(std::move(ins));
    im.node_outputs.push_back(std::move(outs));
  }
  for (const auto& o : g.outputs) im.id_of(o.name);
  im.keep.assign(im.value_name.size(), false);
  for (const auto& o : g.outputs) im.keep[static_cast<size_t>(im.value_id[o.name])] = true;
  for (const auto& [name, t] : g.initializers) im.keep[static_cast<size_t>(im.value_id[name])] = true;
  im.folded_node.assign(g.nodes.size(), false);
  if (im.backend == Backend::kFast) im.fold_constants();
  im.fused = im.build_program(true);
  im.observable = im.build_program(false);
  if (im.backend == Backend::kFast) {
    static const std::set<std::string> kRuntimeReaders{"Conv", "ConvTranspose", "Gemm", "MatMul", "Add"};
    std::set<std::string> captured;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = g.nodes[i];
      const bool reads_at_run = n.domain.empty() && kRuntimeReaders.count(n.op_type) && !im.folded_node[i];
      for (const auto& in : n.inputs) {
        if (!g.initializers.count(in)) continue;
        (reads_at_run ? im.runtime_weights : captured).insert(in);
      }
    }
    for (const auto& c : captured) im.runtime_weights.erase(c);
  }
  return s;
}

namespace {

Status check_input(const ValueInfo& vi, const Tensor& t, const std::string& file_ctx) {
  const std::string ctx = file_ctx + ": input '" + vi.name + "'";
  if (vi.dtype != DType::kUndefined && t.dtype() != vi.dtype) {
    return invalid_argument(ctx + " expects " + dtype_name(vi.dtype) + " but got " + dtype_name(t.dtype()));
  }
  if (!vi.has_shape) return Status::ok();
  if (static_cast<size_t>(t.rank()) != vi.dims.size()) {
    return invalid_argument(ctx + " expects shape " + vi.shape_str() + " (rank " + std::to_string(vi.dims.size()) +
                            ") but got " + shape_str(t.shape()));
  }
  for (size_t i = 0; i < vi.dims.size(); ++i) {
    if (vi.dims[i].known() && vi.dims[i].value != t.shape()[i]) {
      return invalid_argument(ctx + " expects shape " + vi.shape_str() + " but got " + shape_str(t.shape()) +
                              " (dimension " + std::to_string(i) + ")");
    }
  }
  return Status::ok();
}

}  // namespace

namespace {

// Sets flush-to-zero and denormals-are-zero on the calling thread and the OpenMP workers for
// its lifetime (MXCSR is per thread).
class DenormalsAreZero {
 public:
  explicit DenormalsAreZero(int threads) : threads_(threads) {
    saved_ = _mm_getcsr();
#pragma omp parallel num_threads(threads_)
    _mm_setcsr(_mm_getcsr() | kFtzDaz);
  }
  ~DenormalsAreZero() {
    const unsigned int saved = saved_;
#pragma omp parallel num_threads(threads_)
    _mm_setcsr((_mm_getcsr() & ~kFtzDaz) | (saved & kFtzDaz));
  }
  DenormalsAreZero(const DenormalsAreZero&) = delete;
  DenormalsAreZero& operator=(const DenormalsAreZero&) = delete;

 private:
  static constexpr unsigned int kFtzDaz = 0x8040;  // FTZ (bit 15) | DAZ (bit 6)
  int threads_;
  unsigned int saved_ = 0;
};

}  // namespace

Status Session::Impl::run_node(int ni, const std::vector<const Tensor*>& inputs, std::vector<Tensor>& outputs) const {
  const Node& node = model->graph().nodes[static_cast<size_t>(ni)];
  KernelContext ctx;
  ctx.threads = threads;
  ctx.node = &node;
  ctx.inputs = inputs;
  ctx.outputs.assign(node.outputs.size(), Tensor());
  Status st;
  try {
    st = kernels[static_cast<size_t>(ni)]->compute(ctx);
  } catch (const std::bad_alloc&) {
    st = internal_error(node.describe() + ": out of memory");
  } catch (const std::exception& e) {
    st = internal_error(node.describe() + ": " + e.what());
  }
  if (!st) return Status(st.code(), "file '" + model->path() + "': " + st.message());  // kernels name the node
  for (size_t o = 0; o < node.outputs.size(); ++o) {
    if (!node.outputs[o].empty() && !ctx.outputs[o].defined()) {
      return internal_error("file '" + model->path() + "': " + node.describe() + " produced no value for output '" +
                            node.outputs[o] + "'");
    }
  }
  outputs = std::move(ctx.outputs);
  return Status::ok();
}

Result<TensorMap> Session::run(const TensorMap& inputs, const RunOptions& options) const {
  const Impl& im = *impl_;
  const Graph& g = im.model->graph();
  const std::string file_ctx = "file '" + im.model->path() + "'";

  for (const auto& [name, t] : inputs) {
    bool known = std::any_of(g.inputs.begin(), g.inputs.end(), [&](const ValueInfo& v) { return v.name == name; });
    if (!known) {
      std::string names;
      for (const auto& v : g.inputs) names += (names.empty() ? "" : ", ") + v.name;
      return invalid_argument(file_ctx + ": the model has no input named '" + name + "' (inputs: " + names + ")");
    }
  }
  // A tap or fetch must see every value: run without cross-node fusion then. Replaced
  // initializers keep the fused program only when its kernels read them at run time.
  const bool fusable_overrides =
      !options.initializers || std::all_of(options.initializers->begin(), options.initializers->end(),
                                           [&](const auto& kv) { return im.runtime_weights.count(kv.first) > 0; });
  const Program& prog = options.tap || !options.fetch.empty() || !fusable_overrides ? im.observable : im.fused;
  std::vector<fast::Value> values(im.value_name.size());
  std::vector<int> remaining = prog.consumer_count;
  std::vector<bool> keep = im.keep;
  for (const auto& f : options.fetch) {
    auto it = im.value_id.find(f);
    if (it == im.value_id.end()) return not_found(file_ctx + ": no value named '" + f + "' to fetch");
    keep[static_cast<size_t>(it->second)] = true;
  }
  if (options.fetch_all) keep.assign(keep.size(), true);
  // fetch_only: the steps the fetched values need, walking back from them until known values.
  std::vector<bool> needed;
  if (options.fetch_only) {
    std::vector<bool> want(im.value_name.size(), false);
    for (const auto& f : options.fetch) want[static_cast<size_t>(im.value_id.at(f))] = true;
    needed.assign(prog.items.size(), false);
    for (size_t k = prog.items.size(); k-- > 0;) {
      const Program::Item& item = prog.items[k];
      bool all_known = options.known != nullptr, wanted = false;
      for (int v : item.out) {
        if (v < 0) continue;
        wanted = wanted || want[static_cast<size_t>(v)];
        all_known = all_known && options.known->count(im.value_name[static_cast<size_t>(v)]);
      }
      if (!wanted || all_known) continue;
      needed[k] = true;
      for (int v : item.in) {
        if (v >= 0) want[static_cast<size_t>(v)] = true;
      }
    }
  }
  for (const auto& [name, t] : g.initializers) values[static_cast<size_t>(im.value_id.at(name))] = fast::Value::of(t);
  if (prog.folded) {
    for (const auto& [name, t] : im.folded) {
      values[static_cast<size_t>(im.value_id.at(name))] = fast::Value::of(t);
      keep[static_cast<size_t>(im.value_id.at(name))] = true;
    }
  }
  if (options.initializers) {
    for (const auto& [name, t] : *options.initializers) {
      auto it = g.initializers.find(name);
      if (it == g.initializers.end()) return not_found(file_ctx + ": no initializer named '" + name + "' to replace");
      if (it->second.dtype() != t.dtype() || it->second.shape() != t.shape()) {
        return invalid_argument(file_ctx + ": replacement for initializer '" + name + "' is " + dtype_name(t.dtype()) +
                                " " + shape_str(t.shape()) + ", expected " + dtype_name(it->second.dtype()) + " " +
                                shape_str(it->second.shape()));
      }
      values[static_cast<size_t>(im.value_id.at(name))] = fast::Value::of(t);
    }
  }
  for (const auto& vi : g.inputs) {
    auto it = inputs.find(vi.name);
    if (it == inputs.end()) {
      return invalid_argument(file_ctx + ": input '" + vi.name + "' (" + dtype_name(vi.dtype) + " " +
                              vi.shape_str() + ") was not given");
    }
    QWB_RETURN_IF_ERROR(check_input(vi, it->second, file_ctx));
    Tensor t = it->second;
    if (options.tap && options.tap_inputs) {
      TapEvent ev{nullptr, 0, &vi.name};
      options.tap(ev, t);
    }
    values[static_cast<size_t>(im.value_id.at(vi.name))] = fast::Value::of(std::move(t));
  }

  // Kernels use OpenMP (oneDNN too) and Eigen; all take the session's thread count for this run.
  omp_set_num_threads(im.threads);
  Eigen::setNbThreads(im.threads);
  dnnl::stream stream(fast::cpu_engine());
  fast::RunCtx fctx{stream};
  // Denormal inputs slow x86 float math (a random-weight MobileNet v2's classifier took 19 ms
  // instead of 0.6 ms at batch 16). The fast backend flushes them to zero, as inference engines
  // do; only values below 1.2e-38 change. The reference backend keeps exact IEEE semantics.
  std::optional<DenormalsAreZero> daz;
  if (im.backend == Backend::kFast) daz.emplace(im.threads);

  auto plain_inputs = [&](const std::vector<std::string>& names, const std::map<std::string, Tensor>* local,
                          const Node& node) -> Result<std::vector<const Tensor*>> {
    std::vector<const Tensor*> v(names.size(), nullptr);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) continue;
      if (local) {
        auto it = local->find(names[i]);
        if (it != local->end()) {
          v[i] = &it->second;
          continue;
        }
      }
      fast::Value& val = values[static_cast<size_t>(im.value_id.at(names[i]))];
      if (!val.defined()) {
        return internal_error(file_ctx + ": " + node.describe() + ": input '" + names[i] + "' has no value");
      }
      v[i] = &fast::to_plain(val, stream);
    }
    return v;
  };

  const int total = static_cast<int>(g.nodes.size());
  auto take_known = [&](const Program::Item& item) {
    if (!options.known) return false;
    for (int v : item.out) {
      if (v >= 0 && !options.known->count(im.value_name[static_cast<size_t>(v)])) return false;
    }
    for (int v : item.out) {
      if (v < 0) continue;
      values[static_cast<size_t>(v)] = fast::Value::of(options.known->at(im.value_name[static_cast<size_t>(v)]));
      keep[static_cast<size_t>(v)] = true;  // shared with the caller: never reused in place
    }
    return true;
  };
  for (size_t k = 0; k < prog.items.size(); ++k) {
    const Program::Item& item = prog.items[k];
    if (take_known(item)) {
      for (int v : item.in) {
        if (v >= 0 && --remaining[static_cast<size_t>(v)] == 0 && !keep[static_cast<size_t>(v)]) {
          values[static_cast<size_t>(v)] = fast::Value();
        }
      }
      continue;
    }
    if (!needed.empty() && !needed[k]) continue;
    const auto t0 = options.profile ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    std::vector<fast::Value> produced(item.out.size());
    if (item.node >= 0) {
      const Node& node = g.nodes[static_cast<size_t>(item.node)];
      QWB_ASSIGN_OR_RETURN(auto ins, plain_inputs(node.inputs, nullptr, node));
      std::vector<Tensor> outs;
      QWB_RETURN_IF_ERROR(im.run_node(item.node, ins, outs));
      for (size_t o = 0; o < outs.size(); ++o) produced[o] = fast::Value::of(std::move(outs[o]));
    } else {
      const fast::Step& step = prog.plan.steps[static_cast<size_t>(item.step)];
      std::vector<fast::Value*> ins(item.in.size(), nullptr);
      fctx.last_use.assign(item.in.size(), false);
      for (size_t i = 0; i < item.in.size(); ++i) {
        const int v = item.in[i];
        if (v < 0) continue;
        ins[i] = &values[static_cast<size_t>(v)];
        const auto reads = std::count(item.in.begin(), item.in.end(), v);
        fctx.last_use[i] = reads == 1 && remaining[static_cast<size_t>(v)] == 1 && !keep[static_cast<size_t>(v)] && !options.tap;
      }
      bool handled = false;
      try {
        auto r = step.op->run(fctx, ins, produced);
        handled = r.has_value() && *r;
      } catch (const dnnl::error&) {
        handled = false;  // a primitive oneDNN could not run: the reference kernels take over
      }
      prog.fell_back[static_cast<size_t>(item.step)].store(!handled);
      if (!handled) {
        // Run the covered nodes (and the DequantizeLinear nodes an INT8 step bypassed) on their
        // reference kernels; their intermediate values live only here.
        std::vector<int> chain = step.nodes;
        chain.insert(chain.end(), step.bypassed.begin(), step.bypassed.end());
        std::sort(chain.begin(), chain.end());
        std::map<std::string, Tensor> local;
        for (int ni : chain) {
          const Node& node = g.nodes[static_cast<size_t>(ni)];
          QWB_ASSIGN_OR_RETURN(auto cin, plain_inputs(node.inputs, &local, node));
          std::vector<Tensor> outs;
          QWB_RETURN_IF_ERROR(im.run_node(ni, cin, outs));
          for (size_t o = 0; o < outs.size(); ++o) {
            if (!node.outputs[o].empty()) local[node.outputs[o]] = std::move(outs[o]);
          }
        }
        for (size_t o = 0; o < step.outputs.size(); ++o) produced[o] = fast::Value::of(local.at(step.outputs[o]));
      }
    }
    const Node& last = g.nodes[static_cast<size_t>(item.done - 1)];
    for (size_t o = 0; o < item.out.size(); ++o) {
      if (item.out[o] < 0) continue;
      fast::Value& v = produced[o];
      if (options.known) {  // a step with some outputs known still runs; the known ones win
        auto k = options.known->find(im.value_name[static_cast<size_t>(item.out[o])]);
        if (k != options.known->end()) {
          v = fast::Value::of(k->second);
          keep[static_cast<size_t>(item.out[o])] = true;
        }
      }
      if (options.tap) {
        Tensor t = fast::to_plain(v, stream);
        int index = 0;
        for (size_t k = 0; k < last.outputs.size(); ++k) {
          if (last.outputs[k] == im.value_name[static_cast<size_t>(item.out[o])]) index = static_cast<int>(k);
        }
        TapEvent ev{&last, index, &im.value_name[static_cast<size_t>(item.out[o])]};
        options.tap(ev, t);
        v = fast::Value::of(std::move(t));
      }
      values[static_cast<size_t>(item.out[o])] = std::move(v);
    }
    for (int v : item.in) {
      if (v >= 0 && --remaining[static_cast<size_t>(v)] == 0 && !keep[static_cast<size_t>(v)]) {
        values[static_cast<size_t>(v)] = fast::Value();
      }
    }
    if (options.profile) {
      const bool fell = item.step >= 0 && prog.fell_back[static_cast<size_t>(item.step)].load();
      options.profile(fell ? "reference (fell back) " + item.kind.substr(5) : item.kind,
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    if (options.progress && !options.progress(item.done, total)) return cancelled("run cancelled");
  }

  TensorMap out;
  if (!options.fetch_only) {
    for (const auto& o : g.outputs) out[o.name] = fast::to_plain(values[static_cast<size_t>(im.value_id.at(o.name))], stream);
  }
  if (options.fetch_all) {
    for (const Program::Item& item : prog.items) {
      for (int v : item.out) {
        if (v >= 0 && values[static_cast<size_t>(v)].defined()) {
          out[im.value_name[static_cast<size_t>(v)]] = fast::to_plain(values[static_cast<size_t>(v)], stream);
        }
      }
    }
  }
  for (const auto& f : options.fetch) {
    fast::Value& v = values[static_cast<size_t>(im.value_id.at(f))];
    if (!v.defined()) return not_found(file_ctx + ": value '" + f + "' was not computed");
    out[f] = fast::to_plain(v, stream);
  }
  return out;
}

}  // namespace qwb
