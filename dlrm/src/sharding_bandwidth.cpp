// The cost model's bandwidths: those the input does not give are measured (memory: a STREAM-like
// copy, McCalpin's "Copy" kernel) or taken from documented defaults (the network's).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "tessera/dlrm/sharding_input.hpp"

namespace tessera::dlrm {

double measure_copy_bandwidth() {
  constexpr std::size_t kBytes = std::size_t{32} << 20;
  constexpr int kRepetitions = 5;
  std::vector<char> source(kBytes, 1), target(kBytes, 0);  // touched: no page faults timed
  std::memcpy(target.data(), source.data(), kBytes);       // warm-up
  std::vector<double> seconds;
  volatile char sink = 0;  // reads the copies, so that they cannot be dropped
  for (int i = 0; i < kRepetitions; ++i) {
    source[static_cast<std::size_t>(i)] = static_cast<char>(i);  // a different copy each time
    const auto start = std::chrono::steady_clock::now();
    std::memcpy(target.data(), source.data(), kBytes);
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    sink = static_cast<char>(sink + target[static_cast<std::size_t>(i)]);
  }
  std::nth_element(seconds.begin(), seconds.begin() + kRepetitions / 2, seconds.end());
  // Read and written bytes, as STREAM counts a copy.
  return 2.0 * static_cast<double>(kBytes) / std::max(seconds[kRepetitions / 2], 1e-9);
}

Bandwidths resolve_bandwidths(const BandwidthSpec& spec, BandwidthOrigins* origins) {
  BandwidthOrigins o;
  Bandwidths b;
  const auto take = [](const std::optional<double>& given, std::string& origin, auto fallback,
                       const char* fallback_origin) {
    origin = given ? "given" : fallback_origin;
    return given ? *given : fallback();
  };
  b.memory = take(spec.memory, o.memory, measure_copy_bandwidth, "measured");
  b.alltoall = take(
      spec.alltoall, o.alltoall, [] { return kDefaultAlltoallBytesPerS; }, "assumed");
  b.allreduce = take(
      spec.allreduce, o.allreduce, [] { return kDefaultAllreduceBytesPerS; }, "assumed");
  b.intra_node = take(
      spec.intra_node, o.intra_node, [&] { return b.memory; }, "assumed = memory");
  if (origins) *origins = o;
  return b;
}

}  // namespace tessera::dlrm
