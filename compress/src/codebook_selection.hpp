// Codebook selection, the stage between Quantizer and Encoder: per chunk, in chunk order, the
// smallest of an offline book adapted to the chunk, the code of an earlier chunk (online
// adaptation) and the chunk's own optimal code (CEAZ, ICS'22: offline codewords adapted online).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "slab_quantizer.hpp"
#include "tessera/compress/codebook.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/huffman.hpp"
#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

/// What coding a chunk needs besides its values: the quantizer, the back end and the offline set.
struct CodecSettings {
  QuantizerSettings quantizer;
  Lossless lossless = Lossless::kZstd;
  int zstd_level = 1;
  const CodebookSet* offline = nullptr;  // the stream's offline set (borrowed); null for none
};

/// A quantized chunk with its own optimal code: what the codebook choice looks at.
struct QuantizedChunk {
  QuantizedSlab slab;
  std::shared_ptr<const HuffmanCode> code;  // optimal for slab.histogram
  std::vector<std::byte> table;             // the code's lengths as an inline payload stores them
  std::uint64_t optimal_bits = 0;           // encoded_bits(*code, slab.histogram)
};

/// Quantizes one chunk and builds its optimal code.
template <class T>
QuantizedChunk quantize_chunk(std::span<const T> values, const SlabGeometry& geometry,
                              const QuantizerSettings& settings);

/// The payload header of a chunk that stores its own code: the source byte, then `table` (the
/// code lengths as write_code_lengths writes them).
std::vector<std::byte> inline_code_header(std::span<const std::byte> table);

/// The codes whose share an offline book takes from the chunk it codes: the outlier code (0), the
/// zero-residual code (radius) and the fill code (2·radius). Their frequencies vary between fields
/// regardless of bit-rate (rough regions, smooth or constant regions, masks).
inline constexpr std::size_t kPinnedCodes = 3;
using PinnedCounts = std::array<std::uint64_t, kPinnedCodes>;  // in the order of pinned_codes
std::array<std::uint32_t, kPinnedCodes> pinned_codes(const QuantizerSettings& q);

/// An offline book adapted to chunks: the Huffman code of the book's implied distribution (weight
/// 2^(32 - length) per symbol) with the pinned codes given a chunk's shares, in proportion to the
/// other weights. The other symbols' order by weight is sorted once per book.
class AdaptedBook {
 public:
  AdaptedBook(const HuffmanCode& book, const QuantizerSettings& q);
  /// log2 of the book's weight outside the pinned codes.
  double log_unpinned() const;
  /// The code for a chunk of `values` codes with these pinned counts.
  HuffmanCode code_for(PinnedCounts counts, std::uint64_t values) const;

 private:
  std::array<std::uint32_t, kPinnedCodes> pinned_;
  std::size_t alphabet_;
  std::uint64_t others_ = 0;
  std::vector<HuffmanLeaf> unpinned_;  // by (weight, symbol)
};

/// The books of `set` as chunks adapt them (the set's radius pins the codes); the built-in set's
/// are prepared once and shared.
std::shared_ptr<const std::vector<AdaptedBook>> adapted_books(const CodebookSet& set);

/// Book `book` of `set` adapted to a chunk of `values` codes with these pinned counts (what a
/// decoder rebuilds from an offline chunk's header).
HuffmanCode adapted_code(const CodebookSet& set, std::size_t book, PinnedCounts counts,
                         std::uint64_t values, const QuantizerSettings& q);

/// The code a chunk is encoded with, and the payload bytes that name it.
struct CodebookChoice {
  CodebookSource source = CodebookSource::kInline;
  std::vector<std::byte> header;  // the payload's codebook source byte and what follows it
  std::shared_ptr<const HuffmanCode> code;
  std::uint64_t bits = 0;  // encoded_bits of the chunk's codes under `code`
};

/// Chooses the chunks' codes one after another in chunk order (CodebookMode, codebook.hpp). Its
/// online state is the latest chunk that stored its code inline, whose code later chunks may
/// reuse. An offline book is adapted to a chunk: the pinned codes get their shares of the chunk
/// (rough, smooth or masked regions vary between fields), the other codes keep the book's
/// shape; the book is the one an estimate of that size prefers. Candidates are compared by exact
/// payload bytes before zstd (ties: own code, offline, reused), so choices depend on the chunks'
/// histograms and their order only.
class CodebookSelector {
 public:
  /// kOffline needs settings.offline (usage error otherwise); kInline ignores it. A set whose
  /// radius differs from the quantizer's is a usage error.
  CodebookSelector(CodebookMode mode, const CodecSettings& settings);

  /// The chunk's best offline book adapted to it; nothing in kInline mode or without a set.
  /// Depends on the chunk alone: call from any thread, in any order.
  std::optional<CodebookChoice> offline_candidate(const QuantizedChunk& quantized) const;

  /// The choice for chunk `chunk` given its offline_candidate; call for chunks 0, 1, 2, ... in
  /// turn (it updates the online state).
  CodebookChoice choose(std::size_t chunk, const QuantizedChunk& quantized,
                        std::optional<CodebookChoice> offline);

 private:
  CodebookMode mode_;
  const CodebookSet* offline_;
  QuantizerSettings quantizer_;
  std::shared_ptr<const std::vector<AdaptedBook>> books_;  // the offline set's, adapted
  std::size_t online_chunk_ = 0;
  std::shared_ptr<const HuffmanCode> online_code_;  // null until a chunk stores its code inline
};

}  // namespace tessera::compress
