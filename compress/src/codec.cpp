// Chunk encoding and decoding: quantizer, Huffman coder and zstd glued by the payload layout of
// codec.hpp, with the payload CRC checked before anything is parsed.
#include "tessera/compress/codec.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include "tessera/compress/huffman.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

enum class CodebookSource : std::uint8_t { kInline = 0 };

std::vector<std::byte> zstd_compress(std::span<const std::byte> raw, int level) {
  std::vector<std::byte> out(ZSTD_compressBound(raw.size()));
  const std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(n) != 0) throw Error("zstd", ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::vector<std::byte> zstd_decompress(std::span<const std::byte> frame, std::size_t limit,
                                       const std::string& source) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > limit) {
    throw Error(source, "corrupt zstd frame header");
  }
  std::vector<std::byte> out(size);
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) != 0 || n != size) {
    throw Error(source, fmt::format("corrupt zstd frame: {}",
                                    ZSTD_isError(n) != 0 ? ZSTD_getErrorName(n) : "short output"));
  }
  return out;
}

// Largest raw payload a chunk of `values` values can legitimately have: codes of at most 32 bits,
// a verbatim outlier record of at most 10 + 8 bytes per value, and a code table.
std::size_t payload_limit(std::size_t values) { return values * 26 + (std::size_t{1} << 20); }

// A raw payload (layout in codec.hpp) up to its bitstream: code table, outliers and the
// bitstream's byte count. encode_chunk appends the bitstream; measure_chunk needs only the size.
ByteWriter payload_head(const HuffmanCode& code, const QuantizedSlab& slab,
                        std::uint64_t bitstream_bytes) {
  ByteWriter payload("chunk");
  payload.put(static_cast<std::uint8_t>(CodebookSource::kInline));
  write_code_lengths(code, payload);
  payload.put_varint_u64(slab.outlier_count);
  payload.put_varint_u64(slab.outliers.size());
  payload.put_bytes(slab.outliers);
  payload.put_varint_u64(bitstream_bytes);
  return payload;
}

}  // namespace

template <class T>
EncodedChunk encode_chunk(std::span<const T> values, const SlabGeometry& geometry,
                          const CodecSettings& settings) {
  QuantizedSlab slab;
  quantize_slab<T>(values, geometry, settings.quantizer, slab);
  const HuffmanCode code = build_huffman_code(slab.histogram);
  std::vector<std::byte> bits;
  huffman_encode(code, slab.codes, bits);

  ByteWriter payload = payload_head(code, slab, bits.size());
  payload.put_bytes(bits);

  EncodedChunk chunk;
  chunk.huffman_bits = encoded_bits(code, slab.histogram);
  chunk.record.outliers = slab.outlier_count;
  chunk.payload = payload.release();
  if (settings.lossless == Lossless::kZstd) {
    std::vector<std::byte> frame = zstd_compress(chunk.payload, settings.zstd_level);
    if (frame.size() < chunk.payload.size()) {
      chunk.payload = std::move(frame);
      chunk.record.flags |= kChunkZstd;
    }
  }
  chunk.record.bytes = chunk.payload.size();
  chunk.record.crc = crc32c(chunk.payload);
  return chunk;
}

template <class T>
ChunkSize measure_chunk(std::span<const T> values, const SlabGeometry& geometry,
                        const QuantizerSettings& settings, QuantizedSlab& scratch) {
  quantize_slab<T>(values, geometry, settings, scratch);
  const HuffmanCode code = build_huffman_code(scratch.histogram);
  const std::uint64_t bitstream_bytes = (encoded_bits(code, scratch.histogram) + 7) / 8;
  return {payload_head(code, scratch, bitstream_bytes).position() + bitstream_bytes,
          scratch.outlier_count};
}

template <class T>
void decode_chunk(std::span<const std::byte> payload, const ChunkRecord& record,
                  const SlabGeometry& geometry, const CodecSettings& settings, std::span<T> out,
                  const std::string& source) {
  if (kVerifyChecksums && crc32c(payload) != record.crc) {
    throw Error(source, "checksum mismatch: the chunk is corrupt");
  }
  std::vector<std::byte> inflated;
  if ((record.flags & kChunkZstd) != 0) {
    inflated = zstd_decompress(payload, payload_limit(geometry.size()), source);
    payload = inflated;
  } else if (record.flags != 0) {
    throw Error(source, fmt::format("unknown chunk flags {:#x}", record.flags));
  }
  ByteReader in(payload, source);
  const auto codebook = in.get<std::uint8_t>();
  if (codebook != static_cast<std::uint8_t>(CodebookSource::kInline)) {
    throw Error(source, fmt::format("unknown codebook source {}", codebook));
  }
  const HuffmanCode code = read_code_lengths(in, settings.quantizer.alphabet_size());
  const std::uint64_t outlier_count = in.get_varint_u64();
  if (outlier_count != record.outliers) {
    throw Error(source, "outlier count differs from the chunk table");
  }
  const auto outliers = in.get_bytes(in.get_varint_u64());
  const auto bits = in.get_bytes(in.get_varint_u64());
  in.expect_end();

  std::vector<std::uint16_t> codes(geometry.size());
  huffman_decode(code, bits, codes, source);
  dequantize_slab<T>(codes, outliers, outlier_count, geometry, settings.quantizer, out, source);
}

template EncodedChunk encode_chunk<float>(std::span<const float>, const SlabGeometry&,
                                          const CodecSettings&);
template EncodedChunk encode_chunk<double>(std::span<const double>, const SlabGeometry&,
                                           const CodecSettings&);
template ChunkSize measure_chunk<float>(std::span<const float>, const SlabGeometry&,
                                        const QuantizerSettings&, QuantizedSlab&);
template ChunkSize measure_chunk<double>(std::span<const double>, const SlabGeometry&,
                                         const QuantizerSettings&, QuantizedSlab&);
template void decode_chunk<float>(std::span<const std::byte>, const ChunkRecord&,
                                  const SlabGeometry&, const CodecSettings&, std::span<float>,
                                  const std::string&);
template void decode_chunk<double>(std::span<const std::byte>, const ChunkRecord&,
                                   const SlabGeometry&, const CodecSettings&, std::span<double>,
                                   const std::string&);

}  // namespace tessera::compress
