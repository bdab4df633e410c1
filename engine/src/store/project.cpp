// The project file (qwb/store.h): open checks, lifecycle, results, reading and export.
#include "qwb/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <unordered_map>

#include "qwb/data.h"
#include "qwb/version.h"
#include "store/db.h"
#include "store/schema.h"

namespace qwb {

using nlohmann::json;
using store::Db;
using store::Query;
using store::Txn;

namespace {

constexpr int kBusyMs = 10000;  // a writer waits this long for another process's transaction

const char* kStatusNames[] = {"queued", "running", "succeeded", "failed", "cancelled", "interrupted"};

// Never throws: invalid UTF-8 in a string (a file name, say) is replaced rather than failing.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Result<json> parse_json(const std::string& text, const std::string& where) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return invalid_argument("stored JSON of " + where + " is damaged");
  return j;
}

std::string run_name(int64_t run) { return "run " + std::to_string(run); }

Status exists(Db& db, const char* sql, int64_t id, const std::string& what) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(sql));
  QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, id).step());
  if (!row) return not_found(what + " not found");
  return Status::ok();
}

Status require_run(Db& db, int64_t run) { return exists(db, "SELECT 1 FROM runs WHERE id = ?1", run, run_name(run)); }

int64_t last_id(Db& db) { return sqlite3_last_insert_rowid(db.handle()); }
int changes(Db& db) { return sqlite3_changes(db.handle()); }

// ---------------------------------------------------------------------------------------------
// Row readers shared by the public getters and export_json (callers hold the lock and a txn).

Result<ModelRecord> model_row(const Query& q) {
  ModelRecord m;
  m.id = q.i64(0);
  m.path = q.text(1);
  m.sha256 = q.text(2);
  QWB_ASSIGN_OR_RETURN(m.summary, parse_json(q.text(3), "the summary of model " + std::to_string(m.id)));
  m.added = q.text(4);
  return m;
}

Result<std::vector<ModelRecord>> read_models(Db& db, int64_t only) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(only ? "SELECT id, path, sha256, summary, added FROM models WHERE id = ?1"
                                               : "SELECT id, path, sha256, summary, added FROM models ORDER BY id"));
  if (only) q.bind_int(1, only);
  std::vector<ModelRecord> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    QWB_ASSIGN_OR_RETURN(ModelRecord m, model_row(q));
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::vector<DatasetRecord>> read_datasets(Db& db, int64_t only) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(only ? "SELECT id, spec, preprocess, samples, num_classes, added FROM datasets WHERE id = ?1"
                                               : "SELECT id, spec, preprocess, samples, num_classes, added FROM datasets ORDER BY id"));
  if (only) q.bind_int(1, only);
  std::vector<DatasetRecord> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    DatasetRecord d;
    d.id = q.i64(0);
    d.spec = q.text(1);
    QWB_ASSIGN_OR_RETURN(d.preprocess, parse_json(q.text(2), "the preprocessing of dataset " + std::to_string(d.id)));
    d.samples = q.i64(3);
    d.num_classes = q.i64(4);
    d.added = q.text(5);
    out.push_back(std::move(d));
  }
  return out;
}

// Columns of a run without its sample ids (the BLOB at the end of the row, kept off list views).
#define QWB_RUN_COLUMNS \
  "id, kind, status, model_id, dataset_id, eval_dataset_id, tool_version, seed, model_sha256, sample_ids_sha256, " \
  "created, started, finished, error, config"

Result<RunRecord> run_row(const Query& q) {
  RunRecord r;
  r.id = q.i64(0);
  r.kind = q.text(1);
  auto st = parse_run_status(q.text(2));
  if (!st) return invalid_argument(run_name(r.id) + " has a damaged status '" + q.text(2) + "'");
  r.status = *st;
  r.model_id = q.i64(3);
  r.dataset_id = q.i64(4);
  r.eval_dataset_id = q.i64(5);
  r.tool_version = q.text(6);
  r.seed = static_cast<uint64_t>(q.i64(7));  // stored as the same 64 bits
  r.model_sha256 = q.text(8);
  r.sample_ids_sha256 = q.text(9);
  r.created = q.text(10);
  r.started = q.text(11);
  r.finished = q.text(12);
  r.error = q.text(13);
  QWB_ASSIGN_OR_RETURN(r.config, parse_json(q.text(14), "the config of " + run_name(r.id)));
  return r;
}

Status read_metrics_into(Db& db, int64_t run, RunRecord& r) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT name, value FROM metrics WHERE run_id = ?1"));
  q.bind_int(1, run);
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    r.metrics[q.text(0)] = q.f64(1);
  }
  return Status::ok();
}

Result<RunRecord> read_run(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT " QWB_RUN_COLUMNS ", sample_ids FROM runs WHERE id = ?1"));
  QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, run).step());
  if (!row) return not_found(run_name(run) + " not found");
  QWB_ASSIGN_OR_RETURN(RunRecord r, run_row(q));
  if (!store::decode_le(q.blob(15), &r.sample_ids)) return invalid_argument("the sample ids of " + run_name(run) + " are damaged");
  QWB_RETURN_IF_ERROR(read_metrics_into(db, run, r));
  return r;
}

Result<std::vector<RunRecord>> read_runs(Db& db) {
  std::vector<RunRecord> out;
  std::unordered_map<int64_t, size_t> index;
  {
    // runs_created serves the order; the rowid in each index entry breaks ties of equal times.
    QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT " QWB_RUN_COLUMNS " FROM runs ORDER BY created DESC, id DESC"));
    for (;;) {
      QWB_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      QWB_ASSIGN_OR_RETURN(RunRecord r, run_row(q));
      index[r.id] = out.size();
      out.push_back(std::move(r));
    }
  }
  // One pass over all metrics instead of one query per run.
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT run_id, name, value FROM metrics"));
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    auto it = index.find(q.i64(0));
    if (it != index.end()) out[it->second].metrics[q.text(1)] = q.f64(2);
  }
  return out;
}

