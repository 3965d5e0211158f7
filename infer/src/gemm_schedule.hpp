// The schedule of a generated GEMM kernel (gemm_loop_nest.inc): the knobs the tuner searches,
// their space on this machine, the heuristic default, and the GEMM task a Conv node poses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/tune/search_space.hpp"

namespace tessera::infer::detail {

struct GemmSchedule {
  int mr = 4;        // rows of the micro-kernel
  int nv = 2;        // vectors across its columns
  int w = 8;         // floats per vector
  int unroll = 2;    // of its k loop
  long kc = 256;     // depth of a K block
  long nc = 1024;    // columns of an N block
  int order = 0;     // 0: row panels outer, 1: column strips outer
  int parallel = 0;  // the axis split over threads: 0 rows (M), 1 columns (N)

  int nr() const { return nv * w; }
  /// "mr4_nv2_w8_u2_kc256_nc1024_o0_p0": a C identifier part, and the kernel's cache key.
  std::string key() const;
  /// The schedule whose key() is `key`, nullopt for any other text.
  static std::optional<GemmSchedule> parse(const std::string& key);
  bool operator==(const GemmSchedule&) const = default;
};

/// The vector widths in floats this CPU runs: 4, plus 8 with AVX2, plus 16 with AVX-512.
std::vector<std::int64_t> vector_widths();
/// The knobs, with the vector widths this CPU runs.
tune::SearchSpace gemm_search_space();
GemmSchedule gemm_schedule_of(const tune::SearchSpace& space, const tune::Config& config);

/// C (m, n) = A (m, k) · B (k, n), A the constant operand (a Conv's weights).
struct GemmTask {
  std::int64_t m = 0, n = 0, k = 0;
  /// "gemm m=64 n=3136 k=576 threads=2": the tuning log's task, with the thread count.
  std::string key() const;
};

}  // namespace tessera::infer::detail
