// Sensitivity sweeps on a two-layer linear model whose numbers can be worked out by hand.
//
// Model: y = (x @ W1) @ W2 with W1 = W2 = I (2x2), two samples x = [1.0, 0.2] (label 0) and
// [0.4, 0.7] (label 1), so the FP32 logits are x itself and FP32 top-1 is 100%.
// - fc1 weights "quantized" to diag(1, 0.5): y = [1, 0.1], [0.4, 0.35]; sample 2 flips to class 0.
//   ||x||^2 = 1.69, ||y - x||^2 = 0.01 + 0.1225 = 0.1325: SQNR 10 log10(1.69 / 0.1325) = 11.0567 dB;
//   cosine <x,y> / (|x||y|) = 0.96418; mean KL(softmax(x) || softmax(y)) = 0.0081075 (numpy).
// - activations fake-quantized int8 symmetric, scale 0.5: [1, 0.2] -> [1, 0], [0.4, 0.7] -> [0.5, 0.5]
//   (argmax takes the first of a tie: class 0, a flip). ||y - x||^2 = 0.04 + 0.01 + 0.04 = 0.09:
//   SQNR 12.7364 dB, cosine 0.973515, KL 0.0076454 (numpy).
// fc2's weights stay exact (W2q = I): its weights-only harm is 0 and its SQNR infinite.
#include <gtest/gtest.h>

#include <cmath>

#include "qwb/sensitivity.h"
#include "test_models.h"

using namespace qwb;
namespace tmod = qwb::testmodels;

