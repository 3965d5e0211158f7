// Chunk coding (chunk_coding.hpp): the chosen code, the Huffman coder and zstd glued by the
// payload layout of chunk_payload.hpp, with CRCs checked before anything is parsed.
#include "chunk_coding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "chunk_payload.hpp"
#include "lossless.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

// Largest raw body a chunk of `values` values can legitimately have: codes of at most 32 bits and
// a verbatim outlier record of at most 10 + 8 bytes per value, plus slack for the varints.
std::size_t body_limit(std::size_t values) { return values * 26 + (std::size_t{1} << 20); }

// The inline code that chunk `holder` stores, for the chunk `source` names, which reuses it.
HuffmanCode inline_code_of(std::span<const std::byte> stream, const StreamLayout& layout,
                           std::size_t holder, std::size_t alphabet, const std::string& source) {
  const ChunkRecord& record = layout.chunks[holder];
  const auto payload = stream.subspan(layout.offsets[holder], record.bytes);
  if (crc32c(payload) != record.crc) {
    throw Error(source, fmt::format("reuses the code of chunk {}, whose checksum does not match: "
                                    "that chunk is corrupt",
                                    holder));
  }
  if ((record.flags & kChunkConstant) != 0 ||
      codebook_source_of(payload, source) != CodebookSource::kInline) {
    throw Error(source, fmt::format("reuses the code of chunk {}, which stores none", holder));
  }
  ByteReader in(payload, fmt::format("{} (code of chunk {})", source, holder));
  in.skip(1);
  return read_code_lengths(in, alphabet);
}

// The adapted offline book an offline chunk's header names (after its source byte).
HuffmanCode offline_code_of(ByteReader& in, const SlabGeometry& geometry,
                            const CodecSettings& settings, const std::string& source) {
  const CodebookSet* set = settings.offline;
  if (set == nullptr) throw Error(source, "uses an offline codebook, but the stream has none");
  const std::uint64_t book = in.get_varint_u64();
  PinnedCounts counts;
  const std::uint64_t values = geometry.size();
  std::uint64_t left = values;
  bool fits = book < set->books.size();
  for (std::uint64_t& count : counts) {
    count = in.get_varint_u64();
    fits = fits && count <= left;
    left -= fits ? count : 0;
  }
  if (!fits) {
    throw Error(source,
                fmt::format("offline codebook {} with {} outlier, {} zero and {} fill "
                            "codes does not fit a set of {} books and a chunk of {} "
                            "values",
                            book, counts[0], counts[1], counts[2], set->books.size(), values));
  }
  return adapted_code(*set, book, counts, values, settings.quantizer);
}

}  // namespace

EncodedChunk encode_chunk(const QuantizedChunk& q, const CodebookChoice& choice,
                          const CodecSettings& settings) {
  // The payload is written in place: codebook header, body prefix, then the bitstream, whose size
  // choice.bits gives in advance.
  const std::uint64_t stream_bytes = bitstream_bytes(choice.bits);
  ByteWriter prefix("chunk");
  prefix.reserve(choice.header.size() + q.slab.outliers.size() + 3 * kMaxVarintBytes +
                 stream_bytes);
  const std::size_t body = put_payload_prefix(prefix, choice.header, q.slab, stream_bytes);
  std::vector<std::byte> payload = prefix.release();
  huffman_encode(*choice.code, q.slab.codes, payload);

  EncodedChunk chunk;
  chunk.source = choice.source;
  chunk.huffman_bits = choice.bits;
  chunk.optimal_bits = q.optimal_bits;
  chunk.record.outliers = q.slab.outlier_count;
  if (settings.lossless == Lossless::kZstd) {
    const auto frame = zstd_compress(std::span(payload).subspan(body), settings.zstd_level);
    if (frame.size() < payload.size() - body) {
      payload.resize(body + frame.size());
      std::ranges::copy(frame, payload.begin() + static_cast<std::ptrdiff_t>(body));
      chunk.record.flags |= kChunkZstd;
    }
  }
  chunk.record.bytes = payload.size();
  chunk.record.crc = crc32c(payload);
  chunk.payload = std::move(payload);
  return chunk;
}

template <class T>
std::optional<T> constant_value(std::span<const T> values, const QuantizerSettings& settings) {
  if (values.empty()) return std::nullopt;
  if (settings.fill_value) {  // all fill points, or none
    const T fill = static_cast<T>(*settings.fill_value);
    const bool first_is_fill = values.front() == fill;
    for (const T v : values) {
      if ((v == fill) != first_is_fill) return std::nullopt;
    }
    if (first_is_fill) return fill;
  }
  const double eb = settings.error_bound;
  double low = values.front(), high = values.front();
  for (const T v : values) {
    const double x = v;
    if (!std::isfinite(x)) return std::nullopt;
    low = std::min(low, x);
    high = std::max(high, x);
    if (high - low > 2 * eb) return std::nullopt;
  }
  const T middle = static_cast<T>(low + (high - low) / 2);  // checked: rounding to T may move it
  const double m = middle;
  if (!(m - low <= eb && high - m <= eb)) return std::nullopt;
  return middle;
}

