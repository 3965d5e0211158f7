// Canonical length-limited Huffman coding of quantization codes (uint16 symbols), the entropy stage
// of CEAZ (Zhang et al., ICS'22, §Huffman coding with offline and online codebooks): code
// construction, a 64-bit LSB-first bit packer, a table-driven decoder and a compact code table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/core/bytes.hpp"

namespace tessera::compress {

/// Longest codeword any code may have, in bits.
constexpr int kMaxCodeLength = 32;
/// Largest alphabet: symbols are uint16 values.
constexpr std::size_t kMaxAlphabetSize = std::size_t{1} << 16;

/// A prefix code over symbols 0..lengths.size()-1. lengths[s] is the codeword length of symbol s in
/// bits (0: s has no codeword). codewords[s] is its canonical codeword bit-reversed, i.e. in the
/// order the LSB-first bit packer writes it: bit 0 is the first bit of the stream. The codewords
/// must be canonical_code(lengths).codewords; build_huffman_code and canonical_code ensure that.
struct HuffmanCode {
  std::vector<std::uint8_t> lengths;
  std::vector<std::uint32_t> codewords;
};

/// An optimal prefix code for `histogram` (counts per symbol) with no codeword longer than
/// `max_length` (1..kMaxCodeLength): Huffman's code (Moffat & Katajainen 1995, in place)
/// when it fits, otherwise package-merge (Larmore & Hirschberg 1990), so the total size is minimal
/// either way. Every symbol with a count gets a codeword; a lone symbol gets length 1. Ties are
/// broken by symbol index (the lower index counts as lighter), so the result depends on the
/// histogram only. Throws a usage error for an all-zero histogram, a histogram longer than
/// kMaxAlphabetSize, a bad max_length, or more used symbols than 2^max_length.
HuffmanCode build_huffman_code(std::span<const std::uint64_t> histogram,
                               int max_length = kMaxCodeLength);

/// A symbol with a weight, the unit Huffman code construction sorts.
struct HuffmanLeaf {
  std::uint64_t weight = 0;
  std::uint32_t symbol = 0;
};

/// Sorts leaves by weight, stably (leaves listed in symbol order come out in build_huffman_code's
/// order: lighter first, equal weights by symbol).
void sort_leaves(std::vector<HuffmanLeaf>& leaves);

/// build_huffman_code for leaves in that order (weights > 0, distinct symbols below
/// `alphabet_size`): callers that keep most of a distribution sorted between codes skip the sort.
HuffmanCode build_huffman_code_sorted(std::span<const HuffmanLeaf> leaves,
                                      std::size_t alphabet_size, int max_length = kMaxCodeLength);

/// The canonical code with the given lengths: shorter codewords first, equal lengths by symbol.
/// Throws tessera::Error naming `source` unless 1 <= lengths.size() <= kMaxAlphabetSize, every
/// length is <= kMaxCodeLength, some symbol has a codeword and the Kraft sum is at most 1.
HuffmanCode canonical_code(std::span<const std::uint8_t> lengths,
                           std::string_view source = "Huffman code");

/// Exact size in bits of huffman_encode's output for symbols with these counts, before padding.
/// Throws tessera::Error if a counted symbol has no codeword.
std::uint64_t encoded_bits(const HuffmanCode& code, std::span<const std::uint64_t> histogram);

/// Appends the codewords of `symbols` to `out`, LSB-first, padded with zero bits to a whole byte;
/// nothing else is written (the container records the symbol count). Throws tessera::Error if a
/// symbol has no codeword.
void huffman_encode(const HuffmanCode& code, std::span<const std::uint16_t> symbols,
                    std::vector<std::byte>& out);

/// Decoding tables for one code, reusable for any number of streams: a primary table indexed by the
/// next kPrimaryBits bits resolves short codewords directly, and canonical first-code/limit tables
/// resolve longer ones.
class HuffmanDecoder {
 public:
  /// Bits of lookahead the primary table is indexed by (fewer if the code's codewords are shorter).
  static constexpr int kPrimaryBits = 11;

  /// Tables for `code`; only its lengths are used. Throws tessera::Error as canonical_code does.
  explicit HuffmanDecoder(const HuffmanCode& code);

  /// Decodes exactly out.size() symbols from `bits` (as written by huffman_encode). Never reads
  /// outside `bits`; throws tessera::Error naming `source` if the stream ends too early, holds a
  /// bit pattern that is no codeword, or goes on after the last symbol (more than the zero bits
  /// that pad its last byte): a count of symbols that disagrees with the stream is caught.
  void decode(std::span<const std::byte> bits, std::span<std::uint16_t> out,
              std::string_view source) const;

 private:
  /// Table entries: symbol in bits 0-15, codeword length in bits 16-23 (0: look further).
  using Entry = std::uint32_t;

  /// The entry of the codeword longer than the primary table at the start of `window` (the next
  /// 64 bits, LSB-first), or 0 if those bits start no codeword.
  Entry decode_long(std::uint64_t window) const;

  int primary_bits_ = 0;
  int min_length_ = 0;
  int max_length_ = 0;
  std::vector<Entry> primary_;
  // Canonical tables per length l (MSB-first codes): limit_[l] is one past the last codeword of
  // length l, left-justified to 32 bits; first_[l] the first codeword of length l; index_[l] the
  // position of its symbol in symbols_, which lists symbols by (length, symbol).
  std::array<std::uint64_t, kMaxCodeLength + 1> limit_{};
  std::array<std::uint32_t, kMaxCodeLength + 1> first_{};
  std::array<std::uint32_t, kMaxCodeLength + 1> index_{};
  std::vector<std::uint16_t> symbols_;
};

/// HuffmanDecoder(code).decode(bits, out, source).
void huffman_decode(const HuffmanCode& code, std::span<const std::byte> bits,
                    std::span<std::uint16_t> out, std::string_view source);

/// Writes the code's lengths compactly: a varint count of symbols with codewords, then one varint
/// per such symbol in increasing order, (gap to the previous one << 5) | (length - 1). A peaked
/// code whose used symbols are contiguous takes one byte per used symbol.
void write_code_lengths(const HuffmanCode& code, ByteWriter& out);

/// Reads what write_code_lengths wrote, for an alphabet of `alphabet_size` symbols, and rebuilds
/// the canonical code. Throws tessera::Error naming the reader's source on truncation, a symbol
/// outside the alphabet or lengths that form no prefix code.
HuffmanCode read_code_lengths(ByteReader& in, std::size_t alphabet_size);

}  // namespace tessera::compress
