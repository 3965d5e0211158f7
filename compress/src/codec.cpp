// Chunk encoding and decoding: quantizer, codebook choice (offline books, online reuse, own code),
// Huffman coder and zstd glued by the payload layout of codec.hpp, with CRCs checked before
// anything is parsed.
#include "codec.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>

#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

// Hash table bits of the zstd match finder. Chunk bodies are a few to a few hundred KB of Huffman
// output, where zstd gains by entropy-coding the bytes and by a few long matches (runs of the
// zero-residual code); a 2^8-entry table finds those as well as the level's default (sizes
// within ±0.5% on the benchmark fields) and costs far less to clear for every frame.
constexpr int kZstdHashLog = 8;

// A zstd frame of `raw`, valid until the calling thread's next call. Each thread keeps its
// compression context and output buffer: a reused context resets its tables instead of allocating
// new ones for every chunk, and its frames are the same as a fresh context's.
std::span<const std::byte> zstd_compress(std::span<const std::byte> raw, int level) {
  struct Scratch {
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context{ZSTD_createCCtx(), &ZSTD_freeCCtx};
    std::unique_ptr<std::byte[]> frame;
    std::size_t capacity = 0;
  };
  thread_local Scratch scratch;
  ZSTD_CCtx* context = scratch.context.get();
  if (context == nullptr) throw Error("zstd", "cannot allocate a compression context");
  const std::size_t bound = ZSTD_compressBound(raw.size());
  if (bound > scratch.capacity) {
    scratch.frame = std::make_unique_for_overwrite<std::byte[]>(bound);
    scratch.capacity = bound;
  }
  const auto check = [](std::size_t result) {
    if (ZSTD_isError(result) != 0) throw Error("zstd", ZSTD_getErrorName(result));
    return result;
  };
  check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level));
  check(ZSTD_CCtx_setParameter(context, ZSTD_c_hashLog, kZstdHashLog));
  const std::size_t n =
      check(ZSTD_compress2(context, scratch.frame.get(), bound, raw.data(), raw.size()));
  return {scratch.frame.get(), n};
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

// Largest raw body a chunk of `values` values can legitimately have: codes of at most 32 bits and
// a verbatim outlier record of at most 10 + 8 bytes per value, plus slack for the varints.
std::size_t body_limit(std::size_t values) { return values * 26 + (std::size_t{1} << 20); }

// Bytes of `value` as a varint.
std::size_t varint_bytes(std::uint64_t value) {
  return value == 0 ? 1 : (static_cast<std::size_t>(std::bit_width(value)) + 6) / 7;
}

// Payload bytes before zstd that depend on the code: its header and the bitstream with its length.
std::uint64_t coded_bytes(const CodebookChoice& choice) {
  const std::uint64_t stream_bytes = (choice.bits + 7) / 8;
  return choice.header.size() + varint_bytes(stream_bytes) + stream_bytes;
}

ByteWriter choice_header(CodebookSource source) {
  ByteWriter header("codebook choice");
  header.put(static_cast<std::uint8_t>(source));
  return header;
}

// Whether `code` has a codeword for every symbol that occurs in `histogram`.
bool covers(const HuffmanCode& code, std::span<const std::uint64_t> histogram) {
  for (std::size_t s = 0; s < histogram.size(); ++s) {
    if (histogram[s] > 0 && (s >= code.lengths.size() || code.lengths[s] == 0)) return false;
  }
  return true;
}

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
  if (codebook_source_of(payload, source) != CodebookSource::kInline) {
    throw Error(source, fmt::format("reuses the code of chunk {}, which stores none", holder));
  }
  ByteReader in(payload, fmt::format("{} (code of chunk {})", source, holder));
  in.skip(1);
  return read_code_lengths(in, alphabet);
}

}  // namespace

std::array<std::uint32_t, kPinnedCodes> pinned_codes(const QuantizerSettings& q) {
  return {0, q.radius, q.fill_code()};
}

AdaptedBook::AdaptedBook(const HuffmanCode& book, const QuantizerSettings& q)
    : pinned_(pinned_codes(q)), alphabet_(book.lengths.size()) {
  for (std::size_t s = 0; s < alphabet_; ++s) {
    if (std::ranges::find(pinned_, s) != pinned_.end()) continue;
    const std::uint64_t weight = std::uint64_t{1} << (kMaxCodeLength - book.lengths[s]);
    others_ += weight;
    unpinned_.push_back({weight, static_cast<std::uint32_t>(s)});
  }
  sort_leaves(unpinned_);
}

double AdaptedBook::log_unpinned() const { return std::log2(static_cast<double>(others_)); }