template <class T>
EncodedChunk encode_constant_chunk(T value, std::size_t values) {
  ByteWriter out("constant chunk");
  out.put_varint_u64(values);
  out.put(value);
  EncodedChunk chunk;
  chunk.payload = out.release();
  chunk.record.flags = kChunkConstant;
  chunk.record.bytes = chunk.payload.size();
  chunk.record.crc = crc32c(chunk.payload);
  chunk.constant = true;
  return chunk;
}

template <class T>
ChunkSize measure_chunk(std::span<const T> values, const SlabGeometry& geometry,
                        const QuantizerSettings& settings, QuantizedSlab& scratch) {
  quantize_slab<T>(values, geometry, settings, scratch);
  const HuffmanCode code = build_huffman_code(scratch.histogram);
  ByteWriter table("code table");
  write_code_lengths(code, table);
  return {payload_bytes(inline_code_header(table.bytes()), scratch,
                        encoded_bits(code, scratch.histogram)),
          scratch.outlier_count};
}

template <class T>
void decode_chunk(std::span<const std::byte> stream, const StreamLayout& layout, std::size_t chunk,
                  const SlabGeometry& geometry, const CodecSettings& settings, std::span<T> out,
                  const std::string& source) {
  const ChunkRecord& record = layout.chunks[chunk];
  const auto payload = stream.subspan(layout.offsets[chunk], record.bytes);
  if (crc32c(payload) != record.crc) {
    throw Error(source, "checksum mismatch: the chunk is corrupt");
  }
  if ((record.flags & kChunkConstant) != 0) {
    if (record.flags != kChunkConstant || record.outliers != 0) {
      throw Error(source, fmt::format("invalid constant chunk: flags {:#x}, {} outliers",
                                      record.flags, record.outliers));
    }
    ByteReader in(payload, source);
    const std::uint64_t values = in.get_varint_u64();
    const T value = in.get<T>();
    in.expect_end();
    if (values != geometry.size()) {
      throw Error(source, fmt::format("constant chunk of {} values where the header's shape puts "
                                      "{}: the header and the chunk disagree",
                                      values, geometry.size()));
    }
    std::ranges::fill(out, value);
    return;
  }
  if ((record.flags & ~kChunkZstd) != 0) {
    throw Error(source, fmt::format("unknown chunk flags {:#x}", record.flags));
  }
  const std::size_t alphabet = settings.quantizer.alphabet_size();
  ByteReader in(payload, source);
  const CodebookSource codebook = codebook_source_of(payload, source);
  in.skip(1);
  HuffmanCode code;
  switch (codebook) {
    case CodebookSource::kInline:
      code = read_code_lengths(in, alphabet);
      break;
    case CodebookSource::kOffline:
      code = offline_code_of(in, geometry, settings, source);
      break;
    case CodebookSource::kReused: {
      const std::uint64_t distance = in.get_varint_u64();
      if (distance == 0 || distance > chunk) {
        throw Error(source, fmt::format("reuses the code of a chunk {} back, which does not exist",
                                        distance));
      }
      code = inline_code_of(stream, layout, chunk - distance, alphabet, source);
      break;
    }
  }
  std::span<const std::byte> body = in.get_bytes(in.remaining());
  std::vector<std::byte> inflated;
  if ((record.flags & kChunkZstd) != 0) {
    inflated = zstd_decompress(body, body_limit(geometry.size()), source);
    body = inflated;
  }
  ByteReader reader(body, source);
  const std::uint64_t outlier_count = reader.get_varint_u64();
  if (outlier_count != record.outliers) {
    throw Error(source, "outlier count differs from the chunk table");
  }
  const auto outliers = reader.get_bytes(reader.get_varint_u64());
  const auto bits = reader.get_bytes(reader.get_varint_u64());
  reader.expect_end();

  std::vector<std::uint16_t> codes(geometry.size());
  huffman_decode(code, bits, codes, source);
  dequantize_slab<T>(codes, outliers, outlier_count, geometry, settings.quantizer, out, source);
}

template std::optional<float> constant_value<float>(std::span<const float>,
                                                    const QuantizerSettings&);
template std::optional<double> constant_value<double>(std::span<const double>,
                                                      const QuantizerSettings&);
template EncodedChunk encode_constant_chunk<float>(float, std::size_t);
template EncodedChunk encode_constant_chunk<double>(double, std::size_t);
template ChunkSize measure_chunk<float>(std::span<const float>, const SlabGeometry&,
                                        const QuantizerSettings&, QuantizedSlab&);
template ChunkSize measure_chunk<double>(std::span<const double>, const SlabGeometry&,
                                         const QuantizerSettings&, QuantizedSlab&);
template void decode_chunk<float>(std::span<const std::byte>, const StreamLayout&, std::size_t,
                                  const SlabGeometry&, const CodecSettings&, std::span<float>,
                                  const std::string&);
template void decode_chunk<double>(std::span<const std::byte>, const StreamLayout&, std::size_t,
                                   const SlabGeometry&, const CodecSettings&, std::span<double>,
                                   const std::string&);

}  // namespace tessera::compress
