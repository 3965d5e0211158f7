// Huffman coding: round trips on peaked, uniform and degenerate streams, optimality against
// reference constructions, length limiting, the code table format, and clean failures on
// truncated or corrupt input.
#include "tessera/compress/huffman.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera::compress {
namespace {

std::vector<std::uint64_t> histogram_of(std::span<const std::uint16_t> symbols,
                                        std::size_t alphabet) {
  std::vector<std::uint64_t> histogram(alphabet, 0);
  for (std::uint16_t s : symbols) ++histogram[s];
  return histogram;
}

/// Quantization-code-like symbols: centre ± a geometric magnitude (P(k) ∝ ratio^k), clamped to
/// 1..alphabet-1, and about one in a thousand outliers (code 0).
std::vector<std::uint16_t> peaked_symbols(std::size_t n, std::size_t alphabet, double ratio,
                                          std::uint64_t seed) {
  const CounterRng magnitude(seed, 0);
  const CounterRng sign(seed, 1);
  const CounterRng outlier(seed, 2);
  const auto centre = static_cast<std::int64_t>(alphabet / 2);
  std::vector<std::uint16_t> symbols(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::int64_t>(std::log1p(-magnitude.uniform(i)) / std::log(ratio));
    const std::int64_t value = std::clamp<std::int64_t>(centre + (sign.bernoulli(i, 0.5) ? k : -k),
                                                        1, static_cast<std::int64_t>(alphabet) - 1);
    symbols[i] = outlier.bernoulli(i, 0.001) ? 0 : static_cast<std::uint16_t>(value);
  }
  return symbols;
}

/// Encodes with a code built from the symbols' histogram, checks the size against encoded_bits
/// and the padding, decodes and compares. Returns the code.
HuffmanCode expect_round_trip(std::span<const std::uint16_t> symbols, std::size_t alphabet,
                              int max_length = kMaxCodeLength) {
  const auto histogram = histogram_of(symbols, alphabet);
  const HuffmanCode code = build_huffman_code(histogram, max_length);
  const std::uint64_t bits = encoded_bits(code, histogram);
  std::vector<std::byte> out = {std::byte{0xA5}};  // encoding appends
  huffman_encode(code, symbols, out);
  EXPECT_EQ(out.front(), std::byte{0xA5});
  const auto stream = std::span<const std::byte>(out).subspan(1);
  EXPECT_EQ(stream.size(), (bits + 7) / 8);
  if (bits % 8 != 0) {
    EXPECT_EQ(std::to_integer<unsigned>(stream.back()) >> (bits % 8), 0u) << "padding not zero";
  }
  std::vector<std::uint16_t> decoded(symbols.size(), 0xFFFF);
  huffman_decode(code, stream, decoded, "round trip");
  EXPECT_TRUE(std::ranges::equal(decoded, symbols));
  return code;
}

int max_length_of(const HuffmanCode& code) { return *std::ranges::max_element(code.lengths); }

template <class F>
void expect_error_naming(const std::string& source, F&& f) {
  tessera::testing::expect_error(std::forward<F>(f), {.input = source});
}

TEST(HuffmanRoundTrip, PeakedDistributionsOver1024Symbols) {
  for (double ratio : {0.02, 0.3, 0.7, 0.95}) {
    const auto symbols = peaked_symbols(100'000, 1024, ratio, 42);
    const HuffmanCode code = expect_round_trip(symbols, 1024);
    EXPECT_EQ(
        code.lengths[512],
        *std::ranges::min_element(
            code.lengths, {}, [](auto length) { return length == 0 ? kMaxCodeLength : length; }))
        << "the centre symbol has the shortest codeword";
  }
}

TEST(HuffmanRoundTrip, UniformOver65536Symbols) {
  const CounterRng rng(7, 0);
  std::vector<std::uint16_t> symbols(300'000);
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    symbols[i] = static_cast<std::uint16_t>(rng.uniform_int(i, 65536));
  }
  const HuffmanCode code = expect_round_trip(symbols, 65536);
  EXPECT_LE(max_length_of(code), 20);
}

TEST(HuffmanRoundTrip, SingleSymbolRepeatedUsesOneBitEach) {
  const std::vector<std::uint16_t> symbols(1000, 7);
  const HuffmanCode code = expect_round_trip(symbols, 1024);
  EXPECT_EQ(code.lengths[7], 1);
  EXPECT_EQ(std::ranges::count(code.lengths, 0), 1023);
  std::vector<std::byte> out;
  huffman_encode(code, symbols, out);
  EXPECT_EQ(out.size(), 125u);
}

TEST(HuffmanRoundTrip, EmptyInputWritesAndReadsNothing) {
  const std::vector<std::uint64_t> histogram = {0, 3, 1};
  const HuffmanCode code = build_huffman_code(histogram);
  std::vector<std::byte> out = {std::byte{1}};
  huffman_encode(code, {}, out);
  EXPECT_EQ(out.size(), 1u);
  huffman_decode(code, {}, {}, "empty");
}

TEST(HuffmanRoundTrip, DecoderIsReusableAndRejectsWhatFollowsTheLastSymbol) {
  const auto symbols = peaked_symbols(5000, 1024, 0.5, 3);
  const HuffmanCode code = build_huffman_code(histogram_of(symbols, 1024));
  const HuffmanDecoder decoder(code);
  for (std::size_t n : {std::size_t{5000}, std::size_t{17}}) {
    std::vector<std::byte> out;
    huffman_encode(code, std::span(symbols).first(n), out);
    std::vector<std::uint16_t> decoded(n);
    decoder.decode(out, decoded, "reuse");
    EXPECT_TRUE(std::ranges::equal(decoded, std::span(symbols).first(n)));
    std::vector<std::byte> longer = out;
    longer.push_back(std::byte{0});
    tessera::testing::expect_error([&] { decoder.decode(longer, decoded, "longer"); },
                                   {.input = "longer", .contains = "left after its"});
    // Fewer symbols than the stream holds (a header whose dimensions shrank).
    std::vector<std::uint16_t> fewer(n - 8);
    tessera::testing::expect_error(
        [&] { decoder.decode(out, fewer, "fewer"); },
        {.input = "fewer", .contains = "the header and the chunk disagree"});
  }
}

TEST(HuffmanRoundTrip, PaddingOfTheLastByteMustBeZero) {
  const std::vector<std::uint16_t> symbols(3, 7);  // one-bit codes: 3 bits and 5 of padding
  const HuffmanCode code = build_huffman_code(histogram_of(symbols, 16));
  std::vector<std::byte> out;
  huffman_encode(code, symbols, out);
  ASSERT_EQ(out.size(), 1u);
  std::vector<std::uint16_t> decoded(3);
  huffman_decode(code, out, decoded, "padded");
  out[0] |= std::byte{0x80};
  tessera::testing::expect_error([&] { huffman_decode(code, out, decoded, "padded"); },
                                 {.input = "padded", .contains = "5 bits left"});
}

TEST(HuffmanLengthLimit, FibonacciCountsHitTheLimitAndStayDecodable) {
  std::vector<std::uint64_t> counts = {1, 1};
  while (counts.size() < 40)
    counts.push_back(counts[counts.size() - 1] + counts[counts.size() - 2]);
  // Unlimited, the two rarest symbols would need 39 bits.
  for (int limit : {kMaxCodeLength, 20, 8, 6}) {
    const HuffmanCode code = build_huffman_code(counts, limit);
    EXPECT_EQ(max_length_of(code), limit);
    // Every symbol a few times, in a scrambled order.
    const CounterRng rng(11, static_cast<std::uint64_t>(limit));
    std::vector<std::uint16_t> symbols;
    for (std::uint16_t s = 0; s < counts.size(); ++s) symbols.insert(symbols.end(), 1 + s % 4, s);
    for (std::size_t i = symbols.size(); i > 1; --i) {
      std::swap(symbols[i - 1], symbols[rng.uniform_int(i, i)]);
    }
    const std::uint64_t bits = encoded_bits(code, histogram_of(symbols, counts.size()));
    std::vector<std::byte> out;
    huffman_encode(code, symbols, out);
    EXPECT_EQ(out.size(), (bits + 7) / 8);
    std::vector<std::uint16_t> decoded(symbols.size());
    huffman_decode(code, out, decoded, "fibonacci");
    EXPECT_EQ(decoded, symbols);
  }
}

TEST(HuffmanLengthLimit, RejectsLimitsThatCannotHoldTheAlphabet) {
  const std::vector<std::uint64_t> five = {1, 1, 1, 1, 1};
  for (int limit : {0, 2, 33}) {
    tessera::testing::expect_error([&] { (void)build_huffman_code(five, limit); },
                                   {.code = ExitCode::kUsage});
  }
  EXPECT_EQ(max_length_of(build_huffman_code(five, 3)), 3);
}

/// Cost of an optimal unlimited prefix code: the sum of the internal node weights of Huffman's
/// tree.
std::uint64_t reference_huffman_cost(std::span<const std::uint64_t> histogram) {
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> queue;
  for (std::uint64_t count : histogram) {
    if (count > 0) queue.push(count);
  }
  if (queue.size() == 1) return queue.top();
  std::uint64_t total = 0;
  while (queue.size() > 1) {
    const std::uint64_t a = queue.top();
    queue.pop();
    const std::uint64_t b = queue.top();
    queue.pop();
    total += a + b;
    queue.push(a + b);
  }
  return total;
}

/// Cost of an optimal prefix code with lengths <= limit, by trying every assignment of
/// non-decreasing lengths to the counts sorted in decreasing order.
std::uint64_t reference_limited_cost(std::vector<std::uint64_t> counts, int limit) {
  std::erase(counts, 0);
  std::ranges::sort(counts, std::greater<>());
  if (counts.size() == 1) return counts[0];
  std::uint64_t best = std::numeric_limits<std::uint64_t>::max();
  const std::function<void(std::size_t, int, std::uint64_t, std::uint64_t)> search =
      [&](std::size_t i, int shortest, std::uint64_t kraft, std::uint64_t total) {
        if (kraft > (std::uint64_t{1} << limit)) return;
        if (i == counts.size()) {
          best = std::min(best, total);
          return;
        }
        for (int length = shortest; length <= limit; ++length) {
          search(i + 1, length, kraft + (std::uint64_t{1} << (limit - length)),
                 total + counts[i] * static_cast<std::uint64_t>(length));
        }
      };
  search(0, 1, 0, 0);
  return best;
}

TEST(HuffmanOptimality, UnlimitedCostMatchesPriorityQueueHuffman) {
  const CounterRng rng(5, 0);
  std::uint64_t draw = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::uint64_t> histogram(1 + rng.uniform_int(draw++, 40));
    for (auto& count : histogram) {
      count = rng.bernoulli(draw++, 0.3) ? 0 : rng.uniform_int(draw++, trial % 2 ? 1000 : 4);
    }
    histogram[rng.uniform_int(draw++, histogram.size())] += 1;
    const HuffmanCode code = build_huffman_code(histogram);
    EXPECT_EQ(encoded_bits(code, histogram), reference_huffman_cost(histogram)) << trial;
  }
}

TEST(HuffmanOptimality, LimitedCostMatchesExhaustiveSearch) {
  const CounterRng rng(6, 0);
  std::uint64_t draw = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<std::uint64_t> histogram(2 + rng.uniform_int(draw++, 7));
    for (auto& count : histogram) count = 1 + rng.zipf(draw++, 5000, 1.5);
    const int shortest = std::bit_width(histogram.size() - 1);
    for (int limit = shortest; limit <= 5; ++limit) {
      const HuffmanCode code = build_huffman_code(histogram, limit);
      EXPECT_LE(max_length_of(code), limit);
      EXPECT_EQ(encoded_bits(code, histogram), reference_limited_cost(histogram, limit))
          << "trial " << trial << " limit " << limit;
    }
  }
}

