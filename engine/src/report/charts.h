// SVG charts for reports. Plain SVG 1.1 with presentation attributes only (no CSS, no scripts),
// so that browsers and Qt's SVG Tiny renderer (the PDF) draw them the same.
#pragma once

#include <string>
#include <vector>

namespace qwb::report {

struct Svg {
  std::string text;
  int width = 0, height = 0;
};

struct Series {
  std::string name, color;
  std::vector<double> values;  // NaN: no bar; +inf: a full bar labelled "exact"
};

struct BarChart {
  std::string title, unit;            // unit follows each value label ("dB", " pts")
  std::vector<std::string> labels;    // one row per label, top to bottom
  std::vector<Series> series;         // one bar per series in each row
  bool diverging = false;             // bars grow left/right of zero (changes)
  int decimals = 2;
  int width = 760;
};
Svg bar_chart(const BarChart& c);

// A matrix of counts (e.g. quantized minus FP32 confusion); on the diagonal a gain is good, off it
// a gain is bad, and the colours say so.
Svg confusion_delta_chart(const std::string& title, const std::vector<std::string>& labels,
                          const std::vector<std::vector<long long>>& delta);

// Colours used across a report (colour-blind-safe pairs).
inline const char* kFp32Color = "#4c78a8";
inline const char* kQuantColor = "#f58518";
inline const char* kOtherColor = "#54a24b";

}  // namespace qwb::report