HuffmanCode AdaptedBook::code_for(PinnedCounts counts, std::uint64_t values) const {
  // Products below 2^64: counts are below 2^32, the weights sum to at most 2^32.
  std::uint64_t pinned_total = 0;
  for (std::uint64_t count : counts) pinned_total += count;
  const std::uint64_t rest = std::max<std::uint64_t>(1, values - pinned_total);
  std::array<HuffmanLeaf, kPinnedCodes> pinned;
  for (std::size_t p = 0; p < kPinnedCodes; ++p) {
    pinned[p] = {std::max<std::uint64_t>(1, others_ * counts[p] / rest), pinned_[p]};
  }
  const auto lighter = [](const HuffmanLeaf& a, const HuffmanLeaf& b) {
    return a.weight != b.weight ? a.weight < b.weight : a.symbol < b.symbol;
  };
  std::ranges::sort(pinned, lighter);
  std::vector<HuffmanLeaf> leaves(unpinned_.size() + pinned.size());
  std::ranges::merge(unpinned_, pinned, leaves.begin(), lighter);
  return build_huffman_code_sorted(leaves, alphabet_);
}

std::shared_ptr<const std::vector<AdaptedBook>> adapted_books(const CodebookSet& set) {
  const auto adapt = [](const CodebookSet& books) {
    QuantizerSettings quantizer;
    quantizer.radius = books.radius;
    auto adapted = std::make_shared<std::vector<AdaptedBook>>();
    for (const OfflineCodebook& book : books.books) adapted->emplace_back(book.code, quantizer);
    return adapted;
  };
  static const std::shared_ptr<const std::vector<AdaptedBook>> built_in =
      adapt(default_codebook_set());
  return &set == &default_codebook_set() ? built_in : adapt(set);
}

template <class T>
QuantizedChunk quantize_chunk(std::span<const T> values, const SlabGeometry& geometry,
                              const QuantizerSettings& settings) {
  QuantizedChunk q;
  quantize_slab<T>(values, geometry, settings, q.slab);
  auto code = std::make_shared<HuffmanCode>(build_huffman_code(q.slab.histogram));
  ByteWriter table("code table");
  write_code_lengths(*code, table);
  q.table = table.release();
  q.optimal_bits = encoded_bits(*code, q.slab.histogram);
  q.code = std::move(code);
  return q;
}

CodebookSelector::CodebookSelector(CodebookMode mode, const CodecSettings& settings)
    : mode_(mode),
      offline_(mode == CodebookMode::kInline ? nullptr : settings.offline),
      quantizer_(settings.quantizer) {
  if (mode == CodebookMode::kOffline && offline_ == nullptr) {
    throw usage_error("codebook mode", "offline needs an offline codebook set");
  }
  if (offline_ == nullptr) return;
  if (offline_->radius != quantizer_.radius) {
    throw usage_error("codebook set", fmt::format("has radius {}, the quantizer {}",
                                                  offline_->radius, quantizer_.radius));
  }
  books_ = adapted_books(*offline_);
}

std::optional<CodebookChoice> CodebookSelector::offline_candidate(const QuantizedChunk& q) const {
  if (offline_ == nullptr) return std::nullopt;
  const std::vector<std::uint64_t>& histogram = q.slab.histogram;
  const std::array<std::uint32_t, kPinnedCodes> pinned = pinned_codes(quantizer_);
  PinnedCounts counts;
  std::uint64_t pinned_total = 0;
  for (std::size_t p = 0; p < kPinnedCodes; ++p) {
    counts[p] = histogram[pinned[p]];
    pinned_total += counts[p];
  }
  const std::uint64_t values = q.slab.codes.size();
  // Adapted to the chunk, book k codes an unpinned symbol s in about length_k(s) + log2(unpinned
  // weight of k) bits, plus terms that are the same for every book: pick the smallest estimate.
  const auto rest = static_cast<double>(values - pinned_total);
  std::size_t best = 0;
  double best_estimate = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < offline_->books.size(); ++k) {
    const std::vector<std::uint8_t>& lengths = offline_->books[k].code.lengths;
    std::uint64_t bits = 0;
    for (std::size_t s = 0; s < histogram.size(); ++s) bits += histogram[s] * lengths[s];
    for (std::size_t p = 0; p < kPinnedCodes; ++p) bits -= counts[p] * lengths[pinned[p]];
    const double estimate = static_cast<double>(bits) + rest * (*books_)[k].log_unpinned();
    if (estimate < best_estimate) {
      best = k;
      best_estimate = estimate;
    }
  }
  ByteWriter header = choice_header(CodebookSource::kOffline);
  header.put_varint_u64(best);
  for (std::uint64_t count : counts) header.put_varint_u64(count);
  auto code = std::make_shared<const HuffmanCode>((*books_)[best].code_for(counts, values));
  const std::uint64_t bits = encoded_bits(*code, histogram);
  return CodebookChoice{CodebookSource::kOffline, header.release(), std::move(code), bits};
}

