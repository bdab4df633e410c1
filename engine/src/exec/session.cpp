// Session: kernel selection once per model, execution per call.
#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <thread>
#include <unordered_map>

#include "exec/kernel.h"
#include "qwb/executor.h"

namespace qwb {

struct Session::Impl {
  std::shared_ptr<const Model> model;
  int threads = 1;
  std::vector<std::unique_ptr<Kernel>> kernels;  // one per node, graph order
  std::unordered_map<std::string, int> value_id;
  std::vector<std::string> value_name;
  std::vector<std::vector<int>> node_inputs;   // value ids, -1 for missing optional
  std::vector<std::vector<int>> node_outputs;  // value ids, -1 for unused optional
  std::vector<int> consumer_count;             // static count of node inputs per value
  std::vector<bool> keep;                      // graph outputs and initializers are never freed

  int id_of(const std::string& name) {
    auto [it, inserted] = value_id.emplace(name, static_cast<int>(value_name.size()));
    if (inserted) value_name.push_back(name);
    return it->second;
  }
};

Session::Session() : impl_(std::make_unique<Impl>()) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const Model& Session::model() const { return *impl_->model; }
int Session::threads() const { return impl_->threads; }

Result<Session> Session::create(std::shared_ptr<const Model> model, const SessionOptions& options) {
  Session s;
  Impl& im = *s.impl_;
  im.model = model;
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  im.threads = options.threads > 0 ? options.threads : std::max(1, hw);
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
  im.consumer_count.assign(im.value_name.size(), 0);
  im.keep.assign(im.value_name.size(), false);
  for (const auto& ins : im.node_inputs)
    for (int v : ins) if (v >= 0) ++im.consumer_count[static_cast<size_t>(v)];
  for (const auto& o : g.outputs) im.keep[static_cast<size_t>(im.value_id[o.name])] = true;
  for (const auto& [name, t] : g.initializers) im.keep[static_cast<size_t>(im.value_id[name])] = true;
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
  std::vector<Tensor> values(im.value_name.size());
  std::vector<int> remaining = im.consumer_count;
  std::vector<bool> keep = im.keep;
  for (const auto& f : options.fetch) {
    auto it = im.value_id.find(f);
    if (it == im.value_id.end()) return not_found(file_ctx + ": no value named '" + f + "' to fetch");
    keep[static_cast<size_t>(it->second)] = true;
  }
  for (const auto& [name, t] : g.initializers) values[static_cast<size_t>(im.value_id.at(name))] = t;
  if (options.initializers) {
    for (const auto& [name, t] : *options.initializers) {
      auto it = g.initializers.find(name);
      if (it == g.initializers.end()) return not_found(file_ctx + ": no initializer named '" + name + "' to replace");
      if (it->second.dtype() != t.dtype() || it->second.shape() != t.shape()) {
        return invalid_argument(file_ctx + ": replacement for initializer '" + name + "' is " + dtype_name(t.dtype()) +
                                " " + shape_str(t.shape()) + ", expected " + dtype_name(it->second.dtype()) + " " +
                                shape_str(it->second.shape()));
      }
      values[static_cast<size_t>(im.value_id.at(name))] = t;
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
    values[static_cast<size_t>(im.value_id.at(vi.name))] = std::move(t);
  }

  // Kernels use OpenMP and Eigen; both take the session's thread count for this run.
  omp_set_num_threads(im.threads);
  Eigen::setNbThreads(im.threads);

  const int total = static_cast<int>(g.nodes.size());
  KernelContext ctx;
  ctx.threads = im.threads;
  for (int ni = 0; ni < total; ++ni) {
    const Node& node = g.nodes[static_cast<size_t>(ni)];
    const auto& ins = im.node_inputs[static_cast<size_t>(ni)];
    const auto& outs = im.node_outputs[static_cast<size_t>(ni)];
    ctx.node = &node;
    ctx.inputs.assign(ins.size(), nullptr);
    for (size_t i = 0; i < ins.size(); ++i) {
      if (ins[i] < 0) continue;
      const Tensor& v = values[static_cast<size_t>(ins[i])];
      if (!v.defined()) {
        return internal_error(file_ctx + ": " + node.describe() + ": input '" + node.inputs[i] + "' has no value");
      }
      ctx.inputs[i] = &v;
    }
    ctx.outputs.assign(outs.size(), Tensor());
    Status st;
    try {
      st = im.kernels[static_cast<size_t>(ni)]->compute(ctx);
    } catch (const std::bad_alloc&) {
      st = internal_error(node.describe() + ": out of memory");
    } catch (const std::exception& e) {
      st = internal_error(node.describe() + ": " + e.what());
    }
    if (!st) {
      // Kernel messages already name the node; add the file.
      return Status(st.code(), file_ctx + ": " + st.message());
    }
    for (size_t o = 0; o < outs.size(); ++o) {
      if (outs[o] < 0) continue;
      Tensor& t = ctx.outputs[o];
      if (!t.defined()) {
        return internal_error(file_ctx + ": " + node.describe() + " produced no value for output '" +
                              node.outputs[o] + "'");
      }
      if (options.tap) {
        TapEvent ev{&node, static_cast<int>(o), &node.outputs[o]};
        options.tap(ev, t);
      }
      values[static_cast<size_t>(outs[o])] = std::move(t);
    }
    for (int v : ins) {
      if (v >= 0 && --remaining[static_cast<size_t>(v)] == 0 && !keep[static_cast<size_t>(v)]) {
        values[static_cast<size_t>(v)] = Tensor();
      }
    }
    if (options.progress && !options.progress(ni + 1, total)) return cancelled("run cancelled");
  }

  TensorMap out;
  for (const auto& o : g.outputs) out[o.name] = values[static_cast<size_t>(im.value_id.at(o.name))];
  for (const auto& f : options.fetch) out[f] = values[static_cast<size_t>(im.value_id.at(f))];
  return out;
}

}  // namespace qwb
