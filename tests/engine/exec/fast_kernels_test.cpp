// Fast (oneDNN) backend against the reference kernels: randomised cross-checks.
//
// Every case builds a small ONNX model, runs it on a Backend::kFast and a Backend::kReference
// session and compares the outputs. Each case seeds its own std::mt19937 with kSeed + its index,
// so a failing case reproduces on its own; SCOPED_TRACE prints all its parameters on failure.
// Besides the values, the tests check through Session::backend_stats() that the fast kernels
// really ran (a fast step that fell back to reference kernels at run time counts as reference)
// and, through the planner (exec/dnnl/fast.h), that the fused patterns became one fast step.
//
// Covered: Conv (1-3-D, groups, depthwise, strides, dilations, asymmetric pads, auto_pad, bias,
// weights as initializers and as graph inputs), Conv + BatchNormalization + residual Add +
// activation chains, ConvTranspose, Gemm, MatMul (2-D weights, batched broadcasting),
// MatMul + bias + GELU, pooling, broadcasting binaries, INT8 QDQ Conv/Gemm/MatMul, run-time
// fallbacks and taps.
//
// Bugs of the first fast backend (9ca537a) these tests catch, fixed in 9c91fd4: INT8 patterns
// never fused (activation DequantizeLinear planned first: the Int8* fusion checks), Gemm alpha
// scaling the bias (GemmAlphaScalesOnlyTheProduct), s8 activations on AVX2 without VNNI
// (Int8ConvWithInt8ActivationsIsExact), weights cached by buffer address
// (ConvWeightsModifiedInPlaceBetweenRuns), and Conv -> Add(broadcast input) sending the Conv to
// the reference kernel (ConvThenBroadcastBinaryMatchesReference).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "exec/dnnl/fast.h"  // fast::plan_model: how many fast steps the planner made (fusion)
#include "qwb/executor.h"
#include "qwb/model.h"
#include "test_models.h"

using namespace qwb;

namespace {

constexpr uint32_t kSeed = 0x5eed2024u;
constexpr double kTol = 1e-5;  // normalised L2 error ||fast - ref|| / ||ref|| for FP32 paths

// ---------------------------------------------------------------- random numbers

int64_t ri(std::mt19937& r, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(r); }
float rf(std::mt19937& r, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(r); }
bool coin(std::mt19937& r) { return ri(r, 0, 1) == 1; }
template <typename T>
T pick(std::mt19937& r, std::initializer_list<T> v) {
  return *(v.begin() + ri(r, 0, static_cast<int64_t>(v.size()) - 1));
}

Tensor rand_float(std::mt19937& r, const Shape& s, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DType::kFloat32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = rf(r, lo, hi);
  return t;
}

// Values in +-[lo, hi]: denominators kept away from zero.
Tensor rand_nonzero(std::mt19937& r, const Shape& s, float lo, float hi) {
  Tensor t(DType::kFloat32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = (coin(r) ? 1.0f : -1.0f) * rf(r, lo, hi);
  return t;
}

std::string vec(const std::vector<int64_t>& v) { return shape_str(v); }

// ---------------------------------------------------------------- model building

// Graph under construction. DType values are ONNX's TensorProto element types.
struct Net {
  onnx::ModelProto m;
  explicit Net(int opset = 13) : m(testmodels::model(opset)) {}
  onnx::GraphProto* g() { return m.mutable_graph(); }

  void input(const std::string& name, DType t, const Shape& dims) {
    *g()->add_input() = testmodels::tensor_info(name, static_cast<int>(t), dims);
  }
  // An input of the given rank whose dims are all symbolic.
  void input_symbolic(const std::string& name, DType t, int rank) {
    auto* v = g()->add_input();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int>(t));
    for (int i = 0; i < rank; ++i) tt->mutable_shape()->add_dim()->set_dim_param(name + "_d" + std::to_string(i));
  }
  // Outputs carry only their rank (the checker wants a shape): the engine computes the dims.
  void output(const std::string& name, size_t rank, DType t = DType::kFloat32) {
    auto* v = g()->add_output();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int>(t));
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < rank; ++i) shape->add_dim();
  }
  void init(const std::string& name, const Tensor& t) {
    auto* p = g()->add_initializer();
    p->set_name(name);
    p->set_data_type(static_cast<int>(t.dtype()));
    for (int64_t d : t.shape()) p->add_dims(d);
    p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
  }
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& in, const std::vector<std::string>& out) {
    auto* n = g()->add_node();
    *n = testmodels::node(op, in, out);
    return *n;
  }
};

void attr_i(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr_f(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void attr_s(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}
void attr_ints(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// ---------------------------------------------------------------- running and comparing

int count(const std::map<std::string, int>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}
int total(const std::map<std::string, int>& m) {
  int n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}
std::string stats_str(const BackendStats& s) {
  std::ostringstream o;
  o << "fast {";
  for (const auto& [k, v] : s.fast) o << " " << k << ":" << v;
  o << " } reference {";
  for (const auto& [k, v] : s.reference) o << " " << k << ":" << v;
  o << " }";
  return o.str();
}

std::shared_ptr<const Model> load(const onnx::ModelProto& proto) {
  LoadOptions lo;
  lo.measure_shapes = false;
  auto m = Model::from_bytes(testmodels::serialize(proto), "fast_kernels_test.onnx", ".", lo);
  if (!m) {
    ADD_FAILURE() << "model does not load: " << m.status().message();
    return nullptr;
  }
  return std::make_shared<const Model>(std::move(*m));
}

struct Runs {
  std::shared_ptr<const Model> model;
  TensorMap fast, ref;
  BackendStats stats;  // of the fast session, after its run
  size_t steps = 0;    // fast steps of the fused plan
};

// Runs the model on both backends (2 threads each); reports failures and returns nullopt.
std::optional<Runs> run_both(const onnx::ModelProto& proto, const TensorMap& inputs) {
  auto model = load(proto);
  if (!model) return std::nullopt;
  auto fs = Session::create(model, {.threads = 2, .backend = Backend::kFast});
  auto rs = Session::create(model, {.threads = 2, .backend = Backend::kReference});
  if (!fs || !rs) {
    ADD_FAILURE() << "session: " << (fs ? rs.status().message() : fs.status().message());
    return std::nullopt;
  }
  auto ro = rs->run(inputs);
  if (!ro) {
    ADD_FAILURE() << "reference run failed: " << ro.status().message();
    return std::nullopt;
  }
  auto fo = fs->run(inputs);
  if (!fo) {
    ADD_FAILURE() << "fast run failed: " << fo.status().message();
    return std::nullopt;
  }
  Runs r;
  r.model = model;
  r.fast = std::move(*fo);
  r.ref = std::move(*ro);
  r.stats = fs->backend_stats();
  r.steps = fast::plan_model(*model, /*fuse=*/true).steps.size();
  return r;
}

// Whether the fused plan runs node `op_node` in a fast step that also covers (or reads around,
// as an INT8 primitive does) every node of `with`. Nodes are named "<op>_<first output>".
bool fused_with(const Model& model, const std::string& op_node, const std::vector<std::string>& with) {
  const auto& nodes = model.graph().nodes;
  auto index = [&](const std::string& name) {
    for (const auto& n : nodes) {
      if (n.name == name) return n.index;
    }
    return -1;
  };
  const int op = index(op_node);
  const fast::Plan plan = fast::plan_model(model, /*fuse=*/true);
  for (const auto& step : plan.steps) {
    if (std::find(step.nodes.begin(), step.nodes.end(), op) == step.nodes.end()) continue;
    for (const auto& w : with) {
      const int i = index(w);
      if (std::find(step.nodes.begin(), step.nodes.end(), i) == step.nodes.end() &&
          std::find(step.bypassed.begin(), step.bypassed.end(), i) == step.bypassed.end()) {
        return false;
      }
    }
    return true;
  }
  return false;
}

// ||got - want|| / max(||want||, tiny); infinity on a dtype or shape mismatch or non-finite values.
double rel_l2(const Tensor& got, const Tensor& want) {
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) return std::numeric_limits<double>::infinity();
  double num = 0, den = 0;
  const bool f32 = got.dtype() == DType::kFloat32;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const double g = f32 ? got.data<float>()[i] : got.get_double(i);
    const double w = f32 ? want.data<float>()[i] : want.get_double(i);
    num += (g - w) * (g - w);
    den += w * w;
  }
  if (!std::isfinite(num) || !std::isfinite(den)) return std::numeric_limits<double>::infinity();
  return std::sqrt(num) / std::max(std::sqrt(den), 1e-30);
}

// Every output of the reference run within `tol` (normalised L2) in the fast run.
bool expect_close(const Runs& r, double tol = kTol) {
  std::ostringstream o;
  for (const auto& [name, want] : r.ref) {
    auto it = r.fast.find(name);
    if (it == r.fast.end()) {
      o << "fast run has no output '" << name << "'. ";
      continue;
    }
    const double e = rel_l2(it->second, want);
    if (!(e < tol)) {
      o << "output '" << name << "': normalised error " << e << " >= " << tol << " (fast "
        << dtype_name(it->second.dtype()) << " " << shape_str(it->second.shape()) << ", reference "
        << dtype_name(want.dtype()) << " " << shape_str(want.shape()) << "). ";
    }
  }
  if (!o.str().empty()) ADD_FAILURE() << o.str();
  return o.str().empty();
}

// ---------------------------------------------------------------- Conv geometry

struct ConvSpec {
  int64_t n = 1, c = 1, m = 1, group = 1;
  std::vector<int64_t> in, k, stride, dil, pads;  // pads: begins then ends (auto_pad NOTSET)
  std::string auto_pad = "NOTSET";
  bool bias = false, weights_as_input = false, kernel_shape_attr = false;

  int rank() const { return static_cast<int>(in.size()); }
  Shape x_shape() const {
    Shape s{n, c};
    s.insert(s.end(), in.begin(), in.end());
    return s;
  }
  Shape w_shape() const {
    Shape s{m, c / group};
    s.insert(s.end(), k.begin(), k.end());
    return s;
  }
  // ONNX output shape (independent of the engine's geometry code).
  Shape y_shape() const {
    Shape s{n, m};
    for (int d = 0; d < rank(); ++d) {
      const int64_t ek = (k[d] - 1) * dil[d] + 1;
      if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        s.push_back((in[d] + stride[d] - 1) / stride[d]);
      } else if (auto_pad == "VALID") {
        s.push_back((in[d] - ek) / stride[d] + 1);
      } else {
        s.push_back((in[d] + pads[d] + pads[rank() + d] - ek) / stride[d] + 1);
      }
    }
    return s;
  }
  std::string describe() const {
    std::ostringstream o;
    o << "Conv x " << vec(x_shape()) << " W " << vec(w_shape()) << " group " << group << " strides " << vec(stride)
      << " dilations " << vec(dil) << " auto_pad " << auto_pad;
    if (auto_pad == "NOTSET") o << " pads " << vec(pads);
    o << " bias " << bias << " weights_as_input " << weights_as_input << " kernel_shape_attr " << kernel_shape_attr;
    return o.str();
  }
};

