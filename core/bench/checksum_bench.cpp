// Checksum throughput: tessera's CRC32C (SSE4.2 and portable slicing-by-8) against xxHash's XXH3
// (Debian libxxhash), the checksum a container format would otherwise pick. Sizes span L1 to DRAM.
#include <xxhash.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <vector>

#include "tessera/bench/bench_report.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace {

volatile std::uint64_t g_sink;  // keeps the timed checksums from being optimised away
constexpr std::size_t kBytesPerCall = std::size_t{32} << 20;

void run(tessera::BenchReport& report) {
  const tessera::CounterRng rng(2024, 0);
  for (std::size_t bytes : {std::size_t{4} << 10, std::size_t{256} << 10, std::size_t{16} << 20}) {
    std::vector<std::byte> data(bytes);
    for (std::size_t i = 0; i < bytes; ++i) data[i] = static_cast<std::byte>(rng.u32(i));
    const std::uint32_t reference = tessera::crc32c_portable(data);
    const std::uint64_t xxh3_reference = XXH3_64bits(data.data(), data.size());

    tessera::BenchOptions options = report.options();
    options.extra = {{"bytes", bytes}, {"bytes_per_call", std::max(bytes, kBytesPerCall)}};
    options.check = [&] { return tessera::crc32c(data) == reference; };
    options.check_b = [&] {
      XXH3_state_t* state = XXH3_createState();
      XXH3_64bits_reset(state);
      XXH3_64bits_update(state, data.data(), data.size() / 2);
      XXH3_64bits_update(state, data.data() + data.size() / 2, data.size() - data.size() / 2);
      const bool same = XXH3_64bits_digest(state) == xxh3_reference;
      XXH3_freeState(state);
      return same;
    };
    // Each timed call checksums kBytesPerCall in total, so small sizes are not lost in timer noise.
    const std::size_t loops = std::max<std::size_t>(1, kBytesPerCall / bytes);
    const auto repeat = [loops](auto checksum) {
      return [loops, checksum] {
        for (std::size_t i = 0; i < loops; ++i) g_sink = checksum();
      };
    };
    const auto crc = repeat([&] { return tessera::crc32c(data); });
    const auto xxh3 = repeat([&] { return XXH3_64bits(data.data(), data.size()); });
    const auto portable = repeat([&] { return tessera::crc32c_portable(data); });
    report.add(tessera::compare_ab("crc32c", crc, "xxh3_64", xxh3, options));
    options.check_b = [&] { return tessera::crc32c_portable(data) == reference; };
    report.add(tessera::compare_ab("crc32c", crc, "crc32c_portable", portable, options));
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    tessera::BenchReport report(argc, argv, "CRC32C vs XXH3 checksum throughput");
    run(report);
  } catch (const tessera::Error& e) {
    std::fprintf(stderr, "checksum_bench: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  }
  return 0;
}
