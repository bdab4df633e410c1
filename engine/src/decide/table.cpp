// The decision table: hardware classes, rows and their JSON, the compiled-in seed, the project's
// copy (seeded on first use), import, and learning from finished runs.
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "qwb/decide.h"
#include "qwb/version.h"

namespace qwb {

using json = nlohmann::json;

namespace {

struct HardwareInfo {
  Hardware h;
  const char* name;
  const char* traits;
};

const HardwareInfo kHardware[] = {
    {Hardware::kNvidiaGpu, "nvidia-gpu",
     "NVIDIA GPU (TensorRT): INT8 tensor cores want symmetric activations; FP16/BF16 native, FP8 on Ada/Hopper"},
    {Hardware::kAmdGpu, "amd-gpu", "AMD GPU (MIGraphX/ROCm): symmetric INT8, FP16/BF16 matrix cores, FP8 on MI300"},
    {Hardware::kX86Vnni, "x86-vnni", "x86 CPU with VNNI: full 8-bit u8s8 dot products; no native FP16/FP8 arithmetic"},
    {Hardware::kX86, "x86",
     "x86 CPU without VNNI: int8 needs reduce_range (7-bit weights) to avoid int16 saturation; no native FP16/FP8"},
    {Hardware::kArm, "arm", "ARM edge CPU: SDOT/UDOT int8, FP16 arithmetic on Armv8.2; int4 MatMul kernels"},
    {Hardware::kNpu, "npu", "mobile NPU: int8 (often uint8/per-tensor) is native and fastest, some run 16-bit activations or FP16"},
};

const HardwareInfo& info(Hardware h) {
  for (const auto& i : kHardware)
    if (i.h == h) return i;
  return kHardware[0];
}

const char* const kSeedJson =
#include "decision_table_seed.inc"
    ;

}  // namespace

const std::vector<Hardware>& hardware_classes() {
  static const std::vector<Hardware> all = [] {
    std::vector<Hardware> v;
    for (const auto& i : kHardware) v.push_back(i.h);
    return v;
  }();
  return all;
}

const char* hardware_name(Hardware h) { return info(h).name; }
const char* hardware_traits(Hardware h) { return info(h).traits; }

Result<Hardware> parse_hardware(const std::string& s) {
  for (const auto& i : kHardware)
    if (s == i.name) return i.h;
  return invalid_argument("unknown hardware '" + s + "' (known: nvidia-gpu, amd-gpu, x86-vnni, x86, arm, npu)");
}

Hardware this_machine_hardware() {
#if defined(__aarch64__) || defined(__arm__)
  return Hardware::kArm;
#else
  return cpu_has_vnni() ? Hardware::kX86Vnni : Hardware::kX86;
#endif
}

std::string DecisionRow::key() const { return architecture + "/" + hardware + "/" + format; }

json to_json(const DecisionRow& r) {
  json j = {{"architecture", r.architecture}, {"hardware", r.hardware}, {"format", r.format}, {"scheme", r.scheme},
            {"calibration", r.calibration}, {"cli", r.cli}, {"expected_loss_pts", r.expected_loss_pts},
            {"compression", r.compression}, {"speedup", r.speedup}, {"supported", r.supported}, {"count", r.count},
            {"source", r.source}, {"notes", r.notes}};
  // Only rows that learned carry these, so seed rows stay as short as the seed file.
  if (r.compression_count) j["compression_count"] = r.compression_count;
  if (r.speedup_count) j["speedup_count"] = r.speedup_count;
  if (!r.prior.is_null()) j["prior"] = r.prior;
  return j;
}

Result<DecisionRow> decision_row_from_json(const json& j) {
  if (!j.is_object()) return invalid_argument("must be a JSON object");
  static const std::set<std::string> kKnown = {"architecture", "hardware", "format", "scheme", "calibration", "cli",
                                               "expected_loss_pts", "compression", "speedup", "supported", "count",
                                               "compression_count", "speedup_count", "source", "notes", "prior"};
  for (const auto& [k, v] : j.items()) {
    if (!kKnown.count(k)) {
      return invalid_argument("unknown field '" + k + "' (known: architecture, hardware, format, scheme, calibration, cli, "
                       "expected_loss_pts, compression, speedup, supported, count, source, notes, ...)");
    }
  }
  DecisionRow r;
  auto text = [&](const char* k, std::string& out, bool required) -> Status {
    auto it = j.find(k);
    if (it == j.end()) return required ? invalid_argument(std::string("field '") + k + "' is missing") : Status::ok();
    if (!it->is_string() || (required && it->get<std::string>().empty()))
      return invalid_argument(std::string("field '") + k + "' must be a " + (required ? "non-empty " : "") + "string, got " + it->dump());
    out = it->get<std::string>();
    return Status::ok();
  };
  auto number = [&](const char* k, double& out, bool required, bool positive) -> Status {
    auto it = j.find(k);
    if (it == j.end()) return required ? invalid_argument(std::string("field '") + k + "' is missing") : Status::ok();
    if (!it->is_number() || !std::isfinite(it->get<double>()) || (positive && it->get<double>() <= 0))
      return invalid_argument(std::string("field '") + k + "' must be a " + (positive ? "number > 0" : "finite number") + ", got " + it->dump());
    out = it->get<double>();
    return Status::ok();
  };
  auto counter = [&](const char* k, int64_t& out) -> Status {
    auto it = j.find(k);
    if (it == j.end()) return Status::ok();
    if (!it->is_number_integer() || it->get<int64_t>() < 0)
      return invalid_argument(std::string("field '") + k + "' must be an integer >= 0, got " + it->dump());
    out = it->get<int64_t>();
    return Status::ok();
  };
  QWB_RETURN_IF_ERROR(text("architecture", r.architecture, true));
  QWB_RETURN_IF_ERROR(text("hardware", r.hardware, true));
  if (auto h = parse_hardware(r.hardware); !h) return invalid_argument("field 'hardware': " + h.status().message());
  QWB_RETURN_IF_ERROR(text("format", r.format, true));
  QWB_RETURN_IF_ERROR(text("scheme", r.scheme, false));
  QWB_RETURN_IF_ERROR(text("calibration", r.calibration, false));
  QWB_RETURN_IF_ERROR(text("cli", r.cli, false));
  QWB_RETURN_IF_ERROR(text("notes", r.notes, false));
  QWB_RETURN_IF_ERROR(number("expected_loss_pts", r.expected_loss_pts, true, false));
  QWB_RETURN_IF_ERROR(number("compression", r.compression, true, true));
  QWB_RETURN_IF_ERROR(number("speedup", r.speedup, true, true));
  QWB_RETURN_IF_ERROR(counter("count", r.count));
  QWB_RETURN_IF_ERROR(counter("compression_count", r.compression_count));
  QWB_RETURN_IF_ERROR(counter("speedup_count", r.speedup_count));
  if (auto it = j.find("supported"); it != j.end()) {
    if (!it->is_boolean()) return invalid_argument("field 'supported' must be true or false, got " + it->dump());
    r.supported = it->get<bool>();
  }
  QWB_RETURN_IF_ERROR(text("source", r.source, false));
  if (r.source != "seed" && r.source != "measured" && r.source != "edited")
    return invalid_argument("field 'source' must be seed, measured or edited, got \"" + r.source + "\"");
  if (auto it = j.find("prior"); it != j.end()) r.prior = *it;
  return r;
}

Result<std::vector<DecisionRow>> decision_rows_from_json(const json& doc) {
  const json* rows = &doc;
  if (doc.is_object()) {
    auto it = doc.find("rows");
    if (it == doc.end()) return invalid_argument("a decision table document needs a 'rows' array");
    rows = &*it;
  }
  if (!rows->is_array()) return invalid_argument("a decision table's 'rows' must be an array");
  std::vector<DecisionRow> out;
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < rows->size(); ++i) {
    const json& j = (*rows)[i];
    auto r = decision_row_from_json(j);
    if (!r) {
      std::string key;
      if (j.is_object())
        for (const char* k : {"architecture", "hardware", "format"})
          key += (key.empty() ? "" : "/") + (j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string("?"));
      return invalid_argument("decision table row " + std::to_string(i) + (key.empty() ? "" : " (" + key + ")") + ": " +
                              r.status().message());
    }
    auto [it, fresh] = seen.emplace(r->key(), i);
    if (!fresh)
      return invalid_argument("decision table row " + std::to_string(i) + " repeats " + r->key() + " (row " + std::to_string(it->second) + ")");
    out.push_back(std::move(*r));
  }
  return out;
}