ConvSpec random_conv(std::mt19937& r, int max_rank = 3) {
  ConvSpec s;
  const int rank = std::min<int>(max_rank, static_cast<int>(pick<int64_t>(r, {1, 2, 2, 2, 3})));
  s.n = ri(r, 1, 3);
  const int64_t mode = ri(r, 0, 9);
  if (mode < 5) {  // dense
    s.c = pick<int64_t>(r, {1, 2, 3, 4, 5, 8, 16, 17});
    s.m = pick<int64_t>(r, {1, 2, 4, 7, 8, 16, 24});
  } else if (mode < 7) {  // grouped
    s.group = pick<int64_t>(r, {2, 3, 4});
    s.c = s.group * pick<int64_t>(r, {1, 2, 3, 4, 8});
    s.m = s.group * pick<int64_t>(r, {1, 2, 3, 4, 8});
  } else if (mode < 9) {  // depthwise
    s.c = s.group = s.m = pick<int64_t>(r, {2, 3, 4, 8, 16, 32});
  } else {  // depthwise with channel multiplier 2
    s.c = s.group = pick<int64_t>(r, {2, 3, 8, 16});
    s.m = 2 * s.c;
  }
  const int64_t ap = ri(r, 0, 9);
  s.auto_pad = ap == 6 ? "SAME_UPPER" : ap == 7 ? "SAME_LOWER" : ap == 8 ? "VALID" : "NOTSET";
  std::vector<int64_t> pb, pe;
  for (int d = 0; d < rank; ++d) {
    const int64_t k = ri(r, 1, rank == 3 ? 3 : 5);
    const int64_t dil = k > 1 ? ri(r, 1, 2) : 1;
    const int64_t ek = (k - 1) * dil + 1;
    const int64_t b = s.auto_pad == "NOTSET" ? ri(r, 0, std::min<int64_t>(ek - 1, 3)) : 0;
    const int64_t e = s.auto_pad == "NOTSET" ? ri(r, 0, std::min<int64_t>(ek - 1, 3)) : 0;
    const int64_t extra = ri(r, 0, rank == 1 ? 12 : rank == 2 ? 7 : 3);
    int64_t in = 0;
    if (s.auto_pad == "NOTSET") in = std::max<int64_t>(1, ek - b - e + extra);
    else if (s.auto_pad == "VALID") in = ek + extra;
    else in = std::max<int64_t>(1, ek - 2 + extra);
    s.k.push_back(k);
    s.dil.push_back(dil);
    s.stride.push_back(ri(r, 1, 3));
    s.in.push_back(in);
    pb.push_back(b);
    pe.push_back(e);
  }
  s.pads = pb;
  s.pads.insert(s.pads.end(), pe.begin(), pe.end());
  s.bias = coin(r);
  s.weights_as_input = ri(r, 0, 3) == 0;
  s.kernel_shape_attr = coin(r);
  return s;
}

void conv_attrs(onnx::NodeProto& n, const ConvSpec& s) {
  if (s.group != 1) attr_i(n, "group", s.group);
  attr_ints(n, "strides", s.stride);
  attr_ints(n, "dilations", s.dil);
  if (s.auto_pad == "NOTSET") attr_ints(n, "pads", s.pads);
  else attr_s(n, "auto_pad", s.auto_pad);
  if (s.kernel_shape_attr) attr_ints(n, "kernel_shape", s.k);
}

// Adds Conv(x_name) -> out with weights W_<out> (and B_<out>) as initializers or graph inputs.
void add_conv(Net& net, const ConvSpec& s, const std::string& x_name, const std::string& out, std::mt19937& r,
              TensorMap& inputs) {
  const float wr = 1.0f / std::sqrt(static_cast<float>(s.c / s.group * shape_numel(s.k)));
  Tensor w = rand_float(r, s.w_shape(), -wr, wr);
  std::vector<std::string> in{x_name, "W_" + out};
  if (s.weights_as_input) {
    net.input(in[1], DType::kFloat32, w.shape());
    inputs[in[1]] = w;
  } else {
    net.init(in[1], w);
  }
  if (s.bias) {
    Tensor b = rand_float(r, {s.m}, -0.5f, 0.5f);
    in.push_back("B_" + out);
    if (s.weights_as_input) {
      net.input(in[2], DType::kFloat32, b.shape());
      inputs[in[2]] = b;
    } else {
      net.init(in[2], b);
    }
  }
  conv_attrs(net.node("Conv", in, {out}), s);
}

// ---------------------------------------------------------------- activations

enum class Act { kNone, kRelu, kClip6, kSigmoid, kSwish, kSwishSwapped, kLeakyRelu, kTanh, kElu, kReluClip };
const char* act_name(Act a) {
  switch (a) {
    case Act::kNone: return "none";
    case Act::kRelu: return "Relu";
    case Act::kClip6: return "Clip(0,6)";
    case Act::kSigmoid: return "Sigmoid";
    case Act::kSwish: return "Swish x*Sigmoid(x)";
    case Act::kSwishSwapped: return "Swish Sigmoid(x)*x";
    case Act::kLeakyRelu: return "LeakyRelu(0.1)";
    case Act::kTanh: return "Tanh";
    case Act::kElu: return "Elu(0.7)";
    case Act::kReluClip: return "Relu->Clip(0,6)";
  }
  return "?";
}

// Appends the activation after value `x`; returns the name of its output.
std::string add_act(Net& net, Act a, const std::string& x, const std::string& p) {
  auto clip = [&](const std::string& in, const std::string& out) {
    net.init(p + "_lo", Tensor::scalar<float>(0.0f));
    net.init(p + "_hi", Tensor::scalar<float>(6.0f));
    net.node("Clip", {in, p + "_lo", p + "_hi"}, {out});
    return out;
  };
  switch (a) {
    case Act::kNone: return x;
    case Act::kRelu: net.node("Relu", {x}, {p + "_relu"}); return p + "_relu";
    case Act::kClip6: return clip(x, p + "_clip");
    case Act::kSigmoid: net.node("Sigmoid", {x}, {p + "_sig"}); return p + "_sig";
    case Act::kSwish:
    case Act::kSwishSwapped:
      net.node("Sigmoid", {x}, {p + "_sig"});
      if (a == Act::kSwish) net.node("Mul", {x, p + "_sig"}, {p + "_swish"});
      else net.node("Mul", {p + "_sig", x}, {p + "_swish"});
      return p + "_swish";
    case Act::kLeakyRelu: attr_f(net.node("LeakyRelu", {x}, {p + "_lrelu"}), "alpha", 0.1f); return p + "_lrelu";
    case Act::kTanh: net.node("Tanh", {x}, {p + "_tanh"}); return p + "_tanh";
    case Act::kElu: attr_f(net.node("Elu", {x}, {p + "_elu"}), "alpha", 0.7f); return p + "_elu";
    case Act::kReluClip: net.node("Relu", {x}, {p + "_relu"}); return clip(p + "_relu", p + "_clip");
  }
  return x;
}

// ================================================================ 1. Conv FP32

TEST(FastKernels, ConvMatchesReference) {
  constexpr int kCases = 200;
  int fast_cases = 0;
  std::vector<std::string> fell_back;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + i);
    const ConvSpec s = random_conv(r);
    SCOPED_TRACE("case " + std::to_string(i) + " (seed kSeed+" + std::to_string(i) + "): " + s.describe());
    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, s.x_shape());
    inputs["x"] = rand_float(r, s.x_shape());
    add_conv(net, s, "x", "y", r, inputs);
    net.output("y", s.x_shape().size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    EXPECT_EQ(runs->ref.at("y").shape(), s.y_shape());
    expect_close(*runs);
    if (count(runs->stats.fast, "Conv") == 1) ++fast_cases;
    else fell_back.push_back("case " + std::to_string(i) + ": " + s.describe() + " -> " + stats_str(runs->stats));
  }
  std::string list;
  for (const auto& f : fell_back) list += "\n  " + f;
  EXPECT_GE(fast_cases, kCases * 95 / 100) << "Conv cases that ran on the reference kernels:" << list;
}

// ================================================================ 2. Conv + BN + Add + activation

