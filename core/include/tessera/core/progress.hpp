// A progress bar on stderr for long work (compressing a large file, training, tuning). It draws
// only when the stream is a terminal, so logs and pipes stay clean; safe to advance from many
// threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace tessera {

enum class ProgressMode {
  kAuto,    // draw when the stream is a terminal
  kAlways,  // draw whatever the stream is
  kNever,   // never draw
};

/// One line of a progress bar: "label [#####     ]  45% 450/1000 12.3/s ETA 0:45", `width` cells
/// wide bar. `elapsed_s` is the time since the work started, used for the rate and the estimate.
std::string format_progress_line(const std::string& label, std::uint64_t done, std::uint64_t total,
                                 double elapsed_s, int width = 30);

class ProgressBar {
 public:
  /// A bar for `total` units of work written to `stream` (not owned; must outlive the bar).
  ProgressBar(std::string label, std::uint64_t total, std::FILE* stream = stderr,
              ProgressMode mode = ProgressMode::kAuto);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Adds `units` of finished work; redraws at most every 100 ms. Thread-safe.
  void advance(std::uint64_t units = 1);
  /// Text drawn after the bar from the next redraw on ("loss 0.4312"). Thread-safe.
  void set_status(std::string status);
  /// Draws the final state and ends the line; later calls do nothing.
  void finish();
  bool enabled() const noexcept { return enabled_; }

 private:
  void draw(std::uint64_t done);

  std::string label_;
  std::string status_;  // guarded by draw_mutex_
  std::uint64_t total_;
  std::FILE* stream_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::int64_t> last_draw_ns_{0};
  std::mutex draw_mutex_;
  bool finished_ = false;
};

}  // namespace tessera
