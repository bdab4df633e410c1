#include "report/charts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/report_text.h"

namespace qwb::report {

namespace {

constexpr const char* kFont = "DejaVu Sans, Arial, sans-serif";

std::string text(double x, double y, const std::string& s, int size, const char* anchor = "start", const char* fill = "#222",
                 const char* weight = "normal") {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-family=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\" "
                     "font-weight=\"{}\">{}</text>\n",
                     x, y, kFont, size, anchor, fill, weight, html_escape(s));
}

std::string rect(double x, double y, double w, double h, const std::string& fill, const char* stroke = "none") {
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" stroke=\"{}\"/>\n", x, y,
                     std::max(w, 0.0), std::max(h, 0.0), fill, stroke);
}

std::string line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1) {
  return fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"{}\"/>\n", x1, y1,
                     x2, y2, stroke, width);
}

std::string ellipsize(const std::string& s, size_t max_chars) {
  if (s.size() <= max_chars) return s;
  const size_t keep = max_chars - 1;
  return "\u2026" + s.substr(s.size() - keep + 1);  // layer names differ at their end
}

// A round step (1, 2, 5 x 10^k) giving about `n` ticks over `span`.
double nice_step(double span, int n) {
  if (!(span > 0)) return 1;
  const double raw = span / n, mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

std::string svg_open(int w, int h, const std::string& title) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n"
                     "<title>{}</title>\n<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
                     w, h, w, h, html_escape(title), w, h);
}

}  // namespace