TEST(FastKernels, FusedConvChainsMatchReference) {
  constexpr int kCases = 60;
  const Act acts[] = {Act::kNone,  Act::kRelu,      Act::kClip6, Act::kSigmoid, Act::kSwish,
                      Act::kSwishSwapped, Act::kLeakyRelu, Act::kTanh,  Act::kElu,     Act::kReluClip};
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 1000 + i);
    ConvSpec s = random_conv(r);
    s.weights_as_input = false;  // BatchNormalization folds into constant weights
    const bool bn = ri(r, 0, 3) != 0;
    const int residual = static_cast<int>(ri(r, 0, 2));  // 0 none, 1 second input r, 2 x itself
    const bool add_swapped = coin(r);
    Act act = acts[i % 10];
    if (residual == 2) {  // y = x + conv(x): same channels and size
      s.m = s.c;
      if (s.group != 1) s.group = s.c;
      for (auto& st : s.stride) st = 1;
      s.auto_pad = coin(r) ? "SAME_UPPER" : "SAME_LOWER";
    }
    const float eps = pick(r, {1e-5f, 1e-3f});
    std::ostringstream d;
    d << "case " << i << " (seed kSeed+" << 1000 + i << "): " << s.describe() << " | BN " << bn << " eps " << eps
      << " | residual " << (residual == 0 ? "none" : residual == 1 ? "input r" : "x") << " add_swapped "
      << add_swapped << " | activation " << act_name(act);
    SCOPED_TRACE(d.str());

    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, s.x_shape());
    inputs["x"] = rand_float(r, s.x_shape());
    add_conv(net, s, "x", "conv", r, inputs);
    std::string cur = "conv";
    if (bn) {
      net.init("gamma", rand_float(r, {s.m}, 0.5f, 1.5f));
      net.init("beta", rand_float(r, {s.m}, -0.5f, 0.5f));
      net.init("mean", rand_float(r, {s.m}, -0.5f, 0.5f));
      net.init("var", rand_float(r, {s.m}, 0.2f, 2.0f));
      attr_f(net.node("BatchNormalization", {cur, "gamma", "beta", "mean", "var"}, {"bn"}), "epsilon", eps);
      cur = "bn";
    }
    if (residual != 0) {
      std::string other = "x";
      if (residual == 1) {
        net.input("r", DType::kFloat32, s.y_shape());
        inputs["r"] = rand_float(r, s.y_shape());
        other = "r";
      }
      if (add_swapped) net.node("Add", {other, cur}, {"sum"});
      else net.node("Add", {cur, other}, {"sum"});
      cur = "sum";
    }
    cur = add_act(net, act, cur, "act");
    net.output(cur, s.x_shape().size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    EXPECT_EQ(total(runs->stats.reference), 0) << stats_str(runs->stats);
    EXPECT_EQ(runs->steps, 1u) << "the chain should be one fused fast step; " << stats_str(runs->stats);
  }
}

// ================================================================ 3. ConvTranspose

struct ConvTSpec {
  int64_t n = 1, c = 1, m = 1, group = 1;
  std::vector<int64_t> in, k, stride, dil, pads, out_pad;
  std::string auto_pad = "NOTSET";
  bool bias = false, weights_as_input = false;
  Shape x_shape() const {
    Shape s{n, c};
    s.insert(s.end(), in.begin(), in.end());
    return s;
  }
  Shape w_shape() const {
    Shape s{c, m / group};
    s.insert(s.end(), k.begin(), k.end());
    return s;
  }
  std::string describe() const {
    std::ostringstream o;
    o << "ConvTranspose x " << vec(x_shape()) << " W " << vec(w_shape()) << " group " << group << " strides "
      << vec(stride) << " dilations " << vec(dil) << " auto_pad " << auto_pad << " pads " << vec(pads)
      << " output_padding " << vec(out_pad) << " bias " << bias << " weights_as_input " << weights_as_input;
    return o.str();
  }
};

TEST(FastKernels, ConvTransposeMatchesReference) {
  constexpr int kCases = 80;
  int fast_cases = 0, by_design = 0;
  std::vector<std::string> fell_back;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 2000 + i);
    ConvTSpec s;
    const int rank = static_cast<int>(pick<int64_t>(r, {1, 2, 2, 3}));
    s.n = ri(r, 1, 2);
    const int64_t mode = ri(r, 0, 5);
    if (mode < 3) {
      s.c = pick<int64_t>(r, {1, 3, 4, 8, 16});
      s.m = pick<int64_t>(r, {1, 2, 5, 8, 16});
    } else if (mode < 5) {
      s.group = pick<int64_t>(r, {2, 4});
      s.c = s.group * pick<int64_t>(r, {1, 2, 4});
      s.m = s.group * pick<int64_t>(r, {1, 3, 4});
    } else {
      s.c = s.m = s.group = pick<int64_t>(r, {4, 8, 16});
    }
    const int64_t ap = ri(r, 0, 9);
    s.auto_pad = ap == 8 ? "SAME_UPPER" : ap == 9 ? "SAME_LOWER" : "NOTSET";
    std::vector<int64_t> pb, pe;
    for (int d = 0; d < rank; ++d) {
      const int64_t k = ri(r, 1, rank == 3 ? 3 : 4);
      const int64_t dil = k > 1 ? ri(r, 1, 2) : 1;
      const int64_t ek = (k - 1) * dil + 1;
      int64_t st = ri(r, 1, 3);
      if (s.auto_pad != "NOTSET") st = std::min(st, ek);  // SAME needs total padding >= 0
      s.k.push_back(k);
      s.dil.push_back(dil);
      s.stride.push_back(st);
      s.in.push_back(ri(r, 1, rank == 1 ? 9 : rank == 2 ? 6 : 3));
      s.out_pad.push_back(s.auto_pad == "NOTSET" ? ri(r, 0, st - 1) : 0);
      pb.push_back(s.auto_pad == "NOTSET" ? ri(r, 0, std::min<int64_t>(ek - 1, 2)) : 0);
      pe.push_back(s.auto_pad == "NOTSET" ? ri(r, 0, std::min<int64_t>(ek - 1, 2)) : 0);
      // Keep at least one output: full size st * (in - 1) + output_padding + ek minus the pads.
      const int64_t full = st * (s.in.back() - 1) + s.out_pad.back() + ek;
      while (full - pb.back() - pe.back() < 1) (pe.back() > 0 ? pe.back() : pb.back())--;
    }
    s.pads = pb;
    s.pads.insert(s.pads.end(), pe.begin(), pe.end());
    s.bias = coin(r);
    s.weights_as_input = ri(r, 0, 3) == 0;
    SCOPED_TRACE("case " + std::to_string(i) + " (seed kSeed+" + std::to_string(2000 + i) + "): " + s.describe());

    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, s.x_shape());
    inputs["x"] = rand_float(r, s.x_shape());
    Tensor w = rand_float(r, s.w_shape(), -0.5f, 0.5f);
    std::vector<std::string> in{"x", "W"};
    if (s.weights_as_input) {
      net.input("W", DType::kFloat32, w.shape());
      inputs["W"] = w;
    } else {
      net.init("W", w);
    }
    if (s.bias) {
      in.push_back("B");
      net.init("B", rand_float(r, {s.m}));
    }
    auto& n = net.node("ConvTranspose", in, {"y"});
    if (s.group != 1) attr_i(n, "group", s.group);
    attr_ints(n, "strides", s.stride);
    attr_ints(n, "dilations", s.dil);
    if (s.auto_pad == "NOTSET") {
      attr_ints(n, "pads", s.pads);
      attr_ints(n, "output_padding", s.out_pad);
    } else {
      attr_s(n, "auto_pad", s.auto_pad);
    }
    net.output("y", s.x_shape().size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    // The fast op expresses output_padding as extra right padding (oneDNN derives the output
    // size from the pads), so an output_padding larger than the end pad would need a negative
    // pad: such cases fall back to the reference kernel by design.
    bool expressible = true;
    for (size_t d = 0; d < s.out_pad.size(); ++d) expressible &= s.out_pad[d] <= s.pads[s.in.size() + d];
    if (count(runs->stats.fast, "ConvTranspose") == 1) {
      ++fast_cases;
    } else if (expressible) {
      fell_back.push_back("case " + std::to_string(i) + ": " + s.describe());
    } else {
      ++by_design;
    }
  }
  std::string list;
  for (const auto& f : fell_back) list += "\n  " + f;
  EXPECT_TRUE(fell_back.empty()) << "ConvTranspose cases that ran on the reference kernels:" << list;
  EXPECT_GE(fast_cases, kCases / 2) << by_design << " cases with output_padding > end pad fell back by design";
}

// ================================================================ 4. Gemm / MatMul

TEST(FastKernels, GemmMatchesReference) {
  constexpr int kCases = 60;
  int fast_cases = 0;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 3000 + i);
    const int64_t m = ri(r, 1, 40), k = ri(r, 1, 70), n = ri(r, 1, 50);
    const bool trans_b = coin(r), b_input = ri(r, 0, 3) == 0;
    const float alpha = pick(r, {1.0f, 1.0f, 0.5f, 1.5f}), beta = pick(r, {1.0f, 1.0f, 0.7f});
    const int c_kind = static_cast<int>(ri(r, 0, 4));  // none, [N], scalar [], [1], [1, N]
    const char* c_names[] = {"none", "[N]", "scalar []", "[1]", "[1, N]"};
    std::ostringstream d;
    d << "case " << i << " (seed kSeed+" << 3000 + i << "): Gemm A [" << m << ", " << k << "] B "
      << (trans_b ? vec({n, k}) : vec({k, n})) << " transB " << trans_b << " alpha " << alpha << " beta " << beta
      << " C " << c_names[c_kind] << " B as input " << b_input;
    SCOPED_TRACE(d.str());
    Net net;
    TensorMap inputs;
    net.input("a", DType::kFloat32, {m, k});
    inputs["a"] = rand_float(r, {m, k});
    Tensor b = rand_float(r, trans_b ? Shape{n, k} : Shape{k, n});
    if (b_input) {
      net.input("b", DType::kFloat32, b.shape());
      inputs["b"] = b;
    } else {
      net.init("b", b);
    }
    std::vector<std::string> in{"a", "b"};
    if (c_kind > 0) {
      const Shape cs = c_kind == 1 ? Shape{n} : c_kind == 2 ? Shape{} : c_kind == 3 ? Shape{1} : Shape{1, n};
      net.init("c", rand_float(r, cs));
      in.push_back("c");
    }
    auto& node = net.node("Gemm", in, {"y"});
    attr_i(node, "transB", trans_b);
    attr_f(node, "alpha", alpha);
    attr_f(node, "beta", beta);
    net.output("y", 2);
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    fast_cases += count(runs->stats.fast, "Gemm");
  }
  EXPECT_EQ(fast_cases, kCases);
}

