// libFuzzer target: parse_npy on arbitrary bytes either throws tessera::Error or returns an array
// that encodes and parses back to the same shape and values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "tessera/core/error.hpp"
#include "tessera/core/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  try {
    const tessera::NpyArray a = tessera::parse_npy(bytes, "fuzz.npy");
    const tessera::NpyArray b =
        tessera::parse_npy(tessera::encode_npy(a.shape, a.values.span()), "again.npy");
    if (b.shape != a.shape || b.values.size() != a.values.size() ||
        (a.values.size() > 0 &&
         std::memcmp(a.values.data(), b.values.data(), a.values.size_bytes()) != 0)) {
      std::abort();
    }
  } catch (const tessera::Error&) {
  }
  return 0;
}
