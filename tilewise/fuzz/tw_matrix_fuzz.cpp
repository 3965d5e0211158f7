// libFuzzer target: TwMatrix::deserialize on arbitrary bytes must either throw tessera::Error or
// return a matrix whose serialisation parses back to the same bytes (checksums are not verified in
// fuzzing builds, so the fuzzer reaches the parser behind them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const auto m = tessera::tilewise::TwMatrix::deserialize(bytes, "fuzz.tw");
    const std::vector<std::byte> again = m.serialize();
    if (tessera::tilewise::TwMatrix::deserialize(again, "again").serialize() != again) std::abort();
  } catch (const tessera::Error&) {
  }
  return 0;
}
