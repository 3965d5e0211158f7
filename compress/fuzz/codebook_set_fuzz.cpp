// libFuzzer target for the .tcb reader (codebook.hpp): parsing must either throw tessera::Error or
// succeed, and a set it accepts must encode to bytes that parse back to the same encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tessera/compress/codebook.hpp"
#include "tessera/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace tc = tessera::compress;
  const auto input = std::as_bytes(std::span(data, size));
  try {
    const tc::CodebookSet set = tc::decode_codebook_set(input, "fuzz input");
    const std::vector<std::byte> bytes = tc::encode_codebook_set(set);
    if (tc::encode_codebook_set(tc::decode_codebook_set(bytes, "re-encoded")) != bytes) {
      std::abort();
    }
  } catch (const tessera::Error&) {
    // Rejected input: the expected outcome for most fuzz inputs.
  }
  return 0;
}