Result<std::vector<ArtifactRecord>> read_artifacts(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT path, sha256, bytes, kind FROM artifacts WHERE run_id = ?1 ORDER BY id"));
  q.bind_int(1, run);
  std::vector<ArtifactRecord> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back({q.text(0), q.text(1), q.i64(2), q.text(3)});
  }
  return out;
}

Result<std::vector<LayerResult>> read_layer_results(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT layer, json FROM layer_results WHERE run_id = ?1 ORDER BY id"));
  q.bind_int(1, run);
  std::vector<LayerResult> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    LayerResult l;
    l.layer = q.text(0);
    QWB_ASSIGN_OR_RETURN(l.values, parse_json(q.text(1), "layer '" + l.layer + "' of " + run_name(run)));
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::vector<std::string>> read_names(Db& db, const char* sql, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(sql));
  q.bind_int(1, run);
  std::vector<std::string> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    out.push_back(q.text(0));
  }
  return out;
}

Result<Shape> parse_shape(const std::string& text, const std::string& where) {
  QWB_ASSIGN_OR_RETURN(json j, parse_json(text, where));
  if (!j.is_array()) return invalid_argument("stored shape of " + where + " is damaged");
  Shape s;
  for (const json& d : j) {
    if (!d.is_number_integer()) return invalid_argument("stored shape of " + where + " is damaged");
    s.push_back(d.get<int64_t>());
  }
  return s;
}

Result<std::vector<ThresholdRecord>> read_thresholds(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(
      "SELECT tensor, method, role, dtype, spec, axis, lo, hi, scale, zero_point, scale_shape, scales, zero_points "
      "FROM thresholds WHERE run_id = ?1 ORDER BY tensor, method"));
  q.bind_int(1, run);
  std::vector<ThresholdRecord> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    ThresholdRecord t;
    t.tensor = q.text(0);
    t.method = q.text(1);
    t.role = q.text(2);
    t.dtype = q.text(3);
    t.spec = q.text(4);
    t.axis = static_cast<int>(q.i64(5));
    t.lo = q.f64(6);
    t.hi = q.f64(7);
    t.has_scale = !q.is_null(8);
    t.scale = t.has_scale ? q.f64(8) : 0.0;
    t.zero_point = q.i64(9);
    const std::string where = "thresholds of '" + t.tensor + "' in " + run_name(run);
    QWB_ASSIGN_OR_RETURN(t.scale_shape, parse_shape(q.text(10), where));
    std::vector<int32_t> zps;
    if (!store::decode_le(q.blob(11), &t.scales) || !store::decode_le(q.blob(12), &zps)) {
      return invalid_argument("stored " + where + " are damaged");
    }
    t.zero_points.assign(zps.begin(), zps.end());
    out.push_back(std::move(t));
  }
  return out;
}

Result<TensorStats> read_tensor_stats(Db& db, int64_t run, const std::string& tensor) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(
      "SELECT is_weight, shape, count, nonfinite, min, max, ma_min, ma_max, sum, sum_sq, hist_range, channel_axis, "
      "abs_bins, signed_bins, channel_min, channel_max FROM tensor_stats WHERE run_id = ?1 AND tensor = ?2"));
  QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, run).bind_text(2, tensor).step());
  if (!row) return not_found(run_name(run) + " has no statistics for tensor '" + tensor + "'");
  const std::string where = "statistics of '" + tensor + "' in " + run_name(run);
  TensorStats ts;
  ts.name = tensor;
  ts.is_weight = q.i64(0) != 0;
  QWB_ASSIGN_OR_RETURN(ts.shape, parse_shape(q.text(1), where));
  ts.count = q.i64(2);
  ts.nonfinite = q.i64(3);
  ts.min = q.f64(4);
  ts.max = q.f64(5);
  ts.ma_min = q.f64(6);
  ts.ma_max = q.f64(7);
  ts.sum = q.f64(8);
  ts.sum_sq = q.f64(9);
  const double range = q.f64(10);
  ts.channel_axis = static_cast<int>(q.i64(11));
  std::vector<double> abs_bins, signed_bins;
  if (!store::decode_le(q.blob(12), &abs_bins) || !store::decode_le(q.blob(13), &signed_bins) ||
      abs_bins.size() != Histogram::kBins || signed_bins.size() != Histogram::kBins || !(range >= 0)) {
    return invalid_argument("stored histograms of " + where + " are damaged");
  }
  ts.hist = Histogram::from_parts(range, std::move(abs_bins), std::move(signed_bins));
  if (!store::decode_le(q.blob(14), &ts.channel_min) || !store::decode_le(q.blob(15), &ts.channel_max) ||
      ts.channel_min.size() != ts.channel_max.size()) {
    return invalid_argument("stored per-channel ranges of " + where + " are damaged");
  }
  return ts;
}

// Histograms summarised (range and total) rather than dumped: export_json stays readable.
Result<json> read_statistics_summary(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query(
      "SELECT tensor, is_weight, shape, count, nonfinite, min, max, sum, sum_sq, hist_range, hist_total, channel_axis "
      "FROM tensor_stats WHERE run_id = ?1 ORDER BY tensor"));
  q.bind_int(1, run);
  json out = json::array();
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    const std::string tensor = q.text(0);
    QWB_ASSIGN_OR_RETURN(Shape shape, parse_shape(q.text(2), "statistics of '" + tensor + "' in " + run_name(run)));
    const int64_t count = q.i64(3);
    json t = {{"tensor", tensor},          {"is_weight", q.i64(1) != 0}, {"shape", shape},
              {"count", count},            {"nonfinite", q.i64(4)},     {"min", q.f64(5)},
              {"max", q.f64(6)},           {"channel_axis", q.i64(11)},
              {"histogram", {{"bins", Histogram::kBins}, {"range", q.f64(9)}, {"total", q.f64(10)}}}};
    if (count > 0) t["mean"] = q.f64(7) / static_cast<double>(count);
    out.push_back(std::move(t));
  }
  return out;
}

