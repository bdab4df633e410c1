// Session: execution of the tiny MLP, input validation, taps, fetch, cancellation.
// Expected outputs are hand computed: y = relu(x @ W + b), W[i][j] = 0.1*(3i+j) - 0.5.
#include <gtest/gtest.h>

#include <algorithm>

#include "qwb/executor.h"
#include "test_models.h"

using namespace qwb;

namespace {

std::shared_ptr<const Model> mlp() {
  auto m = Model::from_bytes(testmodels::serialize(testmodels::mlp_model()), "mlp.onnx");
  EXPECT_TRUE(m) << m.status().message();
  return std::make_shared<const Model>(std::move(*m));
}

std::vector<float> expected(const std::vector<float>& x) {
  std::vector<float> y;
  const float b[3] = {0.1f, -0.2f, 0.3f};
  for (int j = 0; j < 3; ++j) {
    float acc = b[j];
    for (int i = 0; i < 4; ++i) acc += x[i] * (0.1f * static_cast<float>(3 * i + j) - 0.5f);
    y.push_back(std::max(acc, 0.0f));
  }
  return y;
}

}  // namespace

TEST(Session, RunsBatchesOfAnySize) {
  auto s = Session::create(mlp(), {.threads = 2});
  ASSERT_TRUE(s) << s.status().message();
  for (int64_t batch : {1, 3, 17}) {
    std::vector<float> xs;
    for (int64_t i = 0; i < batch * 4; ++i) xs.push_back(static_cast<float>(i % 7) - 2.5f);
    auto out = s->run({{"x", Tensor::from_vector<float>({batch, 4}, xs)}});
    ASSERT_TRUE(out) << out.status().message();
    const Tensor& y = out->at("y");
    ASSERT_EQ(y.shape(), (Shape{batch, 3}));
    for (int64_t r = 0; r < batch; ++r) {
      auto want = expected(std::vector<float>(xs.begin() + r * 4, xs.begin() + r * 4 + 4));
      for (int j = 0; j < 3; ++j) EXPECT_NEAR(y.data<float>()[r * 3 + j], want[j], 1e-5);
    }
  }
}

TEST(Session, WrongInputShapeNamesInputAndShapes) {
  auto s = Session::create(mlp());
  ASSERT_TRUE(s);
  auto out = s->run({{"x", Tensor(DType::kFloat32, {2, 5})}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("input 'x' expects shape [batch, 4] but got [2, 5]"), std::string::npos)
      << out.status().message();
}

TEST(Session, WrongDtypeAndMissingAndUnknownInputs) {
  auto s = Session::create(mlp());
  ASSERT_TRUE(s);
  auto wrong_type = s->run({{"x", Tensor(DType::kInt64, {1, 4})}});
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.status().message().find("expects float32 but got int64"), std::string::npos);
  auto missing = s->run({});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.status().message().find("input 'x'"), std::string::npos);
  auto unknown = s->run({{"x", Tensor(DType::kFloat32, {1, 4})}, {"z", Tensor(DType::kFloat32, {1})}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.status().message().find("no input named 'z'"), std::string::npos);
}

TEST(Session, TapsObserveEveryTensorAndCanReplaceIt) {
  auto s = Session::create(mlp());
  ASSERT_TRUE(s);
  std::vector<std::string> seen;
  RunOptions ro;
  ro.tap_inputs = true;
  ro.tap = [&](const TapEvent& e, Tensor& t) {
    seen.push_back(*e.value);
    // Replace the pre-activation with -1 everywhere: Relu must then output zeros.
    if (*e.value == "z") {
      Tensor r(DType::kFloat32, t.shape());
      std::fill(r.data<float>(), r.data<float>() + r.numel(), -1.0f);
      t = r;
    }
  };
  ro.fetch = {"xw"};
  auto out = s->run({{"x", Tensor::from_vector<float>({1, 4}, {1, 2, 3, 4})}}, ro);
  ASSERT_TRUE(out) << out.status().message();
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "xw", "z", "y"}));
  for (int j = 0; j < 3; ++j) EXPECT_EQ(out->at("y").data<float>()[j], 0.0f);
  EXPECT_EQ(out->at("xw").shape(), (Shape{1, 3}));
}

TEST(Session, ProgressCanCancel) {
  auto s = Session::create(mlp());
  ASSERT_TRUE(s);
  RunOptions ro;
  ro.progress = [](int done, int) { return done < 2; };
  auto out = s->run({{"x", Tensor(DType::kFloat32, {1, 4})}}, ro);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.status().code(), StatusCode::kCancelled);
}
