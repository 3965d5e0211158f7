// OpenMP-backed parallel loops over statically partitioned ranges.
#include "tessera/core/threads.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <exception>
#include <vector>

#include "tessera/core/error.hpp"

namespace tessera {

int thread_count() { return std::min(omp_get_max_threads(), kMaxThreads); }

void set_thread_count(int n) {
  if (n < 1 || n > kMaxThreads) {
    throw usage_error("set_thread_count(n)",
                      fmt::format("must be in [1, {}], got {}", kMaxThreads, n));
  }
  omp_set_num_threads(n);
}

std::optional<int> limit_thread_count() {
  const int asked = omp_get_max_threads();
  if (asked <= kMaxThreads) return std::nullopt;
  omp_set_num_threads(kMaxThreads);
  return asked;
}

ThreadCountScope::ThreadCountScope(int n) : previous_(thread_count()) { set_thread_count(n); }
ThreadCountScope::~ThreadCountScope() { omp_set_num_threads(previous_); }

Range partition_range(std::size_t n, std::size_t parts, std::size_t part) {
  const std::size_t base = n / parts;
  const std::size_t extra = n % parts;
  const std::size_t begin = part * base + std::min(part, extra);
  return {begin, begin + base + (part < extra ? 1 : 0)};
}

std::size_t piece_count(std::size_t n, std::size_t grain) {
  return std::max<std::size_t>(1, n / std::max<std::size_t>(grain, 1));
}

void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t piece, Range range)>& body) {
  const std::size_t pieces = piece_count(n, grain);
  std::vector<std::exception_ptr> errors(pieces);
  const auto count = static_cast<long long>(pieces);
#pragma omp parallel for schedule(static) num_threads(thread_count()) if (pieces > 1)
  for (long long p = 0; p < count; ++p) {
    const auto piece = static_cast<std::size_t>(p);
    try {
      body(piece, partition_range(n, pieces, piece));
    } catch (...) {
      errors[piece] = std::current_exception();
    }
  }
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace tessera