json decision_table_json(const std::vector<DecisionRow>& rows) {
  json doc = json::parse(kSeedJson);  // keeps the seed's description of the columns
  doc["rows"] = json::array();
  for (const auto& r : rows) doc["rows"].push_back(to_json(r));
  return doc;
}

const std::vector<DecisionRow>& seed_decision_table() {
  // The seed is part of the build: a malformed file is a programmer error, caught by the tests.
  static const std::vector<DecisionRow> rows = [] {
    auto r = decision_rows_from_json(json::parse(kSeedJson));
    assert(r && "resources/decision_table.json is invalid");
    return r ? std::move(*r) : std::vector<DecisionRow>{};
  }();
  return rows;
}

namespace {

Status put_row(Project& p, const DecisionRow& r) { return p.put_decision_row(to_json(r)); }

Result<std::vector<DecisionRow>> read_rows(const Project& p) {
  QWB_ASSIGN_OR_RETURN(std::vector<json> stored, p.decision_rows());
  auto rows = decision_rows_from_json(json(stored));
  if (!rows) return invalid_argument("project '" + p.path() + "': " + rows.status().message());
  return rows;
}

}  // namespace

Result<std::vector<DecisionRow>> decision_table(Project& p) {
  QWB_ASSIGN_OR_RETURN(std::vector<DecisionRow> rows, read_rows(p));
  // Seed rows the project lacks, not only an empty table: a process killed while seeding leaves
  // part of the seed, and a newer seed may add formats. Rows the project has are never replaced.
  std::set<std::string> have;
  for (const auto& r : rows) have.insert(r.key());
  bool added = false;
  for (const auto& r : seed_decision_table()) {
    if (have.count(r.key())) continue;
    QWB_RETURN_IF_ERROR(put_row(p, r));
    added = true;
  }
  return added ? read_rows(p) : rows;
}

