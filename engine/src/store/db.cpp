// SQLite helpers for the project file; see db.h.
#include "store/db.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <sstream>

namespace qwb::store {

// ---------------------------------------------------------------------------------------------
// Query

Query::~Query() {
  if (s_) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
}

Result<bool> Query::step() {
  if (bind_rc_ != SQLITE_OK) return db_->error(bind_rc_, "binding a value");
  const int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc, "executing '" + std::string(sqlite3_sql(s_)).substr(0, 60) + "'");
}

Status Query::run() {
  auto r = step();
  if (!r) return r.status();
  return Status::ok();
}

std::string Query::text(int c) const {
  const unsigned char* p = sqlite3_column_text(s_, c);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, c)));
}

std::string Query::blob(int c) const {
  const void* p = sqlite3_column_blob(s_, c);
  const int n = sqlite3_column_bytes(s_, c);
  if (!p || n <= 0) return {};
  return std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

// ---------------------------------------------------------------------------------------------
// Db

Result<std::unique_ptr<Db>> Db::open(const std::string& path, int flags, int busy_ms) {
  sqlite3* h = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &h, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    sqlite3_close_v2(h);
    return io_error("cannot open '" + path + "': " + msg);
  }
  sqlite3_extended_result_codes(h, 1);
  sqlite3_busy_timeout(h, busy_ms);
  return std::unique_ptr<Db>(new Db(h, path));
}

Db::~Db() {
  for (auto& [sql, s] : cache_) sqlite3_finalize(s);
  // The last connection to close checkpoints the WAL and removes -wal/-shm.
  sqlite3_close_v2(db_);
}

Status Db::exec(const std::string& sql, const std::string& what) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return error(rc, what);
  return Status::ok();
}

Result<Query> Db::query(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(s);
      return error(rc, "preparing '" + std::string(sql).substr(0, 60) + "'");
    }
    it = cache_.emplace(sql, s).first;
  }
  return Query(this, it->second);
}

Result<int64_t> Db::pragma_int(const std::string& name) {
  sqlite3_stmt* s = nullptr;
  const std::string sql = "PRAGMA " + name;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    return error(rc, "reading PRAGMA " + name);
  }
  rc = sqlite3_step(s);
  int64_t v = 0;
  if (rc == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(rc, "reading PRAGMA " + name);
  return v;
}

