// Offline codebook sets: the .tcb round trip and its validation of corrupt input, the built-in set,
// how streams name their set, deterministic training, and the quality of the built-in books on
// real fields at matched bit-rates (within 10% of each chunk's optimal code).
#include "tessera/compress/codebook.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tessera/compress/compressor.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "test_fields.hpp"

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;
using tessera::testing::expect_error;

/// A smooth 2-D field with noise of relative size `noise`.
Field noisy_waves(std::size_t rows, std::size_t cols, double noise, std::uint64_t seed) {
  Field f = make_field("waves", DataType::kFloat32, {rows, cols});
  const CounterRng rng(seed, 0);
  auto v = f.values<float>();
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double x = static_cast<double>(i % cols);
    const double y = static_cast<double>(i / cols);
    v[i] = static_cast<float>(10 * std::sin(0.05 * x) * std::cos(0.03 * y) +
                              rng.normal(i, 0.0, noise));
  }
  return f;
}

/// A small valid set: two books over radius 4 (9 symbols).
CodebookSet small_set() {
  CodebookSet set{4, {}};
  set.books.push_back(
      {1.5, build_huffman_code(std::vector<std::uint64_t>{1, 1, 2, 8, 90, 8, 2, 1, 1})});
  set.books.push_back(
      {3, build_huffman_code(std::vector<std::uint64_t>{1, 2, 4, 8, 9, 8, 4, 2, 1})});
  return set;
}

/// `body` (everything after the magic) with the magic in front and a correct checksum behind.
std::vector<std::byte> with_checksum(const ByteWriter& body) {
  ByteWriter out;
  for (std::uint8_t b : kCodebookMagic) out.put(b);
  out.put_bytes(body.bytes());
  out.put(crc32c(out.bytes()));
  return out.release();
}

/// Expects decode_codebook_set to reject `bytes` with a problem that contains `text`.
void expect_rejected(std::span<const std::byte> bytes, const std::string& text) {
  expect_error([&] { decode_codebook_set(bytes, "books.tcb"); },
               {.input = "books.tcb", .contains = text});
}

TEST(CodebookSetFile, RoundTripsInMemoryAndOnDisk) {
  const CodebookSet set = small_set();
  const std::vector<std::byte> bytes = encode_codebook_set(set);
  const CodebookSet back = decode_codebook_set(bytes, "memory");
  ASSERT_EQ(back.books.size(), 2u);
  EXPECT_EQ(back.radius, 4u);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(back.books[k].bits_per_value, set.books[k].bits_per_value);
    EXPECT_EQ(back.books[k].code.lengths, set.books[k].code.lengths);
    EXPECT_EQ(back.books[k].code.codewords, set.books[k].code.codewords);
  }
  EXPECT_EQ(encode_codebook_set(back), bytes);
  EXPECT_EQ(codebook_set_hash(back), codebook_set_hash(set));

  const tessera::testing::TempDir folder;
  write_codebook_set(folder / "books.tcb", set);
  EXPECT_EQ(encode_codebook_set(read_codebook_set(folder / "books.tcb")), bytes);
}

TEST(CodebookSetFile, TruncatedOrFlippedFilesFailCleanly) {
  const std::vector<std::byte> bytes = encode_codebook_set(small_set());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THROW(decode_codebook_set(std::span(bytes).first(cut), "cut.tcb"), Error) << cut;
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      auto bad = bytes;
      bad[i] ^= std::byte{static_cast<unsigned char>(1u << bit)};
      EXPECT_THROW(decode_codebook_set(bad, "flipped.tcb"), Error) << i << " " << bit;
    }
  }
  auto bad = bytes;
  bad[1] = std::byte{'X'};
  expect_rejected(bad, "not a tessera codebook set");
  bad = bytes;
  bad.back() ^= std::byte{1};
  expect_rejected(bad, "checksum mismatch");
}

