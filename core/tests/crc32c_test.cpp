// CRC32C: known answers (RFC 3720 B.4), portable == SSE4.2 at every length and misalignment, and
// incremental use over any split.
#include "tessera/core/crc32c.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

namespace tessera {
namespace {

using Crc = std::uint32_t (*)(std::span<const std::byte>, std::uint32_t);

/// The implementations this CPU can run, each with its name for failure messages.
std::vector<std::pair<const char*, Crc>> implementations() {
  std::vector<std::pair<const char*, Crc>> result = {{"crc32c", crc32c},
                                                     {"crc32c_portable", crc32c_portable}};
  if (crc32c_sse42_supported()) result.emplace_back("crc32c_sse42", crc32c_sse42);
  return result;
}

std::vector<std::byte> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::byte> bytes(n);
  for (auto& b : bytes) b = static_cast<std::byte>(byte(rng));
  return bytes;
}

TEST(Crc32c, KnownAnswers) {
  const std::string_view digits = "123456789";
  const std::vector<std::byte> zeros(32, std::byte{0});
  const std::vector<std::byte> ones(32, std::byte{0xFF});
  std::vector<std::byte> ascending(32);
  for (std::size_t i = 0; i < ascending.size(); ++i) ascending[i] = static_cast<std::byte>(i);
  for (const auto& [name, crc] : implementations()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(crc({}, 0), 0u);
    EXPECT_EQ(crc(std::as_bytes(std::span(digits)), 0), 0xE3069283u);
    EXPECT_EQ(crc(zeros, 0), 0x8A9136AAu);
    EXPECT_EQ(crc(ones, 0), 0x62A8AB43u);
    EXPECT_EQ(crc(ascending, 0), 0x46DD794Eu);
  }
}

TEST(Crc32c, PortableMatchesSse42AtEveryLengthAndMisalignment) {
  if (!crc32c_sse42_supported()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  const auto buffer = random_bytes(300 + 8, 1);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; length <= 300; ++length) {
      const auto bytes = std::span(buffer).subspan(offset, length);
      ASSERT_EQ(crc32c_portable(bytes), crc32c_sse42(bytes))
          << "offset " << offset << ", length " << length;
      ASSERT_EQ(crc32c_portable(bytes, 0x12345678), crc32c_sse42(bytes, 0x12345678));
    }
  }
}

TEST(Crc32c, IncrementalOverAnySplitEqualsWhole) {
  const auto buffer = random_bytes(200, 2);
  for (const auto& [name, crc] : implementations()) {
    SCOPED_TRACE(name);
    const std::uint32_t whole = crc(buffer, 0);
    for (std::size_t split = 0; split <= buffer.size(); ++split) {
      const auto bytes = std::span(buffer);
      ASSERT_EQ(crc(bytes.subspan(split), crc(bytes.first(split), 0)), whole) << split;
      const std::size_t third = split / 2;
      const std::uint32_t first_two =
          crc(bytes.subspan(third, split - third), crc(bytes.first(third), 0));
      ASSERT_EQ(crc(bytes.subspan(split), first_two), whole) << split;
    }
  }
}

}  // namespace
}  // namespace tessera
