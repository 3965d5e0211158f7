// One chunk through the stages Quantizer -> codebook choice (codebook_selection.hpp) -> Encoder
// (canonical Huffman) -> Lossless (zstd), and back, in the payload layout of format.hpp
// (chunk_payload.hpp writes it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "codebook_selection.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

struct EncodedChunk {
  std::vector<std::byte> payload;
  ChunkRecord record;  // bytes, outliers, flags and CRC of the payload
  CodebookSource source = CodebookSource::kInline;
  std::uint64_t huffman_bits = 0;  // size of the entropy-coded codes alone
  std::uint64_t optimal_bits = 0;  // the same under the chunk's own optimal code
  bool constant = false;           // a constant chunk (kChunkConstant), which has no code
};

/// The one value that every value of a chunk can decode to, or nullopt: the fill value when every
/// value is a fill point, else the midpoint of the values' range (rounded to T) when every value
/// is finite and within settings.error_bound of it. Stops at the first value that rules it out,
/// so a chunk that is not constant costs a few comparisons.
template <class T>
std::optional<T> constant_value(std::span<const T> values, const QuantizerSettings& settings);

/// The constant chunk of `values` values equal to `value` (kChunkConstant): its payload is the
/// count (varint, checked against the header's shape when decoding) and the value.
template <class T>
EncodedChunk encode_constant_chunk(T value, std::size_t values);

/// Encodes a quantized chunk with the chosen code; zstd is applied to the body only when it makes
/// it smaller (a decision that depends on the data alone).
EncodedChunk encode_chunk(const QuantizedChunk& quantized, const CodebookChoice& choice,
                          const CodecSettings& settings);

/// A chunk's size when it stores its own code and uses Lossless::kNone, known without writing
/// its bitstream.
struct ChunkSize {
  std::uint64_t payload_bytes = 0;  // encode_chunk's record.bytes for such a chunk
  std::uint64_t outliers = 0;
};

/// The exact payload size of an inline-coded chunk under Lossless::kNone: the quantizer pass and
/// the chunk's optimal code with its exact bit count, but no bitstream (the fixed-ratio search).
/// `scratch` keeps the quantizer's buffers between calls.
template <class T>
ChunkSize measure_chunk(std::span<const T> values, const SlabGeometry& geometry,
                        const QuantizerSettings& settings, QuantizedSlab& scratch);

/// Decodes chunk `chunk` of `stream` (parsed into `layout`) into `out` (geometry.size() values)
/// after checking its CRC (a constant chunk: its one value everywhere), and for a reused code the
/// CRC of the chunk that holds it. Errors name `source` (e.g. "field.tsz chunk 3").
template <class T>
void decode_chunk(std::span<const std::byte> stream, const StreamLayout& layout, std::size_t chunk,
                  const SlabGeometry& geometry, const CodecSettings& settings, std::span<T> out,
                  const std::string& source);

}  // namespace tessera::compress
