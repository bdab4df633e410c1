// Helpers shared by qwb-cli's command files: exit codes, errors, progress on a terminal.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "qwb/progress.h"
#include "qwb/status.h"

namespace cli {

// 0 ok, 1 internal error, 2 bad input, 3 cancelled.
inline int exit_code(const qwb::Status& s) {
  switch (s.code()) {
    case qwb::StatusCode::kOk: return 0;
    case qwb::StatusCode::kInternal: return 1;
    case qwb::StatusCode::kCancelled: return 3;
    default: return 2;
  }
}

inline int fail(const qwb::Status& s) {
  std::cerr << "error: " << s.message() << "\n";
  return exit_code(s);
}

inline qwb::Result<std::vector<float>> parse_float_list(const std::string& s, const std::string& option) {
  std::vector<float> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      size_t used = 0;
      v.push_back(std::stof(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      return qwb::invalid_argument(option + " '" + s + "': expected comma-separated numbers");
    }
  }
  return v;
}

inline std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) v.push_back(item);
  return v;
}

// Set by SIGINT/SIGTERM: long jobs see it through their progress sink and stop cleanly (a run
// recorded in a project ends as cancelled instead of interrupted).
inline std::atomic<bool>& interrupt_requested() {
  static std::atomic<bool> flag{false};
  return flag;
}
inline void install_interrupt_handler() {
  auto handler = [](int) { interrupt_requested().store(true); };
  std::signal(SIGINT, handler);
  std::signal(SIGTERM, handler);
}

// Progress on stderr when it is a terminal (one rewritten line), silent otherwise; reports a
// cancellation after SIGINT/SIGTERM.
class TtyProgress final : public qwb::ProgressSink {
 public:
  explicit TtyProgress(bool enabled) : enabled_(enabled && isatty(2)) {}
  ~TtyProgress() override {
    if (enabled_ && shown_) std::cerr << "\r\033[K" << std::flush;
  }
  bool report(int64_t done, int64_t total, const std::string& message) override {
    if (interrupt_requested().load()) return false;
    if (!enabled_) return true;
    shown_ = true;
    const int pct = total > 0 ? static_cast<int>(100 * done / total) : 0;
    std::cerr << "\r\033[K" << fmt::format("[{:3d}%] {}", pct, message) << std::flush;
    return true;
  }

 private:
  bool enabled_;
  bool shown_ = false;
};

inline std::string pct(double v) { return fmt::format("{:.2f}%", 100 * v); }

}  // namespace cli
