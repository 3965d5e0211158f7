// Chunk codec: every codebook source (own code, adapted offline book, reused earlier code) decodes
// within the bound, choices follow the codebook mode, and payloads that name missing or unusable
// codes fail with clear errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "chunk_coding.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::compress {
namespace {

constexpr std::size_t kRows = 48;
constexpr std::size_t kCols = 64;
const SlabGeometry kGeometry{1, kRows, kCols, 0, 0};

/// Smooth values with noise of `noise`, the first `fills` points set to the fill value -999.
std::vector<float> chunk_values(std::uint64_t seed, double noise, std::size_t fills = 0) {
  const CounterRng rng(seed, 0);
  std::vector<float> v(kRows * kCols);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = static_cast<double>(i % kCols);
    const double y = static_cast<double>(i / kCols);
    v[i] = i < fills
               ? -999.0f
               : static_cast<float>(5 * std::sin(0.1 * x + 0.07 * y) + rng.normal(i, 0, noise));
  }
  return v;
}

CodecSettings settings(Lossless lossless = Lossless::kZstd) {
  return {{0.01, kDefaultRadius, -999.0}, lossless, 3, &default_codebook_set()};
}

/// Payloads of encoded chunks, laid out back to back as in a stream.
struct Stream {
  std::vector<std::byte> bytes;
  StreamLayout layout;

  void add(const std::vector<std::byte>& payload, const ChunkRecord& record) {
    layout.offsets.push_back(bytes.size());
    layout.chunks.push_back(record);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
  }
  void add(const EncodedChunk& chunk) { add(chunk.payload, chunk.record); }
  /// A chunk whose payload is `payload` (no outliers, no zstd).
  void add_raw(const std::vector<std::byte>& payload) {
    add(payload, ChunkRecord{payload.size(), 0, 0, crc32c(payload)});
  }
};

/// The selector's choice for chunk `chunk`, as the compressor makes it.
CodebookChoice pick(CodebookSelector& selector, std::size_t chunk, const QuantizedChunk& q) {
  return selector.choose(chunk, q, selector.offline_candidate(q));
}

void expect_decodes_within_bound(const Stream& s, std::size_t chunk,
                                 const std::vector<float>& original, const CodecSettings& c) {
  std::vector<float> out(original.size());
  decode_chunk<float>(s.bytes, s.layout, chunk, kGeometry, c, out, "chunk");
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (original[i] == -999.0f) {
      EXPECT_EQ(out[i], -999.0f) << i;
    } else {
      EXPECT_LE(std::fabs(out[i] - original[i]), c.quantizer.error_bound * (1 + 1e-6)) << i;
    }
  }
}

void expect_decode_error(const Stream& s, std::size_t chunk, const CodecSettings& c,
                         const std::string& text) {
  std::vector<float> out(kRows * kCols);
  tessera::testing::expect_error(
      [&] { decode_chunk<float>(s.bytes, s.layout, chunk, kGeometry, c, out, "bad chunk"); },
      {.input = "bad chunk", .contains = text});
}

TEST(Codec, EverySourceDecodesWithinTheBound) {
  for (Lossless lossless : {Lossless::kZstd, Lossless::kNone}) {
    const CodecSettings c = settings(lossless);
    CodebookSelector inline_only(CodebookMode::kInline, c);
    CodebookSelector offline_only(CodebookMode::kOffline, c);
    const std::vector<float> a = chunk_values(1, 0.05, 500), b = chunk_values(2, 0.05);
    const QuantizedChunk qa = quantize_chunk<float>(a, kGeometry, c.quantizer);
    const QuantizedChunk qb = quantize_chunk<float>(b, kGeometry, c.quantizer);

    Stream s;
    const CodebookChoice own = pick(inline_only, 0, qa);
    ASSERT_EQ(own.source, CodebookSource::kInline);
    s.add(encode_chunk(qa, own, c));
    const CodebookChoice book = pick(offline_only, 1, qa);
    ASSERT_EQ(book.source, CodebookSource::kOffline);
    s.add(encode_chunk(qa, book, c));
    // Chunk 2 reuses chunk 0's code (built for a, so it covers b's codes only if they match).
    ByteWriter reused;
    reused.put(static_cast<std::uint8_t>(CodebookSource::kReused));
    reused.put_varint_u64(2);
    s.add(encode_chunk(qa, {CodebookSource::kReused, reused.release(), own.code, own.bits}, c));
    s.add(encode_chunk(qb, pick(offline_only, 3, qb), c));

    for (std::size_t chunk = 0; chunk < 3; ++chunk) expect_decodes_within_bound(s, chunk, a, c);
    expect_decodes_within_bound(s, 3, b, c);
    EXPECT_EQ(codebook_source_of(std::span(s.bytes).subspan(s.layout.offsets[2]), "chunk 2"),
              CodebookSource::kReused);
  }
}

