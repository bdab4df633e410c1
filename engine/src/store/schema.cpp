// Project file schema and migrations (docs/project_file.md).
#include "store/schema.h"

#include <algorithm>
#include <iterator>

#include "qwb/version.h"

namespace qwb::store {

namespace {

// Version 1. Column order matters for rows with large BLOBs: SQLite reads a record front to back
// and keeps the tail in overflow pages, so small columns come first and BLOBs last; listing runs
// or tensors then never touches the overflow pages of sample ids or histograms.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE project_info (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE models (
  id      INTEGER PRIMARY KEY,
  path    TEXT NOT NULL,
  sha256  TEXT NOT NULL,
  summary TEXT NOT NULL,
  added   TEXT NOT NULL,
  UNIQUE (path, sha256)
);

CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  spec        TEXT NOT NULL,
  preprocess  TEXT NOT NULL,
  samples     INTEGER NOT NULL,
  num_classes INTEGER NOT NULL,
  added       TEXT NOT NULL,
  UNIQUE (spec, preprocess)
);

CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  model_id          INTEGER REFERENCES models (id),
  dataset_id        INTEGER REFERENCES datasets (id),
  eval_dataset_id   INTEGER REFERENCES datasets (id),
  tool_version      TEXT NOT NULL,
  seed              INTEGER NOT NULL,
  model_sha256      TEXT NOT NULL,
  sample_ids_sha256 TEXT NOT NULL,
  created           TEXT NOT NULL,
  started           TEXT,
  finished          TEXT,
  pid               INTEGER,
  process_start     TEXT,
  error             TEXT NOT NULL DEFAULT '',
  config            TEXT NOT NULL,
  sample_ids        BLOB
);
CREATE INDEX runs_created ON runs (created);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE layer_results (
  id     INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  layer  TEXT NOT NULL,
  json   TEXT NOT NULL,
  UNIQUE (run_id, layer)
);

CREATE TABLE tensor_stats (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tensor       TEXT NOT NULL,
  is_weight    INTEGER NOT NULL,
  shape        TEXT NOT NULL,
  count        INTEGER NOT NULL,
  nonfinite    INTEGER NOT NULL,
  min          REAL,
  max          REAL,
  ma_min       REAL,
  ma_max       REAL,
  sum          REAL,
  sum_sq       REAL,
  hist_range   REAL,
  hist_total   REAL,
  channel_axis INTEGER NOT NULL,
  abs_bins     BLOB NOT NULL,
  signed_bins  BLOB NOT NULL,
  channel_min  BLOB,
  channel_max  BLOB,
  UNIQUE (run_id, tensor)
);

CREATE TABLE thresholds (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tensor      TEXT NOT NULL,
  method      TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('activation', 'weight', 'bias')),
  dtype       TEXT NOT NULL,
  spec        TEXT NOT NULL,
  axis        INTEGER NOT NULL,
  lo          REAL,
  hi          REAL,
  scale       REAL,
  zero_point  INTEGER,
  scale_shape TEXT NOT NULL,
  scales      BLOB,
  zero_points BLOB,
  UNIQUE (run_id, tensor, method)
);

CREATE TABLE artifacts (
  id     INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  path   TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes  INTEGER NOT NULL,
  kind   TEXT NOT NULL,
  added  TEXT NOT NULL,
  UNIQUE (run_id, path)
);

CREATE TABLE documents (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name    TEXT NOT NULL,
  updated TEXT NOT NULL,
  json    TEXT NOT NULL,
  UNIQUE (run_id, name)
);

CREATE TABLE decision_table (
  id           INTEGER PRIMARY KEY,
  architecture TEXT NOT NULL,
  hardware     TEXT NOT NULL,
  format       TEXT NOT NULL,
  updated      TEXT NOT NULL,
  json         TEXT NOT NULL,
  UNIQUE (architecture, hardware, format)
);
)sql";

Status to_v1(Db& db) {
  QWB_RETURN_IF_ERROR(db.exec(kSchemaV1, "creating the schema (version 1)"));
  // Recorded once, for support questions ("which build made this file?").
  auto q = db.query("INSERT OR IGNORE INTO project_info (key, value) VALUES ('created', ?1), ('created_by', ?2)");
  if (!q) return q.status();
  return q->bind_text(1, now_iso8601()).bind_text(2, tool_version()).run();
}

// One step per version, in order: step i takes the file from version i to i + 1. Version 2 will
// append {2, to_v2}; steps run inside migrate()'s transaction, so a failed step leaves the file at
// its old version.
struct Migration {
  int version;
  Status (*apply)(Db&);
};
const Migration kMigrations[] = {
    {1, to_v1},
};

}  // namespace

std::string tool_version() { return std::string(version()) + "+" + git_commit(); }

int current_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

bool has_project_tables(const std::vector<std::string>& names) {
  auto has = [&](const char* t) { return std::find(names.begin(), names.end(), t) != names.end(); };
  return has("runs") && has("models") && has("tensor_stats") && has("metrics");
}

Status migrate(Db& db) {
  QWB_ASSIGN_OR_RETURN(int64_t before, db.pragma_int("user_version"));
  QWB_ASSIGN_OR_RETURN(int64_t app, db.pragma_int("application_id"));
  if (before == current_schema_version() && app == kApplicationId) return Status::ok();  // nothing to write

  QWB_ASSIGN_OR_RETURN(Txn txn, Txn::begin(db, true));
  QWB_ASSIGN_OR_RETURN(int64_t version, db.pragma_int("user_version"));  // under the write lock
  if (version > current_schema_version()) {
    return unsupported("schema version " + std::to_string(version) + " is newer than this build supports (up to " +
                       std::to_string(current_schema_version()) + ")");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    QWB_RETURN_IF_ERROR(m.apply(db));
  }
  QWB_RETURN_IF_ERROR(db.exec("PRAGMA user_version = " + std::to_string(current_schema_version()), "setting the schema version"));
  QWB_RETURN_IF_ERROR(db.exec("PRAGMA application_id = " + std::to_string(kApplicationId), "setting the application id"));
  return txn.commit();
}

}  // namespace qwb::store