// alpha scales A*B only: 1x1 matrices, y = 0.5 * 2 * 3 + 1 * 4 = 7. (The first fast Gemm put alpha
// in oneDNN's output scale, which also scales the bias: 0.5 * (2 * 3 + 4) = 5.)
TEST(FastKernels, GemmAlphaScalesOnlyTheProduct) {
  Net net;
  net.input("a", DType::kFloat32, {1, 1});
  net.init("b", Tensor::from_vector<float>({1, 1}, {3.0f}));
  net.init("c", Tensor::from_vector<float>({1}, {4.0f}));
  attr_f(net.node("Gemm", {"a", "b", "c"}, {"y"}), "alpha", 0.5f);
  net.output("y", 2);
  auto runs = run_both(net.m, {{"a", Tensor::from_vector<float>({1, 1}, {2.0f})}});
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->ref.at("y").data<float>()[0], 7.0f);
  EXPECT_EQ(count(runs->stats.fast, "Gemm"), 1) << stats_str(runs->stats);
  EXPECT_EQ(runs->fast.at("y").data<float>()[0], 7.0f);
}

TEST(FastKernels, MatMulMatchesReference) {
  constexpr int kCases = 80;
  int fast_cases = 0;
  std::vector<std::string> fell_back;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 4000 + i);
    const int64_t k = ri(r, 1, 48), n = ri(r, 1, 40), rows = ri(r, 1, 12);
    Shape as, bs;
    const int kind = i % 3;  // 0: constant [K, N] weight; 1: batched, both inputs; 2: 2-D B as an input
    if (kind == 1) {
      const int ar = static_cast<int>(ri(r, 3, 4)), br = static_cast<int>(ri(r, 3, 4));
      const int rr = std::max(ar, br);
      Shape batch;
      for (int j = 0; j < rr - 2; ++j) batch.push_back(ri(r, 1, 3));
      for (int j = rr - ar; j < rr - 2; ++j) as.push_back(coin(r) ? batch[static_cast<size_t>(j)] : 1);
      for (int j = rr - br; j < rr - 2; ++j) bs.push_back(coin(r) ? batch[static_cast<size_t>(j)] : 1);
      as.insert(as.end(), {rows, k});
      bs.insert(bs.end(), {k, n});
    } else {
      const int ar = static_cast<int>(ri(r, 2, 4));
      for (int j = 0; j < ar - 2; ++j) as.push_back(ri(r, 1, 3));
      as.insert(as.end(), {rows, k});
      bs = {k, n};
    }
    const char* kinds[] = {"constant 2-D weight", "batched, both inputs", "2-D B as graph input"};
    SCOPED_TRACE("case " + std::to_string(i) + " (seed kSeed+" + std::to_string(4000 + i) + "): MatMul A " +
                 vec(as) + " B " + vec(bs) + " " + kinds[kind]);
    Net net;
    TensorMap inputs;
    net.input("a", DType::kFloat32, as);
    inputs["a"] = rand_float(r, as);
    Tensor b = rand_float(r, bs);
    if (kind == 0) {
      net.init("b", b);
    } else {
      net.input("b", DType::kFloat32, bs);
      inputs["b"] = b;
    }
    net.node("MatMul", {"a", "b"}, {"y"});
    net.output("y", std::max(as.size(), bs.size()));
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    if (count(runs->stats.fast, "MatMul") == 1) ++fast_cases;
    else fell_back.push_back("case " + std::to_string(i) + ": A " + vec(as) + " B " + vec(bs));
  }
  std::string list;
  for (const auto& f : fell_back) list += "\n  " + f;
  EXPECT_EQ(fast_cases, kCases) << "MatMul cases that ran on the reference kernels:" << list;
}

TEST(FastKernels, MatMulBiasGeluMatchesReference) {
  constexpr int kCases = 24;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 5000 + i);
    const int64_t k = ri(r, 1, 64), n = ri(r, 1, 48);
    Shape as;
    if (coin(r)) as.push_back(ri(r, 1, 3));
    as.insert(as.end(), {ri(r, 1, 16), k});
    const bool add_swapped = coin(r), erf_add_swapped = coin(r), mul_x_swapped = coin(r), half_swapped = coin(r);
    std::ostringstream d;
    d << "case " << i << " (seed kSeed+" << 5000 + i << "): MatMul A " << vec(as) << " W [" << k << ", " << n
      << "] + bias [" << n << "] + GELU; swapped operands: bias Add " << add_swapped << ", Erf Add "
      << erf_add_swapped << ", Mul x " << mul_x_swapped << ", Mul 0.5 " << half_swapped;
    SCOPED_TRACE(d.str());
    Net net;
    TensorMap inputs;
    net.input("a", DType::kFloat32, as);
    inputs["a"] = rand_float(r, as, -2.0f, 2.0f);
    net.init("w", rand_float(r, {k, n}, -0.5f, 0.5f));
    net.init("bias", rand_float(r, {n}));
    net.init("sqrt2", Tensor::scalar<float>(std::sqrt(2.0f)));
    net.init("one", Tensor::scalar<float>(1.0f));
    net.init("half", Tensor::scalar<float>(0.5f));
    net.node("MatMul", {"a", "w"}, {"mm"});
    net.node("Add", add_swapped ? std::vector<std::string>{"bias", "mm"} : std::vector<std::string>{"mm", "bias"},
             {"h"});
    net.node("Div", {"h", "sqrt2"}, {"hd"});
    net.node("Erf", {"hd"}, {"he"});
    net.node("Add", erf_add_swapped ? std::vector<std::string>{"one", "he"} : std::vector<std::string>{"he", "one"},
             {"he1"});
    net.node("Mul", mul_x_swapped ? std::vector<std::string>{"he1", "h"} : std::vector<std::string>{"h", "he1"},
             {"hx"});
    net.node("Mul", half_swapped ? std::vector<std::string>{"half", "hx"} : std::vector<std::string>{"hx", "half"},
             {"y"});
    net.output("y", as.size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    EXPECT_EQ(total(runs->stats.reference), 0) << stats_str(runs->stats);
    // Erf has no fast kernel of its own: counted fast, it ran as part of a matched GELU (as a
    // post-op of the MatMul step or as its own oneDNN eltwise step).
    EXPECT_EQ(count(runs->stats.fast, "Erf"), 1) << "GELU not matched: " << stats_str(runs->stats);
    EXPECT_TRUE(fused_with(*runs->model, "MatMul_mm", {"Add_h"})) << "MatMul + bias should be one fast step";
  }
}

// ================================================================ 5. Pooling

TEST(FastKernels, PoolingMatchesReference) {
  constexpr int kCases = 120;
  int fast_cases = 0;
  std::vector<std::string> fell_back;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 6000 + i);
    const bool max = coin(r);
    const int rank = static_cast<int>(pick<int64_t>(r, {1, 2, 2, 3}));
    const int64_t n = ri(r, 1, 3), c = pick<int64_t>(r, {1, 3, 8, 16});
    const bool ceil_mode = coin(r), include_pad = !max && coin(r);
    const int64_t ap = ri(r, 0, 9);
    const std::string auto_pad = ap == 7 ? "SAME_UPPER" : ap == 8 ? "SAME_LOWER" : ap == 9 ? "VALID" : "NOTSET";
    const bool after_conv = ri(r, 0, 2) == 0;  // input in the layout a fast Conv produced
    std::vector<int64_t> k, st, pb, pe, in;
    for (int dd = 0; dd < rank; ++dd) {
      k.push_back(ri(r, 1, rank == 3 ? 3 : 4));
      st.push_back(ri(r, 1, 3));
      pb.push_back(auto_pad == "NOTSET" ? ri(r, 0, k.back() - 1) : 0);
      pe.push_back(auto_pad == "NOTSET" ? ri(r, 0, k.back() - 1) : 0);
      in.push_back(std::max<int64_t>(1, k.back() - pb.back() - pe.back() + ri(r, 0, rank == 3 ? 4 : 9)));
      if (auto_pad == "VALID") in.back() = std::max(in.back(), k.back());
    }
    std::vector<int64_t> pads = pb;
    pads.insert(pads.end(), pe.begin(), pe.end());
    Shape xs{n, c};
    xs.insert(xs.end(), in.begin(), in.end());
    std::ostringstream d;
    d << "case " << i << " (seed kSeed+" << 6000 + i << "): " << (max ? "MaxPool" : "AveragePool") << " x "
      << vec(xs) << " kernel " << vec(k) << " strides " << vec(st) << " auto_pad " << auto_pad << " pads "
      << vec(pads) << " ceil_mode " << ceil_mode << " count_include_pad " << include_pad << " after Conv "
      << after_conv;
    SCOPED_TRACE(d.str());
    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, xs);
    inputs["x"] = rand_float(r, xs);
    std::string src = "x";
    if (after_conv) {
      Shape ws{c, c};
      for (int dd = 0; dd < rank; ++dd) ws.push_back(1);
      net.init("w1", rand_float(r, ws));
      net.node("Conv", {"x", "w1"}, {"xc"});
      src = "xc";
    }
    auto& node = net.node(max ? "MaxPool" : "AveragePool", {src}, {"y"});
    attr_ints(node, "kernel_shape", k);
    attr_ints(node, "strides", st);
    if (auto_pad == "NOTSET") attr_ints(node, "pads", pads);
    else attr_s(node, "auto_pad", auto_pad);
    if (ceil_mode) attr_i(node, "ceil_mode", 1);
    if (!max) attr_i(node, "count_include_pad", include_pad);
    net.output("y", xs.size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    if (count(runs->stats.fast, max ? "MaxPool" : "AveragePool") == 1) ++fast_cases;
    else fell_back.push_back(d.str());
  }
  std::string list;
  for (const auto& f : fell_back) list += "\n  " + f;
  EXPECT_GE(fast_cases, kCases * 85 / 100) << "pooling cases that ran on the reference kernels:" << list;
}

