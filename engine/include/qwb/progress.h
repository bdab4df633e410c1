// Progress reporting and cancellation for long engine operations.
//
// Every long operation takes a ProgressSink&. report() returning false asks the operation to
// stop; it then returns a kCancelled Status soon after.
//
//   qwb::FunctionProgress sink([](int64_t done, int64_t total, const std::string& msg) {
//     std::cerr << msg << " " << done << "/" << total << "\r";
//     return !g_cancel_requested;
//   });
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace qwb {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // Returns false to request cancellation.
  virtual bool report(int64_t done, int64_t total, const std::string& message) = 0;
};

class NullProgress final : public ProgressSink {
 public:
  bool report(int64_t, int64_t, const std::string&) override { return true; }
};

class FunctionProgress final : public ProgressSink {
 public:
  explicit FunctionProgress(std::function<bool(int64_t, int64_t, const std::string&)> fn) : fn_(std::move(fn)) {}
  bool report(int64_t done, int64_t total, const std::string& message) override {
    return fn_ ? fn_(done, total, message) : true;
  }

 private:
  std::function<bool(int64_t, int64_t, const std::string&)> fn_;
};

// Progress of one stage mapped onto a fixed share of the whole job.
class StageProgress final : public ProgressSink {
 public:
  StageProgress(ProgressSink& outer, int stage, int stages, std::string name)
      : outer_(outer), stage_(stage), stages_(stages), name_(std::move(name)) {}
  bool report(int64_t done, int64_t total, const std::string& message) override {
    const int64_t scale = 1000;
    const int64_t part = total > 0 ? done * scale / total : 0;
    return outer_.report(stage_ * scale + part, stages_ * scale, name_ + ": " + message);
  }

 private:
  ProgressSink& outer_;
  int stage_, stages_;
  std::string name_;
};

}  // namespace qwb