Result<json> read_document(Db& db, int64_t run, const std::string& name) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT json FROM documents WHERE run_id = ?1 AND name = ?2"));
  QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, run).bind_text(2, name).step());
  if (!row) return not_found(run_name(run) + " has no document '" + name + "'");
  return parse_json(q.text(0), "document '" + name + "' of " + run_name(run));
}

Result<std::vector<json>> read_decision_rows(Db& db) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT json FROM decision_table ORDER BY architecture, hardware, format"));
  std::vector<json> out;
  for (;;) {
    QWB_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    QWB_ASSIGN_OR_RETURN(json j, parse_json(q.text(0), "a decision table row"));
    out.push_back(std::move(j));
  }
  return out;
}

// JSON numbers cannot be NaN or Inf (nlohmann writes null): keep them readable as strings.
json number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// ---------------------------------------------------------------------------------------------
// Opening

// Everything that can be decided without SQLite opening the file, so that a rejected file is never
// locked, journaled or given -wal/-shm companions.
Status check_before_open(const std::string& path) {
  QWB_ASSIGN_OR_RETURN(store::FileHeader h, store::read_file_header(path));
  const std::string file = "'" + path + "'";
  if (h.size == 0) return invalid_argument(file + " is an empty file, not a qwb project");
  if (!h.sqlite) return invalid_argument(file + " is not a qwb project file (not an SQLite database)");
  if (h.application_id != store::kApplicationId) {
    if (h.application_id != 0) {
      char id[16];
      std::snprintf(id, sizeof id, "0x%08x", h.application_id);
      return invalid_argument(file + " is an SQLite database of another application (application_id " + id +
                              "), not a qwb project");
    }
    QWB_ASSIGN_OR_RETURN(std::vector<std::string> tables, store::table_names_readonly(path));
    if (!store::has_project_tables(tables)) {
      return invalid_argument(file + " is an SQLite database but not a qwb project (no qwb application id and no project tables)");
    }
  }
  // The header's version can lag behind a not yet checkpointed WAL, but only ever lower: a newer
  // number here is final. The authoritative check follows after opening.
  if (static_cast<int64_t>(h.user_version) > store::current_schema_version()) {
    return unsupported(file + " has project schema version " + std::to_string(h.user_version) + "; this build (qwb " +
                       version() + ") reads versions up to " + std::to_string(store::current_schema_version()) +
                       ". Open it with a newer qwb");
  }
  // access(W_OK) is always true for root, so a file without any write permission bit counts as
  // read-only too: the user marked it so.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && ((st.st_mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0)) {
    return io_error(file + " is read-only; make it writable or open a copy");
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return io_error("the folder of " + file + " is not writable; SQLite needs to create " + path + "-wal and " + path +
                    "-shm next to it");
  }
  return Status::ok();
}

// Per-connection settings; journal_mode=WAL is stored in the file and a no-op once set.
Status configure(Db& db) {
  QWB_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  QWB_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode = WAL", "switching to WAL"));
  return db.exec("PRAGMA synchronous = NORMAL", "setting synchronous");
}

}  // namespace

// ---------------------------------------------------------------------------------------------

const char* run_status_name(RunStatus s) {
  const auto i = static_cast<size_t>(s);
  return i < std::size(kStatusNames) ? kStatusNames[i] : "unknown";
}

Result<RunStatus> parse_run_status(const std::string& s) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (s == kStatusNames[i]) return static_cast<RunStatus>(i);
  }
  return invalid_argument("unknown run status '" + s + "' (queued, running, succeeded, failed, cancelled, interrupted)");
}

struct Project::Impl {
  std::string path;
  std::unique_ptr<Db> db;
  std::vector<int64_t> interrupted;
  // SQLite connections must not run two transactions at once: one Project may be shared by
  // threads (a UI thread reading while a job writes), so every call holds this.
  std::mutex mu;

  Status ctx(const Status& s) const { return s.with_context("project '" + path + "'"); }

  // One write transaction around `body` (Status()); rolled back unless body and commit succeed.
  template <typename F>
  Status write(F&& body) {
    std::lock_guard<std::mutex> lock(mu);
    try {
      auto txn = Txn::begin(*db, true);
      if (!txn) return ctx(txn.status());
      Status s = body();
      if (!s) return ctx(s);
      return ctx(txn->commit());
    } catch (const std::exception& e) {
      return ctx(internal_error(std::string("unexpected exception: ") + e.what()));
    }
  }

  // One read transaction (a consistent snapshot across statements) around `body` (Result<T>()).
  template <typename T, typename F>
  Result<T> read(F&& body) {
    std::lock_guard<std::mutex> lock(mu);
    try {
      auto txn = Txn::begin(*db, false);
      if (!txn) return ctx(txn.status());
      Result<T> r = body();
      if (!r) return ctx(r.status());
      Status s = txn->commit();
      if (!s) return ctx(s);
      return r;
    } catch (const std::exception& e) {
      return ctx(internal_error(std::string("unexpected exception: ") + e.what()));
    }
  }

