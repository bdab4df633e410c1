// Model loading: valid models, every kind of bad input, summary numbers and architecture.
// Expected values are hand computed from the tiny models built in test_models.h.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "qwb/executor.h"
#include "qwb/model.h"
#include "test_models.h"

using namespace qwb;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("qwb_model_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

std::string write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

}  // namespace

TEST(ModelLoad, SummaryOfTinyMlp) {
  auto m = Model::from_bytes(testmodels::serialize(testmodels::mlp_model()), "mlp.onnx");
  ASSERT_TRUE(m) << m.status().message();
  const auto& s = m->summary();
  EXPECT_EQ(s.opset, 13);
  EXPECT_EQ(s.parameters, 12 + 3);
  EXPECT_EQ(s.parameter_bytes, 15 * 4);
  EXPECT_EQ(s.macs, 4 * 3);  // batch 1: [1,4] x [4,3]
  EXPECT_EQ(s.op_counts.at("MatMul"), 1);
  EXPECT_EQ(s.architecture, "mlp");
  EXPECT_TRUE(s.unsupported_ops.empty());
  ASSERT_EQ(s.inputs.size(), 1u);
  EXPECT_EQ(s.inputs[0].shape_str(), "[batch, 4]");
  EXPECT_TRUE(s.shapes_inferred);
}

TEST(ModelLoad, MissingFileNamesThePath) {
  auto m = Model::load("/nonexistent/model.onnx");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("/nonexistent/model.onnx"), std::string::npos);
}