TEST(FastKernels, GlobalPoolingMatchesReference) {
  constexpr int kCases = 24;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 7000 + i);
    const bool max = coin(r), after_conv = coin(r);
    const int rank = static_cast<int>(ri(r, 1, 3));
    Shape xs{ri(r, 1, 3), pick<int64_t>(r, {1, 3, 8, 16, 24})};
    for (int d = 0; d < rank; ++d) xs.push_back(ri(r, 1, rank == 3 ? 6 : 13));
    const std::string op = max ? "GlobalMaxPool" : "GlobalAveragePool";
    SCOPED_TRACE("case " + std::to_string(i) + " (seed kSeed+" + std::to_string(7000 + i) + "): " + op + " x " +
                 vec(xs) + " after Conv " + std::to_string(after_conv));
    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, xs);
    inputs["x"] = rand_float(r, xs);
    std::string src = "x";
    if (after_conv) {
      Shape ws{xs[1], xs[1]};
      for (int d = 0; d < rank; ++d) ws.push_back(1);
      net.init("w1", rand_float(r, ws));
      net.node("Conv", {"x", "w1"}, {"xc"});
      src = "xc";
    }
    net.node(op, {src}, {"y"});
    net.output("y", xs.size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    EXPECT_EQ(count(runs->stats.fast, op), 1) << stats_str(runs->stats);
  }
}

// ================================================================ 6. Broadcasting binaries

TEST(FastKernels, BroadcastingBinaryMatchesReference) {
  constexpr int kCases = 120;
  int fast_cases = 0, expected_fast = 0;
  std::vector<std::string> fell_back;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 8000 + i);
    const std::string op = pick<std::string>(r, {"Add", "Mul", "Sub", "Div"});
    const int rank = static_cast<int>(ri(r, 1, 5));
    Shape out;
    for (int d = 0; d < rank; ++d) out.push_back(ri(r, 1, rank >= 4 ? 4 : 7));
    // Each operand: the full shape, or some dims broadcast (1), or leading dims dropped.
    auto operand = [&](bool full) {
      Shape s = out;
      if (full) return s;
      for (auto& v : s) {
        if (ri(r, 0, 2) == 0) v = 1;
      }
      const int64_t drop = ri(r, 0, rank - 1);
      s.erase(s.begin(), s.begin() + (coin(r) ? drop : 0));
      return s;
    };
    const int64_t which_full = ri(r, 0, 3);  // 0: a, 1: b, 2: both, 3: neither necessarily
    const Shape as = operand(which_full == 0 || which_full == 2), bs = operand(which_full == 1 || which_full == 2);
    const bool b_const = ri(r, 0, 3) == 0;
    SCOPED_TRACE("case " + std::to_string(i) + " (seed kSeed+" + std::to_string(8000 + i) + "): " + op + " a " +
                 vec(as) + " b " + vec(bs) + (b_const ? " (b initializer)" : " (b input)"));
    Net net;
    TensorMap inputs;
    net.input("a", DType::kFloat32, as);
    inputs["a"] = rand_float(r, as, -2.0f, 2.0f);
    Tensor b = op == "Div" ? rand_nonzero(r, bs, 0.5f, 2.0f) : rand_float(r, bs, -2.0f, 2.0f);
    if (b_const) {
      net.init("b", b);
    } else {
      net.input("b", DType::kFloat32, bs);
      inputs["b"] = b;
    }
    net.node(op, {"a", "b"}, {"y"});
    net.output("y", out.size());
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    // oneDNN broadcasts only its second source: a fast step needs a (or, for Add/Mul, b) to have
    // the output shape.
    auto padded = [&](Shape s) {
      s.insert(s.begin(), out.size() - s.size(), 1);
      return s;
    };
    Shape od = padded(as);
    const Shape bd = padded(bs);
    for (size_t j = 0; j < od.size(); ++j) od[j] = std::max(od[j], bd[j]);
    const bool commutative = op == "Add" || op == "Mul";
    const bool expect = padded(as) == od || (commutative && bd == od);
    expected_fast += expect;
    const bool ran_fast = count(runs->stats.fast, op) == 1;
    fast_cases += ran_fast;
    if (expect && !ran_fast) fell_back.push_back(op + " a " + vec(as) + " b " + vec(bs));
  }
  std::string list;
  for (const auto& f : fell_back) list += "\n  " + f;
  EXPECT_TRUE(fell_back.empty()) << "binary cases with a full-shape operand that ran on the reference kernels:"
                                 << list;
  EXPECT_GE(expected_fast, kCases / 2);
}

// Conv (blocked output layout) -> Mul/Add/Sub/Div by a [N,C,1,1]-like second operand -> ...
TEST(FastKernels, ConvThenBroadcastBinaryMatchesReference) {
  constexpr int kCases = 32;
  for (int i = 0; i < kCases; ++i) {
    std::mt19937 r(kSeed + 9000 + i);
    const int64_t n = ri(r, 1, 3), c = pick<int64_t>(r, {3, 8, 16}), m = pick<int64_t>(r, {8, 16, 24, 32});
    const int64_t h = ri(r, 3, 12), w = ri(r, 3, 12);
    const std::string op = pick<std::string>(r, {"Mul", "Mul", "Add", "Sub", "Div"});
    const int scale_kind = static_cast<int>(ri(r, 0, 3));  // input [N,M,1,1], input [1,M,1,1], init [M,1,1], SE
    const bool scale_first = op != "Sub" && op != "Div" && coin(r);
    const bool then_conv = coin(r);
    const char* kinds[] = {"input [N,M,1,1]", "input [1,M,1,1]", "initializer [M,1,1]",
                           "SE: GlobalAveragePool -> Conv 1x1 -> Sigmoid"};
    std::ostringstream d;
    d << "case " << i << " (seed kSeed+" << 9000 + i << "): x [" << n << ", " << c << ", " << h << ", " << w
      << "] -> Conv 3x3 pad 1 M " << m << " -> " << op << " by " << kinds[scale_kind] << " (operand first "
      << scale_first << ") -> Relu -> " << (then_conv ? "Conv 3x3" : "output");
    SCOPED_TRACE(d.str());
    Net net;
    TensorMap inputs;
    net.input("x", DType::kFloat32, {n, c, h, w});
    inputs["x"] = rand_float(r, {n, c, h, w});
    net.init("w1", rand_float(r, {m, c, 3, 3}, -0.3f, 0.3f));
    net.init("b1", rand_float(r, {m}));
    attr_ints(net.node("Conv", {"x", "w1", "b1"}, {"y1"}), "pads", {1, 1, 1, 1});
    std::string s = "s";
    if (scale_kind == 0 || scale_kind == 1) {
      const Shape ss{scale_kind == 0 ? n : 1, m, 1, 1};
      net.input("s", DType::kFloat32, ss);
      inputs["s"] = op == "Div" ? rand_nonzero(r, ss, 0.5f, 2.0f) : rand_float(r, ss, 0.5f, 1.5f);
    } else if (scale_kind == 2) {
      net.init("s", op == "Div" ? rand_nonzero(r, {m, 1, 1}, 0.5f, 2.0f) : rand_float(r, {m, 1, 1}, 0.5f, 1.5f));
    } else {
      net.init("wse", rand_float(r, {m, m, 1, 1}, -0.3f, 0.3f));
      net.node("GlobalAveragePool", {"y1"}, {"gap"});
      net.node("Conv", {"gap", "wse"}, {"se"});
      net.node("Sigmoid", {"se"}, {"s"});
    }
    net.node(op, scale_first ? std::vector<std::string>{s, "y1"} : std::vector<std::string>{"y1", s}, {"y2"});
    net.node("Relu", {"y2"}, {"y3"});
    std::string out = "y3";
    if (then_conv) {
      net.init("w2", rand_float(r, {8, m, 3, 3}, -0.2f, 0.2f));
      attr_ints(net.node("Conv", {"y3", "w2"}, {"y4"}), "pads", {1, 1, 1, 1});
      out = "y4";
    }
    net.output(out, 4);
    auto runs = run_both(net.m, inputs);
    if (!runs) continue;
    expect_close(*runs);
    // Conv -> Add(y, s) with s an input of another shape: the Add must not become a sum post-op
    // the Conv step then rejects at run time (the first fast backend ran such Convs on the
    // reference kernel).
    EXPECT_EQ(total(runs->stats.reference), 0) << stats_str(runs->stats);
  }
}

