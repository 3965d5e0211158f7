// Threading: one runtime (OpenMP) for data-parallel loops, with static, deterministic partitioning.
// A range [0, n) split into `parts` pieces always yields the same pieces, whatever thread runs
// them, so per-piece results (and anything keyed by index) do not depend on the thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

namespace tessera {

/// Most threads a parallel loop starts: far more than cores, so that a typo or a runaway
/// OMP_NUM_THREADS cannot exhaust the process's memory with thread stacks.
inline constexpr int kMaxThreads = 4096;

/// Threads that parallel loops use (the --threads setting); defaults to the OpenMP default
/// (OMP_NUM_THREADS, or one per core), never more than kMaxThreads.
int thread_count();
/// Sets the thread count for later parallel loops; 1 <= n <= kMaxThreads, else a usage error.
void set_thread_count(int n);
/// Lowers OpenMP's thread count to kMaxThreads where the environment (OMP_NUM_THREADS) set it
/// higher, for the libraries that read it too (oneDNN); returns the count it replaced, if any.
std::optional<int> limit_thread_count();

/// Sets the thread count for one scope and restores the previous value on exit.
class ThreadCountScope {
 public:
  explicit ThreadCountScope(int n);
  ~ThreadCountScope();
  ThreadCountScope(const ThreadCountScope&) = delete;
  ThreadCountScope& operator=(const ThreadCountScope&) = delete;

 private:
  int previous_;
};

/// Half-open index range.
struct Range {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  bool operator==(const Range&) const = default;
};

/// Piece `part` of [0, n) split into `parts` contiguous pieces whose sizes differ by at most one
/// (the first n % parts pieces are one longer). Depends only on (n, parts, part).
Range partition_range(std::size_t n, std::size_t parts, std::size_t part);

/// Number of pieces of at least `grain` items (and at least one) that [0, n) splits into.
std::size_t piece_count(std::size_t n, std::size_t grain);

/// Runs body(piece_index, range) for each of the piece_count(n, grain) pieces of [0, n), spread
/// over thread_count() threads. Pieces depend on n and grain only, never on the thread count. An
/// exception thrown by a body is rethrown on the calling thread (the first one, by piece order).
void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t piece, Range range)>& body);

}  // namespace tessera
