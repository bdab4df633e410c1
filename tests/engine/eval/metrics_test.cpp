// Classification metrics on a hand-made example; expected numbers computed by hand (and equal
// to scikit-learn's precision_recall_fscore_support / f1_score for the same arrays).
#include <gtest/gtest.h>

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
