// One chunk through the stages Quantizer -> Encoder (canonical Huffman) -> Lossless (zstd), and
// back. A chunk payload (before the optional zstd frame) is:
//   u8 codebook source (0: code lengths inline), code lengths (huffman.hpp), varint outlier count,
//   varint outlier bytes, outlier records (quantizer.hpp), varint bitstream bytes, bitstream.
// A zstd-flagged payload is the zstd frame of that.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/format.hpp"
#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

struct CodecSettings {
  QuantizerSettings quantizer;
  Lossless lossless = Lossless::kZstd;
  int zstd_level = 3;
};

struct EncodedChunk {
  std::vector<std::byte> payload;
  ChunkRecord record;              // bytes, outliers, flags and CRC of the payload
  std::uint64_t huffman_bits = 0;  // size of the entropy-coded codes alone
};

/// Encodes one chunk; zstd is applied only when it makes the payload smaller (a decision that
/// depends on the data alone).
template <class T>
EncodedChunk encode_chunk(std::span<const T> values, const SlabGeometry& geometry,
                          const CodecSettings& settings);

/// A chunk's size under Lossless::kNone, known without writing its bitstream.
struct ChunkSize {
  std::uint64_t payload_bytes = 0;  // encode_chunk's record.bytes with Lossless::kNone
  std::uint64_t outliers = 0;
};

/// The size encode_chunk's payload has with Lossless::kNone, exactly: the quantizer pass and the
/// Huffman code with its exact bit count, but no bitstream. `scratch` keeps the quantizer's buffers
/// between calls.
template <class T>
ChunkSize measure_chunk(std::span<const T> values, const SlabGeometry& geometry,
                        const QuantizerSettings& settings, QuantizedSlab& scratch);

/// Decodes one chunk into `out` (geometry.size() values) after checking its CRC. Errors name
/// `source` (e.g. "field.tsz chunk 3").
template <class T>
void decode_chunk(std::span<const std::byte> payload, const ChunkRecord& record,
                  const SlabGeometry& geometry, const CodecSettings& settings, std::span<T> out,
                  const std::string& source);

}  // namespace tessera::compress
