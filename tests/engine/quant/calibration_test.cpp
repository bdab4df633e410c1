// Scale/zero-point rules, rounding, histograms and calibrators.
// Expected values: hand-computed from the formulas of design section 6 (ONNX Runtime's rules),
// closed-form quantiles of the normal distribution, and exact histogram arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "exec/kernels/quant/quant_math.h"
#include "qwb/quant.h"

using namespace qwb;

namespace {
QuantSpec spec(DType t, bool sym, Granularity g = Granularity::kTensor, int64_t block = 0, bool rr = false) {
  return QuantSpec{t, sym, g, block, rr};
}
TensorStats stats_of(const std::vector<float>& x) {
  TensorStats s;
  s.add(x.data(), static_cast<int64_t>(x.size()));
  return s;
}
std::vector<float> normal(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}
}  // namespace

TEST(ScaleZeroPoint, AffineUint8) {
  // [-1, 2]: s = 3 / 255, z = round(0 - (-1) / s) = round(85) = 85.
  ScaleZp p = scale_zero_point(-1.0f, 2.0f, spec(DType::kUInt8, false));
  EXPECT_FLOAT_EQ(p.scale, 3.0f / 255.0f);
  EXPECT_EQ(p.zero_point, 85);
}

TEST(ScaleZeroPoint, SymmetricInt8UsesMinus127To127) {
  ScaleZp p = scale_zero_point(-0.5f, 1.0f, spec(DType::kInt8, true));
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 254.0f);  // amax 1 over [-127, 127]
  EXPECT_EQ(p.zero_point, 0);
  EXPECT_EQ(int_range(spec(DType::kInt8, true)).lo, -127);
  EXPECT_EQ(int_range(spec(DType::kInt8, false)).lo, -128);
  EXPECT_EQ(int_range(spec(DType::kInt4, true)).lo, -7);
}

TEST(ScaleZeroPoint, SymmetricUint8IsCentredAt127) {
  ScaleZp p = scale_zero_point(-1.0f, 1.0f, spec(DType::kUInt8, true));
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 254.0f);
  EXPECT_EQ(p.zero_point, 127);
}

TEST(ScaleZeroPoint, ReduceRange) {
  EXPECT_EQ(int_range(spec(DType::kUInt8, false, Granularity::kTensor, 0, true)).hi, 127);
  ScaleZp p = scale_zero_point(0.0f, 127.0f, spec(DType::kUInt8, false, Granularity::kTensor, 0, true));
  EXPECT_FLOAT_EQ(p.scale, 1.0f);
  ScaleZp s = scale_zero_point(-63.0f, 63.0f, spec(DType::kInt8, true, Granularity::kTensor, 0, true));
  EXPECT_FLOAT_EQ(s.scale, 1.0f);  // [-63, 63]
}

TEST(ScaleZeroPoint, AllZeroAndConstantAndRangeWithoutZero) {
  // All zero: the range is empty, s = 1, z = 0, and zero quantizes exactly.
  ScaleZp z = scale_zero_point(0.0f, 0.0f, spec(DType::kUInt8, false));
  EXPECT_EQ(z.scale, 1.0f);
  EXPECT_EQ(z.zero_point, 0);
  // Constant 5: widened to [0, 5] -> s = 5 / 255, z = 0; 5 is representable (q = 255).
  ScaleZp c = scale_zero_point(5.0f, 5.0f, spec(DType::kUInt8, false));
  EXPECT_FLOAT_EQ(c.scale, 5.0f / 255.0f);
  EXPECT_EQ(c.zero_point, 0);
  EXPECT_NEAR(fake_quantize(5.0f, c.scale, c.zero_point, {0, 255}), 5.0f, 1e-6);
  // [2, 3] does not contain 0: widened to [0, 3].
  ScaleZp w = scale_zero_point(2.0f, 3.0f, spec(DType::kUInt8, false));
  EXPECT_FLOAT_EQ(w.scale, 3.0f / 255.0f);
  EXPECT_EQ(w.zero_point, 0);
  // Negative-only [-4, -2]: widened to [-4, 0] -> z = 255.
  ScaleZp n = scale_zero_point(-4.0f, -2.0f, spec(DType::kUInt8, false));
  EXPECT_EQ(n.zero_point, 255);
}

TEST(ScaleZeroPoint, Float8MapsAmaxToFormatMax) {
  EXPECT_FLOAT_EQ(scale_zero_point(-896.0f, 10.0f, spec(DType::kFloat8E4M3FN, true)).scale, 2.0f);
  EXPECT_FLOAT_EQ(scale_zero_point(0.0f, 57344.0f, spec(DType::kFloat8E5M2, true)).scale, 1.0f);
}

