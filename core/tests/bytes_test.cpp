// ByteWriter/ByteReader: scalar and varint round trips, exact little-endian layout, and failures
// (truncation at every offset, bad varints, trailing bytes) that throw Error naming source and
// offset.
#include "tessera/core/bytes.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"

namespace tessera {
namespace {

using testing::expect_error;

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> bytes;
  for (const int v : values) bytes.push_back(static_cast<std::byte>(v));
  return bytes;
}

/// Bitwise equality, so NaN payloads and the sign of zero count.
template <Scalar T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;  // NOLINT(bugprone-suspicious-memory-comparison)
}

template <typename T>
class ScalarRoundTrip : public ::testing::Test {};
using ScalarTypes =
    ::testing::Types<std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t, std::int8_t,
                     std::int16_t, std::int32_t, std::int64_t, float, double>;
TYPED_TEST_SUITE(ScalarRoundTrip, ScalarTypes);

TYPED_TEST(ScalarRoundTrip, ExtremesZeroAndMinusOneSurvive) {
  using T = TypeParam;
  using Limits = std::numeric_limits<T>;
  std::vector<T> values = {Limits::lowest(), Limits::min(), Limits::max(), T(0), T(1)};
  if constexpr (std::is_signed_v<T>) values.push_back(T(-1));
  if constexpr (std::is_floating_point_v<T>) {
    values.insert(values.end(), {T(-0.0), Limits::denorm_min(), Limits::infinity(),
                                 -Limits::infinity(), Limits::quiet_NaN(), T(3.25)});
  }
  ByteWriter writer;
  for (const T v : values) writer.put(v);
  EXPECT_EQ(writer.position(), values.size() * sizeof(T));
  ByteReader reader(writer.bytes(), "scalars.bin");
  for (const T v : values) EXPECT_TRUE(same_bits(reader.get<T>(), v)) << +v;
  reader.expect_end();
}

TEST(ByteWriter, WritesLittleEndianRegardlessOfHost) {
  ByteWriter writer;
  writer.put<std::uint32_t>(0x04030201);
  writer.put<std::int16_t>(-2);
  writer.put(1.0f);
  writer.put(-0.0);
  writer.put<std::uint64_t>(0x0102030405060708);
  EXPECT_EQ(std::vector(writer.bytes().begin(), writer.bytes().end()),
            bytes_of({1, 2, 3, 4, 0xFE, 0xFF, 0, 0, 0x80, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x80,  //
                      8, 7, 6, 5, 4,    3,    2, 1}));
}

TEST(ByteWriter, NanPayloadAndNegativeZeroBitsSurvive) {
  const auto float_nan = std::bit_cast<float>(std::uint32_t{0x7FC12345});
  const auto double_nan = std::bit_cast<double>(std::uint64_t{0xFFF8000000000ABC});
  ByteWriter writer;
  writer.put(float_nan);
  writer.put(double_nan);
  writer.put(-0.0f);
  EXPECT_EQ(std::vector(writer.bytes().begin(), writer.bytes().begin() + 4),
            bytes_of({0x45, 0x23, 0xC1, 0x7F}));
  ByteReader reader(writer.bytes(), "nan.bin");
  EXPECT_EQ(std::bit_cast<std::uint32_t>(reader.get<float>()), 0x7FC12345u);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(reader.get<double>()), 0xFFF8000000000ABCu);
  const float zero = reader.get<float>();
  EXPECT_EQ(zero, 0.0f);
  EXPECT_TRUE(std::signbit(zero));
}

TEST(Varint, UnsignedExtremesRoundTripWithExpectedLengths) {
  const std::vector<std::pair<std::uint64_t, std::size_t>> cases = {
      {0, 1},
      {127, 1},
      {128, 2},
      {16383, 2},
      {16384, 3},
      {1ull << 63, 10},
      {std::numeric_limits<std::uint64_t>::max(), 10}};
  for (const auto& [value, length] : cases) {
    ByteWriter writer;
    writer.put_varint_u64(value);
    EXPECT_EQ(writer.position(), length) << value;
    ByteReader reader(writer.bytes(), "varint.bin");
    EXPECT_EQ(reader.get_varint_u64(), value);
    reader.expect_end();
  }
}

