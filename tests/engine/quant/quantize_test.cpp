// Weight quantization, plans, simulation vs the exported QDQ model, and bad input.
// Expected values: hand-computed quantized weights; the QDQ export run by our own executor must
// reproduce the simulation (the ONNX Runtime side is tests/interop/run_quant_interop.sh).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "qwb/data.h"
#include "qwb/eval.h"
#include "qwb/export.h"
#include "qwb/jobs.h"
#include "qwb/quant.h"

using namespace qwb;
namespace fs = std::filesystem;

namespace {
const std::string kCnn = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
const std::string kVit = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_vit.onnx";

fs::path tmp(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("qwb_quant_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

std::shared_ptr<const Model> load(const std::string& path) {
  auto m = Model::load(path, {.run_checker = true, .measure_shapes = false});
  EXPECT_TRUE(m) << m.status().message();
  return std::make_shared<const Model>(std::move(*m));
}
}  // namespace

TEST(QuantizeWeight, PerChannelSymmetricInt8ByHand) {
  // Rows are channels (axis 0). Row 0 amax 2 -> s = 2/127; 1 / s = 63.5 -> 64 (half to even),
  // -2 / s = -127. Row 1 amax 0.5 -> s = 0.5/127; 0.25 / s = 63.5 -> 64.
  auto w = Tensor::from_vector<float>({2, 2}, {1.0f, -2.0f, 0.5f, 0.25f});
  auto q = quantize_weight(w, {DType::kInt8, true, Granularity::kChannel, 0, false}, 0, "w");
  ASSERT_TRUE(q) << q.status().message();
  EXPECT_EQ(q->scale.shape(), (Shape{2}));
  EXPECT_FLOAT_EQ(q->scale.data<float>()[0], 2.0f / 127.0f);
  EXPECT_FLOAT_EQ(q->scale.data<float>()[1], 0.5f / 127.0f);
  const int8_t* v = q->q.data<int8_t>();
  EXPECT_EQ(v[0], 64);
  EXPECT_EQ(v[1], -127);
  EXPECT_EQ(v[2], 127);
  EXPECT_EQ(v[3], 64);
  EXPECT_NEAR(q->dequantized.data<float>()[0], 64 * 2.0f / 127.0f, 1e-7);
}

TEST(QuantizeWeight, BlockwiseInt4ScaleShape) {
  // [2, 64] blocked along axis 1 by 32: scales [2, 2]; int4 symmetric uses [-7, 7].
  std::vector<float> vals(128);
  for (int i = 0; i < 128; ++i) vals[i] = static_cast<float>(i % 64) - 31.5f + (i >= 96 ? 100.0f : 0.0f);
  auto w = Tensor::from_vector<float>({2, 64}, vals);
  auto q = quantize_weight(w, {DType::kInt4, true, Granularity::kBlock, 32, false}, 1, "w");
  ASSERT_TRUE(q) << q.status().message();
  EXPECT_EQ(q->scale.shape(), (Shape{2, 2}));
  EXPECT_FLOAT_EQ(q->scale.data<float>()[0], 31.5f / 7.0f);   // block 0 of row 0: |x| <= 31.5
  EXPECT_FLOAT_EQ(q->scale.data<float>()[3], 131.5f / 7.0f);  // block 1 of row 1: +100
  for (int64_t i = 0; i < q->q.numel(); ++i) {
    EXPECT_GE(q->q.data<int8_t>()[i], -7);
    EXPECT_LE(q->q.data<int8_t>()[i], 7);
  }
}

TEST(QuantizeWeight, NonFiniteWeightIsAClearError) {
  auto w = Tensor::from_vector<float>({2}, {1.0f, NAN});
  auto q = quantize_weight(w, {DType::kInt8, true, Granularity::kTensor, 0, false}, -1, "conv1.weight");
  ASSERT_FALSE(q);
  EXPECT_NE(q.status().message().find("conv1.weight"), std::string::npos) << q.status().message();
}

TEST(Plan, SampleCnnAndBadOptions) {
  auto m = load(kCnn);
  QuantOptions o;
  auto plan = make_plan(*m, o);
  ASSERT_TRUE(plan) << plan.status().message();
  // fmnist_cnn: 4 Conv + 2 Gemm (Gemm biases are int32; Conv biases were folded with BN).
  EXPECT_EQ(plan->quantized_nodes.size(), 6u);
  EXPECT_EQ(plan->weights.size(), 6u);
  EXPECT_TRUE(plan->activations.count("input"));

  QuantOptions ex = o;
  ex.exclude = {"no_such_node"};
  auto bad = make_plan(*m, ex);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("no_such_node"), std::string::npos) << bad.status().message();

  QuantOptions a4 = o;
  a4.activations.dtype = DType::kInt4;
  auto bad2 = make_plan(*m, a4);
  ASSERT_FALSE(bad2);
  EXPECT_NE(bad2.status().message().find("int4"), std::string::npos) << bad2.status().message();

  QuantOptions fb = o;
  fb.weights = {DType::kFloat16, true, Granularity::kBlock, 32, false};
  auto bad3 = make_plan(*m, fb);
  ASSERT_FALSE(bad3);
  EXPECT_NE(bad3.status().message().find("block"), std::string::npos) << bad3.status().message();

  QuantOptions exc = o;
  exc.exclude = {plan->quantized_nodes.front()};
  auto p2 = make_plan(*m, exc);
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->quantized_nodes.size(), 5u);
  EXPECT_EQ(p2->excluded_nodes, exc.exclude);
}

