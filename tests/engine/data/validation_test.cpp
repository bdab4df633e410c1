// Calibration-data validation and the KS statistics behind it. Expected values: Kolmogorov
// survival function values from mpmath (30 digits, Q(x) = 2 sum (-1)^(k-1) exp(-2 k^2 x^2)),
// including the textbook critical values Q(1.3581) = 0.05 and Q(1.6276) = 0.01; KS distances
// and coverage fractions computed by hand for the evenly spaced sets built below.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "qwb/data.h"

using namespace qwb;

namespace {

// n samples of `per` floats, values lo + (hi - lo) * k / (n * per - 1), k = 0 .. n * per - 1.
Dataset grid(int64_t n, int64_t per, float lo, float hi, std::vector<int64_t> labels = {},
             std::vector<std::string> names = {}) {
  std::vector<float> v(static_cast<size_t>(n * per));
  for (size_t k = 0; k < v.size(); ++k) v[k] = lo + (hi - lo) * static_cast<float>(k) / static_cast<float>(v.size() - 1);
  return Dataset("grid", Tensor::from_vector<float>({n, per}, v), std::move(labels), {}, std::move(names));
}

const ValidationCheck* find(const ValidationReport& r, const std::string& name) {
  for (const auto& c : r.checks) if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

TEST(Validation, KolmogorovSurvivalFunction) {
  EXPECT_EQ(kolmogorov_sf(0), 1.0);
  EXPECT_NEAR(kolmogorov_sf(0.3), 0.999990694198665, 1e-12);
  EXPECT_NEAR(kolmogorov_sf(0.5), 0.963945243664875, 1e-12);
  EXPECT_NEAR(kolmogorov_sf(1.0), 0.269999671677355, 1e-12);
  EXPECT_NEAR(kolmogorov_sf(1.3581), 0.0499996304316674, 1e-12);
  EXPECT_NEAR(kolmogorov_sf(1.6276), 0.0100015373330608, 1e-12);
  EXPECT_NEAR(kolmogorov_sf(2.5), 7.45330634415734e-06, 1e-15);
}

TEST(Validation, KsTwoSample) {
  std::vector<float> a, b;
  for (int i = 0; i < 100; ++i) { a.push_back(static_cast<float>(i)); b.push_back(static_cast<float>(i + 10)); }
  auto same = ks_two_sample(a, a);
  EXPECT_EQ(same.d, 0.0);
  EXPECT_EQ(same.p_value, 1.0);
  // 0..99 vs 10..109: after 9, F_a = 10/100 and F_b = 0; the gap stays 0.1 -> D = 0.1,
  // p = Q(sqrt(100 * 100 / 200) * 0.1) = Q(0.70711) = 0.699374199131016 (mpmath).
  auto shifted = ks_two_sample(a, b);
  EXPECT_NEAR(shifted.d, 0.1, 1e-12);
  EXPECT_NEAR(shifted.p_value, 0.699374199131016, 1e-9);
  // Disjoint sets: D = 1, p = Q(7.07) ~ 0.
  std::vector<float> far(100, 1000.0f);
  auto disjoint = ks_two_sample(a, far);
  EXPECT_EQ(disjoint.d, 1.0);
  EXPECT_LT(disjoint.p_value, 1e-30);
  // Ties move both CDFs together: {1, 1, 2} vs {1, 2, 2}: at 1, 2/3 vs 1/3 -> D = 1/3.
  EXPECT_NEAR(ks_two_sample({1, 1, 2}, {1, 2, 2}).d, 1.0 / 3, 1e-12);
  EXPECT_EQ(ks_two_sample({}, {1.0f}).p_value, 1.0);
}

TEST(Validation, SampleCountThresholds) {
  ValidationOptions o;
  struct Case { int64_t n; CheckStatus status; double threshold; };
  for (const Case& c : {Case{0, CheckStatus::kError, 1}, Case{10, CheckStatus::kWarning, 128},
                        Case{500, CheckStatus::kOk, 128}, Case{20000, CheckStatus::kWarning, 10000}}) {
    Dataset ds("n", Tensor(DType::kFloat32, {c.n, 1}), {}, {});
    auto r = validate_calibration(ds, nullptr, o);
    ASSERT_TRUE(r) << r.status().message();
    const auto* check = find(*r, "sample_count");
    ASSERT_NE(check, nullptr);
    EXPECT_EQ(check->status, c.status) << c.n;
    EXPECT_EQ(check->value, static_cast<double>(c.n));
    EXPECT_EQ(check->threshold, c.threshold) << c.n;
  }
}

TEST(Validation, ShiftedCalibrationIsFlagged) {
  // Reference: 10000 values evenly over [0, 1]. Calibration: 5000 evenly over [0, 0.5].
  // Largest CDF gap at 0.5: calibration 1, reference 5000/10000 -> D = 0.5 (p ~ 0).
  // Range coverage: [0, 0.5] of [0, 1] = 0.5.
  auto ref = grid(1000, 10, 0, 1);
  auto calib = grid(500, 10, 0, 0.5f);
  auto r = validate_calibration(calib, &ref, {});
  ASSERT_TRUE(r) << r.status().message();
  const auto* ks = find(*r, "ks_test");
  ASSERT_NE(ks, nullptr);
  EXPECT_EQ(ks->status, CheckStatus::kWarning);
  EXPECT_NEAR(ks->value, 0.5, 1e-3);
  EXPECT_LT(ks->details.at("p_value"), 1e-10);
  EXPECT_EQ(ks->details.at("values_calib"), 5000);
  const auto* range = find(*r, "range_coverage");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->status, CheckStatus::kWarning);
  EXPECT_NEAR(range->value, 0.5, 1e-6);
  EXPECT_NE(range->message.find("50.0%"), std::string::npos) << range->message;
  EXPECT_EQ(r->worst(), CheckStatus::kWarning);

  // A random subset of the reference passes both.
  auto ids = sample_ids(ref, 200, Sampling::kRandom, 5);
  ASSERT_TRUE(ids);
  auto good = validate_calibration(ref.subset(*ids), &ref, {});
  ASSERT_TRUE(good) << good.status().message();
  EXPECT_EQ(find(*good, "ks_test")->status, CheckStatus::kOk) << find(*good, "ks_test")->message;
  EXPECT_LT(find(*good, "ks_test")->value, 0.05);
  EXPECT_EQ(find(*good, "range_coverage")->status, CheckStatus::kOk) << find(*good, "range_coverage")->message;
  EXPECT_EQ(find(*good, "sample_shape")->status, CheckStatus::kOk);
}

TEST(Validation, StatisticsUsePreprocessedValues) {
  // uint8 pixels 0..255 are scaled by 1/255 (the default preprocessing) before comparison, so
  // they cover a float reference on [0, 1] fully: calibration max 255/255 = 1.
  std::vector<uint8_t> px(256);
  for (int i = 0; i < 256; ++i) px[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
  Dataset calib("u8", Tensor::from_vector<uint8_t>({256, 1}, px), {}, {});
  auto ref = grid(1000, 1, 0, 1);
  auto r = validate_calibration(calib, &ref, {});
  ASSERT_TRUE(r) << r.status().message();
  const auto* range = find(*r, "range_coverage");
  ASSERT_NE(range, nullptr);
  EXPECT_FLOAT_EQ(range->details.at("calib_max"), 1.0);
  EXPECT_NEAR(range->value, 1.0, 1e-6);
  // Two even grids on [0, 1]: D is at most about 1/256.
  EXPECT_LT(find(*r, "ks_test")->value, 0.01);
  EXPECT_EQ(find(*r, "ks_test")->status, CheckStatus::kOk);
}

TEST(Validation, SubsampleIsBounded) {
  auto ref = grid(1000, 10, 0, 1);
  ValidationOptions o;
  o.ks_max_samples = 50;
  o.ks_max_values = 300;
  auto r = validate_calibration(ref, &ref, o);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(find(*r, "finite_values")->details.at("samples_inspected"), 50);
  EXPECT_EQ(find(*r, "ks_test")->details.at("values_calib"), 300);
  EXPECT_EQ(find(*r, "ks_test")->details.at("values_reference"), 300);
  // Same seed, same report.
  auto again = validate_calibration(ref, &ref, o);
  EXPECT_EQ(find(*again, "ks_test")->value, find(*r, "ks_test")->value);
}

TEST(Validation, LabelCoverageListsMissingClasses) {
  std::vector<std::string> names = {"a", "b", "c", "d"};
  auto ref = grid(8, 1, 0, 1, {0, 1, 2, 3, 0, 1, 2, 3}, names);
  auto calib = grid(3, 1, 0, 1, {0, 1, 3}, names);
  auto r = validate_calibration(calib, &ref, {});
  ASSERT_TRUE(r) << r.status().message();
  const auto* lab = find(*r, "label_coverage");
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(lab->status, CheckStatus::kWarning);
  EXPECT_DOUBLE_EQ(lab->value, 0.75);  // 3 of 4 classes
  EXPECT_EQ(lab->items, (std::vector<std::string>{"c (2)"}));
  EXPECT_NE(lab->message.find("c (2)"), std::string::npos) << lab->message;
  // Without a reference, against the dataset's own class names.
  auto alone = validate_calibration(calib, nullptr, {});
  ASSERT_TRUE(alone);
  EXPECT_EQ(find(*alone, "label_coverage")->items, (std::vector<std::string>{"c (2)"}));
  EXPECT_EQ(find(*alone, "ks_test"), nullptr);
  EXPECT_FALSE(alone->notes.empty());
  // All present: ok.
  auto full = validate_calibration(ref, &ref, {});
  EXPECT_EQ(find(*full, "label_coverage")->status, CheckStatus::kOk);
}

TEST(Validation, NonFiniteAndShapeMismatch) {
  Dataset nan("nan", Tensor::from_vector<float>({2, 2}, {0, NAN, 1, INFINITY}), {}, {});
  auto ref = grid(10, 4, 0, 1);
  auto r = validate_calibration(nan, &ref, {});
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(find(*r, "finite_values")->status, CheckStatus::kError);
  EXPECT_EQ(find(*r, "finite_values")->value, 2);
  EXPECT_EQ(find(*r, "sample_shape")->status, CheckStatus::kWarning);
  EXPECT_NE(find(*r, "sample_shape")->message.find("[2]"), std::string::npos);
  EXPECT_EQ(r->worst(), CheckStatus::kError);
}

TEST(Validation, JsonAndText) {
  auto ref = grid(1000, 10, 0, 1);
  auto calib = grid(50, 10, 0, 0.5f);
  auto r = validate_calibration(calib, &ref, {});
  ASSERT_TRUE(r);
  nlohmann::json j = to_json(*r);
  EXPECT_EQ(j["status"], "warning");
  ASSERT_TRUE(j["checks"].is_array());
  bool saw_ks = false;
  for (const auto& c : j["checks"]) {
    EXPECT_TRUE(c.contains("name") && c.contains("status") && c.contains("value") && c.contains("threshold") &&
                c.contains("message"));
    if (c["name"] == "ks_test") {
      saw_ks = true;
      EXPECT_EQ(c["status"], "warning");
      EXPECT_TRUE(c["details"].contains("p_value"));
    }
    if (c["name"] == "sample_count") EXPECT_EQ(c["value"], 50);
  }
  EXPECT_TRUE(saw_ks);
  std::string text = format_validation_report(*r);
  EXPECT_NE(text.find("Calibration data: 0 errors, 3 warnings"), std::string::npos) << text;
  EXPECT_NE(text.find("warning ks_test"), std::string::npos) << text;
}
