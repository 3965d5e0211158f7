// libFuzzer target for the Huffman decoder (huffman.hpp): the input is an alphabet size (u16, plus
// one), a code table in write_code_lengths' format, a varint symbol count and the bitstream.
// Decoding must either throw tessera::Error or succeed, and what it decodes must re-encode to the
// same bits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "tessera/compress/huffman.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"

namespace {

/// Symbol counts are taken modulo this, to bound memory.
constexpr std::uint64_t kSymbolLimit = std::uint64_t{1} << 20;

/// Decodes the input; aborts if a successful decode does not re-encode to the bits it consumed.
void decode_and_check(std::span<const std::byte> input) {
  namespace hc = tessera::compress;
  tessera::ByteReader reader(input, "fuzz input");
  const std::size_t alphabet = std::size_t{reader.get<std::uint16_t>()} + 1;
  const hc::HuffmanCode code = hc::read_code_lengths(reader, alphabet);
  const std::uint64_t count = reader.get_varint_u64() % kSymbolLimit;
  const auto bits = reader.get_bytes(reader.remaining());
  std::vector<std::uint16_t> symbols(count);
  hc::huffman_decode(code, bits, symbols, "fuzz stream");

  std::vector<std::uint64_t> histogram(alphabet, 0);
  for (std::uint16_t symbol : symbols) ++histogram[symbol];
  const std::uint64_t consumed = hc::encoded_bits(code, histogram);
  std::vector<std::byte> again;
  hc::huffman_encode(code, symbols, again);
  if (again.size() != (consumed + 7) / 8 || again.size() > bits.size()) std::abort();
  for (std::size_t i = 0; i < again.size(); ++i) {
    const unsigned valid = i * 8 + 8 <= consumed ? 8 : static_cast<unsigned>(consumed % 8);
    const auto mask = static_cast<std::byte>((1u << valid) - 1);
    if ((bits[i] & mask) != again[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    decode_and_check(std::as_bytes(std::span(data, size)));
  } catch (const tessera::Error&) {
    // Rejected input: the expected outcome for most fuzz inputs.
  }
  return 0;
}
