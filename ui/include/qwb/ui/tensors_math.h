// Small pure helpers of the Tensors view (no Qt, no widgets), so tests can check them by hand:
// the display bars of a stored histogram, the expected error of quantizing a histogram with a
// given scale and zero point, and the QuantSpec a stored threshold row describes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qwb/quant.h"

namespace qwb::ui {

// Bars for display: bar i covers [edges[i], edges[i + 1]) and holds counts[i].
struct HistogramBars {
  std::vector<double> edges;   // counts.size() + 1 values, ascending
  std::vector<double> counts;
  int merged = 1;              // stored bins per bar
  double total() const;
};

// The signed histogram (bins of equal width over [-range, range]) trimmed to its occupied bins
// (first to last non-empty one) and merged so that at most `target` bars remain. Trimming drops
// only empty bins, so the bars sum to the histogram's total.
HistogramBars displayBars(const std::vector<double>& signed_bins, double range, int target = 200);

struct ExpectedError {
  double mse = 0;      // sum n (x - x')^2 / sum n
  double sqnr_db = 0;  // 10 log10(sum n x^2 / sum n (x - x')^2); +inf without error
};

// Expected error of quantizing a histogram: every value of bin j is taken to be the bin centre
// x = lo + (j + 0.5) width, quantized as q = clamp(round_half_even(x / scale) + zero_point,
// r.lo, r.hi) and dequantized as x' = (q - zero_point) scale. NaN for an empty histogram.
ExpectedError expectedError(const std::vector<double>& counts, double lo, double width, double scale,
                            int32_t zero_point, IntRange r);

// The spec of a threshold row from its dtype name ("uint8") and QuantSpec::describe() text
// ("uint8 affine per-tensor", "int8 symmetric per-channel reduce-range", "int4 symmetric block 32").
std::optional<QuantSpec> specFromDescription(const std::string& dtype, const std::string& describe);

}  // namespace qwb::ui