Svg bar_chart(const BarChart& c) {
  const size_t ns = std::max<size_t>(c.series.size(), 1);
  size_t longest = 4;
  for (const auto& l : c.labels) longest = std::max(longest, l.size());
  const double label_w = std::min(260.0, 6.4 * static_cast<double>(std::min<size_t>(longest, 40)) + 10);
  const double value_w = 78, bar_h = 11, row_gap = 7;
  // Value labels sit at the bar ends; a diverging chart keeps room for them left of its plot too.
  const double pad = c.diverging ? 44 : 0;
  const double top = c.series.size() > 1 ? 46 : 30, plot_x = label_w + pad, plot_w = c.width - label_w - value_w - pad;
  const double row_h = bar_h * static_cast<double>(ns) + row_gap;
  const int height = static_cast<int>(top + row_h * static_cast<double>(c.labels.size()) + 30);

  double lo = 0, hi = 0;
  for (const auto& s : c.series)
    for (double v : s.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (c.diverging) {
    const double m = std::max({std::abs(lo), std::abs(hi), 1e-9});
    lo = -m, hi = m;
  } else {
    lo = 0;
    if (!(hi > 0)) hi = 1;
  }
  const double step = nice_step(hi - lo, c.diverging ? 4 : 5);
  if (c.diverging) hi = std::ceil(hi / step) * step, lo = -hi;
  else hi = std::ceil(hi / step) * step;
  auto xof = [&](double v) { return plot_x + (std::clamp(v, lo, hi) - lo) / (hi - lo) * plot_w; };

  std::string s = svg_open(c.width, height, c.title);
  s += text(4, 18, c.title, 13, "start", "#222", "bold");
  if (c.series.size() > 1) {
    double lx = plot_x;
    for (const auto& se : c.series) {
      s += rect(lx, 27, 11, 11, se.color);
      s += text(lx + 15, 37, se.name, 11);
      lx += 30 + 6.5 * static_cast<double>(se.name.size());
    }
  }
  const double axis_y = top + row_h * static_cast<double>(c.labels.size());
  for (double t = lo; t <= hi + step / 2; t += step) {
    const double x = xof(t);
    s += line(x, top - 4, x, axis_y, std::abs(t) < step / 2 ? "#888" : "#e3e3e3");
    s += text(x, axis_y + 14, fmt::format("{:g}", std::abs(t) < step / 1e6 ? 0.0 : t), 10, "middle", "#555");
  }
  if (!c.unit.empty()) s += text(plot_x + plot_w, axis_y + 26, c.unit, 10, "end", "#555");
  for (size_t i = 0; i < c.labels.size(); ++i) {
    const double y0 = top + row_h * static_cast<double>(i);
    s += text(label_w - 6, y0 + row_h / 2 + 1, ellipsize(c.labels[i], 40), 10, "end");
    for (size_t k = 0; k < c.series.size(); ++k) {
      const auto& se = c.series[k];
      if (i >= se.values.size()) continue;
      const double v = se.values[i], y = y0 + bar_h * static_cast<double>(k);
      if (std::isnan(v)) continue;
      const bool exact = std::isinf(v) && v > 0;
      const double x0 = xof(0), x1 = exact ? plot_x + plot_w : xof(v);
      s += rect(std::min(x0, x1), y, std::abs(x1 - x0), bar_h - 1, se.color);
      const std::string label = exact ? "exact" : fmt::format("{:.{}f}", v, c.decimals);
      s += v < 0 ? text(x1 - 4, y + bar_h - 2, label, 9, "end", "#333") : text(x1 + 4, y + bar_h - 2, label, 9, "start", "#333");
    }
  }
  s += "</svg>\n";
  return {s, c.width, height};
}

Svg confusion_delta_chart(const std::string& title, const std::vector<std::string>& labels,
                          const std::vector<std::vector<long long>>& delta) {
  const size_t n = delta.size();
  const double cell = 30, left = 150, top = 58;
  const int w = static_cast<int>(left + cell * static_cast<double>(n) + 20);
  const int h = static_cast<int>(top + cell * static_cast<double>(n) + 34);
  long long m = 1;
  for (const auto& r : delta)
    for (long long v : r) m = std::max(m, std::llabs(v));
  std::string s = svg_open(w, h, title);
  s += text(4, 18, title, 13, "start", "#222", "bold");
  s += text(left, 36, "predicted class \u2192   (green: better, red: worse)", 10, "start", "#555");
  for (size_t j = 0; j < n; ++j) s += text(left + cell * (static_cast<double>(j) + 0.5), top - 6, std::to_string(j), 10, "middle", "#555");
  for (size_t i = 0; i < n; ++i) {
    const double y = top + cell * static_cast<double>(i);
    const std::string name = i < labels.size() ? labels[i] : std::to_string(i);
    s += text(left - 6, y + cell / 2 + 4, fmt::format("{} {}", i, ellipsize(name, 18)), 10, "end");
    for (size_t j = 0; j < n && j < delta[i].size(); ++j) {
      const long long v = delta[i][j];
      const double x = left + cell * static_cast<double>(j);
      const bool good = (i == j) == (v > 0);
      const double a = v == 0 ? 0 : 0.15 + 0.85 * static_cast<double>(std::llabs(v)) / static_cast<double>(m);
      const int r = good ? 84 : 228, g = good ? 162 : 87, b = good ? 75 : 86;
      auto mix = [&](int c) { return static_cast<int>(std::lround(255 - (255 - c) * a)); };
      s += rect(x, y, cell, cell, fmt::format("#{:02x}{:02x}{:02x}", mix(r), mix(g), mix(b)), "#eee");
      if (v != 0) s += text(x + cell / 2, y + cell / 2 + 4, fmt::format("{:+d}", v), 10, "middle", a > 0.6 ? "#fff" : "#222");
    }
  }
  // The diagonal's outlines last, so that no neighbouring cell paints over them.
  for (size_t i = 0; i < n; ++i) {
    const double d = cell * static_cast<double>(i);
    s += rect(left + d, top + d, cell, cell, "none", "#888");
  }
  s += text(left, top + cell * static_cast<double>(n) + 18, "rows: true class; cells: quantized minus FP32 count", 10, "start", "#555");
  s += "</svg>\n";
  return {s, w, h};
}

}  // namespace qwb::report