TEST(Rounding, HalfToEven) {
  const QuantRange r{-128, 127};
  EXPECT_EQ(quantize_affine(0.5f, 1.0f, 0, r), 0);
  EXPECT_EQ(quantize_affine(1.5f, 1.0f, 0, r), 2);
  EXPECT_EQ(quantize_affine(2.5f, 1.0f, 0, r), 2);
  EXPECT_EQ(quantize_affine(-0.5f, 1.0f, 0, r), 0);
  EXPECT_EQ(quantize_affine(-1.5f, 1.0f, 0, r), -2);
  EXPECT_EQ(quantize_affine(-2.5f, 1.0f, 0, r), -2);
  EXPECT_EQ(quantize_affine(1000.0f, 1.0f, 0, r), 127);  // saturates
}

TEST(Histogram, GrowthMergesBinsExactly) {
  // Data in [-1, 1], then data reaching 3: the range grows by k = 3 and every 3 old bins merge.
  // Expected: identical to one histogram built from all data at range 3, since
  // floor(floor(x) / k) == floor(x / k) for integer k.
  std::vector<float> a = normal(20000, 1), b = normal(20000, 2);
  for (auto& v : a) v = std::clamp(v, -1.0f, 1.0f);
  a[0] = 1.0f;
  for (auto& v : b) v = std::clamp(v, -3.0f, 3.0f);
  b[0] = 3.0f;
  Histogram h1;
  h1.add(a.data(), static_cast<int64_t>(a.size()));
  EXPECT_DOUBLE_EQ(h1.range(), 1.0);
  h1.add(b.data(), static_cast<int64_t>(b.size()));
  EXPECT_DOUBLE_EQ(h1.range(), 3.0);
  std::vector<float> all = a;
  all.insert(all.end(), b.begin(), b.end());
  Histogram h2;
  h2.add(all.data(), static_cast<int64_t>(all.size()));
  ASSERT_DOUBLE_EQ(h2.range(), 3.0);
  EXPECT_DOUBLE_EQ(h1.total(), 40000.0);
  double diff = 0;
  for (int i = 0; i < Histogram::kBins; ++i) {
    diff += std::abs(h1.abs_bins()[i] - h2.abs_bins()[i]) + std::abs(h1.signed_bins()[i] - h2.signed_bins()[i]);
  }
  // Values exactly on a bin edge may round differently through the two paths: a handful at most.
  EXPECT_LE(diff, 4.0);
}

TEST(Histogram, CountsNonFiniteSeparately) {
  std::vector<float> x = {1.0f, NAN, INFINITY, -2.0f};
  TensorStats s = stats_of(x);
  EXPECT_EQ(s.count, 2);
  EXPECT_EQ(s.nonfinite, 2);
  EXPECT_DOUBLE_EQ(s.min, -2.0);
  EXPECT_DOUBLE_EQ(s.hist.total(), 2.0);
}

TEST(Calibrators, UniformKeepsTheFullRange) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> d(0.0f, 1.0f);
  std::vector<float> x(1000000);
  for (auto& v : x) v = d(rng);
  TensorStats s = stats_of(x);
  const QuantSpec u8 = spec(DType::kUInt8, false);
  for (CalibMethod m : {CalibMethod::kMinMax, CalibMethod::kPercentile, CalibMethod::kEntropy, CalibMethod::kMse}) {
    Range r = calibrate_range(s, u8, {m, 99.999, false});
    EXPECT_NEAR(r.lo, 0.0f, 1e-5) << calib_method_name(m);  // the data minimum
    // Nothing to clip in a uniform distribution: every method keeps (nearly) all of it.
    EXPECT_GT(r.hi, 0.97f) << calib_method_name(m);
    EXPECT_LE(r.hi, 1.0f) << calib_method_name(m);
  }
}