  // Runs left "running" by a process that is gone become "interrupted". Reads first so that an
  // open with nothing to recover writes nothing.
  Status recover_interrupted() {
    struct Candidate {
      int64_t id, pid;
      std::string start;
    };
    std::vector<Candidate> dead;
    {
      QWB_ASSIGN_OR_RETURN(Query q, db->query("SELECT id, pid, process_start FROM runs WHERE status = 'running'"));
      for (;;) {
        QWB_ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        Candidate c{q.i64(0), q.i64(1), q.text(2)};
        if (!store::process_alive(c.pid, c.start)) dead.push_back(std::move(c));
      }
    }
    if (dead.empty()) return Status::ok();
    QWB_ASSIGN_OR_RETURN(Txn txn, Txn::begin(*db, true));
    const std::string now = store::now_iso8601();
    std::vector<int64_t> done;
    for (const Candidate& c : dead) {
      // The guard on pid/start skips a run another opener already handled or that changed since.
      QWB_ASSIGN_OR_RETURN(Query q, db->query(
          "UPDATE runs SET status = 'interrupted', error = ?2 WHERE id = ?1 AND status = 'running' AND pid IS ?3 AND process_start IS ?4"));
      q.bind_int(1, c.id).bind_text(2, "interrupted: its process (pid " + std::to_string(c.pid) +
                                           ") ended without finishing the run; detected when the project was opened at " + now);
      q.bind_int(3, c.pid);
      c.start.empty() ? q.bind_null(4) : q.bind_text(4, c.start);
      QWB_RETURN_IF_ERROR(q.run());
      if (changes(*db) == 1) done.push_back(c.id);
    }
    QWB_RETURN_IF_ERROR(txn.commit());
    interrupted = std::move(done);
    return Status::ok();
  }
};

Project::Project() : impl_(std::make_unique<Impl>()) {}
Project::~Project() = default;
Project::Project(Project&&) noexcept = default;
Project& Project::operator=(Project&&) noexcept = default;

const std::string& Project::path() const { return impl_->path; }
int Project::schema_version() { return store::current_schema_version(); }
const std::vector<int64_t>& Project::interrupted_on_open() const { return impl_->interrupted; }

Result<Project> Project::create(const std::string& path) {
  // O_EXCL: of two processes creating one path, exactly one wins; the other gets "exists".
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST) return invalid_argument("project file '" + path + "' already exists");
    return io_error("cannot create project file '" + path + "': " + std::strerror(errno));
  }
  ::close(fd);
  Project p;
  p.impl_->path = path;
  Status s = [&]() -> Status {
    try {
      QWB_ASSIGN_OR_RETURN(p.impl_->db, Db::open(path, SQLITE_OPEN_READWRITE, kBusyMs));
      // The schema, application id and version are written in rollback-journal mode, straight
      // into the main file: its header identifies the project even if the process dies before
      // the first WAL checkpoint.
      QWB_RETURN_IF_ERROR(store::migrate(*p.impl_->db));
      return configure(*p.impl_->db);  // from here on WAL
    } catch (const std::exception& e) {
      return internal_error(std::string("unexpected exception: ") + e.what());
    }
  }();
  if (!s) {
    p.impl_->db.reset();
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
    return s.with_context("creating project '" + path + "'");
  }
  return p;
}

Result<Project> Project::open(const std::string& path) {
  QWB_RETURN_IF_ERROR(check_before_open(path));
  Project p;
  p.impl_->path = path;
  Status s = [&]() -> Status {
    try {
      // READWRITE without CREATE: a file deleted since the checks is an error, not a new project.
      QWB_ASSIGN_OR_RETURN(p.impl_->db, Db::open(path, SQLITE_OPEN_READWRITE, kBusyMs));
      Db& db = *p.impl_->db;
      // The authoritative version (a WAL may hold a newer header than the main file) before
      // anything that could write.
      QWB_ASSIGN_OR_RETURN(int64_t v, db.pragma_int("user_version"));
      if (v > store::current_schema_version()) {
        return unsupported("'" + path + "' has project schema version " + std::to_string(v) + "; this build (qwb " +
                           version() + ") reads versions up to " + std::to_string(store::current_schema_version()) +
                           ". Open it with a newer qwb");
      }
      QWB_RETURN_IF_ERROR(configure(db));
      QWB_RETURN_IF_ERROR(store::migrate(db));
      return p.impl_->recover_interrupted();
    } catch (const std::exception& e) {
      return internal_error(std::string("unexpected exception: ") + e.what());
    }
  }();
  if (!s) return s.with_context("opening project '" + path + "'");
  return p;
}

Result<Project> Project::open_or_create(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return open(path);
  auto p = create(path);
  if (!p && ::stat(path.c_str(), &st) == 0 && st.st_size > 0) return open(path);  // another process created it first
  return p;
}

// ---------------------------------------------------------------------------------------------
// Models and datasets

Result<int64_t> Project::add_model(const std::string& path, const std::string& sha256, const json& summary) {
  int64_t id = 0;
  Status s = impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    {
      QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT id FROM models WHERE path = ?1 AND sha256 = ?2"));
      QWB_ASSIGN_OR_RETURN(bool row, q.bind_text(1, path).bind_text(2, sha256).step());
      if (row) {
        id = q.i64(0);
        return Status::ok();
      }
    }
    QWB_ASSIGN_OR_RETURN(Query q, db.query("INSERT INTO models (path, sha256, summary, added) VALUES (?1, ?2, ?3, ?4)"));
    QWB_RETURN_IF_ERROR(q.bind_text(1, path).bind_text(2, sha256).bind_text(3, dump(summary)).bind_text(4, store::now_iso8601()).run());
    id = last_id(db);
    return Status::ok();
  });
  if (!s) return s;
  return id;
}

Result<ModelRecord> Project::get_model(int64_t id) const {
  return impl_->read<ModelRecord>([&]() -> Result<ModelRecord> {
    QWB_ASSIGN_OR_RETURN(std::vector<ModelRecord> v, read_models(*impl_->db, id));
    if (v.empty()) return not_found("model " + std::to_string(id) + " not found");
    return std::move(v.front());
  });
}

