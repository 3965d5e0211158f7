// CRC32C: slicing-by-8 tables built at compile time, the SSE4.2 CRC32 instruction, and the run-time
// choice between them.
#include "tessera/core/crc32c.hpp"

#include <array>
#include <cstring>

#include "tessera/core/error.hpp"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace tessera {

namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, bit-reflected
constexpr std::size_t kSlices = 8;

using Tables = std::array<std::array<std::uint32_t, 256>, kSlices>;

/// tables[0][b]: CRC of byte b; tables[s][b]: CRC of byte b followed by s zero bytes.
constexpr Tables make_tables() {
  Tables tables{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) != 0 ? kPolynomial : 0);
    tables[0][b] = crc;
  }
  for (std::size_t s = 1; s < kSlices; ++s) {
    for (std::size_t b = 0; b < 256; ++b) {
      const std::uint32_t prev = tables[s - 1][b];
      tables[s][b] = (prev >> 8) ^ tables[0][prev & 0xFF];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();
static_assert(kTables[0][1] == 0xF26B8303);

/// Little-endian 32-bit word at bytes[0..3].
std::uint32_t load_u32(std::span<const std::byte> bytes) {
  return std::to_integer<std::uint32_t>(bytes[0]) | std::to_integer<std::uint32_t>(bytes[1]) << 8 |
         std::to_integer<std::uint32_t>(bytes[2]) << 16 |
         std::to_integer<std::uint32_t>(bytes[3]) << 24;
}

std::uint32_t update_byte(std::uint32_t crc, std::byte byte) {
  return (crc >> 8) ^ kTables[0][(crc ^ std::to_integer<std::uint32_t>(byte)) & 0xFF];
}

}  // namespace

std::uint32_t crc32c_portable(std::span<const std::byte> bytes, std::uint32_t previous) {
  std::uint32_t crc = ~previous;
  for (; bytes.size() >= kSlices; bytes = bytes.subspan(kSlices)) {
    const std::uint32_t low = load_u32(bytes) ^ crc;
    const std::uint32_t high = load_u32(bytes.subspan(4));
    crc = kTables[7][low & 0xFF] ^ kTables[6][(low >> 8) & 0xFF] ^ kTables[5][(low >> 16) & 0xFF] ^
          kTables[4][low >> 24] ^ kTables[3][high & 0xFF] ^ kTables[2][(high >> 8) & 0xFF] ^
          kTables[1][(high >> 16) & 0xFF] ^ kTables[0][high >> 24];
  }
  for (const std::byte byte : bytes) crc = update_byte(crc, byte);
  return ~crc;
}

#if defined(__x86_64__)

bool crc32c_sse42_supported() {
  // __builtin_cpu_init makes the answer valid even when called before static constructors run.
  static const bool kSupported = (__builtin_cpu_init(), __builtin_cpu_supports("sse4.2") != 0);
  return kSupported;
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::span<const std::byte> bytes,
                                                             std::uint32_t previous) {
  std::uint64_t crc = ~previous;
  for (; bytes.size() >= sizeof(std::uint64_t); bytes = bytes.subspan(sizeof(std::uint64_t))) {
    std::uint64_t word;  // x86 is little-endian, matching the reflected CRC's byte order
    std::memcpy(&word, bytes.data(), sizeof(word));
    crc = _mm_crc32_u64(crc, word);
  }
  auto crc32 = static_cast<std::uint32_t>(crc);
  for (const std::byte byte : bytes)
    crc32 = _mm_crc32_u8(crc32, std::to_integer<std::uint8_t>(byte));
  return ~crc32;
}

#else

bool crc32c_sse42_supported() { return false; }

std::uint32_t crc32c_sse42(std::span<const std::byte>, std::uint32_t) {
  throw Error("crc32c_sse42", "SSE4.2 is available on x86-64 only");
}

#endif

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t previous) {
  return crc32c_sse42_supported() ? crc32c_sse42(bytes, previous)
                                  : crc32c_portable(bytes, previous);
}

}  // namespace tessera
