// Calibration-data validation: is this calibration set big enough and does it look like the
// data the model will see? Every check reports its number and the limit it was compared with;
// statistics use preprocessed values (Dataset::batch), i.e. what the model's input receives.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "qwb/data.h"

namespace qwb {

namespace {

std::string num(double v, int precision = 4) {
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

std::string percent(double f) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(1) << 100.0 * f << "%";
  return os.str();
}

// Preprocessed values of a bounded random subsample of a dataset.
struct ValueSample {
  std::vector<float> values;  // finite values for the KS test (at most ks_max_values)
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  int64_t samples_used = 0;
  int64_t non_finite = 0;  // NaN/inf among the inspected values
};

Result<ValueSample> collect(const Dataset& ds, const ValidationOptions& o, uint64_t seed) {
  ValueSample out;
  auto ids = sample_ids(ds, std::max<int64_t>(o.ks_max_samples, 1), Sampling::kRandom, seed);
  if (!ids) return ids.status();
  const int64_t per = shape_numel(ds.sample_shape());
  const int64_t total = static_cast<int64_t>(ids->size()) * per;
  out.samples_used = static_cast<int64_t>(ids->size());
  if (total == 0) return out;
  // Which flat positions (sample slot * per + element) feed the KS test: all, or a seeded
  // uniform draw with replacement (sorted so samples are visited once, in order).
  const int64_t want = std::min<int64_t>(total, std::max<int64_t>(o.ks_max_values, 1));
  std::vector<int64_t> picks;
  if (want < total) {
    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
    picks.resize(static_cast<size_t>(want));
    for (auto& p : picks) p = static_cast<int64_t>(rng() % static_cast<uint64_t>(total));
    std::sort(picks.begin(), picks.end());
  }
  out.values.reserve(static_cast<size_t>(want));
  size_t next_pick = 0;
  for (size_t slot = 0; slot < ids->size(); ++slot) {
    const int64_t id = (*ids)[slot];
    auto b = ds.batch(id, id + 1);
    if (!b) return b.status();
    const float* v = b->data<float>();
    for (int64_t e = 0; e < per; ++e) {
      if (!std::isfinite(v[e])) { ++out.non_finite; continue; }
      out.min = std::min<double>(out.min, v[e]);
      out.max = std::max<double>(out.max, v[e]);
    }
    if (picks.empty()) {
      for (int64_t e = 0; e < per; ++e) if (std::isfinite(v[e])) out.values.push_back(v[e]);
    } else {
      const int64_t base = static_cast<int64_t>(slot) * per;
      while (next_pick < picks.size() && picks[next_pick] < base + per) {
        float x = v[picks[next_pick++] - base];
        if (std::isfinite(x)) out.values.push_back(x);
      }
    }
  }
  return out;
}

std::string class_label(int64_t c, const Dataset* a, const Dataset* b) {
  for (const Dataset* d : {a, b}) {
    if (d && c >= 0 && c < static_cast<int64_t>(d->class_names().size())) {
      return d->class_names()[static_cast<size_t>(c)] + " (" + std::to_string(c) + ")";
    }
  }
  return std::to_string(c);
}

ValidationCheck sample_count_check(int64_t n, const ValidationOptions& o) {
  ValidationCheck c;
  c.name = "sample_count";
  c.value = static_cast<double>(n);
  const std::string have = std::to_string(n) + " calibration samples";
  if (n < o.min_samples_error) {
    c.status = CheckStatus::kError;
    c.threshold = static_cast<double>(o.min_samples_error);
    c.message = have + "; at least " + std::to_string(o.min_samples_error) + " needed";
  } else if (n < o.min_samples_warn) {
    c.status = CheckStatus::kWarning;
    c.threshold = static_cast<double>(o.min_samples_warn);
    c.message = have + ", fewer than " + std::to_string(o.min_samples_warn) + ": activation ranges may be noisy";
  } else if (n > o.max_samples_warn) {
    c.status = CheckStatus::kWarning;
    c.threshold = static_cast<double>(o.max_samples_warn);
    c.message = have + ", more than " + std::to_string(o.max_samples_warn) +
                ": calibration will be slow for little gain; sample fewer";
  } else {
    c.threshold = static_cast<double>(o.min_samples_warn);
    c.message = have;
  }
  return c;
}

// Classes in `expected` with no calibration sample.
ValidationCheck label_check(const Dataset& calib, const std::set<int64_t>& expected, const Dataset* ref,
                            const std::string& against) {
  ValidationCheck c;
  c.name = "label_coverage";
  c.threshold = 1.0;
  std::set<int64_t> have(calib.labels().begin(), calib.labels().end());
  int64_t present = 0;
  for (int64_t k : expected) {
    if (have.count(k)) ++present;
    else c.items.push_back(class_label(k, ref, &calib));
  }
  c.value = expected.empty() ? 1.0 : static_cast<double>(present) / static_cast<double>(expected.size());
  c.details["classes_expected"] = static_cast<double>(expected.size());
  c.details["classes_present"] = static_cast<double>(present);
  if (c.items.empty()) {
    c.message = "all " + std::to_string(expected.size()) + " classes of " + against + " are present";
  } else {
    c.status = CheckStatus::kWarning;
    std::string list;
    for (size_t i = 0; i < c.items.size() && i < 10; ++i) list += (i ? ", " : "") + c.items[i];
    if (c.items.size() > 10) list += ", ... (" + std::to_string(c.items.size() - 10) + " more)";
    c.message = std::to_string(c.items.size()) + " of " + std::to_string(expected.size()) + " classes of " + against +
                " have no calibration sample: " + list;
  }
  return c;
}

}  // namespace

const char* check_status_name(CheckStatus s) {
  switch (s) {
    case CheckStatus::kOk: return "ok";
    case CheckStatus::kWarning: return "warning";
    case CheckStatus::kError: return "error";
  }
  return "?";
}

CheckStatus ValidationReport::worst() const {
  CheckStatus w = CheckStatus::kOk;
  for (const auto& c : checks) w = std::max(w, c.status);
  return w;
}

double kolmogorov_sf(double x) {
  if (!(x > 0)) return 1.0;
  const double pi = 3.14159265358979323846;
  double sf;
  if (x < 1.18) {
    // P(K <= x) = sqrt(2 pi) / x * sum_k exp(-(2k-1)^2 pi^2 / (8 x^2)); converges fast for small x.
    double s = 0;
    for (int k = 1; k <= 20; ++k) s += std::exp(-(2.0 * k - 1) * (2.0 * k - 1) * pi * pi / (8 * x * x));
    sf = 1.0 - std::sqrt(2 * pi) / x * s;
  } else {
    // Q(x) = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2); converges fast for large x.
    double s = 0;
    for (int k = 1; k <= 20; ++k) s += (k % 2 ? 1.0 : -1.0) * std::exp(-2.0 * k * k * x * x);
    sf = 2 * s;
  }
  return std::clamp(sf, 0.0, 1.0);
}

KsResult ks_two_sample(std::vector<float> a, std::vector<float> b) {
  KsResult r;
  if (a.empty() || b.empty()) return r;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double n = static_cast<double>(a.size()), m = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  // Step both empirical CDFs past each distinct value (ties move together), then compare.
  while (i < a.size() && j < b.size()) {
    const float v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == v) ++i;
    while (j < b.size() && b[j] == v) ++j;
    r.d = std::max(r.d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  r.p_value = r.d == 0 ? 1.0 : kolmogorov_sf(std::sqrt(n * m / (n + m)) * r.d);
  return r;
}

Result<ValidationReport> validate_calibration(const Dataset& calib, const Dataset* reference,
                                              const ValidationOptions& o) {
  ValidationReport rep;
  const int64_t n = calib.size();
  rep.checks.push_back(sample_count_check(n, o));
  if (n == 0) {
    rep.notes.push_back("the other checks need calibration samples");
    return rep;
  }

  // Labels: against the reference's classes, else against the calibration set's own class list.
  if (calib.has_labels() && reference && reference->has_labels()) {
    std::set<int64_t> expected(reference->labels().begin(), reference->labels().end());
    rep.checks.push_back(label_check(calib, expected, reference, "the reference set"));
  } else if (calib.has_labels() && !calib.class_names().empty()) {
    std::set<int64_t> expected;
    for (int64_t k = 0; k < static_cast<int64_t>(calib.class_names().size()); ++k) expected.insert(k);
    rep.checks.push_back(label_check(calib, expected, nullptr, "the dataset"));
    if (reference) rep.notes.push_back("label coverage checked against the dataset's classes: the reference set has no labels");
  } else {
    rep.notes.push_back(std::string("label coverage not checked: ") +
                        (!calib.has_labels() ? "the calibration set has no labels"
                                             : "no reference set with labels and no class names"));
  }

  auto cs = collect(calib, o, o.seed);
  if (!cs) return cs.status();
  {
    ValidationCheck c;
    c.name = "finite_values";
    c.value = static_cast<double>(cs->non_finite);
    c.threshold = 0;
    c.details["samples_inspected"] = static_cast<double>(cs->samples_used);
    if (cs->non_finite > 0) {
      c.status = CheckStatus::kError;
      c.message = std::to_string(cs->non_finite) + " NaN or infinite values in " + std::to_string(cs->samples_used) +
                  " inspected calibration samples: ranges would be meaningless";
    } else {
      c.message = "no NaN or infinite values in " + std::to_string(cs->samples_used) + " inspected samples";
    }
    rep.checks.push_back(std::move(c));
  }
  if (!reference) {
    rep.notes.push_back("distribution (KS) and range coverage not checked: no reference set");
    return rep;
  }
  if (reference->size() == 0) {
    rep.notes.push_back("distribution (KS) and range coverage not checked: the reference set is empty");
    return rep;
  }

  {
    ValidationCheck c;
    c.name = "sample_shape";
    if (calib.sample_shape() == reference->sample_shape()) {
      c.message = "calibration and reference samples are both " + shape_str(calib.sample_shape());
    } else {
      c.status = CheckStatus::kWarning;
      c.message = "calibration samples are " + shape_str(calib.sample_shape()) + " but reference samples are " +
                  shape_str(reference->sample_shape());
    }
    rep.checks.push_back(std::move(c));
  }

  // A different seed stream for the reference so the two draws are independent.
  auto rs = collect(*reference, o, o.seed + 1);
  if (!rs) return rs.status();
  if (cs->values.empty() || rs->values.empty()) {
    rep.notes.push_back("distribution (KS) and range coverage not checked: no finite values");
    return rep;
  }

  {
    KsResult ks = ks_two_sample(cs->values, rs->values);
    ValidationCheck c;
    c.name = "ks_test";
    c.value = ks.d;
    c.threshold = o.ks_d_threshold;
    c.details["p_value"] = ks.p_value;
    c.details["p_threshold"] = o.ks_p_threshold;
    c.details["values_calib"] = static_cast<double>(cs->values.size());
    c.details["values_reference"] = static_cast<double>(rs->values.size());
    const std::string stats = "KS D = " + num(ks.d) + ", p = " + num(ks.p_value, 3) + " (" +
                              std::to_string(cs->values.size()) + " vs " + std::to_string(rs->values.size()) +
                              " preprocessed values)";
    if (ks.p_value < o.ks_p_threshold && ks.d > o.ks_d_threshold) {
      c.status = CheckStatus::kWarning;
      c.message = stats + ": calibration values are distributed differently from the reference (D > " +
                  num(o.ks_d_threshold) + ", p < " + num(o.ks_p_threshold) + ")";
    } else {
      c.message = stats + ": distributions agree";
    }
    rep.checks.push_back(std::move(c));
  }

  {
    ValidationCheck c;
    c.name = "range_coverage";
    c.threshold = o.min_range_coverage;
    const double rmin = rs->min, rmax = rs->max, cmin = cs->min, cmax = cs->max;
    double cover;
    if (rmax > rmin) cover = std::max(0.0, std::min(cmax, rmax) - std::max(cmin, rmin)) / (rmax - rmin);
    else cover = (cmin <= rmin && cmax >= rmax) ? 1.0 : 0.0;  // a constant reference: covered or not
    c.value = cover;
    c.details["calib_min"] = cmin;
    c.details["calib_max"] = cmax;
    c.details["reference_min"] = rmin;
    c.details["reference_max"] = rmax;
    c.message = "calibration range [" + num(cmin) + ", " + num(cmax) + "] covers " + percent(cover) +
                " of the reference range [" + num(rmin) + ", " + num(rmax) + "]";
    if (cover < o.min_range_coverage) {
      c.status = CheckStatus::kWarning;
      c.message += ", less than " + percent(o.min_range_coverage) + ": values outside it will be clipped";
    }
    rep.checks.push_back(std::move(c));
  }
  return rep;
}

nlohmann::json to_json(const ValidationReport& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& c : r.checks) {
    nlohmann::json j = {{"name", c.name},   {"status", check_status_name(c.status)}, {"value", c.value},
                        {"threshold", c.threshold}, {"message", c.message}};
    if (!c.details.empty()) j["details"] = c.details;
    if (!c.items.empty()) j["items"] = c.items;
    checks.push_back(std::move(j));
  }
  return {{"status", check_status_name(r.worst())}, {"checks", checks}, {"notes", r.notes}};
}

std::string format_validation_report(const ValidationReport& r) {
  std::ostringstream os;
  int warnings = 0, errors = 0;
  for (const auto& c : r.checks) {
    warnings += c.status == CheckStatus::kWarning;
    errors += c.status == CheckStatus::kError;
  }
  os << "Calibration data: " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
     << (warnings == 1 ? " warning\n" : " warnings\n");
  for (const auto& c : r.checks) {
    os << "  " << std::left << std::setw(8) << check_status_name(c.status) << std::setw(16) << c.name << c.message << "\n";
  }
  for (const auto& n : r.notes) os << "  note    " << n << "\n";
  return os.str();
}

}  // namespace qwb
