// SHA-256 (FIPS 180-4), for fingerprints that must not collide by accident: the checksums of
// trained weights that determinism is judged by.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace tessera {

/// Incremental SHA-256: update() with the bytes in order, then digest() (once).
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::byte> bytes);
  /// The 32-byte digest of everything updated so far; the object must not be updated after.
  std::array<std::uint8_t, 32> digest();
  /// digest() as 64 lowercase hex digits.
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t filled_ = 0;    // bytes waiting in block_
  std::uint64_t length_ = 0;  // bytes updated
};

}  // namespace tessera
