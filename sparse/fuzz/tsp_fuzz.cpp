// libFuzzer target: decode_tsp on arbitrary bytes must either throw tessera::Error or return a
// tensor that passed check_tensor and encodes back to bytes that decode to the same tensor, which
// every kernel can then traverse (checksums are not verified in fuzzing builds, so the fuzzer
// reaches the parser and the structural checks behind them).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/sparse/tensor.hpp"
#include "tessera/sparse/traversal.hpp"
#include "tessera/sparse/tsp_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const tessera::sparse::SparseTensor t = tessera::sparse::decode_tsp(bytes, "fuzz.tsp");
    std::uint64_t entries = 0;
    tessera::sparse::for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t) {
      for (std::size_t d = 0; d < t.order(); ++d) {
        if (x[d] >= t.dims[d]) std::abort();
      }
      ++entries;
    });
    if (!(tessera::sparse::decode_tsp(tessera::sparse::encode_tsp(t), "again") == t)) std::abort();
  } catch (const tessera::Error&) {
  }
  return 0;
}
