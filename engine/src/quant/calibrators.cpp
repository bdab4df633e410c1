// Calibrators: clipping thresholds from a stored histogram, without re-running the model.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "exec/kernels/quant/quant_math.h"
#include "qwb/quant.h"

namespace qwb {

namespace {
constexpr int kBins = Histogram::kBins;

double bin_width(double range) { return range / kBins; }

// Moves a small mass from non-zero to zero bins of a normalised distribution so that KL stays
// finite (ONNX Runtime's smooth_distribution). Returns false if all bins are zero.
bool smooth(std::vector<double>& p, double eps = 1e-4) {
  size_t zeros = 0;
  for (double v : p) zeros += v == 0;
  const size_t nonzeros = p.size() - zeros;
  if (nonzeros == 0) return false;
  const double eps1 = eps * static_cast<double>(zeros) / static_cast<double>(nonzeros);
  for (double& v : p) v += v == 0 ? eps : -eps1;
  return true;
}

void normalise(std::vector<double>& p) {
  const double s = std::accumulate(p.begin(), p.end(), 0.0);
  if (s > 0)
    for (double& v : p) v /= s;
}

// Quantize-dequantize of one value for a range and spec (the error the MSE search weighs).
struct FakeQuant {
  ScaleZp p;
  IntRange r;
  DType dtype;
  bool float8;
  float operator()(float x) const {
    if (float8) return float8_to_float(quantize_float8(x, p.scale, dtype, true), dtype) * p.scale;
    return fake_quantize(x, p.scale, p.zero_point, QuantRange{r.lo, r.hi});
  }
};

FakeQuant make_fake_quant(Range rg, const QuantSpec& spec) {
  return {scale_zero_point(rg.lo, rg.hi, spec), int_range(spec), spec.dtype, spec.is_float8()};
}

// The range a symmetric threshold T gives: [-T, T] for symmetric specs; affine specs keep the
// data's own side limits so a one-sided tensor (ReLU) does not waste half the levels.
Range range_from_threshold(double t, const TensorStats& s, const QuantSpec& spec) {
  const double amax = std::max(std::abs(s.min), std::abs(s.max));
  t = std::min(t, amax);
  if (spec.symmetric) return {static_cast<float>(-t), static_cast<float>(t)};
  return {static_cast<float>(std::max(s.min, -t)), static_cast<float>(std::min(s.max, t))};
}

// Quantization levels on the magnitude axis, for the entropy search's merged histogram.
int magnitude_levels(const TensorStats& s, const QuantSpec& spec) {
  if (spec.is_float8()) return 128;
  IntRange r = int_range(spec);
  const int64_t levels = static_cast<int64_t>(r.hi) - r.lo + 1;
  // One-sided data on an unsigned type uses every level for magnitudes; otherwise half of them.
  const bool one_sided = s.min >= 0 && r.lo >= 0;
  return static_cast<int>(std::clamp<int64_t>(one_sided ? levels : levels / 2, 2, kBins));
}

}  // namespace

Result<CalibMethod> parse_calib_method(const std::string& s) {
  if (s == "minmax") return CalibMethod::kMinMax;
  if (s == "percentile") return CalibMethod::kPercentile;
  if (s == "entropy" || s == "kl") return CalibMethod::kEntropy;
  if (s == "mse") return CalibMethod::kMse;
  return invalid_argument("unknown calibration method '" + s + "' (known: minmax, percentile, entropy, mse)");
}

const char* calib_method_name(CalibMethod m) {
  switch (m) {
    case CalibMethod::kMinMax: return "minmax";
    case CalibMethod::kPercentile: return "percentile";
    case CalibMethod::kEntropy: return "entropy";
    case CalibMethod::kMse: return "mse";
  }
  return "?";
}

double percentile_threshold(const std::vector<double>& abs_bins, double range, double percentile) {
  const double total = std::accumulate(abs_bins.begin(), abs_bins.end(), 0.0);
  if (total <= 0) return 0.0;
  const double target = total * std::clamp(percentile, 0.0, 100.0) / 100.0;
  double cum = 0;
  for (size_t i = 0; i < abs_bins.size(); ++i) {
    cum += abs_bins[i];
    // Upper edge of the bin where the CDF reaches the percentile, so 100 gives the full range.
    if (cum >= target) return static_cast<double>(i + 1) * range / static_cast<double>(abs_bins.size());
  }
  return range;
}

double entropy_threshold(const std::vector<double>& abs_bins_in, double range, int levels) {
  std::vector<double> bins = abs_bins_in;
  const int kBins = static_cast<int>(bins.size());  // any bin count: halves of the signed histogram too
  if (kBins < 2 || range <= 0) return range;
  // Exact zeros (ReLU outputs) would dominate both distributions; weigh bin 0 like its
  // neighbour, as TensorRT's calibrator does.
  bins[0] = bins[1];
  const double total = std::accumulate(bins.begin(), bins.end(), 0.0);
  if (total <= 0) return range;
  // Suffix sums give each candidate's outlier mass in O(1).
  std::vector<double> tail(kBins + 1, 0.0);
  for (int i = kBins - 1; i >= 0; --i) tail[static_cast<size_t>(i)] = tail[static_cast<size_t>(i + 1)] + bins[static_cast<size_t>(i)];

  const int start = std::min(levels, kBins);
  double best_kl = std::numeric_limits<double>::infinity();
  int best_i = kBins;
  std::vector<double> p, q;
  for (int i = start; i <= kBins; ++i) {
    // P: the first i bins with the outliers folded into the last one.
    p.assign(bins.begin(), bins.begin() + i);
    p.back() += tail[static_cast<size_t>(i)];
    // Q: the first i bins merged into `levels` groups, each group's mass spread evenly over
    // its non-empty bins (empty bins stay empty: they were empty before quantization too).
    q.assign(static_cast<size_t>(i), 0.0);
    for (int g = 0; g < levels; ++g) {
      const int b0 = static_cast<int>(static_cast<int64_t>(g) * i / levels);
      const int b1 = static_cast<int>(static_cast<int64_t>(g + 1) * i / levels);
      double mass = 0;
      int nonzero = 0;
      for (int b = b0; b < b1; ++b) {
        mass += bins[static_cast<size_t>(b)];
        nonzero += bins[static_cast<size_t>(b)] != 0;
      }
      if (nonzero == 0) continue;
      const double each = mass / nonzero;
      for (int b = b0; b < b1; ++b)
        if (bins[static_cast<size_t>(b)] != 0) q[static_cast<size_t>(b)] = each;
    }
    normalise(p);
    normalise(q);
    if (!smooth(p) || !smooth(q)) continue;
    double kl = 0;
    for (size_t b = 0; b < p.size(); ++b)
      if (p[b] > 0 && q[b] > 0) kl += p[b] * std::log(p[b] / q[b]);
    // Ties keep the larger threshold (less clipping), as TensorRT does.
    if (kl <= best_kl) {
      best_kl = kl;
      best_i = i;
    }
  }
  return static_cast<double>(best_i) * range / kBins;
}

double mse_threshold(const TensorStats& s, const QuantSpec& spec) {
  const Histogram& h = s.hist;
  const double range = h.range();
  if (range <= 0 || h.total() <= 0) return 0.0;
  const auto& sb = h.signed_bins();
  const double w = 2 * range / kBins;
  // Bin centres of the signed histogram; only non-empty bins contribute.
  std::vector<std::pair<float, double>> mass;
  for (int j = 0; j < kBins; ++j)
    if (sb[static_cast<size_t>(j)] > 0) mass.emplace_back(static_cast<float>(-range + (j + 0.5) * w), sb[static_cast<size_t>(j)]);
  double best = std::numeric_limits<double>::infinity(), best_t = range;
  // Candidates: every other upper edge of the |x| histogram (2048 bins), from 1/128 of the range.
  for (int i = kBins / 128; i <= kBins; i += 2) {
    const double t = static_cast<double>(i) * bin_width(range);
    FakeQuant fq = make_fake_quant(range_from_threshold(t, s, spec), spec);
    double err = 0;
    for (const auto& [c, n] : mass) {
      const double d = static_cast<double>(c) - fq(c);
      err += n * d * d;
    }
    if (err < best) {
      best = err;
      best_t = t;
    }
  }
  return best_t;
}

Range calibrate_range(const TensorStats& s, const QuantSpec& spec, const CalibOptions& o) {
  if (s.count == 0) return {0, 0};
  switch (o.method) {
    case CalibMethod::kMinMax:
      if (o.moving_average) return {static_cast<float>(s.ma_min), static_cast<float>(s.ma_max)};
      return {static_cast<float>(s.min), static_cast<float>(s.max)};
    case CalibMethod::kPercentile: {
      if (spec.symmetric || s.min >= 0) {
        return range_from_threshold(percentile_threshold(s.hist.abs_bins(), s.hist.range(), o.percentile), s, spec);
      }
      // Affine with two tails: clip each tail at its own percentile of the signed histogram.
      const auto& sb = s.hist.signed_bins();
      const double total = s.hist.total(), w = 2 * s.hist.range() / kBins, tail = total * (100.0 - o.percentile) / 100.0;
      double cum = 0, lo = s.min, hi = s.max;
      for (int j = 0; j < kBins; ++j) {
        cum += sb[static_cast<size_t>(j)];
        if (cum > tail) { lo = -s.hist.range() + j * w; break; }
      }
      cum = 0;
      for (int j = kBins - 1; j >= 0; --j) {
        cum += sb[static_cast<size_t>(j)];
        if (cum > tail) { hi = -s.hist.range() + (j + 1) * w; break; }
      }
      return {static_cast<float>(std::max(lo, s.min)), static_cast<float>(std::min(hi, s.max))};
    }
    case CalibMethod::kEntropy: {
      // KL alone clips spiky activations (ReLU6 saturating at 6, constant background regions)
      // down to a fraction of their range; the guard keeps it from clipping more than
      // `entropy_max_clip` of the values (0: pure KL).
      const double keep = 100.0 * (1.0 - o.entropy_max_clip);
      auto guarded = [&](const std::vector<double>& bins, int levels) {
        const double t = entropy_threshold(bins, s.hist.range(), levels);
        return o.entropy_max_clip > 0 ? std::max(t, percentile_threshold(bins, s.hist.range(), keep)) : t;
      };
      if (spec.symmetric || s.min >= 0 || s.max <= 0) return range_from_threshold(guarded(s.hist.abs_bins(), magnitude_levels(s, spec)), s, spec);
      // Affine on two-sided data: each side gets its own threshold from its half of the signed
      // histogram. One |x| histogram would let a spike on one side (normalised background
      // pixels) set the clip of the other.
      const auto& sb = s.hist.signed_bins();
      const int half = kBins / 2, levels = std::max(2, magnitude_levels(s, spec) / 2);
      std::vector<double> pos(sb.begin() + half, sb.end()), neg(sb.begin(), sb.begin() + half);
      std::reverse(neg.begin(), neg.end());  // neg[i]: magnitudes [i w, (i+1) w) below zero
      const double hi = guarded(pos, levels), lo = guarded(neg, levels);
      return {static_cast<float>(std::max(s.min, -lo)), static_cast<float>(std::min(s.max, hi))};
    }
    case CalibMethod::kMse:
      return range_from_threshold(mse_threshold(s, spec), s, spec);
  }
  return {static_cast<float>(s.min), static_cast<float>(s.max)};
}

}  // namespace qwb
