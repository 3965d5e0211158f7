// libFuzzer target: parse_matrix_market on arbitrary bytes must either throw tessera::Error or
// return a matrix, the same (or the same error) whether read as one chunk, in chunks of a few
// bytes, or as a stream (read_matrix_market_stream, a few bytes handed over as its prefix), and
// format_matrix_market of that matrix must parse back to the same tensor.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/core/error.hpp"
#include "tessera/sparse/matrix_market.hpp"

namespace {

using tessera::sparse::MatrixMarketOptions;
using tessera::sparse::SparseTensor;

/// The tensor, or the error's message.
std::pair<std::optional<SparseTensor>, std::string> parse(std::string_view text,
                                                          std::size_t chunk_bytes) {
  MatrixMarketOptions options;
  options.threads = 1;
  options.chunk_bytes = chunk_bytes;
  try {
    return {tessera::sparse::parse_matrix_market(text, "fuzz.mtx", options), {}};
  } catch (const tessera::Error& e) {
    return {std::nullopt, e.what()};
  }
}

/// The same, read as a stream from a memory file, its first three bytes given as the prefix.
std::pair<std::optional<SparseTensor>, std::string> parse_streamed(std::string_view text) {
  const int fd = ::memfd_create("fuzz.mtx", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  const std::size_t prefix = std::min<std::size_t>(text.size(), 3);
  const std::string_view rest = text.substr(prefix);
  if (::write(fd, rest.data(), rest.size()) != static_cast<ssize_t>(rest.size())) std::abort();
  ::lseek(fd, 0, SEEK_SET);
  MatrixMarketOptions options;
  options.threads = 1;
  options.chunk_bytes = 7;
  std::pair<std::optional<SparseTensor>, std::string> out;
  try {
    out.first =
        tessera::sparse::read_matrix_market_stream(fd, "fuzz.mtx", text.substr(0, prefix), options);
  } catch (const tessera::Error& e) {
    out.second = e.what();
  }
  ::close(fd);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto whole = parse(text, std::size_t{1} << 20);
  if (parse(text, 7) != whole) std::abort();  // chunking changed the result or the error
  if (parse_streamed(text) != whole) std::abort();
  if (!whole.first) return 0;
  // Dims, coordinates in order, value type and value bytes: the whole tensor compares equal.
  const auto again =
      parse(tessera::sparse::format_matrix_market(*whole.first), std::size_t{1} << 20);
  if (!again.first || !(*again.first == *whole.first)) std::abort();
  return 0;
}
