// Shared by the report renderers: number formatting and escaping, so HTML, Markdown and CSV
// show the same values the same way.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace qwb::report {

using json = nlohmann::json;

inline bool has_number(const json& j) { return j.is_number() && std::isfinite(j.get<double>()); }
inline double num(const json& j, double fallback = NAN) { return j.is_number() ? j.get<double>() : fallback; }
inline const json& field(const json& j, const char* key) {
  static const json null;
  return j.is_object() && j.contains(key) ? j[key] : null;
}
inline std::string str(const json& j, const char* key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

// "91.95%" from a fraction; "-" when absent.
inline std::string pct(const json& fraction) { return has_number(fraction) ? fmt::format("{:.2f}%", 100 * fraction.get<double>()) : "-"; }
// "-0.37" points; "-" when absent.
inline std::string pts(const json& v) { return has_number(v) ? fmt::format("{:+.2f}", v.get<double>()) : "-"; }
inline std::string fixed(const json& v, int digits) { return has_number(v) ? fmt::format("{:.{}f}", v.get<double>(), digits) : "-"; }
// Stored SQNR values are numbers or "inf" (exact).
inline std::string db(const json& v) {
  if (v.is_string()) return v.get<std::string>() == "inf" ? "exact" : v.get<std::string>();
  return has_number(v) ? fmt::format("{:.1f} dB", v.get<double>()) : "-";
}
inline std::string bytes(const json& v) {
  if (!has_number(v)) return "-";
  const double b = v.get<double>();
  if (b >= 1 << 20) return fmt::format("{:.2f} MB", b / (1 << 20));
  if (b >= 1 << 10) return fmt::format("{:.1f} KB", b / (1 << 10));
  return fmt::format("{:.0f} B", b);
}
inline std::string ms(const json& v) { return has_number(v) ? fmt::format("{:.3f} ms", v.get<double>()) : "-"; }
inline std::string times(const json& v) { return has_number(v) ? fmt::format("{:.2f}x", v.get<double>()) : "-"; }
// "3.87x smaller" / "1.33x larger": a ratio under 1 is said the other way round.
inline std::string ratio(const json& v, const char* more, const char* less) {
  if (!has_number(v) || !(v.get<double>() > 0)) return "-";
  const double r = v.get<double>();
  return r >= 1 ? fmt::format("{:.2f}x {}", r, more) : fmt::format("{:.2f}x {}", 1 / r, less);
}
inline std::string smaller(const json& compression) { return ratio(compression, "smaller", "larger"); }
inline std::string faster(const json& speedup) { return ratio(speedup, "faster", "slower"); }
inline std::string file_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
inline int64_t run_id(const json& run) { return field(run, "id").is_number_integer() ? run["id"].get<int64_t>() : 0; }
// A class row's F1 change against FP32 in points (quantized minus FP32, x100).
inline double f1_change_pts(const json& c) {
  return 100 * (num(field(field(c, "quantized"), "f1")) - num(field(field(c, "fp32"), "f1")));
}
// A layer row's format: a quantize run's weight format, or an autoquant run's chosen format.
inline std::string layer_format(const json& l) {
  return str(l, "weight_format").empty() ? str(l, "format") : str(l, "weight_format");
}
// A stored SQNR as a number: "inf" (exact) is +inf, missing is NaN.
inline double sqnr_value(const json& v) {
  if (v.is_string()) return v.get<std::string>() == "inf" ? INFINITY : NAN;
  return num(v);
}
// "run 3 (quantize, fmnist_cnn.onnx)".
inline std::string run_title(const json& run) {
  std::string model = field(run, "model").is_object() ? file_name(str(run["model"], "path")) : std::string();
  return fmt::format("run {} ({}{}{})", run_id(run), str(run, "kind"), model.empty() ? "" : ", ", model);
}
// The format a run used, as the decision table names it ("int8", "int8-mixed", ...).
inline std::string run_format(const json& run) {
  const json& d = field(run, "decision");
  return field(d, "run_format").is_string() ? d["run_format"].get<std::string>() : str(run, "kind");
}

// "weights int8 per-channel, activations uint8, entropy calibration" from a quantize config.
inline std::string scheme(const json& run) {
  const json& c = field(run, "config");
  const json &w = field(c, "weights"), &a = field(c, "activations");
  if (!w.is_object()) return "-";
  std::string s = "weights " + str(w, "dtype") + " per-" + str(w, "granularity");
  const std::string act = str(a, "dtype");
  s += act.empty() || act == "none" || act == "undefined" ? ", weight-only" : ", activations " + act;
  if (!str(c, "method").empty()) s += ", " + str(c, "method") + " calibration";
  return s;
}

std::string html_escape(const std::string& s);
std::string csv_field(const std::string& s);
std::string base64_decode(const std::string& s);

}  // namespace qwb::report