// ================================================================ 7. INT8 (QDQ)
//
// x(float) -> QuantizeLinear(s_x, z_x) -> DequantizeLinear -> Conv/Gemm/MatMul with weights
// DequantizeLinear(s8 constant, per-channel or per-tensor) and bias DequantizeLinear(int32,
// s_x * s_w) -> [Relu | Clip(0,6)] -> [QuantizeLinear(s_y, z_y) -> DequantizeLinear] -> y.
//
// The reference dequantizes exactly and computes in float, so it differs from oneDNN's integer
// accumulation only by float rounding; a re-quantized output may flip by one unit where the
// float value sits at a rounding tie.
//
// Weights are 7-bit (values in [-64, 63]): on AVX2 without VNNI oneDNN multiplies u8 x s8 pairs
// with vpmaddubsw, which saturates the int16 sum of two products; with |w| <= 64 and activations
// <= 255 (s8 activations are shifted by +128 to u8) a pair sums to at most 2 * 255 * 64 = 32640
// < 32767, so the saturation cannot occur and the results must match the exact math.

struct QSpec {
  std::string op;  // Conv, Gemm, MatMul
  ConvSpec conv;
  Shape a_shape;   // Gemm / MatMul input
  int64_t k = 0, n = 0;
  DType xq = DType::kUInt8;
  int32_t zx = 0;
  float sx = 0.02f;
  bool per_channel = true, bias = true, weight_zp = false;
  Act act = Act::kNone;
  bool qout = false;
  DType yq = DType::kUInt8;
  int32_t zy = 0;
  std::string describe() const {
    std::ostringstream o;
    if (op == "Conv") o << conv.describe();
    else o << op << " A " << vec(a_shape) << " K " << k << " N " << n;
    o << " | x " << dtype_name(xq) << " s_x " << sx << " z_x " << zx << " | weights "
      << (per_channel ? "per-channel" : "per-tensor") << " s8 zero point " << (weight_zp ? "given (0)" : "absent")
      << " | int32 bias " << bias << " | activation " << act_name(act) << " | output "
      << (qout ? std::string("re-quantized ") + dtype_name(yq) + " z_y " + std::to_string(zy) : "float");
    return o.str();
  }
};

Tensor zero_point(DType t, int32_t z) {
  if (t == DType::kUInt8) return Tensor::scalar<uint8_t>(static_cast<uint8_t>(z));
  return Tensor::scalar<int8_t>(static_cast<int8_t>(z));
}

// The QDQ model; `sy` < 0 leaves the output in float (no trailing QuantizeLinear).
onnx::ModelProto qdq_model(const QSpec& q, std::mt19937 r, float sy, TensorMap& inputs) {
  Net net;
  const bool conv = q.op == "Conv", gemm = q.op == "Gemm";
  const Shape xs = conv ? q.conv.x_shape() : q.a_shape;
  const int64_t channels = conv ? q.conv.m : q.n;  // output channels the weight scales run along
  // Activations: (q - z_x + u) * s_x with q inside the type's range and |u| <= 0.3, so x quantizes
  // back to q exactly on both backends (no rounding ties, no saturation).
  const int32_t lo = q.xq == DType::kUInt8 ? 0 : -128, hi = q.xq == DType::kUInt8 ? 255 : 127;
  Tensor x(DType::kFloat32, xs);
  for (int64_t i = 0; i < x.numel(); ++i) {
    x.data<float>()[i] = (static_cast<float>(ri(r, lo, hi) - q.zx) + rf(r, -0.3f, 0.3f)) * q.sx;
  }
  net.input("x", DType::kFloat32, xs);
  inputs["x"] = x;
  net.init("sx", Tensor::scalar<float>(q.sx));
  net.init("zx", zero_point(q.xq, q.zx));
  net.node("QuantizeLinear", {"x", "sx", "zx"}, {"xq"});
  net.node("DequantizeLinear", {"xq", "sx", "zx"}, {"xd"});

  const Shape ws = conv ? q.conv.w_shape() : gemm ? Shape{q.n, q.k} : Shape{q.k, q.n};
  Tensor wq(DType::kInt8, ws);
  for (int64_t i = 0; i < wq.numel(); ++i) wq.data<int8_t>()[i] = static_cast<int8_t>(ri(r, -64, 63));
  std::vector<float> sw(q.per_channel ? static_cast<size_t>(channels) : 1);
  for (auto& v : sw) v = rf(r, 0.002f, 0.02f);
  net.init("wq", wq);
  net.init("sw", q.per_channel ? Tensor::from_vector<float>({channels}, sw) : Tensor::scalar<float>(sw[0]));
  std::vector<std::string> w_in{"wq", "sw"};
  if (q.weight_zp) {
    net.init("zw", q.per_channel ? Tensor(DType::kInt8, {channels}) : Tensor::scalar<int8_t>(0));
    w_in.push_back("zw");
  }
  auto& wdq = net.node("DequantizeLinear", w_in, {"wd"});
  if (q.per_channel) attr_i(wdq, "axis", q.op == "MatMul" ? 1 : 0);

  std::vector<std::string> in{"xd", "wd"};
  if (q.bias && q.op != "MatMul") {
    Tensor bq(DType::kInt32, {channels});
    for (int64_t i = 0; i < channels; ++i) bq.data<int32_t>()[i] = static_cast<int32_t>(ri(r, -3000, 3000));
    std::vector<float> sb(sw.size());
    for (size_t i = 0; i < sw.size(); ++i) sb[i] = q.sx * sw[i];
    net.init("bq", bq);
    net.init("sb", q.per_channel ? Tensor::from_vector<float>({channels}, sb) : Tensor::scalar<float>(sb[0]));
    auto& bdq = net.node("DequantizeLinear", {"bq", "sb"}, {"bd"});
    if (q.per_channel) attr_i(bdq, "axis", 0);
    in.push_back("bd");
  }
  if (conv) {
    conv_attrs(net.node("Conv", in, {"y0"}), q.conv);
  } else if (gemm) {
    attr_i(net.node("Gemm", in, {"y0"}), "transB", 1);
  } else {
    net.node("MatMul", in, {"y0"});
  }
  std::string cur = add_act(net, q.act, "y0", "act");
  if (sy > 0) {
    net.init("sy", Tensor::scalar<float>(sy));
    net.init("zy", zero_point(q.yq, q.zy));
    net.node("QuantizeLinear", {cur, "sy", "zy"}, {"yq"});
    net.node("DequantizeLinear", {"yq", "sy", "zy"}, {"y"});
    cur = "y";
  }
  net.output(cur, xs.size());
  return net.m;
}

QSpec random_qspec(std::mt19937& r, const std::string& op) {
  QSpec q;
  q.op = op;
  if (op == "Conv") {
    q.conv = random_conv(r, 2);
    q.conv.weights_as_input = false;
    q.conv.bias = false;  // the int32 bias below
  } else if (op == "Gemm") {
    q.k = ri(r, 1, 96);
    q.n = ri(r, 1, 48);
    q.a_shape = {ri(r, 1, 24), q.k};
  } else {
    q.k = ri(r, 1, 96);
    q.n = ri(r, 1, 48);
    if (coin(r)) q.a_shape.push_back(ri(r, 1, 3));
    q.a_shape.insert(q.a_shape.end(), {ri(r, 1, 16), q.k});
  }
  q.xq = coin(r) ? DType::kUInt8 : DType::kInt8;
  q.zx = q.xq == DType::kUInt8 ? static_cast<int32_t>(pick<int64_t>(r, {0, 128, 3, ri(r, 0, 255)}))
                               : static_cast<int32_t>(pick<int64_t>(r, {0, -5, 7, ri(r, -128, 127)}));
  q.sx = rf(r, 0.005f, 0.05f);
  q.per_channel = ri(r, 0, 3) != 0;
  q.bias = op != "MatMul" && ri(r, 0, 3) != 0;  // MatMul has no bias input
  q.weight_zp = coin(r);
  q.act = pick(r, {Act::kNone, Act::kRelu, Act::kRelu, Act::kClip6});
  q.qout = ri(r, 0, 2) != 0;
  q.yq = coin(r) ? DType::kUInt8 : DType::kInt8;
  if (q.yq == DType::kUInt8) q.zy = static_cast<int32_t>(q.act == Act::kNone ? pick<int64_t>(r, {128, 3, 100}) : pick<int64_t>(r, {0, 3, 128}));
  else q.zy = static_cast<int32_t>(pick<int64_t>(r, {0, -4, 9}));
  return q;
}

