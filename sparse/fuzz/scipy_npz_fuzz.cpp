// libFuzzer target: parse_npz on arbitrary bytes must either throw tessera::Error or return a
// structurally valid matrix that encode_npz writes and parse_npz reads back unchanged (CRC-32s
// are not verified in fuzzing builds, so the fuzzer reaches the .npy members behind them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tessera/core/error.hpp"
#include "tessera/sparse/scipy_npz.hpp"
#include "tessera/sparse/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const tessera::sparse::SparseTensor m = tessera::sparse::parse_npz(bytes, "fuzz.npz");
    tessera::sparse::check_tensor(m, "parsed");
    if (tessera::sparse::parse_npz(tessera::sparse::encode_npz(m), "again") != m) std::abort();
  } catch (const tessera::Error&) {
  }
  return 0;
}
