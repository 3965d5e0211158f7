// Progress bar drawing: a carriage-return-refreshed single line, rate-limited, TTY-aware.
#include "tessera/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tessera {

namespace {

constexpr std::int64_t kRedrawIntervalNs = 100'000'000;

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
  if (total >= 3600)
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
  return fmt::format("{}:{:02}", total / 60, total % 60);
}

}  // namespace

std::string format_progress_line(const std::string& label, std::uint64_t done, std::uint64_t total,
                                 double elapsed_s, int width) {
  const double fraction =
      total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  const int filled = static_cast<int>(fraction * width);
  std::string line = fmt::format("{} [{}{}] {:3.0f}% {}/{}", label, std::string(filled, '#'),
                                 std::string(width - filled, ' '), 100.0 * fraction, done, total);
  if (elapsed_s > 0.0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed_s;
    line += fmt::format(" {:.3g}/s", rate);
    if (done < total) line += " ETA " + format_duration(static_cast<double>(total - done) / rate);
  }
  return line;
}

ProgressBar::ProgressBar(std::string label, std::uint64_t total, std::FILE* stream,
                         ProgressMode mode)
    : label_(std::move(label)),
      total_(total),
      stream_(stream),
      enabled_(mode == ProgressMode::kAlways ||
               (mode == ProgressMode::kAuto && stream != nullptr && isatty(fileno(stream)) == 1)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(std::uint64_t units) {
  const std::uint64_t done = done_.fetch_add(units, std::memory_order_relaxed) + units;
  if (!enabled_) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - start_)
                               .count();
  std::int64_t last = last_draw_ns_.load(std::memory_order_relaxed);
  if (now - last < kRedrawIntervalNs) return;
  if (!last_draw_ns_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
  const std::lock_guard lock(draw_mutex_);
  if (!finished_) draw(done);
}

void ProgressBar::set_status(std::string status) {
  const std::lock_guard lock(draw_mutex_);
  status_ = std::move(status);
}

void ProgressBar::finish() {
  const std::lock_guard lock(draw_mutex_);
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  draw(done_.load(std::memory_order_relaxed));
  std::fputc('\n', stream_);
  std::fflush(stream_);
}

void ProgressBar::draw(std::uint64_t done) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // \r returns to the line start; \033[K clears what a longer previous line left behind.
  std::string line = format_progress_line(label_, done, total_, elapsed);
  if (!status_.empty()) line += "  " + status_;
  std::fprintf(stream_, "\r%s\033[K", line.c_str());
  std::fflush(stream_);
}

}  // namespace tessera
