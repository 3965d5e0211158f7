// Software prefetch of a buffer's cache lines, for loops that read at random. Always inlined:
// GCC's pure-const analysis counts __builtin_prefetch as free of side effects, so it deletes, as
// dead code, any call of a function (a lambda included) that does nothing but prefetch and that
// was not inlined first.
#pragma once

#include <cstddef>

namespace tessera {

/// Asks for the cache lines of the `bytes` bytes at `p`, to be read soon.
[[gnu::always_inline]] inline void prefetch_bytes(const void* p, std::size_t bytes) {
  const char* at = static_cast<const char*>(p);
  for (std::size_t b = 0; b < bytes; b += 64) __builtin_prefetch(at + b);
}

}  // namespace tessera