void run_int8_cases(const std::string& op, int cases, uint32_t seed_base) {
  int fast_cases = 0;
  std::vector<std::string> not_fused;
  for (int i = 0; i < cases; ++i) {
    std::mt19937 r(seed_base + i);
    const QSpec q = random_qspec(r, op);
    const std::mt19937 data_rng(seed_base * 7 + i);
    float sy = -1.0f;
    if (q.qout) {
      // Output scale from the float result: about 100 units for the largest value.
      TensorMap in0;
      auto m0 = load(qdq_model(q, data_rng, -1.0f, in0));
      if (!m0) continue;
      auto s0 = Session::create(m0, {.threads = 2, .backend = Backend::kReference});
      ASSERT_TRUE(s0) << s0.status().message();
      auto o0 = s0->run(in0);
      ASSERT_TRUE(o0) << o0.status().message();
      double mx = 0;
      const Tensor& y0 = o0->begin()->second;
      for (int64_t j = 0; j < y0.numel(); ++j) mx = std::max(mx, std::fabs(y0.get_double(j)));
      sy = static_cast<float>(std::max(mx, 1e-3) / 100.0);
    }
    const std::string desc = "case " + std::to_string(i) + " (seed " + std::to_string(seed_base + i) + "): " +
                             q.describe() + (q.qout ? " s_y " + std::to_string(sy) : "");
    SCOPED_TRACE(desc);
    TensorMap inputs;
    auto runs = run_both(qdq_model(q, data_rng, sy, inputs), inputs);
    if (!runs) continue;
    ASSERT_EQ(runs->ref.size(), 1u);
    ASSERT_EQ(runs->fast.count(runs->ref.begin()->first), 1u);
    const Tensor& ref = runs->ref.begin()->second;
    const Tensor& f = runs->fast.at(runs->ref.begin()->first);
    ASSERT_EQ(f.shape(), ref.shape());
    ASSERT_EQ(f.dtype(), DType::kFloat32);
    double max_ref = 0;
    for (int64_t j = 0; j < ref.numel(); ++j) max_ref = std::max(max_ref, std::fabs(static_cast<double>(ref.data<float>()[j])));
    // Re-quantized: within one output unit everywhere, and at most 1% of the elements (at least
    // one: a tie can sit anywhere) differ at all. Float: float rounding only.
    int64_t differ = 0, beyond = 0, first_bad = -1;
    const double tol = sy > 0 ? sy * (1.0 + 1e-4) : 1e-4 * max_ref + 1e-6;
    for (int64_t j = 0; j < ref.numel(); ++j) {
      const double dlt = std::fabs(static_cast<double>(f.data<float>()[j]) - ref.data<float>()[j]);
      if (dlt > (sy > 0 ? 1e-3 * sy : tol)) ++differ;
      if (!(dlt <= tol)) {
        ++beyond;
        if (first_bad < 0) first_bad = j;
      }
    }
    std::ostringstream bad;
    if (beyond > 0) {
      bad << beyond << " of " << ref.numel() << " elements differ by more than " << tol << "; first at flat index "
          << first_bad << ": fast " << f.data<float>()[first_bad] << " reference " << ref.data<float>()[first_bad]
          << ". ";
    }
    if (sy > 0 && differ > std::max<int64_t>(1, ref.numel() / 100)) {
      bad << differ << " of " << ref.numel() << " re-quantized elements differ by one unit. ";
    }
    if (!bad.str().empty()) ADD_FAILURE() << bad.str();
    // The INT8 primitive must have run: the op and the activation / weight DequantizeLinear nodes
    // count as fast, nothing runs on the reference kernels, and the op's step reads around the
    // DequantizeLinear nodes (and writes the trailing QuantizeLinear's output).
    std::vector<std::string> around{"DequantizeLinear_xd", "DequantizeLinear_wd"};
    if (q.bias) around.push_back("DequantizeLinear_bd");
    if (q.qout) around.push_back("QuantizeLinear_yq");
    const bool fused = count(runs->stats.fast, op) == 1 && total(runs->stats.reference) == 0 &&
                       fused_with(*runs->model, op + "_y0", around);
    if (fused) ++fast_cases;
    else not_fused.push_back(desc + " -> " + stats_str(runs->stats));
  }
  std::string list;
  for (const auto& f : not_fused) list += "\n  " + f;
  EXPECT_EQ(fast_cases, cases) << "INT8 " << op << " cases not (fully) on the fast INT8 path:" << list;
}

TEST(FastKernels, Int8ConvMatchesReference) { run_int8_cases("Conv", 100, kSeed + 10000); }
TEST(FastKernels, Int8GemmMatchesReference) { run_int8_cases("Gemm", 40, kSeed + 11000); }
TEST(FastKernels, Int8MatMulMatchesReference) { run_int8_cases("MatMul", 40, kSeed + 12000); }

// x = 1 quantized to int8 or uint8 (scale 1, zero point 0), one 1x1 weight w (int8, scale 1):
// y = w exactly. On AVX2 without VNNI oneDNN's s8s8 convolution pre-scales the weights by 0.5;
// the first fast backend fed it int8 activations and got 4 for w = 3 and 0 for w = 1.
TEST(FastKernels, Int8ConvWithInt8ActivationsIsExact) {
  for (DType xt : {DType::kUInt8, DType::kInt8}) {
    for (int w_val : {1, 3, -5, 63}) {
      Net net;
      net.input("x", DType::kFloat32, {1, 1, 4, 4});
      net.init("s", Tensor::scalar<float>(1.0f));
      net.init("z", zero_point(xt, 0));
      Tensor w(DType::kInt8, {1, 1, 1, 1});
      w.data<int8_t>()[0] = static_cast<int8_t>(w_val);
      net.init("w", w);
      net.node("QuantizeLinear", {"x", "s", "z"}, {"xq"});
      net.node("DequantizeLinear", {"xq", "s", "z"}, {"xd"});
      net.node("DequantizeLinear", {"w", "s"}, {"wd"});
      net.node("Conv", {"xd", "wd"}, {"y"});
      net.output("y", 4);
      Tensor x(DType::kFloat32, {1, 1, 4, 4});
      for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = 1.0f;
      auto runs = run_both(net.m, {{"x", x}});
      ASSERT_TRUE(runs);
      EXPECT_TRUE(fused_with(*runs->model, "Conv_y", {"DequantizeLinear_xd", "DequantizeLinear_wd"}));
      ASSERT_EQ(runs->ref.at("y").data<float>()[0], static_cast<float>(w_val));
      EXPECT_EQ(runs->fast.at("y").data<float>()[0], static_cast<float>(w_val))
          << dtype_name(xt) << " activations, w = " << w_val;
    }
  }
}

// ================================================================ 8. Fallbacks

// Conv on float64: the fast step does not handle it and the reference kernel runs instead.
TEST(FastKernels, Float64ConvFallsBackToReference) {
  std::mt19937 r(kSeed + 13000);
  Net net;
  Tensor x(DType::kFloat64, {2, 3, 7, 6}), w(DType::kFloat64, {4, 3, 3, 3});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<double>()[i] = rf(r, -1, 1);
  for (int64_t i = 0; i < w.numel(); ++i) w.data<double>()[i] = rf(r, -1, 1);
  net.input("x", DType::kFloat64, x.shape());
  net.init("w", w);
  attr_ints(net.node("Conv", {"x", "w"}, {"y0"}), "pads", {1, 0, 1, 2});
  net.node("Relu", {"y0"}, {"y"});
  net.output("y", 4, DType::kFloat64);
  auto runs = run_both(net.m, {{"x", x}});
  ASSERT_TRUE(runs);
  EXPECT_LE(rel_l2(runs->fast.at("y"), runs->ref.at("y")), 1e-12);
  EXPECT_EQ(count(runs->stats.reference, "Conv"), 1) << stats_str(runs->stats);
  EXPECT_EQ(count(runs->stats.fast, "Conv"), 0) << stats_str(runs->stats);
  EXPECT_EQ(count(runs->stats.reference, "Relu"), 1) << stats_str(runs->stats);
}

// Gemm whose bias changes shape between runs: [N] runs fast, [M, N] (not a oneDNN bias) falls
// back, and the next [N] run is fast again; backend_stats follows the last run.
TEST(FastKernels, GemmFallbackFollowsTheLastRun) {
  std::mt19937 r(kSeed + 13001);
  const int64_t m = 5, k = 7, n = 6;
  Net net;
  net.input("a", DType::kFloat32, {m, k});
  net.input_symbolic("c", DType::kFloat32, 2);
  net.init("b", rand_float(r, {n, k}));
  auto& g = net.node("Gemm", {"a", "b", "c"}, {"y"});
  attr_i(g, "transB", 1);
  attr_f(g, "beta", 0.5f);
  net.output("y", 2);
  auto model = load(net.m);
  ASSERT_TRUE(model);
  auto fs = Session::create(model, {.threads = 2, .backend = Backend::kFast});
  auto rs = Session::create(model, {.threads = 2, .backend = Backend::kReference});
  ASSERT_TRUE(fs && rs);
  const Tensor a = rand_float(r, {m, k});
  const Tensor c_row = rand_float(r, {1, n}), c_full = rand_float(r, {m, n});
  for (const auto& [c, fast_expected] : std::vector<std::pair<Tensor, bool>>{{c_row, true}, {c_full, false}, {c_row, true}}) {
    SCOPED_TRACE("C " + shape_str(c.shape()));
    auto fo = fs->run({{"a", a}, {"c", c}});
    auto ro = rs->run({{"a", a}, {"c", c}});
    ASSERT_TRUE(fo && ro);
    EXPECT_LT(rel_l2(fo->at("y"), ro->at("y")), kTol);
    const BackendStats st = fs->backend_stats();
    EXPECT_EQ(count(st.fast, "Gemm"), fast_expected ? 1 : 0) << stats_str(st);
    EXPECT_EQ(count(st.reference, "Gemm"), fast_expected ? 0 : 1) << stats_str(st);
  }
}

// MaxPool with dilations is planned fast but not handled by the fast op: reference at run time.
TEST(FastKernels, DilatedMaxPoolFallsBackToReference) {
  std::mt19937 r(kSeed + 13002);
  Net net;
  net.input("x", DType::kFloat32, {1, 8, 9, 9});
  auto& p = net.node("MaxPool", {"x"}, {"y"});
  attr_ints(p, "kernel_shape", {3, 3});
  attr_ints(p, "dilations", {2, 2});
  attr_ints(p, "pads", {1, 1, 1, 1});
  net.output("y", 4);
  auto runs = run_both(net.m, {{"x", rand_float(r, {1, 8, 9, 9})}});
  ASSERT_TRUE(runs);
  EXPECT_EQ(rel_l2(runs->fast.at("y"), runs->ref.at("y")), 0.0);
  EXPECT_EQ(count(runs->stats.reference, "MaxPool"), 1) << stats_str(runs->stats);
}