TEST(CodebookSetFile, ValidChecksumsOverInvalidContentAreRejected) {
  const HuffmanCode flat9 = build_huffman_code(std::vector<std::uint64_t>(9, 1));
  // version, radius, count, books as (bit-rate, code); `tweak` edits the fields.
  struct Content {
    std::uint16_t version = kCodebookFormatVersion;
    std::uint32_t radius = 4;
    std::uint64_t count = 1;
    std::vector<double> rates = {2};
    HuffmanCode code;
  };
  const auto encode = [](const Content& c) {
    ByteWriter body;
    body.put(c.version);
    body.put(c.radius);
    body.put_varint_u64(c.count);
    for (double r : c.rates) {
      body.put(r);
      write_code_lengths(c.code, body);
    }
    return with_checksum(body);
  };
  Content good{.code = flat9};
  EXPECT_NO_THROW(decode_codebook_set(encode(good), "good.tcb"));

  Content c = good;
  c.version = 9;
  expect_rejected(encode(c), "version 9 is not supported");
  c = good;
  c.radius = 1;
  expect_rejected(encode(c), "radius 1 is outside");
  c = good;
  c.count = 0;
  c.rates = {};
  expect_rejected(encode(c), "has 0 books");
  c = good;
  c.count = 2;
  c.rates = {3, 2};
  expect_rejected(encode(c), "bit-rates must increase");
  c = good;
  c.rates = {std::nan("")};
  expect_rejected(encode(c), "bit-rates must increase");
  c = good;
  c.count = 2;  // one book missing
  expect_rejected(encode(c), "");
  c = good;
  std::vector<std::uint64_t> partial(9, 1);
  partial[3] = 0;
  c.code = build_huffman_code(partial);
  expect_rejected(encode(c), "does not give each of the 9 symbols");

  ByteWriter trailing;
  trailing.put(kCodebookFormatVersion);
  trailing.put(std::uint32_t{4});
  trailing.put_varint_u64(1);
  trailing.put(2.0);
  write_code_lengths(flat9, trailing);
  trailing.put(std::uint8_t{0});
  expect_rejected(with_checksum(trailing), "");
  EXPECT_THROW(encode_codebook_set(CodebookSet{4, {}}), Error);
}

TEST(DefaultCodebookSet, IsValidAndCodesEverySymbolOfRadius512) {
  const CodebookSet& set = default_codebook_set();
  EXPECT_EQ(set.radius, kDefaultRadius);
  EXPECT_GE(set.books.size(), 4u);
  for (const OfflineCodebook& book : set.books) {
    EXPECT_EQ(book.code.lengths.size(), 2 * kDefaultRadius + 1);
    EXPECT_EQ(std::ranges::count(book.code.lengths, 0), 0);
  }
  EXPECT_EQ(codebook_set_hash(decode_codebook_set(encode_codebook_set(set), "again")),
            codebook_set_hash(set));
}

TEST(CodebookSetLookup, StreamsFindTheirSetOrSayWhatIsMissing) {
  StreamHeader header;
  header.radius = kDefaultRadius;
  EXPECT_EQ(codebook_set_for(header, nullptr, "none.tsz"), nullptr);

  header.codebook_set = kDefaultCodebookSet;
  header.codebook_hash = codebook_set_hash(default_codebook_set());
  EXPECT_EQ(codebook_set_for(header, nullptr, "built-in.tsz"), &default_codebook_set());
  header.codebook_hash ^= 1;
  EXPECT_THROW(codebook_set_for(header, nullptr, "old.tsz"), Error);

  const CodebookSet custom = small_set();
  header.radius = 4;
  header.codebook_set = kCustomCodebookSet;
  header.codebook_hash = codebook_set_hash(custom);
  EXPECT_EQ(codebook_set_for(header, &custom, "custom.tsz"), &custom);
  expect_error([&] { codebook_set_for(header, nullptr, "custom.tsz"); },
               {.input = "custom.tsz", .contains = "custom codebook set"});
  CodebookSet other = custom;
  other.books.pop_back();
  EXPECT_THROW(codebook_set_for(header, &other, "custom.tsz"), Error);

  header.codebook_set = 7;
  expect_error([&] { codebook_set_for(header, &custom, "future.tsz"); },
               {.contains = "built-in codebook set 7, which this build lacks"});
}

TEST(CodebookTraining, TunesBoundsToBitRates) {
  const Field f = noisy_waves(96, 160, 0.01, 1);
  for (double target : {1.5, 3.0, 5.0}) {
    const double eb = error_bound_for_bit_rate(f, target, kDefaultRadius, 4096);
    EXPECT_NEAR(code_statistics(f, eb, kDefaultRadius, 4096).bits_per_value(), target, 0.02);
  }
  const Field constant = make_field("flat", DataType::kFloat32, {100});
  EXPECT_THROW(error_bound_for_bit_rate(constant, 2, kDefaultRadius, 4096), Error);
}

