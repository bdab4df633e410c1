// Classification metrics on a hand-made example; expected numbers computed by hand (and equal
// to scikit-learn's precision_recall_fscore_support / f1_score for the same arrays).
#include <gtest/gtest.h>

#include <cmath>

#include "qwb/eval.h"

using namespace qwb;

TEST(Metrics, HandComputedThreeClassExample) {
  // labels:      0 0 1 1 2 2
  // predictions: 0 1 1 1 2 0
  std::vector<int64_t> labels = {0, 0, 1, 1, 2, 2};
  std::vector<std::vector<int64_t>> topk = {{0, 1}, {1, 0}, {1, 2}, {1, 0}, {2, 1}, {0, 2}};
  auto m = classification_metrics(topk, labels, 3);
  EXPECT_EQ(m.samples, 6);
  EXPECT_DOUBLE_EQ(m.top1, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(m.top5, 1.0);  // every label is within the top-2 given
  // class 0: tp 1, fp 1, fn 1 -> p 0.5 r 0.5 f1 0.5
  // class 1: tp 2, fp 1, fn 0 -> p 2/3 r 1 f1 0.8
  // class 2: tp 1, fp 0, fn 1 -> p 1 r 0.5 f1 2/3
  EXPECT_DOUBLE_EQ(m.per_class[0].f1, 0.5);
  EXPECT_NEAR(m.per_class[1].f1, 0.8, 1e-12);
  EXPECT_NEAR(m.per_class[2].f1, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(m.macro_f1, (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);
  EXPECT_NEAR(m.weighted_f1, (0.5 * 2 + 0.8 * 2 + 2.0 / 3.0 * 2) / 6.0, 1e-12);
  EXPECT_EQ(m.confusion[2][0], 1);
  EXPECT_EQ(m.confusion[0][1], 1);
}

TEST(Metrics, ExpectedCalibrationErrorByHand) {
  // Confidences 0.9, 0.9 (one right, one wrong) fall in bin (0.867, 0.933]: |0.5 - 0.9| * 2/4 = 0.2.
  // Confidences 0.6, 0.6 (both right) fall in bin (0.533, 0.6]: |1.0 - 0.6| * 2/4 = 0.2. ECE 0.4.
  EXPECT_NEAR(expected_calibration_error({0.9f, 0.9f, 0.6f, 0.6f}, {true, false, true, true}), 0.4, 1e-6);
  // Perfectly calibrated: confidence 1 and always right.
  EXPECT_NEAR(expected_calibration_error({1.0f, 1.0f}, {true, true}), 0.0, 1e-12);
}

TEST(Metrics, OutputErrorByHand) {
  // x = [1, 2], y = [1, 3]: ||x||^2 = 5, ||x - y||^2 = 1 -> SQNR 10 log10(5) = 6.9897 dB;
  // cosine 7 / sqrt(5 * 10); MSE 0.5; normalised MSE 0.2; max abs 1.
  OutputErrorAccumulator acc;
  const float x[] = {1, 2}, y[] = {1, 3};
  acc.add(x, y, 2);
  OutputError e = acc.result();
  EXPECT_NEAR(e.sqnr_db, 6.98970, 1e-4);
  EXPECT_NEAR(e.cosine, 7.0 / std::sqrt(50.0), 1e-12);
  EXPECT_DOUBLE_EQ(e.mse, 0.5);
  EXPECT_DOUBLE_EQ(e.nmse, 0.2);
  EXPECT_DOUBLE_EQ(e.max_abs, 1.0);
  OutputErrorAccumulator same;
  same.add(x, x, 2);
  EXPECT_TRUE(std::isinf(same.result().sqnr_db));
}
