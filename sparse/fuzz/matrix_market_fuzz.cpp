// libFuzzer target: parse_matrix_market on arbitrary bytes must either throw tessera::Error or
// return a matrix, the same (or the same error) whether read as one chunk or in chunks of a few
// bytes, and format_matrix_market of that matrix must parse back to the same tensor.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto whole = parse(text, std::size_t{1} << 20);
  if (parse(text, 7) != whole) std::abort();  // chunking changed the result or the error
  if (!whole.first) return 0;
  // Dims, coordinates in order, value type and value bytes: the whole tensor compares equal.
  const auto again =
      parse(tessera::sparse::format_matrix_market(*whole.first), std::size_t{1} << 20);
  if (!again.first || !(*again.first == *whole.first)) std::abort();
  return 0;
}