CodebookChoice CodebookSelector::choose(std::size_t chunk, const QuantizedChunk& q,
                                        std::optional<CodebookChoice> offline) {
  if (mode_ == CodebookMode::kOffline) return std::move(offline.value());
  ByteWriter own_header = choice_header(CodebookSource::kInline);
  own_header.put_bytes(q.table);
  CodebookChoice best{CodebookSource::kInline, own_header.release(), q.code, q.optimal_bits};
  if (mode_ == CodebookMode::kAuto) {
    std::vector<CodebookChoice> candidates;
    if (offline) candidates.push_back(std::move(*offline));
    if (online_code_ != nullptr && covers(*online_code_, q.slab.histogram)) {
      ByteWriter header = choice_header(CodebookSource::kReused);
      header.put_varint_u64(chunk - online_chunk_);
      candidates.push_back({CodebookSource::kReused, header.release(), online_code_,
                            encoded_bits(*online_code_, q.slab.histogram)});
    }
    for (CodebookChoice& candidate : candidates) {
      if (coded_bytes(candidate) < coded_bytes(best)) best = std::move(candidate);
    }
  }
  if (best.source == CodebookSource::kInline) {
    online_chunk_ = chunk;
    online_code_ = best.code;
  }
  return best;
}

EncodedChunk encode_chunk(const QuantizedChunk& q, const CodebookChoice& choice,
                          const CodecSettings& settings) {
  // The payload is written in place: codebook header, body prefix, then the bitstream, whose size
  // choice.bits gives in advance.
  const std::uint64_t stream_bytes = (choice.bits + 7) / 8;
  ByteWriter prefix("chunk");
  prefix.reserve(choice.header.size() + q.slab.outliers.size() + 3 * kMaxVarintBytes +
                 stream_bytes);
  prefix.put_bytes(choice.header);
  const std::size_t body = prefix.position();
  prefix.put_varint_u64(q.slab.outlier_count);
  prefix.put_varint_u64(q.slab.outliers.size());
  prefix.put_bytes(q.slab.outliers);
  prefix.put_varint_u64(stream_bytes);
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
ChunkSize measure_chunk(std::span<const T> values, const SlabGeometry& geometry,
                        const QuantizerSettings& settings, QuantizedSlab& scratch) {
  quantize_slab<T>(values, geometry, settings, scratch);
  const HuffmanCode code = build_huffman_code(scratch.histogram);
  ByteWriter table("code table");
  write_code_lengths(code, table);
  const std::uint64_t stream_bytes = (encoded_bits(code, scratch.histogram) + 7) / 8;
  // encode_chunk's layout: source byte, code table, then the body.
  const std::uint64_t body = varint_bytes(scratch.outlier_count) +
                             varint_bytes(scratch.outliers.size()) + scratch.outliers.size() +
                             varint_bytes(stream_bytes) + stream_bytes;
  return {1 + table.position() + body, scratch.outlier_count};
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
    case CodebookSource::kOffline: {
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
      // Only the built-in set's books are adapted ahead; a custom set's book is adapted here.
      code = set == &default_codebook_set()
                 ? (*adapted_books(*set))[book].code_for(counts, values)
                 : AdaptedBook(set->books[book].code, settings.quantizer).code_for(counts, values);
      break;
    }
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

template ChunkSize measure_chunk<float>(std::span<const float>, const SlabGeometry&,
                                        const QuantizerSettings&, QuantizedSlab&);
template ChunkSize measure_chunk<double>(std::span<const double>, const SlabGeometry&,
                                         const QuantizerSettings&, QuantizedSlab&);
template QuantizedChunk quantize_chunk<float>(std::span<const float>, const SlabGeometry&,
                                              const QuantizerSettings&);
template QuantizedChunk quantize_chunk<double>(std::span<const double>, const SlabGeometry&,
                                               const QuantizerSettings&);
template void decode_chunk<float>(std::span<const std::byte>, const StreamLayout&, std::size_t,
                                  const SlabGeometry&, const CodecSettings&, std::span<float>,
                                  const std::string&);
template void decode_chunk<double>(std::span<const std::byte>, const StreamLayout&, std::size_t,
                                   const SlabGeometry&, const CodecSettings&, std::span<double>,
                                   const std::string&);

}  // namespace tessera::compress