namespace {

struct Fixture {
  std::shared_ptr<const Model> model;
  Quantization q;
  Dataset data;
};

Fixture make() {
  auto m = tmod::model(13);
  auto* g = m.mutable_graph();
  *g->add_input() = tmod::tensor_info("x", onnx::TensorProto::FLOAT, {1, 2}, "batch");
  *g->add_output() = tmod::tensor_info("y", onnx::TensorProto::FLOAT, {1, 2}, "batch");
  *g->add_initializer() = tmod::float_init("W1", {2, 2}, {1, 0, 0, 1});
  *g->add_initializer() = tmod::float_init("W2", {2, 2}, {1, 0, 0, 1});
  *g->add_node() = tmod::node("MatMul", {"x", "W1"}, {"h"}, "fc1");
  *g->add_node() = tmod::node("MatMul", {"h", "W2"}, {"y"}, "fc2");
  auto loaded = Model::from_bytes(tmod::serialize(m), "two_fc.onnx");
  EXPECT_TRUE(loaded) << loaded.status().message();
  Fixture f;
  f.model = std::make_shared<const Model>(std::move(*loaded));
  QuantOptions o;
  o.activations = {DType::kInt8, true, Granularity::kTensor, 0, false};
  auto plan = make_plan(*f.model, o);
  EXPECT_TRUE(plan) << plan.status().message();
  f.q.plan = *plan;
  EXPECT_EQ(f.q.plan.quantized_nodes, (std::vector<std::string>{"fc1", "fc2"}));
  QuantizedTensor w1, w2, act;
  w1.dequantized = Tensor::from_vector<float>({2, 2}, {1, 0, 0, 0.5f});
  w2.dequantized = Tensor::from_vector<float>({2, 2}, {1, 0, 0, 1});
  f.q.weights["W1"] = w1;
  f.q.weights["W2"] = w2;
  act.spec = o.activations;
  act.scale = Tensor::scalar<float>(0.5f);
  act.zero_point = Tensor::scalar<int8_t>(0);
  f.q.activations["x"] = act;
  f.q.activations["h"] = act;
  f.data = Dataset("two", Tensor::from_vector<float>({2, 2}, {1.0f, 0.2f, 0.4f, 0.7f}), {0, 1}, Preprocess{});
  return f;
}

const LayerSensitivity& layer(const SensitivityReport& r, const std::string& name) {
  for (const auto& l : r.layers) {
    if (l.layer == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

}  // namespace

TEST(Sensitivity, OnlyOneLayerMetricsByHand) {
  for (Backend backend : {Backend::kFast, Backend::kReference}) {
    Fixture f = make();
    auto s = Session::create(f.model, {.threads = 1, .backend = backend});
    ASSERT_TRUE(s) << s.status().message();
    SensitivityOptions o;
    o.batch = 1;  // two batches: accumulation across batches
    NullProgress np;
    auto r = analyze_sensitivity(*s, f.q, f.data, o, np);
    ASSERT_TRUE(r) << r.status().message();
    EXPECT_FALSE(r->cancelled);
    EXPECT_DOUBLE_EQ(r->fp32_top1, 1.0);
    const auto& fc1 = layer(*r, "fc1");
    const LayerMetrics& w = fc1.metrics.at("only.weights");
    EXPECT_NEAR(w.output_sqnr_db, 11.0567, 1e-3);
    EXPECT_NEAR(w.output_cosine, 0.964176, 1e-5);
    EXPECT_NEAR(w.logits_kl, 0.0081075, 1e-6);
    EXPECT_NEAR(w.delta_top1_pts, -50.0, 1e-9);
    EXPECT_NEAR(w.local_sqnr_db, 11.0567, 1e-3);  // h = y here
    const LayerMetrics& a = fc1.metrics.at("only.activations");  // the graph input replaced
    EXPECT_NEAR(a.output_sqnr_db, 12.7364, 1e-3);
    EXPECT_NEAR(a.output_cosine, 0.973515, 1e-5);
    EXPECT_NEAR(a.logits_kl, 0.0076454, 1e-6);
    EXPECT_NEAR(a.delta_top1_pts, -50.0, 1e-9);
    // fc2: an intermediate activation replaced from the FP32 pass; its weights are exact.
    const auto& fc2 = layer(*r, "fc2");
    EXPECT_NEAR(fc2.metrics.at("only.activations").output_sqnr_db, 12.7364, 1e-3);
    EXPECT_TRUE(std::isinf(fc2.metrics.at("only.weights").output_sqnr_db));
    EXPECT_NEAR(fc2.metrics.at("only.weights").delta_top1_pts, 0.0, 1e-9);
    // both = weights and input: fc1 gives [1, 0] * diag(1, .5) = [1, 0] and [.5, .25].
    EXPECT_NEAR(fc1.metrics.at("only.both").output_sqnr_db, 10 * std::log10(1.69 / (0.04 + 0.01 + 0.2025)), 1e-3);
    // Ranked by harm (only.both NMSE): fc1 before fc2.
    EXPECT_EQ(r->layers.front().layer, "fc1");
    EXPECT_TRUE(fc1.complete && fc2.complete);
    // Propagation: h and y with everything quantized (fc1 both, h quantized, W2 exact):
    // h = [1, 0], [.5, .25] -> fq(h) = [1, 0], [.5, 0] = y: ||d||^2 = .04 + .01 + .49 = .54.
    ASSERT_EQ(r->propagation.size(), 2u);
    EXPECT_EQ(r->propagation[1].tensor, "y");
    EXPECT_NEAR(r->propagation[1].accumulated_sqnr_db, 10 * std::log10(1.69 / 0.54), 1e-3);
    EXPECT_NEAR(r->propagation[0].local_sqnr_db, fc1.metrics.at("only.both").local_sqnr_db, 1e-9);
  }
}

TEST(Sensitivity, AllButOneLayer) {
  Fixture f = make();
  auto s = Session::create(f.model, {.threads = 1});
  ASSERT_TRUE(s);
  SensitivityOptions o;
  o.modes = {SweepMode::kAllBut};
  o.parts = {SweepPart::kWeights};
  o.propagation = false;
  NullProgress np;
  auto r = analyze_sensitivity(*s, f.q, f.data, o, np);
  ASSERT_TRUE(r) << r.status().message();
  // All but fc2 = fc1's weights only (11.0567 dB); all but fc1 = nothing changes.
  EXPECT_NEAR(layer(*r, "fc2").metrics.at("all_but.weights").output_sqnr_db, 11.0567, 1e-3);
  EXPECT_TRUE(std::isinf(layer(*r, "fc1").metrics.at("all_but.weights").output_sqnr_db));
}

TEST(Sensitivity, CancelMidSweepKeepsPartialResults) {
  Fixture f = make();
  auto s = Session::create(f.model, {.threads = 1});
  ASSERT_TRUE(s);
  SensitivityOptions o;
  o.batch = 1;
  o.parts = {SweepPart::kWeights};
  int reports = 0;
  // Per batch: FP32 pass, fc1, fc2, all-quantized = 4 reports; stop inside the second batch.
  FunctionProgress cancel_in_second_batch([&](int64_t, int64_t, const std::string&) { return ++reports <= 6; });
  auto r = analyze_sensitivity(*s, f.q, f.data, o, cancel_in_second_batch);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->samples, 1);
  EXPECT_EQ(r->planned_samples, 2);
  // fc1 ran on sample 2 as well before the cancel (complete); fc2 only on sample 1 (partial).
  const auto& fc1 = layer(*r, "fc1");
  const auto& fc2 = layer(*r, "fc2");
  EXPECT_TRUE(fc1.complete);
  EXPECT_FALSE(fc2.complete);
  EXPECT_EQ(fc1.metrics.at("only.weights").samples, 2);
  EXPECT_EQ(fc2.metrics.at("only.weights").samples, 1);
  EXPECT_NEAR(fc1.metrics.at("only.weights").delta_top1_pts, -50.0, 1e-9);
}

TEST(Sensitivity, BadOptionsAreClearErrors) {
  Fixture f = make();
  auto s = Session::create(f.model, {.threads = 1});
  ASSERT_TRUE(s);
  SensitivityOptions o;
  o.layers = {"nope"};
  NullProgress np;
  auto r = analyze_sensitivity(*s, f.q, f.data, o, np);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("'nope' is not a quantized layer"), std::string::npos);
  EXPECT_FALSE(parse_sweep_mode("sideways"));
  EXPECT_FALSE(parse_sweep_part("bias"));
}

TEST(Sensitivity, LayerErrorsWithEverythingQuantized) {
  // A layer's output as its consumers see it, i.e. after its own activation quantization: fc1
  // with x and W1 quantized gives h = [1, 0], [.5, .25], fake-quantized (scale .5) to [1, 0], [.5, 0]
  // against FP32 h = x: ||d||^2 = .04 + .01 + .49 = .54. y = that h times W2 = I: also .54.
  Fixture f = make();
  auto s = Session::create(f.model, {.threads = 1});
  ASSERT_TRUE(s);
  NullProgress np;
  auto r = layer_errors(*s, std::make_shared<const Quantization>(f.q), f.data, {0, 1}, 1, np);
  ASSERT_TRUE(r) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].layer, "fc1");
  EXPECT_EQ((*r)[0].tensor, "h");
  EXPECT_EQ((*r)[0].op, "MatMul");
  EXPECT_NEAR((*r)[0].error.sqnr_db, 10 * std::log10(1.69 / 0.54), 1e-3);
  EXPECT_EQ((*r)[0].error.values, 4);
  EXPECT_NEAR((*r)[1].error.sqnr_db, 10 * std::log10(1.69 / 0.54), 1e-3);
  // A sink that cancels stops the pass with a cancelled status.
  struct Stop : ProgressSink {
    bool report(int64_t, int64_t, const std::string&) override { return false; }
  } stop;
  auto c = layer_errors(*s, std::make_shared<const Quantization>(f.q), f.data, {0, 1}, 1, stop);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.status().code(), StatusCode::kCancelled);
}
