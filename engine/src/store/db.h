// Thin RAII helpers over the SQLite C API for the project file (qwb/store.h): a connection with
// a prepared-statement cache, statements that reset themselves, transactions that roll back
// unless committed, little-endian BLOB encoding, timestamps, file-header checks and process
// liveness. Internal to the engine.
#pragma once

#include <sqlite3.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "qwb/status.h"

namespace qwb::store {

class Db;

// One use of a cached prepared statement. Binding errors are kept and reported by step()/run()
// so call sites stay linear. The statement is reset (and its bindings cleared) on destruction,
// which releases its read snapshot.
class Query {
 public:
  Query(Db* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  Query(Query&& o) noexcept : db_(o.db_), s_(o.s_), bind_rc_(o.bind_rc_) { o.s_ = nullptr; }
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  ~Query();

  Query& bind_int(int i, int64_t v) { return keep(sqlite3_bind_int64(s_, i, v)); }
  // SQLite turns NaN into NULL anyway; doing it here makes the round trip explicit (NULL -> NaN).
  Query& bind_real(int i, double v) { return keep(std::isnan(v) ? sqlite3_bind_null(s_, i) : sqlite3_bind_double(s_, i, v)); }
  Query& bind_text(int i, const std::string& v) {
    return keep(sqlite3_bind_text64(s_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  Query& bind_blob(int i, const std::string& bytes) {
    return keep(sqlite3_bind_blob64(s_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }
  Query& bind_null(int i) { return keep(sqlite3_bind_null(s_, i)); }
  // 0 means "none" for the optional foreign keys of a run.
  Query& bind_id_or_null(int i, int64_t id) { return id == 0 ? bind_null(i) : bind_int(i, id); }

  // true: a row is ready; false: done.
  Result<bool> step();
  // Executes a statement that returns no rows.
  Status run();

  bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  double f64(int c) const { return is_null(c) ? std::nan("") : sqlite3_column_double(s_, c); }
  std::string text(int c) const;
  std::string blob(int c) const;

 private:
  Query& keep(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
  }
  Db* db_;
  sqlite3_stmt* s_;
  int bind_rc_ = SQLITE_OK;
};

class Db {
 public:
  // `flags` as sqlite3_open_v2; the busy timeout is set here so that every later statement waits
  // for other processes' locks instead of failing.
  static Result<std::unique_ptr<Db>> open(const std::string& path, int flags, int busy_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs SQL text (possibly several statements) that returns no rows.
  Status exec(const std::string& sql, const std::string& what);
  // A cached prepared statement for `sql` (prepared once per connection).
  Result<Query> query(const char* sql);
  Result<int64_t> pragma_int(const std::string& name);

  // Status for a failed SQLite call, mapped to the engine's codes.
  Status error(int rc, const std::string& what) const;

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE (write: take the write lock up front, waiting up to the busy timeout, so the
// transaction never fails half-way with SQLITE_BUSY) or BEGIN (read: one consistent snapshot
// for multi-statement reads). Rolls back on destruction unless committed.
class Txn {
 public:
  static Result<Txn> begin(Db& db, bool write);
  Txn(Txn&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Txn& operator=(Txn&&) = delete;
  ~Txn();
  Status commit();

 private:
  explicit Txn(Db* db) : db_(db) {}
  Db* db_;
};

// Little-endian encoding of arithmetic vectors as BLOB bytes (files stay portable between hosts).
template <typename T>
std::string encode_le(const std::vector<T>& v) {
  static_assert(std::is_arithmetic_v<T>);
  std::string out(v.size() * sizeof(T), '\0');
  if constexpr (std::endian::native == std::endian::little) {
    if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  } else {
    for (size_t i = 0; i < v.size(); ++i) {
      unsigned char b[sizeof(T)];
      std::memcpy(b, &v[i], sizeof(T));
      for (size_t k = 0; k < sizeof(T); ++k) out[i * sizeof(T) + k] = static_cast<char>(b[sizeof(T) - 1 - k]);
    }
  }
  return out;
}

// false when the byte count is not a multiple of the element size (a damaged BLOB).
template <typename T>
bool decode_le(const std::string& bytes, std::vector<T>* out) {
  static_assert(std::is_arithmetic_v<T>);
  if (bytes.size() % sizeof(T) != 0) return false;
  out->resize(bytes.size() / sizeof(T));
  if constexpr (std::endian::native == std::endian::little) {
    if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  } else {
    for (size_t i = 0; i < out->size(); ++i) {
      unsigned char b[sizeof(T)];
      for (size_t k = 0; k < sizeof(T); ++k) b[k] = static_cast<unsigned char>(bytes[i * sizeof(T) + sizeof(T) - 1 - k]);
      std::memcpy(&(*out)[i], b, sizeof(T));
    }
  }
  return true;
}

// "2024-05-01T12:34:56.789Z"
std::string now_iso8601();

// The first 100 bytes of a database file, read without SQLite so that a rejected file is never
// opened (no -wal/-shm, no lock). Integers in the header are big-endian.
struct FileHeader {
  int64_t size = 0;
  bool sqlite = false;          // starts with "SQLite format 3\0" and is >= 100 bytes
  uint32_t user_version = 0;    // bytes 60-63
  uint32_t application_id = 0;  // bytes 68-71
};
Result<FileHeader> read_file_header(const std::string& path);

// Table names of a database opened read-only and immutable (no locks, no -wal/-shm created):
// used only to recognise a project whose header lacks the application id.
Result<std::vector<std::string>> table_names_readonly(const std::string& path);

// This process's identity for liveness checks: pid plus "<boot id>/<start time in clock ticks>"
// (field 22 of /proc/<pid>/stat), so a reused pid or a reboot is not mistaken for the same process.
struct ProcessIdentity {
  int64_t pid = 0;
  std::string start;
};
ProcessIdentity self_identity();
// Whether the process that recorded `start` as pid `pid` still runs (zombies count as gone).
bool process_alive(int64_t pid, const std::string& start);

}  // namespace qwb::store