Status Db::error(int rc, const std::string& what) const {
  // errmsg is only about this failure when the connection's last error is the same code.
  std::string detail = sqlite3_errstr(rc);
  if (db_ && (sqlite3_errcode(db_) & 0xff) == (rc & 0xff)) {
    const std::string m = sqlite3_errmsg(db_);
    if (m != detail) detail += ": " + m;
  }
  const std::string msg = what + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_FULL: return io_error(msg + " (is the disk full?)");
    case SQLITE_IOERR: return io_error(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return io_error(msg + " (another process held the project locked for too long)");
    case SQLITE_READONLY: return io_error(msg);
    case SQLITE_CANTOPEN: return io_error(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return invalid_argument(msg + " (the project file is damaged)");
    case SQLITE_CONSTRAINT: return invalid_argument(msg);
    case SQLITE_TOOBIG: return invalid_argument(msg);
    default: return internal_error(msg);
  }
}

// ---------------------------------------------------------------------------------------------
// Txn

Result<Txn> Txn::begin(Db& db, bool write) {
  QWB_RETURN_IF_ERROR(db.exec(write ? "BEGIN IMMEDIATE" : "BEGIN", write ? "starting a write transaction" : "starting a read transaction"));
  return Txn(&db);
}

Txn::~Txn() {
  // After some errors (disk full, I/O) SQLite has already rolled back; ROLLBACK would then fail.
  if (db_ && !sqlite3_get_autocommit(db_->handle())) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Txn::commit() {
  Db* db = db_;
  db_ = nullptr;
  Status s = db->exec("COMMIT", "committing");
  if (!s && !sqlite3_get_autocommit(db->handle())) sqlite3_exec(db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Time, header, liveness

std::string now_iso8601() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  gmtime_r(&ts.tv_sec, &t);
  char buf[96];  // ample for any int fields (silences -Wformat-truncation)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
                t.tm_min, t.tm_sec, static_cast<int>(ts.tv_nsec / 1000000));
  return buf;
}

namespace {

uint32_t be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool read_small_file(const std::string& path, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  char buf[1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

std::string boot_id() {
  std::string s;
  if (!read_small_file("/proc/sys/kernel/random/boot_id", &s)) return {};
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// State (field 3) and start time (field 22) of /proc/<pid>/stat. The command name (field 2) may
// contain spaces and parentheses, so fields are counted from the last ')'.
bool proc_stat(const std::string& pid, char* state, std::string* start_ticks) {
  std::string s;
  if (!read_small_file("/proc/" + pid + "/stat", &s)) return false;
  const size_t close = s.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream in(s.substr(close + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(in >> field)) return false;
    if (i == 3) *state = field.empty() ? '?' : field[0];
    if (i == 22) *start_ticks = field;
  }
  return true;
}

std::string uri_escape(const std::string& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '_' || c == '-' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<FileHeader> read_file_header(const std::string& path) {
  FileHeader h;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return not_found("project file '" + path + "' does not exist");
    return io_error("project file '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return invalid_argument("project file '" + path + "' is not a regular file");
  h.size = static_cast<int64_t>(st.st_size);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("project file '" + path + "' cannot be read: " + std::strerror(errno));
  unsigned char b[100] = {};
  size_t got = 0;
  while (got < sizeof b) {
    const ssize_t n = ::read(fd, b + got, sizeof b - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  static const char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
  h.sqlite = got == sizeof b && std::memcmp(b, kMagic, sizeof kMagic) == 0;
  if (h.sqlite) {
    h.user_version = be32(b + 60);
    h.application_id = be32(b + 68);
  }
  return h;
}

Result<std::vector<std::string>> table_names_readonly(const std::string& path) {
  // immutable=1: SQLite takes no locks and never looks for or creates -wal/-shm, so the file and
  // its directory stay untouched. A WAL the file may have is ignored; fine for recognition.
  const std::string uri = "file:" + uri_escape(path) + "?immutable=1";
  sqlite3* h = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  std::vector<std::string> names;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    rc = sqlite3_prepare_v2(h, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &s, nullptr);
    while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      if (t) names.emplace_back(reinterpret_cast<const char*>(t));
    }
    if (rc == SQLITE_OK) rc = sqlite3_finalize(s) == SQLITE_OK ? SQLITE_OK : sqlite3_errcode(h);
    else sqlite3_finalize(s);
  }
  std::string msg = rc == SQLITE_OK ? "" : (h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
  sqlite3_close_v2(h);
  if (rc != SQLITE_OK) return invalid_argument("project file '" + path + "' is an unreadable SQLite database: " + msg);
  return names;
}

ProcessIdentity self_identity() {
  // Not cached: a forked child has a new pid and start time.
  ProcessIdentity id;
  id.pid = static_cast<int64_t>(::getpid());
  char state = '?';
  std::string ticks;
  if (proc_stat(std::to_string(id.pid), &state, &ticks)) id.start = boot_id() + "/" + ticks;
  return id;
}

bool process_alive(int64_t pid, const std::string& start) {
  if (pid <= 0) return false;
  char state = '?';
  std::string ticks;
  if (!proc_stat(std::to_string(pid), &state, &ticks)) {
    // /proc works but has no such pid: gone. Without /proc, fall back to signal 0 (pid only).
    if (::access("/proc/self/stat", R_OK) == 0) return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
  }
  if (state == 'Z' || state == 'X') return false;  // exited, not yet reaped
  if (start.empty()) return true;
  return start == boot_id() + "/" + ticks;
}

}  // namespace qwb::store
