// The evaluate job: accuracy of one model, optionally compared with a reference on the same data.
#include "qwb/hash.h"
#include "qwb/jobs.h"

namespace qwb {

using json = nlohmann::json;

Result<EvaluateReport> run_evaluate(const EvaluateConfig& c, ProgressSink& progress) {
  EvaluateReport r;
  auto open = [&](const std::string& path, Backend backend) -> Result<Session> {
    auto m = Model::load(path, {.run_checker = true, .measure_shapes = false});
    if (!m) return m.status();
    return Session::create(std::make_shared<const Model>(std::move(*m)), {.threads = c.threads, .backend = backend});
  };
  QWB_ASSIGN_OR_RETURN(Session session, open(c.model, c.backend));
  QWB_ASSIGN_OR_RETURN(r.model_sha256, sha256_file(c.model));
  r.threads = session.threads();
  QWB_ASSIGN_OR_RETURN(Dataset data, load_for_model(session.model(), c.data));
  r.preprocess = data.preprocess().describe();
  EvaluateOptions eo;
  eo.batch = c.batch;
  if (c.reference.empty()) {
    QWB_ASSIGN_OR_RETURN(r.result, evaluate(session, data, eo, progress));
    return r;
  }
  if (!data.has_labels()) return invalid_argument("dataset '" + c.data.spec + "' has no labels; evaluate needs labels");
  QWB_ASSIGN_OR_RETURN(Session ref, open(c.reference, c.reference_backend.value_or(c.backend)));
  // Reference first (e.g. the FP32 model), candidate = this model (e.g. its QDQ export).
  QWB_ASSIGN_OR_RETURN(Comparison cmp, compare(ref, {}, session, {}, data, eo, progress));
  r.result = cmp.candidate;
  r.comparison = std::move(cmp);
  return r;
}

json to_json(const EvaluateConfig& c) {
  return {{"model", c.model}, {"reference", c.reference}, {"data", to_json(c.data)}, {"threads", c.threads}, {"batch", c.batch},
          {"backend", backend_name(c.backend)},
          {"reference_backend", backend_name(c.reference_backend.value_or(c.backend))}};
}

Result<EvaluateConfig> evaluate_config_from_json(const json& j) {
  try {
    EvaluateConfig c;
    c.model = j.at("model").get<std::string>();
    c.reference = j.value("reference", "");
    c.data = data_source_from_json(j.at("data"));
    c.threads = j.value("threads", 0);
    c.batch = j.value("batch", int64_t{64});
    const std::string backend = j.value("backend", "fast");
    auto b = parse_backend(backend);
    if (!b) return invalid_argument("evaluate config: unknown backend '" + backend + "' (fast or reference)");
    c.backend = *b;
    if (j.contains("reference_backend")) {
      auto rb = parse_backend(j.at("reference_backend").get<std::string>());
      if (!rb) return invalid_argument("evaluate config: unknown reference_backend (fast or reference)");
      c.reference_backend = *rb;
    }
    return c;
  } catch (const json::exception& e) {
    return invalid_argument(std::string("stored evaluate config is incomplete or malformed: ") + e.what());
  }
}

json to_json(const EvaluateReport& r) {
  json j = to_json(r.result.metrics);
  j["ece"] = r.result.ece;
  j["seconds"] = r.result.seconds;
  j["samples_per_second"] = r.result.seconds > 0 ? static_cast<double>(r.result.metrics.samples) / r.result.seconds : 0.0;
  j["threads"] = r.threads;
  j["preprocess"] = r.preprocess;
  j["model_sha256"] = r.model_sha256;
  if (r.comparison) j["comparison"] = to_json(*r.comparison);
  return j;
}

}  // namespace qwb