TEST(Calibration, EmptyAndMismatchedDataAreClearErrors) {
  auto m = load(kCnn);
  auto s = Session::create(m, {.threads = 1});
  ASSERT_TRUE(s);
  auto plan = make_plan(*m, {});
  ASSERT_TRUE(plan);
  NullProgress np;
  Dataset empty("empty", Tensor(DType::kUInt8, {0, 28, 28}), {}, {});
  auto r = collect_statistics(*s, empty, {}, &*plan, {}, np);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("empty"), std::string::npos) << r.status().message();
  Dataset wrong("wrong", Tensor(DType::kUInt8, {4, 32, 32}), {}, {});
  auto r2 = collect_statistics(*s, wrong, {}, &*plan, {}, np);
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.status().message().find("[32, 32]"), std::string::npos) << r2.status().message();
  EXPECT_NE(r2.status().message().find("input"), std::string::npos) << r2.status().message();
}

TEST(Calibration, NanActivationIsAClearError) {
  auto m = load(kCnn);
  auto plan = make_plan(*m, {});
  ASSERT_TRUE(plan);
  Statistics st;
  for (const auto& [name, spec] : plan->activations) {
    std::vector<float> v = {1.0f, NAN};
    st.tensors[name].add(v.data(), 2);
  }
  auto q = calibrate(*m, *plan, st, {});
  ASSERT_FALSE(q);
  EXPECT_NE(q.status().message().find("NaN"), std::string::npos) << q.status().message();
}

namespace {
// Quantizes a sample model with 128 calibration samples; checks that the executor running the
// exported file reproduces the simulation on 256 test samples.
void check_export_matches_simulation(const std::string& path, QuantOptions o, CalibMethod method, double min_agreement) {
  auto m = load(path);
  auto s = Session::create(m, {.threads = 2});
  ASSERT_TRUE(s);
  DatasetOptions dopt;
  dopt.preprocess = Preprocess::from_metadata(m->summary().metadata);
  dopt.limit = 256;
  auto train = load_dataset("fashion-mnist:train", dopt);
  auto test = load_dataset("fashion-mnist:test", dopt);
  ASSERT_TRUE(train && test);
  auto plan = make_plan(*m, o);
  ASSERT_TRUE(plan) << plan.status().message();
  NullProgress np;
  std::vector<int64_t> ids(128);
  std::iota(ids.begin(), ids.end(), 0);
  auto st = collect_statistics(*s, *train, ids, &*plan, {.batch = 32}, np);
  ASSERT_TRUE(st) << st.status().message();
  EXPECT_EQ(st->samples, 128);
  auto q = calibrate(*m, *plan, *st, {method});
  ASSERT_TRUE(q) << q.status().message();
  auto shared = std::make_shared<const Quantization>(std::move(*q));
  const std::string out = tmp(fs::path(path).stem().string() + ".qdq.onnx").string();
  auto ex = export_qdq(*m, *shared, out);
  ASSERT_TRUE(ex) << ex.status().message();
  auto em = load(out);
  auto es = Session::create(em, {.threads = 2});
  ASSERT_TRUE(es) << es.status().message();
  Simulation sim(shared);
  auto c = compare(*s, sim.run_options(), *es, {}, *test, {.batch = 64}, np);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_GE(c->agreement, min_agreement);
  EXPECT_GT(c->output_error.sqnr_db, 40.0);  // same arithmetic up to float summation order
}
}  // namespace

TEST(Simulation, ExportedInt8CnnReproducesTheSimulation) {
  QuantOptions o;
  check_export_matches_simulation(kCnn, o, CalibMethod::kEntropy, 0.996);
}

TEST(Simulation, ExportedInt4BlockVitReproducesTheSimulation) {
  // Opset 17 model upgraded to 21 for int4 blocks; LayerNormalization and the attention MatMuls
  // must survive the upgrade.
  QuantOptions o;
  o.weights = {DType::kInt4, true, Granularity::kBlock, 32, false};
  o.activations = {};
  check_export_matches_simulation(kVit, o, CalibMethod::kMinMax, 0.996);
}