Result<int64_t> import_decision_table(Project& p, const json& doc) {
  QWB_ASSIGN_OR_RETURN(std::vector<DecisionRow> rows, decision_rows_from_json(doc));
  if (auto seeded = decision_table(p); !seeded) return seeded.status();  // seed first: imports add to it
  for (const auto& r : rows) QWB_RETURN_IF_ERROR(put_row(p, r));
  return static_cast<int64_t>(rows.size());
}

Result<std::string> decision_format(const json& c) {
  const json w = c.value("weights", json("none")), a = c.value("activations", json("none"));
  if (!w.is_object()) return invalid_argument("the run quantized no weights (weights: " + w.dump() + ")");
  const std::string wt = w.value("dtype", ""), gran = w.value("granularity", "tensor");
  const bool mixed = !c.value("exclude", json::array()).empty() || !c.value("overrides", json::object()).empty();
  if (wt == "int8" || wt == "uint8") {
    if (!a.is_object()) return std::string("int8-weight-only");
    return std::string(mixed ? "int8-mixed" : "int8");
  }
  if (wt == "int4" || wt == "uint4") return std::string(gran == "block" ? "int4-block" : "int4");
  if (wt == "int16") return std::string("int16");
  if (wt == "float16") return std::string("fp16");
  if (wt == "bfloat16") return std::string("bf16");
  if (wt == "float8e4m3fn") return std::string("fp8");
  if (wt == "float8e5m2") return std::string("fp8e5m2");
  return invalid_argument("no decision table format for weights of type '" + wt + "'");
}

void add_measurement(double value, double& mean, int64_t& count) {
  ++count;
  mean = count == 1 ? value : mean + (value - mean) / static_cast<double>(count);
}

Result<std::optional<DecisionRow>> learn_from_run(Project& p, int64_t run_id, Hardware hardware) {
  QWB_ASSIGN_OR_RETURN(RunRecord run, p.get_run(run_id));
  const std::string who = "run " + std::to_string(run_id);
  if (run.status != RunStatus::kSucceeded)
    return invalid_argument(who + " is " + run_status_name(run.status) + "; only succeeded runs update the decision table");
  auto delta = run.metrics.find("delta_top1_pts");
  if (delta == run.metrics.end()) return std::optional<DecisionRow>{};  // no evaluation: nothing measured
  QWB_ASSIGN_OR_RETURN(ModelRecord model, p.get_model(run.model_id));
  QWB_ASSIGN_OR_RETURN(std::string format, decision_format(run.config));
  const std::string arch = model.summary.value("architecture", "other");
  QWB_ASSIGN_OR_RETURN(std::vector<DecisionRow> rows, decision_table(p));

  DecisionRow row;
  bool found = false;
  for (const auto& r : rows) {
    if (r.architecture == arch && r.hardware == hardware_name(hardware) && r.format == format) {
      row = r;
      found = true;
    }
  }
  if (!found) {  // a format the seed has no row for: the row starts from this run
    row.architecture = arch;
    row.hardware = hardware_name(hardware);
    row.format = format;
    row.calibration = run.config.value("method", "");
    row.notes = "created by " + who;
  }
  if (found && row.count == 0 && row.prior.is_null())
    row.prior = {{"expected_loss_pts", row.expected_loss_pts}, {"compression", row.compression}, {"speedup", row.speedup}};
  // The seed prior is not averaged in: its count is 0, so the first measurement replaces it.
  add_measurement(-delta->second, row.expected_loss_pts, row.count);
  auto exported = run.metrics.find("exported.bytes");
  std::error_code ec;
  const auto model_bytes = std::filesystem::file_size(model.path, ec);
  if (exported != run.metrics.end() && exported->second > 0 && run.config.value("format", "qdq") == "qdq" && !ec)
    add_measurement(static_cast<double>(model_bytes) / exported->second, row.compression, row.compression_count);
  if (auto s = run.metrics.find("speedup"); s != run.metrics.end() && s->second > 0)
    add_measurement(s->second, row.speedup, row.speedup_count);
  row.source = "measured";
  QWB_RETURN_IF_ERROR(put_row(p, row));
  return std::optional<DecisionRow>{row};
}

}  // namespace qwb