Result<std::vector<ModelRecord>> Project::list_models() const {
  return impl_->read<std::vector<ModelRecord>>([&] { return read_models(*impl_->db, 0); });
}

Result<int64_t> Project::add_dataset(const std::string& spec, const json& preprocess, int64_t samples, int64_t num_classes) {
  int64_t id = 0;
  // nlohmann objects are key-sorted, so equal preprocessing dumps to equal text (the dedup key).
  const std::string pre = dump(preprocess);
  Status s = impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    {
      QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT id FROM datasets WHERE spec = ?1 AND preprocess = ?2"));
      QWB_ASSIGN_OR_RETURN(bool row, q.bind_text(1, spec).bind_text(2, pre).step());
      if (row) {
        id = q.i64(0);
        return Status::ok();
      }
    }
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "INSERT INTO datasets (spec, preprocess, samples, num_classes, added) VALUES (?1, ?2, ?3, ?4, ?5)"));
    QWB_RETURN_IF_ERROR(
        q.bind_text(1, spec).bind_text(2, pre).bind_int(3, samples).bind_int(4, num_classes).bind_text(5, store::now_iso8601()).run());
    id = last_id(db);
    return Status::ok();
  });
  if (!s) return s;
  return id;
}

Result<DatasetRecord> Project::get_dataset(int64_t id) const {
  return impl_->read<DatasetRecord>([&]() -> Result<DatasetRecord> {
    QWB_ASSIGN_OR_RETURN(std::vector<DatasetRecord> v, read_datasets(*impl_->db, id));
    if (v.empty()) return not_found("dataset " + std::to_string(id) + " not found");
    return std::move(v.front());
  });
}

Result<std::vector<DatasetRecord>> Project::list_datasets() const {
  return impl_->read<std::vector<DatasetRecord>>([&] { return read_datasets(*impl_->db, 0); });
}

// ---------------------------------------------------------------------------------------------
// Run lifecycle

Result<int64_t> Project::create_run(const RunConfig& run) {
  if (run.kind.empty()) return impl_->ctx(invalid_argument("a run needs a kind (calibrate, quantize, evaluate, ...)"));
  std::string ids_sha = run.sample_ids_sha256;
  if (!run.sample_ids.empty()) {
    const std::string computed = sample_ids_sha256(run.sample_ids);
    if (ids_sha.empty()) {
      ids_sha = computed;
    } else if (ids_sha != computed) {
      return impl_->ctx(invalid_argument("sample_ids_sha256 " + ids_sha + " does not match the " + std::to_string(run.sample_ids.size()) +
                                         " sample ids given (" + computed + ")"));
    }
  }
  int64_t id = 0;
  Status s = impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    // Checked here for messages that name the id (the foreign keys would only say "constraint failed").
    if (run.model_id) QWB_RETURN_IF_ERROR(exists(db, "SELECT 1 FROM models WHERE id = ?1", run.model_id, "model " + std::to_string(run.model_id)));
    for (int64_t d : {run.dataset_id, run.eval_dataset_id}) {
      if (d) QWB_RETURN_IF_ERROR(exists(db, "SELECT 1 FROM datasets WHERE id = ?1", d, "dataset " + std::to_string(d)));
    }
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "INSERT INTO runs (kind, status, model_id, dataset_id, eval_dataset_id, tool_version, seed, model_sha256, "
        "sample_ids_sha256, created, config, sample_ids) VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6, "
        "COALESCE(NULLIF(?7, ''), (SELECT sha256 FROM models WHERE id = ?2), ''), ?8, ?9, ?10, ?11)"));
    q.bind_text(1, run.kind).bind_id_or_null(2, run.model_id).bind_id_or_null(3, run.dataset_id).bind_id_or_null(4, run.eval_dataset_id);
    q.bind_text(5, store::tool_version()).bind_int(6, static_cast<int64_t>(run.seed)).bind_text(7, run.model_sha256);
    q.bind_text(8, ids_sha).bind_text(9, store::now_iso8601()).bind_text(10, dump(run.config));
    run.sample_ids.empty() ? q.bind_null(11) : q.bind_blob(11, store::encode_le(run.sample_ids));
    QWB_RETURN_IF_ERROR(q.run());
    id = last_id(db);
    return Status::ok();
  });
  if (!s) return s;
  return id;
}

namespace {
Result<RunStatus> current_status(Db& db, int64_t run) {
  QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT status FROM runs WHERE id = ?1"));
  QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, run).step());
  if (!row) return not_found(run_name(run) + " not found");
  return parse_run_status(q.text(0));
}
}  // namespace

Status Project::start_run(int64_t run) {
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_ASSIGN_OR_RETURN(RunStatus st, current_status(db, run));
    if (st != RunStatus::kQueued) {
      return invalid_argument(run_name(run) + " is " + run_status_name(st) + "; only a queued run can start");
    }
    const store::ProcessIdentity me = store::self_identity();
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "UPDATE runs SET status = 'running', started = ?2, pid = ?3, process_start = ?4 WHERE id = ?1"));
    q.bind_int(1, run).bind_text(2, store::now_iso8601()).bind_int(3, me.pid);
    me.start.empty() ? q.bind_null(4) : q.bind_text(4, me.start);
    return q.run();
  });
}

