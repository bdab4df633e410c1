// Streaming histograms and per-tensor statistics with memory that does not grow with the data.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "qwb/quant.h"

namespace qwb {

namespace {
constexpr int kHalf = Histogram::kBins / 2;
constexpr int64_t kParallelMin = 1 << 15;  // below this, threads cost more than they save

struct BatchSummary {
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity();
  double sum = 0, sum_sq = 0;
  int64_t finite = 0, nonfinite = 0;
};

BatchSummary summarize(const float* x, int64_t n) {
  BatchSummary s;
  double mn = s.min, mx = s.max, sum = 0, sq = 0;
  int64_t bad = 0;
#pragma omp parallel for reduction(min : mn) reduction(max : mx) reduction(+ : sum, sq, bad) if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (!std::isfinite(v)) {
      ++bad;
      continue;
    }
    mn = std::min<double>(mn, v);
    mx = std::max<double>(mx, v);
    sum += v;
    sq += static_cast<double>(v) * v;
  }
  s.min = mn;
  s.max = mx;
  s.sum = sum;
  s.sum_sq = sq;
  s.nonfinite = bad;
  s.finite = n - bad;
  return s;
}
}  // namespace

Histogram::Histogram() : abs_(kBins, 0.0), signed_(kBins, 0.0) {}

Histogram Histogram::from_parts(double range, std::vector<double> abs_bins, std::vector<double> signed_bins) {
  Histogram h;
  if (abs_bins.size() == kBins && signed_bins.size() == kBins) {
    h.range_ = range;
    h.abs_ = std::move(abs_bins);
    h.signed_ = std::move(signed_bins);
    for (double c : h.abs_) h.total_ += c;
  }
  return h;
}

void Histogram::grow_to(double amax) {
  if (amax <= range_) return;
  if (range_ == 0) {
    // Everything so far was exactly zero: it sits in the zero bins for any range.
    range_ = amax;
    return;
  }
  // Grow by an integer factor so that k old bins merge exactly into one new bin.
  const int64_t k = static_cast<int64_t>(std::ceil(amax / range_));
  std::vector<double> a(kBins, 0.0), s(kBins, 0.0);
  for (int i = 0; i < kBins; ++i) a[static_cast<size_t>(i / k)] += abs_[static_cast<size_t>(i)];
  for (int p = 0; p < kHalf; ++p) {
    s[static_cast<size_t>(kHalf + p / k)] += signed_[static_cast<size_t>(kHalf + p)];      // [p w, (p+1) w)
    s[static_cast<size_t>(kHalf - 1 - p / k)] += signed_[static_cast<size_t>(kHalf - 1 - p)];  // [-(p+1) w, -p w)
  }
  abs_ = std::move(a);
  signed_ = std::move(s);
  range_ *= static_cast<double>(k);
}

int64_t Histogram::add(const float* x, int64_t n) {
  BatchSummary s = summarize(x, n);
  if (s.finite > 0) add_finite(x, n, std::max(std::abs(s.min), std::abs(s.max)), s.finite);
  return s.nonfinite;
}

void Histogram::add_finite(const float* x, int64_t n, double amax, int64_t finite) {
  grow_to(amax);
  const double abs_step = range_ > 0 ? kBins / range_ : 0.0;   // bins per unit of |x|
  const double sgn_step = range_ > 0 ? kHalf / range_ : 0.0;   // signed bins per unit
  const int threads = n >= kParallelMin ? omp_get_max_threads() : 1;
  std::vector<double> local(static_cast<size_t>(threads) * 2 * kBins, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    double* la = local.data() + static_cast<size_t>(t) * 2 * kBins;
    double* ls = la + kBins;
#pragma omp for
    for (int64_t i = 0; i < n; ++i) {
      const float v = x[i];
      if (!std::isfinite(v)) continue;
      const double m = std::abs(static_cast<double>(v));
      la[std::min<int64_t>(static_cast<int64_t>(m * abs_step), kBins - 1)] += 1;
      const int64_t o = std::min<int64_t>(static_cast<int64_t>(m * sgn_step), kHalf - 1);
      ls[v >= 0 ? kHalf + o : kHalf - 1 - o] += 1;
    }
  }
  for (int t = 0; t < threads; ++t) {
    const double* la = local.data() + static_cast<size_t>(t) * 2 * kBins;
    for (int i = 0; i < kBins; ++i) {
      abs_[static_cast<size_t>(i)] += la[i];
      signed_[static_cast<size_t>(i)] += la[kBins + i];
    }
  }
  total_ += static_cast<double>(finite);
}

double TensorStats::mean() const { return count ? sum / static_cast<double>(count) : 0.0; }

double TensorStats::stddev() const {
  if (count < 2) return 0.0;
  const double m = mean();
  return std::sqrt(std::max(0.0, sum_sq / static_cast<double>(count) - m * m));
}

void TensorStats::add(const float* x, int64_t n) {
  BatchSummary s = summarize(x, n);
  nonfinite += s.nonfinite;
  if (s.finite == 0) return;
  constexpr double kMovingAverage = 0.01;  // ONNX Runtime's averaging constant
  if (count == 0) {
    min = s.min;
    max = s.max;
    ma_min = s.min;
    ma_max = s.max;
  } else {
    min = std::min(min, s.min);
    max = std::max(max, s.max);
    ma_min += kMovingAverage * (s.min - ma_min);
    ma_max += kMovingAverage * (s.max - ma_max);
  }
  count += s.finite;
  sum += s.sum;
  sum_sq += s.sum_sq;
  hist.add_finite(x, n, std::max(std::abs(s.min), std::abs(s.max)), s.finite);
}

}  // namespace qwb