TEST(ModelLoad, EmptyFile) {
  auto path = write(temp_dir() / "empty.onnx", "");
  auto m = Model::load(path);
  ASSERT_FALSE(m);
  EXPECT_NE(m.status().message().find("empty"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find(path), std::string::npos);
}

TEST(ModelLoad, RandomBytesAreRejected) {
  std::mt19937 rng(7);
  std::string bytes(4096, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng());
  auto m = Model::load(write(temp_dir() / "random.onnx", bytes));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << m.status().message();
}

TEST(ModelLoad, TruncatedModelIsRejectedAtEveryCut) {
  std::string full = testmodels::serialize(testmodels::mlp_model());
  // Every prefix either fails to parse or fails validation; none may crash or load silently
  // with a different graph.
  for (size_t cut = 1; cut < full.size(); cut += 3) {
    auto m = Model::from_bytes(full.substr(0, cut), "cut.onnx");
    if (m) {
      // A prefix that still parses must describe a consistent, smaller model.
      EXPECT_LE(m->graph().nodes.size(), 3u);
    } else {
      EXPECT_NE(m.status().message().find("cut.onnx"), std::string::npos);
    }
  }
  auto half = Model::from_bytes(full.substr(0, full.size() / 2), "half.onnx");
  EXPECT_FALSE(half);
}

TEST(ModelLoad, CheckerFailureNamesTheProblem) {
  auto mp = testmodels::mlp_model();
  // Relu with two inputs violates its schema.
  mp.mutable_graph()->mutable_node(2)->add_input("z");
  auto m = Model::from_bytes(testmodels::serialize(mp), "bad.onnx");
  ASSERT_FALSE(m);
  EXPECT_NE(m.status().message().find("fails the ONNX checker"), std::string::npos) << m.status().message();
}

TEST(ModelLoad, DanglingInputNamesNodeAndValue) {
  auto mp = testmodels::mlp_model();
  mp.mutable_graph()->mutable_node(1)->set_input(1, "nowhere");
  auto m = Model::from_bytes(testmodels::serialize(mp), "dangling.onnx", ".", {.run_checker = false});
  ASSERT_FALSE(m);
  EXPECT_NE(m.status().message().find("'bias'"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("nowhere"), std::string::npos);
}

TEST(ModelLoad, UnsupportedOpIsListedAndSessionNamesIt) {
  auto mp = testmodels::model(13);
  auto* g = mp.mutable_graph();
  *g->add_input() = testmodels::tensor_info("x", onnx::TensorProto::FLOAT, {2, 3, 3});
  *g->add_output() = testmodels::tensor_info("y", onnx::TensorProto::FLOAT, {2});
  *g->add_node() = testmodels::node("Det", {"x"}, {"y"}, "det");
  auto m = Model::from_bytes(testmodels::serialize(mp), "det.onnx");
  ASSERT_TRUE(m) << m.status().message();
  ASSERT_EQ(m->summary().unsupported_ops.size(), 1u);
  EXPECT_EQ(m->summary().unsupported_ops[0], "Det (opset 13)");
  auto s = Session::create(std::make_shared<const Model>(std::move(*m)));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(s.status().message().find("node 'det' (Det, opset 13) is not supported"), std::string::npos)
      << s.status().message();
  EXPECT_NE(s.status().message().find("det.onnx"), std::string::npos);
}

TEST(ModelLoad, NewerOpsetSkipsCheckerWithNotice) {
  auto m = Model::from_bytes(testmodels::serialize(testmodels::mlp_model(21)), "opset21.onnx");
  ASSERT_TRUE(m) << m.status().message();
  EXPECT_FALSE(m->summary().notices.empty());
  EXPECT_EQ(m->summary().opset, 21);
}

TEST(ModelLoad, ExternalDataIsRead) {
  fs::path dir = temp_dir() / "ext";
  fs::create_directories(dir);
  auto mp = testmodels::mlp_model();
  auto* w = mp.mutable_graph()->mutable_initializer(0);
  std::string raw;
  for (float v : w->float_data()) raw.append(reinterpret_cast<const char*>(&v), 4);
  write(dir / "weights.bin", std::string(16, 'x') + raw);  // offset 16
  w->clear_float_data();
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [&](const std::string& k, const std::string& v) {
    auto* e = w->add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  add("location", "weights.bin");
  add("offset", "16");
  add("length", std::to_string(raw.size()));
  auto path = write(dir / "ext.onnx", testmodels::serialize(mp));
  auto m = Model::load(path);
  ASSERT_TRUE(m) << m.status().message();
  const Tensor& W = m->graph().initializers.at("W");
  EXPECT_FLOAT_EQ(W.data<float>()[11], 0.1f * 11 - 0.5f);

  fs::remove(dir / "weights.bin");
  auto missing = Model::load(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("weights.bin"), std::string::npos);
}

TEST(ModelLoad, ArchitectureDetection) {
  // Conv model -> cnn.
  auto conv = testmodels::model(13);
  auto* g = conv.mutable_graph();
  *g->add_input() = testmodels::tensor_info("x", onnx::TensorProto::FLOAT, {1, 1, 4, 4});
  *g->add_output() = testmodels::tensor_info("y", onnx::TensorProto::FLOAT, {1, 1, 2, 2});
  *g->add_initializer() = testmodels::float_init("w", {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  *g->add_node() = testmodels::node("Conv", {"x", "w"}, {"y"}, "conv");
  auto cm = Model::from_bytes(testmodels::serialize(conv), "conv.onnx");
  ASSERT_TRUE(cm) << cm.status().message();
  EXPECT_EQ(cm->summary().architecture, "cnn");
  EXPECT_EQ(cm->summary().macs, 2 * 2 * 9);

  // MatMul -> Div -> Softmax -> MatMul -> transformer.
  auto att = testmodels::model(13);
  g = att.mutable_graph();
  *g->add_input() = testmodels::tensor_info("q", onnx::TensorProto::FLOAT, {1, 4, 8});
  *g->add_input() = testmodels::tensor_info("kt", onnx::TensorProto::FLOAT, {1, 8, 4});
  *g->add_input() = testmodels::tensor_info("v", onnx::TensorProto::FLOAT, {1, 4, 8});
  *g->add_output() = testmodels::tensor_info("o", onnx::TensorProto::FLOAT, {1, 4, 8});
  *g->add_initializer() = testmodels::float_init("scale", {}, {2.0f});
  *g->add_node() = testmodels::node("MatMul", {"q", "kt"}, {"s"}, "scores");
  *g->add_node() = testmodels::node("Div", {"s", "scale"}, {"sd"}, "scale_div");
  *g->add_node() = testmodels::node("Softmax", {"sd"}, {"p"}, "softmax");
  *g->add_node() = testmodels::node("MatMul", {"p", "v"}, {"o"}, "context");
  auto am = Model::from_bytes(testmodels::serialize(att), "att.onnx");
  ASSERT_TRUE(am) << am.status().message();
  EXPECT_EQ(am->summary().architecture, "transformer");
  EXPECT_NE(am->summary().architecture_reason.find("MatMul-Softmax-MatMul"), std::string::npos);
}
