// bfloat16 as its 16 bits: the upper half of an IEEE float32, rounded to nearest even (NaNs stay
// quiet NaNs, subnormals are kept: AVX512_BF16's vcvtneps2bf16 flushes those to zero). What bf16
// kernels and payloads store.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tessera {

/// `value` rounded to the nearest bf16, ties to even.
inline std::uint16_t to_bf16(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((bits >> 16) | 0x40u);
  return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

/// The float32 that bf16 `value` stands for (exact).
inline float from_bf16(std::uint16_t value) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

/// out[i] = to_bf16(values[i]) (the spans are of one size).
inline void to_bf16(std::span<const float> values, std::span<std::uint16_t> out) {
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = to_bf16(values[i]);
}

}  // namespace tessera
