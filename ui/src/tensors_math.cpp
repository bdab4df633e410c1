#include "qwb/ui/tensors_math.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace qwb::ui {

double HistogramBars::total() const { return std::accumulate(counts.begin(), counts.end(), 0.0); }

HistogramBars displayBars(const std::vector<double>& bins, double range, int target) {
  HistogramBars out;
  const int n = static_cast<int>(bins.size());
  if (n == 0 || !(range > 0)) return out;
  int first = 0, last = n - 1;
  while (first < n && bins[static_cast<size_t>(first)] == 0) ++first;
  if (first == n) return out;  // empty histogram
  while (last > first && bins[static_cast<size_t>(last)] == 0) --last;
  const int occupied = last - first + 1;
  const int k = std::max(1, (occupied + std::max(1, target) - 1) / std::max(1, target));
  const double w = 2 * range / n;
  out.merged = k;
  for (int b = first; b <= last; b += k) {
    const int end = std::min(b + k, last + 1);
    double c = 0;
    for (int j = b; j < end; ++j) c += bins[static_cast<size_t>(j)];
    out.edges.push_back(-range + b * w);
    out.counts.push_back(c);
  }
  out.edges.push_back(-range + (last + 1) * w);
  return out;
}

ExpectedError expectedError(const std::vector<double>& counts, double lo, double width, double scale,
                            int32_t zero_point, IntRange r) {
  ExpectedError e;
  double n = 0, signal = 0, noise = 0;
  for (size_t j = 0; j < counts.size(); ++j) {
    const double c = counts[j];
    if (c <= 0) continue;
    const double x = lo + (static_cast<double>(j) + 0.5) * width;
    // std::nearbyint rounds half to even in the default rounding mode, as QuantizeLinear does.
    const double q = std::clamp(std::nearbyint(x / scale) + zero_point, static_cast<double>(r.lo), static_cast<double>(r.hi));
    const double d = x - (q - zero_point) * scale;
    n += c;
    signal += c * x * x;
    noise += c * d * d;
  }
  if (n <= 0) return {NAN, NAN};
  e.mse = noise / n;
  e.sqnr_db = noise > 0 ? 10 * std::log10(signal / noise) : INFINITY;
  return e;
}

std::optional<QuantSpec> specFromDescription(const std::string& dtype, const std::string& describe) {
  auto t = parse_quant_dtype(dtype);
  if (!t || *t == DType::kUndefined) return std::nullopt;
  QuantSpec s;
  s.dtype = *t;
  s.symmetric = !s.is_integer();  // float8 and casts have no zero point
  std::istringstream words(describe);
  std::string w;
  words >> w;  // the dtype again
  while (words >> w) {
    if (w == "symmetric") s.symmetric = true;
    else if (w == "affine") s.symmetric = false;
    else if (w == "per-tensor") s.granularity = Granularity::kTensor;
    else if (w == "per-channel") s.granularity = Granularity::kChannel;
    else if (w == "block") {
      s.granularity = Granularity::kBlock;
      words >> s.block_size;
    } else if (w == "reduce-range") s.reduce_range = true;
    else return std::nullopt;  // a description this build does not know
  }
  return s;
}

}  // namespace qwb::ui