// Weights given as a graph input or as an initializer override (RunOptions::initializers) are
// re-prepared when a run brings other weights.
TEST(FastKernels, ConvWeightsFollowEveryRun) {
  std::mt19937 r(kSeed + 13003);
  Net net;
  net.input("x", DType::kFloat32, {1, 8, 6, 6});
  net.input("w", DType::kFloat32, {16, 8, 3, 3});
  net.init("w2", rand_float(r, {16, 16, 3, 3}));
  attr_ints(net.node("Conv", {"x", "w"}, {"y1"}), "pads", {1, 1, 1, 1});
  net.node("Relu", {"y1"}, {"r1"});
  attr_ints(net.node("Conv", {"r1", "w2"}, {"y"}), "pads", {1, 1, 1, 1});
  net.output("y", 4);
  auto model = load(net.m);
  ASSERT_TRUE(model);
  auto fs = Session::create(model, {.threads = 2, .backend = Backend::kFast});
  auto rs = Session::create(model, {.threads = 2, .backend = Backend::kReference});
  ASSERT_TRUE(fs && rs);
  const Tensor x = rand_float(r, {1, 8, 6, 6});
  auto check = [&](const Tensor& w, const Tensor* w2, const char* what) {
    SCOPED_TRACE(what);
    RunOptions ro;
    if (w2) ro.initializers = std::make_shared<const std::map<std::string, Tensor>>(std::map<std::string, Tensor>{{"w2", *w2}});
    auto fo = fs->run({{"x", x}, {"w", w}}, ro);
    auto rr = rs->run({{"x", x}, {"w", w}}, ro);
    ASSERT_TRUE(fo && rr);
    EXPECT_LT(rel_l2(fo->at("y"), rr->at("y")), kTol);
    EXPECT_EQ(count(fs->backend_stats().fast, "Conv"), 2) << stats_str(fs->backend_stats());
  };
  const Tensor w_a = rand_float(r, {16, 8, 3, 3}), w_b = rand_float(r, {16, 8, 3, 3});
  const Tensor w2_a = rand_float(r, {16, 16, 3, 3}), w2_b = rand_float(r, {16, 16, 3, 3});
  check(w_a, nullptr, "first weights");
  check(w_b, nullptr, "other weights tensor");
  check(w_b, &w2_a, "initializer replaced");
  check(w_b, &w2_b, "initializer replaced by another tensor");
  check(w_a, nullptr, "initializer back to the model's");
}

// The caller fills the same weights tensor in place between runs (one buffer reused, as a
// simulation loop would), as a graph input and as an initializer override: the fast Conv must not
// keep weights it prepared in an earlier run (the first fast backend cached them by address).
TEST(FastKernels, ConvWeightsModifiedInPlaceBetweenRuns) {
  std::mt19937 r(kSeed + 13004);
  Net net;
  net.input("x", DType::kFloat32, {1, 8, 6, 6});
  net.input("w", DType::kFloat32, {16, 8, 3, 3});
  net.init("w2", rand_float(r, {8, 16, 3, 3}));
  attr_ints(net.node("Conv", {"x", "w"}, {"y1"}), "pads", {1, 1, 1, 1});
  attr_ints(net.node("Conv", {"y1", "w2"}, {"y"}), "pads", {1, 1, 1, 1});
  net.output("y", 4);
  auto model = load(net.m);
  ASSERT_TRUE(model);
  auto fs = Session::create(model, {.threads = 2, .backend = Backend::kFast});
  auto rs = Session::create(model, {.threads = 2, .backend = Backend::kReference});
  ASSERT_TRUE(fs && rs);
  const Tensor x = rand_float(r, {1, 8, 6, 6});
  Tensor w = rand_float(r, {16, 8, 3, 3}), w2 = rand_float(r, {8, 16, 3, 3});
  RunOptions ro;
  ro.initializers = std::make_shared<const std::map<std::string, Tensor>>(std::map<std::string, Tensor>{{"w2", w2}});
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run) + (run == 1 ? ": input w modified in place"
                                                          : run == 2 ? ": override w2 modified in place" : ""));
    if (run == 1) {
      for (int64_t i = 0; i < w.numel(); ++i) w.data<float>()[i] = -2.0f * w.data<float>()[i];
    } else if (run == 2) {
      for (int64_t i = 0; i < w2.numel(); ++i) w2.data<float>()[i] = 0.5f - w2.data<float>()[i];
    }
    auto fo = fs->run({{"x", x}, {"w", w}}, ro);
    auto rr = rs->run({{"x", x}, {"w", w}}, ro);
    ASSERT_TRUE(fo && rr);
    EXPECT_EQ(count(fs->backend_stats().fast, "Conv"), 2) << stats_str(fs->backend_stats());
    EXPECT_LT(rel_l2(fo->at("y"), rr->at("y")), kTol);
  }
}

// ================================================================ 9. Taps

// A residual block with pooling and a classifier head.
onnx::ModelProto tap_model(std::mt19937& r) {
  Net net;
  net.input("x", DType::kFloat32, {2, 8, 10, 10});
  net.init("w1", rand_float(r, {16, 8, 3, 3}, -0.3f, 0.3f));
  net.init("b1", rand_float(r, {16}));
  net.init("w2", rand_float(r, {16, 16, 3, 3}, -0.2f, 0.2f));
  net.init("gamma", rand_float(r, {16}, 0.5f, 1.5f));
  net.init("beta", rand_float(r, {16}, -0.5f, 0.5f));
  net.init("mean", rand_float(r, {16}, -0.5f, 0.5f));
  net.init("var", rand_float(r, {16}, 0.5f, 1.5f));
  net.init("wfc", rand_float(r, {10, 16}));
  net.init("bfc", rand_float(r, {10}));
  attr_ints(net.node("Conv", {"x", "w1", "b1"}, {"c1"}), "pads", {1, 1, 1, 1});
  net.node("Relu", {"c1"}, {"r1"});
  auto& mp = net.node("MaxPool", {"r1"}, {"p1"});
  attr_ints(mp, "kernel_shape", {2, 2});
  attr_ints(mp, "strides", {2, 2});
  attr_ints(net.node("Conv", {"p1", "w2"}, {"c2"}), "pads", {1, 1, 1, 1});
  net.node("BatchNormalization", {"c2", "gamma", "beta", "mean", "var"}, {"bn2"});
  net.node("Add", {"bn2", "p1"}, {"a2"});
  net.node("Sigmoid", {"a2"}, {"s2"});
  net.node("Mul", {"a2", "s2"}, {"sw2"});
  net.node("GlobalAveragePool", {"sw2"}, {"g"});
  net.node("Flatten", {"g"}, {"f"});
  attr_i(net.node("Gemm", {"f", "wfc", "bfc"}, {"logits"}), "transB", 1);
  net.output("logits", 2);
  return net.m;
}

TEST(FastKernels, TapsSeeEveryValueOnTheFastBackend) {
  std::mt19937 r(kSeed + 14000);
  auto model = load(tap_model(r));
  ASSERT_TRUE(model);
  const Tensor x = rand_float(r, {2, 8, 10, 10});
  auto record = [&](Backend b, std::map<std::string, Tensor>& seen) -> TensorMap {
    auto s = Session::create(model, {.threads = 2, .backend = b});
    EXPECT_TRUE(s) << s.status().message();
    if (!s) return {};
    RunOptions ro;
    ro.tap = [&](const TapEvent& e, Tensor& t) { seen[*e.value] = t.clone(); };
    auto out = s->run({{"x", x}}, ro);
    EXPECT_TRUE(out) << out.status().message();
    return out ? *out : TensorMap{};
  };
  std::map<std::string, Tensor> fast_seen, ref_seen;
  const TensorMap fo = record(Backend::kFast, fast_seen);
  const TensorMap ro = record(Backend::kReference, ref_seen);
  // Every node output, including the Conv outputs before Relu / BatchNormalization.
  for (const char* v : {"c1", "r1", "p1", "c2", "bn2", "a2", "s2", "sw2", "g", "f", "logits"}) {
    EXPECT_TRUE(fast_seen.count(v)) << "the fast backend's tap did not see '" << v << "'";
  }
  EXPECT_EQ(fast_seen.size(), ref_seen.size());
  for (const auto& [name, want] : ref_seen) {
    auto it = fast_seen.find(name);
    if (it == fast_seen.end()) continue;
    EXPECT_LT(rel_l2(it->second, want), kTol) << "tapped value '" << name << "'";
  }
  ASSERT_TRUE(fo.count("logits") && ro.count("logits"));
  EXPECT_LT(rel_l2(fo.at("logits"), ro.at("logits")), kTol);

  // A tap that replaces the Conv output changes the fast result as it changes the reference.
  auto replaced = [&](Backend b) -> Tensor {
    auto s = Session::create(model, {.threads = 2, .backend = b});
    EXPECT_TRUE(s);
    if (!s) return {};
    RunOptions ro2;
    ro2.tap = [](const TapEvent& e, Tensor& t) {
      if (*e.value != "c1") return;
      Tensor u = t.clone();
      for (int64_t i = 0; i < u.numel(); ++i) u.data<float>()[i] = 0.5f * u.data<float>()[i] - 0.1f;
      t = u;
    };
    auto out = s->run({{"x", x}}, ro2);
    EXPECT_TRUE(out);
    return out ? out->at("logits") : Tensor();
  };
  const Tensor fr = replaced(Backend::kFast), rr = replaced(Backend::kReference);
  EXPECT_LT(rel_l2(fr, rr), kTol);
  EXPECT_GT(rel_l2(fr, fo.at("logits")), 1e-3) << "the replaced Conv output did not reach the result";
}

}  // namespace