TEST(HuffmanDeterminism, EqualCountsBreakTiesBySymbolIndex) {
  const std::vector<std::uint64_t> histogram = {4, 4, 4, 4, 4};
  EXPECT_EQ(build_huffman_code(histogram).lengths, (std::vector<std::uint8_t>{3, 3, 2, 2, 2}));
  const auto symbols = peaked_symbols(20'000, 1025, 0.6, 9);
  const auto peaked = histogram_of(symbols, 1025);
  const HuffmanCode first = build_huffman_code(peaked, 12);
  for (int repeat = 0; repeat < 3; ++repeat) {
    const HuffmanCode again = build_huffman_code(peaked, 12);
    EXPECT_EQ(again.lengths, first.lengths);
    EXPECT_EQ(again.codewords, first.codewords);
  }
}

TEST(HuffmanCanonical, AssignsShortestFirstThenBySymbolLsbFirst) {
  const std::vector<std::uint8_t> lengths = {2, 1, 3, 3};
  const HuffmanCode code = canonical_code(lengths);
  // MSB-first: 1 -> 0, 0 -> 10, 2 -> 110, 3 -> 111; stored bit-reversed.
  EXPECT_EQ(code.codewords, (std::vector<std::uint32_t>{0b01, 0b0, 0b011, 0b111}));
  std::vector<std::byte> out;
  const std::vector<std::uint16_t> symbols = {1, 0, 2, 3};
  huffman_encode(code, symbols, out);
  // Stream bits 0 10 110 111, LSB of each byte first.
  EXPECT_EQ(out, (std::vector<std::byte>{std::byte{0xDA}, std::byte{0x01}}));
}

TEST(HuffmanCanonical, RejectsInvalidLengths) {
  const std::vector<std::vector<std::uint8_t>> bad = {
      {1, 1, 1}, {0, 33, 1}, {0, 0}, {}, {1, 2, 2, 3}};
  for (const auto& lengths : bad) {
    expect_error_naming("code table", [&] { (void)canonical_code(lengths, "code table"); });
  }
  EXPECT_NO_THROW((void)canonical_code(std::vector<std::uint8_t>{0, 32, 1}));
}

TEST(HuffmanBuild, RejectsEmptyAndAllZeroHistograms) {
  for (const auto& histogram : {std::vector<std::uint64_t>{}, std::vector<std::uint64_t>(9, 0)}) {
    tessera::testing::expect_error([&] { (void)build_huffman_code(histogram); },
                                   {.code = ExitCode::kUsage});
  }
}

TEST(HuffmanEncode, SymbolWithoutCodewordThrows) {
  const HuffmanCode code = build_huffman_code(std::vector<std::uint64_t>{5, 0, 3});
  std::vector<std::byte> out;
  for (std::uint16_t symbol : {1, 3, 60000}) {
    const std::vector<std::uint16_t> symbols = {0, 2, symbol};
    EXPECT_THROW(huffman_encode(code, symbols, out), Error) << symbol;
  }
  EXPECT_THROW((void)encoded_bits(code, std::vector<std::uint64_t>{1, 1, 1}), Error);
  EXPECT_THROW((void)encoded_bits(code, std::vector<std::uint64_t>{1, 0, 1, 1}), Error);
  EXPECT_EQ(encoded_bits(code, std::vector<std::uint64_t>{2, 0, 3, 0}), 5u);
}

TEST(HuffmanDecode, TruncatedStreamThrowsNamingTheSource) {
  const auto symbols = peaked_symbols(3000, 1024, 0.9, 4);
  const HuffmanCode code = build_huffman_code(histogram_of(symbols, 1024));
  std::vector<std::byte> out;
  huffman_encode(code, symbols, out);
  std::vector<std::uint16_t> decoded(symbols.size());
  const HuffmanDecoder decoder(code);
  for (std::size_t size = 0; size < out.size(); ++size) {
    expect_error_naming("out.tsz chunk 3", [&] {
      decoder.decode(std::span(out).first(size), decoded, "out.tsz chunk 3");
    });
  }
}

TEST(HuffmanDecode, InvalidCodewordOfIncompleteCodeThrows) {
  const HuffmanCode code = canonical_code(std::vector<std::uint8_t>{1, 2});  // 0, 10; 11 unused
  std::vector<std::uint16_t> decoded(2);
  const std::vector<std::byte> bits = {std::byte{0xFF}, std::byte{0xFF}};
  expect_error_naming("chunk 1", [&] { huffman_decode(code, bits, decoded, "chunk 1"); });
  const HuffmanCode single = build_huffman_code(std::vector<std::uint64_t>{0, 9});
  expect_error_naming("chunk 2", [&] { huffman_decode(single, bits, decoded, "chunk 2"); });
}

TEST(HuffmanCodeTable, RoundTripsCompactly) {
  const auto symbols = peaked_symbols(262'144, 1024, 0.75, 8);
  const HuffmanCode code = build_huffman_code(histogram_of(symbols, 1024));
  const auto used = static_cast<std::size_t>(
      std::ranges::count_if(code.lengths, [](std::uint8_t length) { return length > 0; }));
  EXPECT_GT(used, 30u);
  ByteWriter writer;
  write_code_lengths(code, writer);
  EXPECT_LE(writer.position(), used + 8);
  EXPECT_LT(writer.position(), 200u);
  ByteReader reader(writer.bytes(), "table");
  const HuffmanCode read = read_code_lengths(reader, 1024);
  reader.expect_end();
  EXPECT_EQ(read.lengths, code.lengths);
  EXPECT_EQ(read.codewords, code.codewords);
}

TEST(HuffmanCodeTable, CorruptOrTruncatedTablesThrow) {
  const auto symbols = peaked_symbols(10'000, 1024, 0.5, 10);
  ByteWriter writer;
  write_code_lengths(build_huffman_code(histogram_of(symbols, 1024)), writer);
  const auto bytes = writer.bytes();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    ByteReader reader(bytes.first(size), "cut");
    expect_error_naming("cut", [&] { (void)read_code_lengths(reader, 1024); });
  }
  const auto table = [](std::vector<unsigned> values) {
    ByteWriter w;
    for (unsigned v : values) w.put_varint_u64(v);
    return w.release();
  };
  const std::vector<std::vector<std::byte>> corrupt = {
      table({0}),               // no symbols
      table({5, 0, 0}),         // more symbols than the alphabet of 4
      table({2, 0, 3 << 5}),    // second symbol is 4, outside the alphabet
      table({3, 0, 0, 0}),      // three codewords of length 1
      table({1, 0xFFFFFFFFu}),  // huge gap
  };
  for (const auto& bytes_of : corrupt) {
    ByteReader reader(bytes_of, "bad table");
    expect_error_naming("bad table", [&] { (void)read_code_lengths(reader, 4); });
  }
  // Random corruption: either a valid code or an Error, never a crash.
  const CounterRng rng(12, 0);
  for (std::uint64_t trial = 0; trial < 500; ++trial) {
    std::vector<std::byte> damaged(bytes.begin(), bytes.end());
    damaged[rng.uniform_int(trial, damaged.size())] ^=
        static_cast<std::byte>(1 + rng.uniform_int(trial + 1000, 255));
    ByteReader reader(damaged, "damaged");
    try {
      const HuffmanCode code = read_code_lengths(reader, 1024);
      EXPECT_EQ(code.lengths.size(), 1024u);
    } catch (const Error& e) {
      EXPECT_EQ(e.input(), "damaged");
    }
  }
}

}  // namespace
}  // namespace tessera::compress
