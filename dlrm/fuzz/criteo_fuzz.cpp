// libFuzzer target: parse_criteo on arbitrary bytes must either throw tessera::Error or return a
// batch of a consistent shape: ids within their tables, finite dense values, labels 0 or 1.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tessera/core/error.hpp"
#include "tessera/dlrm/criteo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Tables of 7 rows; the input's length picks all samples, or at most one or two.
  const tessera::dlrm::CriteoOptions options{.rows = {7},
                                             .max_samples = static_cast<std::int64_t>(size % 3)};
  try {
    const tessera::dlrm::Batch b = tessera::dlrm::parse_criteo(text, "fuzz.txt", options);
    const std::size_t n = static_cast<std::size_t>(b.size);
    if (b.size < 1 || b.dense.size() != n * 13 || b.labels.size() != n ||
        b.sparse.offsets.size() != n * 26 + 1 || b.sparse.ids.size() != n * 26) {
      std::abort();
    }
    for (const std::int64_t id : b.sparse.ids) {
      if (id < 0 || id >= 7) std::abort();
    }
    for (const float x : b.dense) {
      if (!(x >= 0.0f && x < 64.0f)) std::abort();  // log1p of at most 2^63
    }
    for (const float label : b.labels) {
      if (label != 0.0f && label != 1.0f) std::abort();
    }
  } catch (const tessera::Error&) {
  }
  return 0;
}