TEST(Codec, AutoPicksTheSmallestAndReusesTheOnlineCode) {
  // Books trained on data like the noisy chunk below.
  Field training = make_field("training", DataType::kFloat32, {kRows, kCols});
  std::ranges::copy(chunk_values(5, 0.2), training.values<float>().begin());
  TrainingOptions options;
  options.bit_rates = {5, 6, 7};
  std::vector<Field> fields;
  fields.push_back(std::move(training));
  const CodebookSet set = train_codebooks(fields, options);
  CodecSettings c = settings(Lossless::kNone);
  c.offline = &set;
  CodebookSelector automatic(CodebookMode::kAuto, c);
  CodebookSelector inline_only(CodebookMode::kInline, c);
  // A chunk of a few far-apart residuals, which no offline book codes well: its own code wins,
  // and the next chunk with the same codes reuses it rather than storing it again.
  std::vector<float> comb(kRows * kCols);
  for (std::size_t i = 0; i < comb.size(); ++i) comb[i] = static_cast<float>((i * i % 7) * 1.5);
  const QuantizedChunk q = quantize_chunk<float>(comb, kGeometry, c.quantizer);
  const CodebookChoice first = pick(automatic, 0, q);
  EXPECT_EQ(first.source, CodebookSource::kInline);
  const CodebookChoice second = pick(automatic, 1, q);
  EXPECT_EQ(second.source, CodebookSource::kReused);
  const EncodedChunk reused = encode_chunk(q, second, c);
  const EncodedChunk own = encode_chunk(q, pick(inline_only, 1, q), c);
  EXPECT_LT(reused.payload.size(), own.payload.size());
  EXPECT_EQ(reused.huffman_bits, own.huffman_bits);
  // Noisy data has many codes, which a matching offline book codes for less than their table costs.
  const QuantizedChunk smooth = quantize_chunk<float>(chunk_values(3, 0.2), kGeometry, c.quantizer);
  const CodebookChoice offline = pick(automatic, 2, smooth);

  EXPECT_EQ(offline.source, CodebookSource::kOffline);
  EXPECT_LT(encode_chunk(smooth, offline, c).payload.size(),
            encode_chunk(smooth, pick(inline_only, 2, smooth), c).payload.size());
}

TEST(Codec, OfflineModeNeedsASetOfTheQuantizerRadius) {
  CodecSettings c = settings();
  c.offline = nullptr;
  EXPECT_THROW(CodebookSelector(CodebookMode::kOffline, c), Error);
  EXPECT_NO_THROW(CodebookSelector(CodebookMode::kAuto, c));
  c = settings();
  c.quantizer.radius = 100;
  EXPECT_THROW(CodebookSelector(CodebookMode::kAuto, c), Error);
  EXPECT_NO_THROW(CodebookSelector(CodebookMode::kInline, c));
}

TEST(Codec, PayloadsNamingMissingOrUnusableCodesFailCleanly) {
  const CodecSettings c = settings(Lossless::kNone);
  const std::vector<float> a = chunk_values(4, 0.05);
  const QuantizedChunk q = quantize_chunk<float>(a, kGeometry, c.quantizer);
  CodebookSelector offline_only(CodebookMode::kOffline, c);
  const auto payload = [](std::initializer_list<std::uint64_t> header) {
    ByteWriter w;
    for (std::uint64_t v : header) w.put_varint_u64(v);
    return w.release();
  };

  Stream s;
  s.add(encode_chunk(q, pick(offline_only, 0, q), c));  // chunk 0: offline
  s.add_raw(payload({2, 1, 0}));                        // 1: reuses chunk 0, which has no code
  s.add_raw(payload({2, 5, 0}));                        // 2: reuses a chunk before the first
  s.add_raw(payload({1, 99, 0, 0, 0, 0}));              // 3: book 99
  s.add_raw(payload({1, 0, 0, 5000, 0, 0}));            // 4: more zero codes than values
  s.add_raw(payload({7, 0}));                           // 5: unknown source
  s.add_raw(payload({1, 0, 1200, 1200, 1200, 0}));      // 6: more pinned codes than values
  expect_decode_error(s, 1, c, "reuses the code of chunk 0, which stores none");
  expect_decode_error(s, 2, c, "reuses the code of a chunk 5 back, which does not exist");
  expect_decode_error(s, 3, c, "offline codebook 99");
  expect_decode_error(s, 4, c, "5000 zero");
  expect_decode_error(s, 5, c, "unknown codebook source 7");
  expect_decode_error(s, 6, c, "1200 outlier, 1200 zero and 1200 fill codes does not fit");
  CodecSettings no_set = c;
  no_set.offline = nullptr;
  expect_decode_error(s, 0, no_set, "uses an offline codebook, but the stream has none");

  // A reused code whose holder is corrupt.
  Stream t;
  CodebookSelector inline_only(CodebookMode::kInline, c);
  t.add(encode_chunk(q, pick(inline_only, 0, q), c));
  t.add_raw(payload({2, 1}));
  t.bytes[5] ^= std::byte{1};
  expect_decode_error(t, 1, c, "whose checksum does not match");
}

}  // namespace
}  // namespace tessera::compress