TEST(Calibrators, GaussianWithOutliers) {
  // 1e6 N(0,1) values plus 5 outliers at +-50. MinMax takes the outliers; the 99.999th percentile
  // of |x| leaves ~10 values above it, 5 of them outliers, so the Gaussian tail holds ~5:
  // P(|x| > t) = 5e-6 -> t = 4.56 (normal quantile). Entropy clips far below 50. MSE weighs the
  // outliers' clipping error (5 x (50 - t)^2) against 1e6 rounding errors (s^2 / 12 each), so it
  // lands in between; it must be the minimiser of the real quantization error on the data.
  std::vector<float> x = normal(1000000, 4);
  for (int i = 0; i < 5; ++i) x.push_back(i % 2 ? 50.0f : -50.0f);
  TensorStats s = stats_of(x);
  const QuantSpec i8 = spec(DType::kInt8, true);
  Range mm = calibrate_range(s, i8, {CalibMethod::kMinMax});
  EXPECT_FLOAT_EQ(mm.hi, 50.0f);
  Range pc = calibrate_range(s, i8, {CalibMethod::kPercentile, 99.999});
  EXPECT_NEAR(pc.hi, 4.56f, 0.3f);  // bin width 50/2048 = 0.024
  EXPECT_FLOAT_EQ(pc.lo, -pc.hi);
  Range en = calibrate_range(s, i8, {CalibMethod::kEntropy});
  EXPECT_GT(en.hi, 2.0f);
  EXPECT_LT(en.hi, 10.0f);
  Range ms = calibrate_range(s, i8, {CalibMethod::kMse});
  auto mse_at = [&](float t) {
    ScaleZp p = scale_zero_point(-t, t, i8);
    double e = 0;
    for (float v : x) {
      const double d = v - fake_quantize(v, p.scale, p.zero_point, {-128, 127});
      e += d * d;
    }
    return e;
  };
  const double best = mse_at(ms.hi);
  for (float t : {pc.hi, en.hi, 0.8f * ms.hi, 1.2f * ms.hi, 50.0f}) EXPECT_LE(best, mse_at(t) * 1.01) << "t = " << t;
  EXPECT_GT(ms.hi, pc.hi);
  EXPECT_LT(ms.hi, 50.0f);
}

TEST(Calibrators, OneSidedReluOutputsStartAtZero) {
  std::vector<float> x = normal(500000, 5);
  for (auto& v : x) v = std::max(v, 0.0f);
  TensorStats s = stats_of(x);
  for (CalibMethod m : {CalibMethod::kMinMax, CalibMethod::kPercentile, CalibMethod::kEntropy, CalibMethod::kMse}) {
    Range r = calibrate_range(s, spec(DType::kUInt8, false), {m});
    EXPECT_EQ(r.lo, 0.0f) << calib_method_name(m);
    EXPECT_GT(r.hi, 2.0f) << calib_method_name(m);  // P(x > 2) = 2.3%: never clipped that far
    ScaleZp p = scale_zero_point(r.lo, r.hi, spec(DType::kUInt8, false));
    EXPECT_EQ(p.zero_point, 0) << calib_method_name(m);  // all 256 levels for positive values
  }
}

TEST(Calibrators, MovingAverageMinMax) {
  // Two batches: ranges [-1, 1] then [-3, 3]; moving average with 0.01 gives -1.02 / 1.02.
  TensorStats s;
  std::vector<float> a = {-1, 1}, b = {-3, 3};
  s.add(a.data(), 2);
  s.add(b.data(), 2);
  Range r = calibrate_range(s, spec(DType::kInt8, true), {CalibMethod::kMinMax, 99.999, true});
  EXPECT_NEAR(r.lo, -1.02f, 1e-6);
  EXPECT_NEAR(r.hi, 1.02f, 1e-6);
}

TEST(Calibrators, EntropySearchesEveryCandidate) {
  // Mass on the first 300 bins and a thin far tail to bin 2047: the best threshold sits near the
  // end of the bulk (bin 300 of 2048), far from the 128-bin single candidate and from the max.
  std::vector<double> bins(Histogram::kBins, 0.0);
  for (int i = 0; i < 300; ++i) bins[i] = 1000.0 - 3.0 * i;
  for (int i = 300; i < Histogram::kBins; i += 50) bins[i] = 1.0;
  const double t = entropy_threshold(bins, 2048.0, 128);
  EXPECT_GT(t, 200.0);
  EXPECT_LT(t, 700.0);
}

TEST(Calibrators, EntropyGuardOnSaturatedRelu6) {
  // ReLU6 of N(0, 2): 0.13% of the values saturate at exactly 6, a spike KL treats as a tail.
  // Pure KL may clip far below 6; the guard keeps the threshold at or above the 99.99th
  // percentile of |x|, which here is 6 itself (more than 0.01% of the values sit at 6).
  std::vector<float> x = normal(500000, 6);
  for (auto& v : x) v = std::clamp(2.0f * v, 0.0f, 6.0f);
  TensorStats s = stats_of(x);
  const QuantSpec u8 = spec(DType::kUInt8, false);
  Range guarded = calibrate_range(s, u8, {CalibMethod::kEntropy});
  EXPECT_NEAR(guarded.hi, 6.0f, 0.01f);
  CalibOptions pure{CalibMethod::kEntropy};
  pure.entropy_max_clip = 0;
  Range kl = calibrate_range(s, u8, pure);
  EXPECT_LE(kl.hi, guarded.hi);
}