TEST(Export, Fp16KeepsFloat32IoAndAgrees) {
  auto m = load(kCnn);
  const std::string out = tmp("cnn.fp16.onnx").string();
  auto r = export_fp16(*m, {}, out);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(r->checked);
  auto fm = load(out);
  EXPECT_EQ(fm->graph().inputs[0].dtype, DType::kFloat32);
  EXPECT_EQ(fm->graph().outputs[0].dtype, DType::kFloat32);
  int64_t fp16_inits = 0;
  for (const auto& [n, t] : fm->graph().initializers) fp16_inits += t.dtype() == DType::kFloat16;
  EXPECT_GE(fp16_inits, 6);
  auto s = Session::create(m, {.threads = 2});
  auto fs16 = Session::create(fm, {.threads = 2});
  ASSERT_TRUE(s && fs16) << fs16.status().message();
  DatasetOptions dopt;
  dopt.preprocess = Preprocess::from_metadata(m->summary().metadata);
  dopt.limit = 256;
  auto test = load_dataset("fashion-mnist:test", dopt);
  NullProgress np;
  auto c = compare(*s, {}, *fs16, {}, *test, {}, np);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_GE(c->agreement, 0.99);
  EXPECT_GT(c->output_error.sqnr_db, 30.0);  // fp16 has 11 significant bits
}

TEST(Export, TensorRtCacheAndOrtTableAgreeWithQdqScales) {
  auto m = load(kCnn);
  auto s = Session::create(m, {.threads = 2});
  QuantOptions o;
  o.activations = {DType::kInt8, true, Granularity::kTensor, 0, false};  // TensorRT: symmetric int8
  auto plan = make_plan(*m, o);
  ASSERT_TRUE(plan);
  DatasetOptions dopt;
  dopt.preprocess = Preprocess::from_metadata(m->summary().metadata);
  dopt.limit = 64;
  auto train = load_dataset("fashion-mnist:train", dopt);
  NullProgress np;
  auto st = collect_statistics(*s, *train, {}, &*plan, {}, np);
  ASSERT_TRUE(st);
  auto q = calibrate(*m, *plan, *st, {CalibMethod::kEntropy});
  ASSERT_TRUE(q);
  const std::string text = tensorrt_cache_text(*q);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "TRT-8601-EntropyCalibration2");
  int lines = 0;
  while (std::getline(in, line)) {
    const auto colon = line.rfind(": ");
    ASSERT_NE(colon, std::string::npos) << line;
    const std::string name = line.substr(0, colon);
    uint32_t bits = static_cast<uint32_t>(std::stoul(line.substr(colon + 2), nullptr, 16));
    float scale;
    std::memcpy(&scale, &bits, 4);
    // The QDQ scale of a symmetric int8 activation is amax / 127 too.
    EXPECT_FLOAT_EQ(scale, q->activations.at(name).scale.data<float>()[0]) << name;
    ++lines;
  }
  EXPECT_EQ(lines, static_cast<int>(q->activations.size()));
  const std::string json_path = tmp("calibration.json").string();
  ASSERT_TRUE(write_ort_calibration_table(*q, json_path));
  std::ifstream f(json_path);
  auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j.size(), q->activations.size());
  EXPECT_FLOAT_EQ(j["input"]["highest"].get<float>(), q->activations.at("input").range.hi);
}

TEST(Calibration, ProgressReportsAndCancels) {
  auto m = load(kCnn);
  auto s = Session::create(m, {.threads = 1});
  auto plan = make_plan(*m, {});
  DatasetOptions dopt;
  dopt.limit = 96;
  auto train = load_dataset("fashion-mnist:train", dopt);
  ASSERT_TRUE(s && plan && train);
  std::vector<int64_t> seen;
  FunctionProgress count([&](int64_t done, int64_t total, const std::string&) {
    seen.push_back(done);
    EXPECT_EQ(total, 96);
    return true;
  });
  ASSERT_TRUE(collect_statistics(*s, *train, {}, &*plan, {.batch = 32}, count));
  EXPECT_EQ(seen, (std::vector<int64_t>{0, 32, 64, 96}));
  FunctionProgress stop([](int64_t done, int64_t, const std::string&) { return done < 32; });
  auto r = collect_statistics(*s, *train, {}, &*plan, {.batch = 32}, stop);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
}

TEST(QuantSpecs, MadeFromTheirPartsOrAClearError) {
  auto s = make_quant_spec("int4", true, "block:32");
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_EQ(s->dtype, DType::kInt4);
  EXPECT_EQ(s->granularity, Granularity::kBlock);
  EXPECT_EQ(s->block_size, 32);
  EXPECT_EQ(s->describe(), "int4 symmetric block 32");
  auto a = make_quant_spec("uint8", false, "tensor", true);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->symmetric);
  EXPECT_TRUE(a->reduce_range);
  auto bad = make_quant_spec("int7", true, "tensor");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("int7"), std::string::npos) << bad.status().message();
  auto block = make_quant_spec("int4", true, "block:20");
  ASSERT_FALSE(block);
  EXPECT_NE(block.status().message().find("power of two"), std::string::npos);
}