TEST(Varint, SignedZigzagRoundTripsAndLayout) {
  using Limits = std::numeric_limits<std::int64_t>;
  for (const std::int64_t value :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, std::int64_t{-64}, std::int64_t{64},
        Limits::min(), Limits::max()}) {
    ByteWriter writer;
    writer.put_varint_i64(value);
    ByteReader reader(writer.bytes(), "zigzag.bin");
    EXPECT_EQ(reader.get_varint_i64(), value);
    reader.expect_end();
  }
  ByteWriter writer;
  writer.put_varint_u64(300);
  writer.put_varint_i64(-1);
  writer.put_varint_i64(1);
  writer.put_varint_i64(-64);
  writer.put_varint_i64(64);
  writer.put_varint_u64(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(std::vector(writer.bytes().begin(), writer.bytes().end()),
            bytes_of({0xAC, 0x02, 0x01, 0x02, 0x7F, 0x80, 0x01,  //
                      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
}

TEST(Varint, OverlongAndOverflowingEncodingsAreRejected) {
  const auto eleven = bytes_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  const auto overflow = bytes_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02});
  const auto padded_max = bytes_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  const auto prefixed = [](const std::vector<std::byte>& varint) {
    auto bytes = bytes_of({7});
    bytes.insert(bytes.end(), varint.begin(), varint.end());
    return bytes;
  };
  const auto at_one = [](const std::vector<std::byte>& bytes) {
    ByteReader reader(bytes, "bad.bin");
    reader.skip(1);
    reader.get_varint_u64();
  };
  expect_error([&] { at_one(prefixed(eleven)); },
               {.input = "bad.bin", .contains = "varint at byte 1 is longer than 10 bytes"});
  expect_error([&] { at_one(prefixed(overflow)); },
               {.input = "bad.bin", .contains = "varint at byte 1 overflows 64 bits"});
  ByteReader reader(padded_max, "ok.bin");
  EXPECT_EQ(reader.get_varint_u64(), 1ull << 63);
}

TEST(ByteReader, TruncationAtEveryPrefixThrowsNamingSourceAndOffset) {
  // The offset each read starts at; a cut inside or at the start of a read is reported there.
  ByteWriter writer;
  std::vector<std::size_t> starts;
  const auto field = [&](auto write) {
    starts.push_back(writer.position());
    write();
  };
  field([&] { writer.put<std::uint8_t>(0xAB); });
  field([&] { writer.put<std::int16_t>(-300); });
  field([&] { writer.put<std::uint32_t>(0xDEADBEEF); });
  field([&] { writer.put<std::int64_t>(-5); });
  field([&] { writer.put(2.5f); });
  field([&] { writer.put(-1e300); });
  field([&] { writer.put_varint_u64(1ull << 40); });
  field([&] { writer.put_varint_i64(-123456); });
  field([&] { writer.put_string("tessera"); });
  starts.push_back(starts.back() + 1);  // the string's bytes, after its one-byte length
  field([&] { writer.put_bytes(bytes_of({1, 2, 3})); });
  const auto record = writer.release();

  const auto parse = [](std::span<const std::byte> bytes) {
    ByteReader reader(bytes, "bad.bin");
    EXPECT_EQ(reader.get<std::uint8_t>(), 0xAB);
    EXPECT_EQ(reader.get<std::int16_t>(), -300);
    EXPECT_EQ(reader.get<std::uint32_t>(), 0xDEADBEEF);
    EXPECT_EQ(reader.get<std::int64_t>(), -5);
    EXPECT_EQ(reader.get<float>(), 2.5f);
    EXPECT_EQ(reader.get<double>(), -1e300);
    EXPECT_EQ(reader.get_varint_u64(), 1ull << 40);
    EXPECT_EQ(reader.get_varint_i64(), -123456);
    EXPECT_EQ(reader.get_string(16), "tessera");
    EXPECT_EQ(reader.get_bytes(3).size(), 3u);
    reader.expect_end();
  };
  parse(record);
  for (std::size_t cut = 0; cut < record.size(); ++cut) {
    std::size_t failing = 0;
    while (failing + 1 < starts.size() && starts[failing + 1] <= cut) ++failing;
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_error(
        [&] { parse(std::span(record).first(cut)); },
        {.input = "bad.bin",
         .contains = "truncated at byte " + std::to_string(starts[failing]) + " reading "});
  }
}

TEST(ByteReader, TruncatedScalarMessageAndUnchangedPosition) {
  const auto bytes = bytes_of({1, 2, 3, 4, 5, 6});
  ByteReader reader(bytes, "field.tsz");
  reader.skip(4);
  EXPECT_EQ(expect_error([&] { reader.get<std::uint32_t>(); }, {.input = "field.tsz"}),
            "field.tsz: truncated at byte 4 reading u32 (4 bytes needed, 2 left)");
  EXPECT_EQ(reader.position(), 4u);
  EXPECT_EQ(reader.remaining(), 2u);
  EXPECT_EQ(reader.get<std::uint16_t>(), 0x0605);
}

TEST(ByteReader, GetBytesIsAViewAndSkipChecksBounds) {
  const auto bytes = bytes_of({9, 8, 7, 6, 5});
  ByteReader reader(bytes, "bad.bin");
  reader.skip(1);
  const auto view = reader.get_bytes(3);
  EXPECT_EQ(view.data(), bytes.data() + 1);
  EXPECT_EQ(view.size(), 3u);
  expect_error([&] { reader.skip(2); },
               {.input = "bad.bin", .contains = "truncated at byte 4 reading skipped bytes"});
  expect_error([&] { reader.get_bytes(std::numeric_limits<std::size_t>::max()); },
               {.input = "bad.bin", .contains = "truncated at byte 4"});
}

TEST(ByteReader, StringOverLimitOrTruncatedIsRejected) {
  ByteWriter writer;
  writer.put_string("abcdef");
  ByteReader reader(writer.bytes(), "bad.bin");
  expect_error(
      [&] { reader.get_string(5); },
      {.input = "bad.bin", .contains = "string at byte 0 is 6 bytes long, over the limit"});
  EXPECT_EQ(reader.position(), 0u);
  EXPECT_EQ(reader.get_string(6), "abcdef");

  ByteWriter huge;
  huge.put_varint_u64(std::numeric_limits<std::uint64_t>::max());
  ByteReader huge_reader(huge.bytes(), "bad.bin");
  expect_error([&] { huge_reader.get_string(std::numeric_limits<std::size_t>::max()); },
               {.input = "bad.bin", .contains = "truncated at byte 10 reading string"});
}

TEST(ByteReader, ExpectEndDetectsTrailingBytes) {
  const auto bytes = bytes_of({1, 2, 3});
  ByteReader reader(bytes, "bad.bin");
  reader.get<std::uint8_t>();
  expect_error([&] { reader.expect_end(); },
               {.input = "bad.bin", .contains = "2 unexpected trailing bytes at byte 1"});
  reader.skip(2);
  reader.expect_end();
}

TEST(ByteWriter, PatchBackfillsAFieldAndRejectsUnwrittenBytes) {
  ByteWriter writer("bad.bin");
  const std::size_t length_at = writer.position();
  writer.put<std::uint32_t>(0);
  writer.put_string("payload");
  writer.patch<std::uint32_t>(length_at, static_cast<std::uint32_t>(writer.position()));
  ByteReader reader(writer.bytes(), "patched.bin");
  EXPECT_EQ(reader.get<std::uint32_t>(), writer.position());
  expect_error([&] { writer.patch<std::uint64_t>(writer.position() - 4, 1); },
               {.input = "bad.bin", .contains = "cannot patch u64 at byte 8"});
  expect_error([&] { writer.patch<std::uint8_t>(std::numeric_limits<std::size_t>::max(), 1); },
               {.input = "bad.bin", .contains = "cannot patch u8"});
  EXPECT_EQ(writer.release().size(), 12u);
  EXPECT_EQ(writer.position(), 0u);
}

}  // namespace
}  // namespace tessera