Status Project::set_run_inputs(int64_t run, const std::vector<int64_t>& sample_ids, const std::string& sample_ids_sha256_in,
                               const std::string& model_sha256) {
  std::string ids_sha = sample_ids_sha256_in;
  if (!sample_ids.empty() && ids_sha.empty()) ids_sha = sample_ids_sha256(sample_ids);
  if (!sample_ids.empty() && ids_sha != sample_ids_sha256(sample_ids)) {
    return impl_->ctx(invalid_argument("sample_ids_sha256 " + ids_sha + " does not match the " + std::to_string(sample_ids.size()) +
                                       " sample ids given for " + run_name(run)));
  }
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_ASSIGN_OR_RETURN(RunStatus st, current_status(db, run));
    if (st != RunStatus::kRunning && st != RunStatus::kQueued) {
      return invalid_argument(run_name(run) + " is " + run_status_name(st) + "; its inputs can no longer change");
    }
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "UPDATE runs SET sample_ids = ?2, sample_ids_sha256 = ?3, model_sha256 = ?4 WHERE id = ?1"));
    q.bind_int(1, run);
    sample_ids.empty() ? q.bind_null(2) : q.bind_blob(2, store::encode_le(sample_ids));
    q.bind_text(3, ids_sha).bind_text(4, model_sha256);
    return q.run();
  });
}

Status Project::finish_run(int64_t run, RunStatus status, const std::string& error) {
  if (status != RunStatus::kSucceeded && status != RunStatus::kFailed && status != RunStatus::kCancelled) {
    return impl_->ctx(invalid_argument(std::string("a run finishes as succeeded, failed or cancelled, not ") + run_status_name(status)));
  }
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_ASSIGN_OR_RETURN(RunStatus st, current_status(db, run));
    // A queued run may fail or be cancelled before it starts; success needs a start.
    const bool ok = st == RunStatus::kRunning || (st == RunStatus::kQueued && status != RunStatus::kSucceeded);
    if (!ok) {
      return invalid_argument(run_name(run) + " is " + run_status_name(st) + "; it cannot become " + run_status_name(status) +
                              (st == RunStatus::kInterrupted ? " (its process was found gone when the project was opened)" : ""));
    }
    QWB_ASSIGN_OR_RETURN(Query q, db.query("UPDATE runs SET status = ?2, finished = ?3, error = ?4 WHERE id = ?1"));
    return q.bind_int(1, run).bind_text(2, run_status_name(status)).bind_text(3, store::now_iso8601()).bind_text(4, error).run();
  });
}

Status Project::delete_run(int64_t run) {
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_ASSIGN_OR_RETURN(Query q, db.query("DELETE FROM runs WHERE id = ?1"));
    QWB_RETURN_IF_ERROR(q.bind_int(1, run).run());
    if (changes(db) == 0) return not_found(run_name(run) + " not found");
    return Status::ok();
  });
}

// ---------------------------------------------------------------------------------------------
// Results

Status Project::add_metrics(int64_t run, const std::map<std::string, double>& metrics) {
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    for (const auto& [name, value] : metrics) {
      if (name.empty()) return invalid_argument("a metric of " + run_name(run) + " has an empty name");
      QWB_ASSIGN_OR_RETURN(Query q, db.query(
          "INSERT INTO metrics (run_id, name, value) VALUES (?1, ?2, ?3) ON CONFLICT (run_id, name) DO UPDATE SET value = excluded.value"));
      QWB_RETURN_IF_ERROR(q.bind_int(1, run).bind_text(2, name).bind_real(3, value).run());
    }
    return Status::ok();
  });
}

Status Project::add_layer_results(int64_t run, const std::vector<LayerResult>& rows) {
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    for (const LayerResult& r : rows) {
      json values = r.values;
      {
        QWB_ASSIGN_OR_RETURN(Query q, db.query("SELECT json FROM layer_results WHERE run_id = ?1 AND layer = ?2"));
        QWB_ASSIGN_OR_RETURN(bool row, q.bind_int(1, run).bind_text(2, r.layer).step());
        if (row) {
          QWB_ASSIGN_OR_RETURN(json old, parse_json(q.text(0), "layer '" + r.layer + "' of " + run_name(run)));
          if (old.is_object() && values.is_object()) {
            old.update(values);
            values = std::move(old);
          }
        }
      }
      // ON CONFLICT ... DO UPDATE keeps the row id, so layers stay in the order first written.
      QWB_ASSIGN_OR_RETURN(Query q, db.query(
          "INSERT INTO layer_results (run_id, layer, json) VALUES (?1, ?2, ?3) ON CONFLICT (run_id, layer) DO UPDATE SET json = excluded.json"));
      QWB_RETURN_IF_ERROR(q.bind_int(1, run).bind_text(2, r.layer).bind_text(3, dump(values)).run());
    }
    return Status::ok();
  });
}

Status Project::add_statistics(int64_t run, const Statistics& stats) {
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    for (const auto& [name, ts] : stats.tensors) {
      const Histogram& h = ts.hist;
      if (h.abs_bins().size() != Histogram::kBins || h.signed_bins().size() != Histogram::kBins) {
        return internal_error("histogram of '" + name + "' does not have " + std::to_string(Histogram::kBins) + " bins");
      }
      QWB_ASSIGN_OR_RETURN(Query q, db.query(
          "INSERT OR REPLACE INTO tensor_stats (run_id, tensor, is_weight, shape, count, nonfinite, min, max, ma_min, ma_max, "
          "sum, sum_sq, hist_range, hist_total, channel_axis, abs_bins, signed_bins, channel_min, channel_max) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"));
      q.bind_int(1, run).bind_text(2, name).bind_int(3, ts.is_weight ? 1 : 0).bind_text(4, dump(json(ts.shape)));
      q.bind_int(5, ts.count).bind_int(6, ts.nonfinite).bind_real(7, ts.min).bind_real(8, ts.max);
      q.bind_real(9, ts.ma_min).bind_real(10, ts.ma_max).bind_real(11, ts.sum).bind_real(12, ts.sum_sq);
      q.bind_real(13, h.range()).bind_real(14, h.total()).bind_int(15, ts.channel_axis);
      q.bind_blob(16, store::encode_le(h.abs_bins())).bind_blob(17, store::encode_le(h.signed_bins()));
      ts.channel_min.empty() ? q.bind_null(18) : q.bind_blob(18, store::encode_le(ts.channel_min));
      ts.channel_max.empty() ? q.bind_null(19) : q.bind_blob(19, store::encode_le(ts.channel_max));
      QWB_RETURN_IF_ERROR(q.run());
    }
    return Status::ok();
  });
}

