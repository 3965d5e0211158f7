// zstd over chunk bodies (lossless.hpp): level and a small match table chosen for Huffman output.
#include "lossless.hpp"

#include <fmt/format.h>
#include <zstd.h>

#include <memory>

#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

// Hash table bits of the zstd match finder. Chunk bodies are a few to a few hundred KB of Huffman
// output, where zstd gains by entropy-coding the bytes and by a few long matches (runs of the
// zero-residual code); a 2^8-entry table finds those as well as the level's default (sizes
// within ±0.5% on the benchmark fields) and costs far less to clear for every frame.
constexpr int kZstdHashLog = 8;

}  // namespace

std::span<const std::byte> zstd_compress(std::span<const std::byte> raw, int level) {
  struct Scratch {
    std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context{ZSTD_createCCtx(), &ZSTD_freeCCtx};
    std::unique_ptr<std::byte[]> frame;
    std::size_t capacity = 0;
  };
  thread_local Scratch scratch;
  ZSTD_CCtx* context = scratch.context.get();
  if (context == nullptr) throw Error("zstd", "cannot allocate a compression context");
  const std::size_t bound = ZSTD_compressBound(raw.size());
  if (bound > scratch.capacity) {
    scratch.frame = std::make_unique_for_overwrite<std::byte[]>(bound);
    scratch.capacity = bound;
  }
  const auto check = [](std::size_t result) {
    if (ZSTD_isError(result) != 0) throw Error("zstd", ZSTD_getErrorName(result));
    return result;
  };
  check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level));
  check(ZSTD_CCtx_setParameter(context, ZSTD_c_hashLog, kZstdHashLog));
  const std::size_t n =
      check(ZSTD_compress2(context, scratch.frame.get(), bound, raw.data(), raw.size()));
  return {scratch.frame.get(), n};
}

std::vector<std::byte> zstd_decompress(std::span<const std::byte> frame, std::size_t limit,
                                       const std::string& source) {
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > limit) {
    throw Error(source, "corrupt zstd frame header");
  }
  std::vector<std::byte> out(size);
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) != 0 || n != size) {
    throw Error(source, fmt::format("corrupt zstd frame: {}",
                                    ZSTD_isError(n) != 0 ? ZSTD_getErrorName(n) : "short output"));
  }
  return out;
}

}  // namespace tessera::compress
