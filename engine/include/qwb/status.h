// Status and Result<T>: the engine's error channel for anything a user's input can cause
// (bad model, unsupported op, bad data, full disk). No exception crosses the engine API.
//
//   qwb::Result<qwb::Model> m = qwb::Model::load("resnet.onnx");
//   if (!m) { std::cerr << m.status().message() << "\n"; return 2; }
//   use(*m);
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace qwb {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad user input: malformed file, wrong shape, bad option
  kNotFound,         // missing file, input, tensor
  kUnsupported,      // valid ONNX the engine does not handle (op, dtype, attribute)
  kIoError,          // read/write failure
  kCancelled,        // a progress sink asked to stop
  kInternal,         // engine bug surfaced as a status rather than a crash
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Adds context in front of the message: "file 'a.onnx': node 'conv1' (Conv): <message>".
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
inline Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status cancelled(std::string m = "cancelled") { return {StatusCode::kCancelled, std::move(m)}; }
inline Status internal_error(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.is_ok()); }  // NOLINT

  bool has_value() const { return value_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(value_); return *value_; }
  const T& value() const& { assert(value_); return *value_; }
  T&& value() && { assert(value_); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace qwb

// Propagate a non-ok Status from an expression returning Status.
#define QWB_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::qwb::Status qwb_status_tmp_ = (expr);  \
    if (!qwb_status_tmp_.is_ok()) return qwb_status_tmp_; \
  } while (0)

#define QWB_CONCAT_INNER_(a, b) a##b
#define QWB_CONCAT_(a, b) QWB_CONCAT_INNER_(a, b)
// Assign the value of a Result<T> expression or return its Status.
#define QWB_ASSIGN_OR_RETURN(lhs, expr)                              \
  auto QWB_CONCAT_(qwb_result_, __LINE__) = (expr);                  \
  if (!QWB_CONCAT_(qwb_result_, __LINE__)) return QWB_CONCAT_(qwb_result_, __LINE__).status(); \
  lhs = std::move(*QWB_CONCAT_(qwb_result_, __LINE__))