Status Project::add_thresholds(int64_t run, const Quantization& quant) {
  const std::string method = calib_method_name(quant.calib.method);
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    const std::pair<const char*, const std::map<std::string, QuantizedTensor>*> roles[] = {
        {"activation", &quant.activations}, {"weight", &quant.weights}, {"bias", &quant.biases}};
    for (const auto& [role, tensors] : roles) {
      for (const auto& [name, qt] : *tensors) {
        QWB_ASSIGN_OR_RETURN(Query q, db.query(
            "INSERT OR REPLACE INTO thresholds (run_id, tensor, method, role, dtype, spec, axis, lo, hi, scale, zero_point, "
            "scale_shape, scales, zero_points) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
        q.bind_int(1, run).bind_text(2, name).bind_text(3, method).bind_text(4, role);
        q.bind_text(5, qt.spec.enabled() ? dtype_name(qt.spec.dtype) : "float32").bind_text(6, qt.spec.describe());
        q.bind_int(7, qt.axis).bind_real(8, qt.range.lo).bind_real(9, qt.range.hi);
        const bool has_scale = qt.scale.defined() && qt.scale.numel() > 0;
        const bool has_zp = qt.zero_point.defined() && qt.zero_point.numel() > 0;
        has_scale ? q.bind_real(10, qt.scale.get_double(0)) : q.bind_null(10);
        has_zp ? q.bind_int(11, qt.zero_point.get_int64(0)) : q.bind_null(11);
        q.bind_text(12, dump(json(has_scale ? qt.scale.shape() : Shape{})));
        if (has_scale && qt.scale.numel() > 1) {
          std::vector<float> scales(static_cast<size_t>(qt.scale.numel()));
          for (int64_t i = 0; i < qt.scale.numel(); ++i) scales[static_cast<size_t>(i)] = static_cast<float>(qt.scale.get_double(i));
          q.bind_blob(13, store::encode_le(scales));
        } else {
          q.bind_null(13);
        }
        if (has_zp && qt.zero_point.numel() > 1) {
          std::vector<int32_t> zps(static_cast<size_t>(qt.zero_point.numel()));
          for (int64_t i = 0; i < qt.zero_point.numel(); ++i) zps[static_cast<size_t>(i)] = static_cast<int32_t>(qt.zero_point.get_int64(i));
          q.bind_blob(14, store::encode_le(zps));
        } else {
          q.bind_null(14);
        }
        QWB_RETURN_IF_ERROR(q.run());
      }
    }
    return Status::ok();
  });
}

Status Project::add_artifact(int64_t run, const ArtifactRecord& a) {
  if (a.path.empty()) return impl_->ctx(invalid_argument("an artifact needs a path"));
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "INSERT INTO artifacts (run_id, path, sha256, bytes, kind, added) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (run_id, path) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes, kind = excluded.kind, added = excluded.added"));
    return q.bind_int(1, run).bind_text(2, a.path).bind_text(3, a.sha256).bind_int(4, a.bytes).bind_text(5, a.kind)
        .bind_text(6, store::now_iso8601()).run();
  });
}

Status Project::put_document(int64_t run, const std::string& name, const json& doc) {
  if (name.empty()) return impl_->ctx(invalid_argument("a document needs a name"));
  return impl_->write([&]() -> Status {
    Db& db = *impl_->db;
    QWB_RETURN_IF_ERROR(require_run(db, run));
    QWB_ASSIGN_OR_RETURN(Query q, db.query(
        "INSERT INTO documents (run_id, name, updated, json) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (run_id, name) DO UPDATE SET updated = excluded.updated, json = excluded.json"));
    return q.bind_int(1, run).bind_text(2, name).bind_text(3, store::now_iso8601()).bind_text(4, dump(doc)).run();
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

Result<std::vector<RunRecord>> Project::list_runs() const {
  return impl_->read<std::vector<RunRecord>>([&] { return read_runs(*impl_->db); });
}

Result<RunRecord> Project::get_run(int64_t run) const {
  return impl_->read<RunRecord>([&] { return read_run(*impl_->db, run); });
}

Result<std::vector<ArtifactRecord>> Project::artifacts(int64_t run) const {
  return impl_->read<std::vector<ArtifactRecord>>([&]() -> Result<std::vector<ArtifactRecord>> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_artifacts(*impl_->db, run);
  });
}

Result<std::vector<LayerResult>> Project::layer_results(int64_t run) const {
  return impl_->read<std::vector<LayerResult>>([&]() -> Result<std::vector<LayerResult>> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_layer_results(*impl_->db, run);
  });
}

Result<std::vector<std::string>> Project::statistics_tensors(int64_t run) const {
  return impl_->read<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_names(*impl_->db, "SELECT tensor FROM tensor_stats WHERE run_id = ?1 ORDER BY tensor", run);
  });
}

Result<TensorStats> Project::tensor_statistics(int64_t run, const std::string& tensor) const {
  return impl_->read<TensorStats>([&]() -> Result<TensorStats> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_tensor_stats(*impl_->db, run, tensor);
  });
}

Result<json> Project::document(int64_t run, const std::string& name) const {
  return impl_->read<json>([&]() -> Result<json> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_document(*impl_->db, run, name);
  });
}

Result<std::vector<std::string>> Project::document_names(int64_t run) const {
  return impl_->read<std::vector<std::string>>([&]() -> Result<std::vector<std::string>> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_names(*impl_->db, "SELECT name FROM documents WHERE run_id = ?1 ORDER BY name", run);
  });
}

