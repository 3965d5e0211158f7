// libFuzzer target for the .tsz stream decoder (format.hpp, quantizer.hpp): any input
// must either decode or throw tessera::Error, and a decoded stream must decode to the same values
// again (no dependence on uninitialised memory). Built with checksums off (fuzzing build mode) so
// mutations reach the parsers behind them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/core/error.hpp"

namespace {

// Streams declaring more values than this are skipped, to bound memory.
constexpr std::size_t kValueLimit = std::size_t{1} << 22;

void decode(std::span<const std::byte> input) {
  namespace tc = tessera::compress;
  const tc::StreamLayout layout = tc::read_layout(input, "fuzz.tsz");
  std::size_t values = 1;
  for (std::size_t d : layout.header.shape) values *= d;
  if (values > kValueLimit) return;
  const tc::Field first = tc::decompress(input, "fuzz.tsz");
  const tc::Field second = tc::decompress(input, "fuzz.tsz");
  if (std::memcmp(first.bytes.data(), second.bytes.data(), first.bytes.size()) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    decode(std::as_bytes(std::span(data, size)));
  } catch (const tessera::Error&) {
    // Rejected with a message: the expected outcome for most inputs.
  }
  return 0;
}
