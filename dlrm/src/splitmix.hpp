// splitmix64 (Steele et al., OOPSLA'14, with Vigna's constants): its finalizer, a 64-bit bijection
// that mixes every input bit into every output bit, and the generator's output for a state.
#pragma once

#include <cstdint>

namespace tessera::dlrm::detail {

/// The splitmix64 finalizer of z.
inline std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// The splitmix64 output for `state`: the finalizer of state + 0x9E3779B97F4A7C15.
inline std::uint64_t splitmix64(std::uint64_t state) {
  return splitmix64_mix(state + 0x9E3779B97F4A7C15ULL);
}

}  // namespace tessera::dlrm::detail