Result<std::vector<ThresholdRecord>> Project::thresholds(int64_t run) const {
  return impl_->read<std::vector<ThresholdRecord>>([&]() -> Result<std::vector<ThresholdRecord>> {
    QWB_RETURN_IF_ERROR(require_run(*impl_->db, run));
    return read_thresholds(*impl_->db, run);
  });
}

// ---------------------------------------------------------------------------------------------
// Decision table

Status Project::put_decision_row(const json& row) {
  if (!row.is_object()) return impl_->ctx(invalid_argument("a decision table row must be a JSON object"));
  for (const char* key : {"architecture", "hardware", "format"}) {
    auto it = row.find(key);
    if (it == row.end() || !it->is_string() || it->get<std::string>().empty()) {
      return impl_->ctx(invalid_argument(std::string("a decision table row needs a non-empty string '") + key + "'"));
    }
  }
  return impl_->write([&]() -> Status {
    QWB_ASSIGN_OR_RETURN(Query q, impl_->db->query(
        "INSERT INTO decision_table (architecture, hardware, format, updated, json) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (architecture, hardware, format) DO UPDATE SET updated = excluded.updated, json = excluded.json"));
    return q.bind_text(1, row["architecture"].get<std::string>()).bind_text(2, row["hardware"].get<std::string>())
        .bind_text(3, row["format"].get<std::string>()).bind_text(4, store::now_iso8601()).bind_text(5, dump(row)).run();
  });
}

Result<std::vector<json>> Project::decision_rows() const {
  return impl_->read<std::vector<json>>([&] { return read_decision_rows(*impl_->db); });
}

// ---------------------------------------------------------------------------------------------
// Export

Result<json> Project::export_json() const {
  return impl_->read<json>([&]() -> Result<json> {
    Db& db = *impl_->db;
    json out;
    out["format"] = "qwb-project";
    out["schema_version"] = store::current_schema_version();
    out["exported_by"] = store::tool_version();
    out["exported"] = store::now_iso8601();
    out["path"] = impl_->path;

    QWB_ASSIGN_OR_RETURN(std::vector<ModelRecord> models, read_models(db, 0));
    out["models"] = json::array();
    for (const ModelRecord& m : models) {
      out["models"].push_back({{"id", m.id}, {"path", m.path}, {"sha256", m.sha256}, {"summary", m.summary}, {"added", m.added}});
    }
    QWB_ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, read_datasets(db, 0));
    out["datasets"] = json::array();
    for (const DatasetRecord& d : datasets) {
      out["datasets"].push_back({{"id", d.id}, {"spec", d.spec}, {"preprocess", d.preprocess}, {"samples", d.samples},
                                 {"num_classes", d.num_classes}, {"added", d.added}});
    }

    QWB_ASSIGN_OR_RETURN(std::vector<RunRecord> runs, read_runs(db));
    out["runs"] = json::array();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {  // oldest first reads like a log
      QWB_ASSIGN_OR_RETURN(RunRecord r, read_run(db, it->id));
      json j = {{"id", r.id},
                {"kind", r.kind},
                {"status", run_status_name(r.status)},
                {"model_id", r.model_id},
                {"dataset_id", r.dataset_id},
                {"eval_dataset_id", r.eval_dataset_id},
                {"config", r.config},
                {"tool_version", r.tool_version},
                {"seed", r.seed},
                {"model_sha256", r.model_sha256},
                {"sample_ids", r.sample_ids},
                {"sample_ids_sha256", r.sample_ids_sha256},
                {"created", r.created},
                {"started", r.started},
                {"finished", r.finished},
                {"error", r.error}};
      json metrics = json::object();
      for (const auto& [k, v] : r.metrics) metrics[k] = number(v);
      j["metrics"] = std::move(metrics);

      QWB_ASSIGN_OR_RETURN(std::vector<ArtifactRecord> arts, read_artifacts(db, r.id));
      j["artifacts"] = json::array();
      for (const ArtifactRecord& a : arts) j["artifacts"].push_back({{"path", a.path}, {"sha256", a.sha256}, {"bytes", a.bytes}, {"kind", a.kind}});

      QWB_ASSIGN_OR_RETURN(std::vector<LayerResult> layers, read_layer_results(db, r.id));
      j["layer_results"] = json::array();
      for (const LayerResult& l : layers) j["layer_results"].push_back({{"layer", l.layer}, {"values", l.values}});

      QWB_ASSIGN_OR_RETURN(std::vector<ThresholdRecord> ths, read_thresholds(db, r.id));
      j["thresholds"] = json::array();
      for (const ThresholdRecord& t : ths) {
        json tj = {{"tensor", t.tensor}, {"method", t.method}, {"role", t.role}, {"dtype", t.dtype}, {"spec", t.spec},
                   {"axis", t.axis},     {"lo", number(t.lo)},  {"hi", number(t.hi)}};
        if (t.has_scale) {
          tj["scale"] = number(t.scale);
          tj["zero_point"] = t.zero_point;
          tj["scale_shape"] = t.scale_shape;
          if (!t.scales.empty()) tj["scales"] = t.scales;
          if (!t.zero_points.empty()) tj["zero_points"] = t.zero_points;
        }
        j["thresholds"].push_back(std::move(tj));
      }

      QWB_ASSIGN_OR_RETURN(j["statistics"], read_statistics_summary(db, r.id));
      QWB_ASSIGN_OR_RETURN(std::vector<std::string> docs,
                           read_names(db, "SELECT name FROM documents WHERE run_id = ?1 ORDER BY name", r.id));
      j["documents"] = docs;
      out["runs"].push_back(std::move(j));
    }
    QWB_ASSIGN_OR_RETURN(std::vector<json> decisions, read_decision_rows(db));
    out["decision_table"] = decisions;
    return out;
  });
}

}  // namespace qwb
