// The lossless back end (Lossless::kZstd, format.hpp): zstd frames over chunk bodies, one
// compression context per thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tessera::compress {

/// A zstd frame of `raw` at `level`, valid until the calling thread's next call. Each thread keeps
/// its compression context and output buffer: a reused context resets its tables instead of
/// allocating new ones for every chunk, and its frames are the same as a fresh context's.
std::span<const std::byte> zstd_compress(std::span<const std::byte> raw, int level);

/// The content of zstd frame `frame`, which must declare a size of at most `limit` bytes; errors
/// name `source`.
std::vector<std::byte> zstd_decompress(std::span<const std::byte> frame, std::size_t limit,
                                       const std::string& source);

}  // namespace tessera::compress