TEST(CodebookTraining, IsDeterministicForAnyThreadCount) {
  std::vector<Field> fields;
  fields.push_back(noisy_waves(64, 200, 0.01, 2));
  fields.push_back(noisy_waves(80, 96, 0.1, 3));
  TrainingOptions options;
  options.bit_rates = {1.5, 2, 3, 4};
  options.chunk_values = 2048;
  std::vector<std::byte> one, two;
  std::vector<TrainingPoint> report;
  {
    const ThreadCountScope threads(1);
    one = encode_codebook_set(train_codebooks(fields, options, &report));
  }
  {
    const ThreadCountScope threads(2);
    two = encode_codebook_set(train_codebooks(fields, options));
  }
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, encode_codebook_set(train_codebooks(fields, options)));
  const CodebookSet set = decode_codebook_set(one, "trained");
  ASSERT_EQ(set.books.size(), 5u);  // the four bit-rates and the flat book
  EXPECT_EQ(set.books[2].bits_per_value, 3.0);
  EXPECT_DOUBLE_EQ(set.books[4].bits_per_value, std::log2(2.0 * kDefaultRadius + 1));
  const std::vector<std::uint8_t>& flat = set.books[4].code.lengths;
  EXPECT_LE(*std::ranges::max_element(flat) - *std::ranges::min_element(flat), 1);
  ASSERT_EQ(report.size(), 8u);
  for (const TrainingPoint& p : report) {
    EXPECT_TRUE(p.used) << p.field << " " << p.target;
    EXPECT_NEAR(p.bits_per_value, p.target, 0.05 * p.target);
  }
}

TEST(CodebookTraining, BadOptionsAreUsageErrors) {
  std::vector<Field> fields;
  fields.push_back(noisy_waves(16, 16, 0.01, 4));
  const auto expect_usage = [&](std::span<const Field> f, const TrainingOptions& o) {
    expect_error([&] { train_codebooks(f, o); }, {.code = ExitCode::kUsage});
  };
  TrainingOptions options;
  expect_usage({}, options);
  options.bit_rates = {2, 2};
  expect_usage(fields, options);
  options.bit_rates = {0.5};
  expect_usage(fields, options);
  options.bit_rates = {2};
  options.radius = 1;
  expect_usage(fields, options);
}

// Goal 6: offline-only Huffman output within 10% of each chunk's own optimal code, at matched
// bit-rates; auto mode never larger than inline-only. Prints the overheads.
TEST(DefaultCodebookSet, SlowOfflineBooksStayWithinTenPercentOfOptimalOnRealFields) {
  std::vector<DataInput> inputs = data_manifest().set("codebook-check");
  const std::vector<DataInput> held_out = data_manifest().set("codebook-held-out");
  const std::size_t trained = inputs.size();
  inputs.insert(inputs.end(), held_out.begin(), held_out.end());
  std::size_t measured = 0;
  std::string skipped;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const DataInput& r = inputs[i];
    if (const std::string why = testing::skip_reason(r); !why.empty()) {
      skipped = why;
      continue;
    }
    const Field field = testing::read_real(r);
    for (double target : {2.0, 3.0, 4.0, 6.0, 8.0}) {
      const double eb =
          error_bound_for_bit_rate(field, target, kDefaultRadius, kDefaultChunkValues);
      CompressOptions options;
      options.bound = {BoundMode::kAbs, eb, 0};
      options.lossless = Lossless::kNone;
      CompressResult offline, automatic, own;
      options.codebook_mode = CodebookMode::kOffline;
      compress_to_memory(field, options, &offline);
      options.codebook_mode = CodebookMode::kAuto;
      compress_to_memory(field, options, &automatic);
      options.codebook_mode = CodebookMode::kInline;
      compress_to_memory(field, options, &own);
      const double overhead =
          static_cast<double>(offline.huffman_bits) / static_cast<double>(offline.optimal_bits) - 1;
      const double auto_gain =
          static_cast<double>(automatic.output_bytes) / static_cast<double>(own.output_bytes) - 1;
      std::cout << fmt::format(
          "[ overhead ] {:>26} {:>8} {:g} bits/value: offline {:+6.2f}%, auto vs inline "
          "{:+6.2f}% ({} inline, {} offline, {} reused)\n",
          field.name, i < trained ? "trained" : "held-out", target, 100 * overhead, 100 * auto_gain,
          automatic.chunks_by_source[0], automatic.chunks_by_source[1],
          automatic.chunks_by_source[2]);
      EXPECT_LT(overhead, 0.10) << field.name << " at " << target;
      EXPECT_LE(automatic.output_bytes, own.output_bytes) << field.name;
      ++measured;
    }
  }
  if (measured == 0) GTEST_SKIP() << skipped;
}

}  // namespace
}  // namespace tessera::compress
