// Structural checks of a tensor (validate.hpp): sizes and bounds level by level from the top, so
// that traversal is safe, then the strict order of a canonical tensor's entries by traversal.
#include "tessera/sparse/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

// Level positions are counted in 64 bits; a product above this is refused, not wrapped.
constexpr std::uint64_t kMaxPositions = std::uint64_t{1} << 48;

[[noreturn]] void fail(std::string_view source, std::size_t level, const std::string& problem) {
  throw Error(source, fmt::format("level {}: {}", level, problem));
}

std::uint64_t checked_product(std::uint64_t a, std::uint64_t b, std::string_view source,
                              std::size_t l) {
  if (b != 0 && a > kMaxPositions / b) fail(source, l, "more than 2^48 positions");
  return a * b;
}

void check_words(const LevelData& d, std::uint64_t bits, std::string_view source, std::size_t l) {
  if (d.bits.size() != (bits + 63) / 64) {
    fail(source, l, fmt::format("{} words for {} bits", d.bits.size(), bits));
  }
  if (bits % 64 != 0 && (d.bits.back() >> (bits % 64)) != 0) {
    fail(source, l, "bits are set past the end of the level");
  }
}

// Run-length symbols decode to whole fibers and `size` entries inside the extent.
void check_run_length(const LevelData& d, std::uint64_t parents, std::uint32_t n, std::uint32_t bits,
                      std::string_view source, std::size_t l) {
  check_words(d, checked_product(d.symbols, bits, source, l), source, l);
  const std::uint32_t filler = (1u << bits) - 1;
  std::uint64_t next = 0, entries = 0;
  for (std::uint64_t p = 0; p < parents; ++p) {
    for (std::uint64_t cursor = 0; cursor < n;) {
      if (next == d.symbols) fail(source, l, fmt::format("symbols end inside fiber {}", p));
      const std::uint32_t s = packed_symbol(d.bits, next++, bits);
      if (s == filler) {
        cursor += filler;
        continue;
      }
      if (cursor + s >= n) fail(source, l, fmt::format("a run passes the end of fiber {}", p));
      cursor += s + 1;
      ++entries;
    }
  }
  if (next != d.symbols) fail(source, l, fmt::format("{} symbols after the last fiber", d.symbols - next));
  if (entries != d.size) fail(source, l, fmt::format("{} entries, the level says {}", entries, d.size));
}

void check_level(const SparseTensor& t, std::size_t l, std::uint64_t parents, std::string_view source) {
  const LevelSpec& s = t.format.levels[l];
  const LevelData& d = t.levels[l];
  const std::uint32_t n = t.level_extent(l);
  const auto in_extent = [&](const std::vector<std::uint32_t>& crd) {
    const auto bad = std::find_if(crd.begin(), crd.end(), [&](std::uint32_t c) { return c >= n; });
    if (bad != crd.end()) fail(source, l, fmt::format("coordinate {} is outside 0..{}", *bad, n - 1));
  };
  switch (s.kind) {
    case LevelKind::kDense:
    case LevelKind::kBlock:
      if (d.size != checked_product(parents, n, source, l)) {
        fail(source, l, fmt::format("{} positions, {} parents of extent {} make {}", d.size, parents,
                                    n, parents * n));
      }
      return;
    case LevelKind::kCompressed:
      if (d.pos.size() != parents + 1 || d.pos.front() != 0 || d.pos.back() != d.crd.size() ||
          d.size != d.crd.size()) {
        fail(source, l, fmt::format("{} offsets and {} coordinates for {} parents", d.pos.size(),
                                    d.crd.size(), parents));
      }
      if (!std::is_sorted(d.pos.begin(), d.pos.end())) fail(source, l, "offsets decrease");
      in_extent(d.crd);
      return;
    case LevelKind::kSingleton:
      if (d.crd.size() != parents || d.size != parents) {
        fail(source, l, fmt::format("{} coordinates for {} parents", d.crd.size(), parents));
      }
      in_extent(d.crd);
      return;
    case LevelKind::kBitmap: {
      check_words(d, checked_product(parents, n, source, l), source, l);
      std::uint64_t ones = 0;
      for (std::uint64_t w : d.bits) ones += static_cast<unsigned>(std::popcount(w));
      if (ones != d.size) fail(source, l, fmt::format("{} bits set, the level says {}", ones, d.size));
      return;
    }
    case LevelKind::kRunLength:
      check_run_length(d, parents, n, s.parameter, source, l);
      return;
    case LevelKind::kPadded:
      if (d.crd.size() != checked_product(parents, d.width, source, l) || d.size != d.crd.size()) {
        fail(source, l, fmt::format("{} slots for {} parents of {} slots", d.crd.size(), parents,
                                    d.width));
      }
      for (std::uint64_t p = 0; p < parents; ++p) {
        bool padding = false;
        for (std::uint64_t k = p * d.width; k < (p + 1) * d.width; ++k) {
          if (d.crd[k] == kNoCoordinate) {
            padding = true;
          } else if (padding || d.crd[k] >= n) {
            fail(source, l, fmt::format("slot {} holds {} (coordinates come first, below {})", k,
                                        d.crd[k], n));
          }
        }
      }
      return;
  }
}

}  // namespace

void check_tensor(const SparseTensor& t, std::string_view source) {
  check_format(t.format, source);
  if (t.dims.size() != t.format.order()) {
    throw Error(source, fmt::format("{} dimensions for a format of order {}", t.dims.size(),
                                    t.format.order()));
  }
  if (t.levels.size() != t.format.levels.size()) {
    throw Error(source, fmt::format("{} level arrays for {} levels", t.levels.size(),
                                    t.format.levels.size()));
  }
  if (!t.canonical && t.format.levels[0].unique) {
    throw Error(source, "only a COO tensor may hold unsorted or repeated entries");
  }
  std::uint64_t parents = 1;
  for (std::size_t l = 0; l < t.levels.size(); ++l) {
    check_level(t, l, parents, source);
    parents = t.levels[l].size;
  }
  const std::size_t vsize = t.value_size();
  if (t.values.size() != parents * vsize) {
    throw Error(source, fmt::format("{} value bytes for {} positions of {} bytes", t.values.size(),
                                    parents, vsize));
  }
  if (t.value_type == ValueType::kPattern && vsize == 1 &&
      std::any_of(t.values.begin(), t.values.end(), [](std::byte b) { return b > std::byte{1}; })) {
    throw Error(source, "a pattern flag is neither 0 nor 1");
  }
  // Positions of a partial edge block hold zeros: no entry lies outside the dimensions.
  for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t) {
    for (std::size_t d = 0; d < t.dims.size(); ++d) {
      if (x[d] >= t.dims[d]) {
        throw Error(source, fmt::format("an entry of an edge block lies at {} in dimension {} of "
                                        "extent {}",
                                        x[d], d, t.dims[d]));
      }
    }
  });
  if (!t.canonical) return;
  // Level coordinates strictly increase in storage order (a non-unique level may repeat its own
  // coordinate, but the whole tuple of a canonical tensor may not).
  std::array<std::uint32_t, kMaxLevels> previous{};
  bool first = true;
  const std::size_t levels = t.levels.size();
  for_each_stored(t, [&](const std::uint32_t* c, std::uint64_t) {
    if (!first && !std::lexicographical_compare(previous.begin(), previous.begin() + levels, c, c + levels)) {
      throw Error(source, "entries are not in strictly increasing order (unsorted or repeated "
                          "coordinates)");
    }
    std::copy(c, c + levels, previous.begin());
    first = false;
  });
}

}  // namespace tessera::sparse
