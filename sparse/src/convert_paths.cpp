// Conversion fast paths (convert_paths.hpp). Both build the target's offsets by counting entries
// per outer coordinate and scatter coordinates and values stably (stable_scatter.hpp), which keeps
// entries of one outer coordinate in the source's order. A COO source in another order is either
// scattered and its unsorted fibers sorted (in parallel), or, when most entries are out of place,
// scattered twice as a radix sort; repeats are then summed in their order of appearance.
#include "convert_paths.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <numeric>
#include <tuple>
#include <utility>

#include "layouts.hpp"
#include "row_split.hpp"
#include "stable_scatter.hpp"
#include "tessera/core/huge_pages.hpp"
#include "value_ops.hpp"

namespace tessera::sparse::detail {
namespace {

SparseTensor compressed_result(const ConvertProblem& p, std::uint32_t outer) {
  SparseTensor r;
  r.dims = p.source->dims;
  r.format = *p.target;
  r.value_type = p.source->value_type;
  r.levels.resize(2);
  r.levels[0].size = r.dims[outer];
  return r;
}

// Offsets of a fiber per outer coordinate from the outer coordinates of the entries.
std::vector<std::uint32_t> count_offsets(std::span<const std::uint32_t> outer,
                                         std::uint32_t extent) {
  std::vector<std::uint32_t> pos(std::size_t{extent} + 1, 0);
  for (std::uint32_t x : outer) ++pos[x + 1];
  std::partial_sum(pos.begin(), pos.end(), pos.begin());
  return pos;
}

// count_offsets, and how many entries do not follow the one before them in their fiber strictly
// by inner coordinate: with none, a stable scatter by the outer coordinate leaves every fiber
// sorted and free of repeats.
std::pair<std::vector<std::uint32_t>, std::size_t> count_offsets_and_disorder(
    std::span<const std::uint32_t> outer, std::span<const std::uint32_t> inner,
    std::uint32_t extent) {
  // Per fiber its count and the last inner coordinate seen + 1, side by side: one cache miss.
  std::vector<std::array<std::uint32_t, 2>> fibers(extent, {0, 0});
  std::size_t disorder = 0;
  for (std::size_t k = 0; k < outer.size(); ++k) {
    std::array<std::uint32_t, 2>& f = fibers[outer[k]];
    ++f[0];
    disorder += inner[k] < f[1];
    f[1] = inner[k] + 1;
  }
  std::vector<std::uint32_t> pos(std::size_t{extent} + 1, 0);
  for (std::uint32_t x = 0; x < extent; ++x) pos[x + 1] = pos[x] + fibers[x][0];
  return {std::move(pos), disorder};
}

void check_bytes(const ConvertProblem& p, std::uint64_t bytes) {
  if (bytes > p.max_bytes) {
    throw Error(p.target->name,
                "the result would hold more bytes than the limit of this "
                "conversion (ConvertOptions::max_bytes)");
  }
}

// Scatters the entries of compressed fibers (offsets `pos`, coordinates `crd`, kSize-byte values)
// into the fibers of `out` named by their coordinates, offsets `out.pos` already counted: each
// entry takes its source fiber as its coordinate, so entries of one target fiber come out in
// source fiber order.
template <std::size_t kSize>
void transpose_fibers(const std::vector<std::uint32_t>& pos, const std::vector<std::uint32_t>& crd,
                      const std::byte* values, LevelData& out, std::byte* out_values) {
  resize_in_huge_pages(out.crd, crd.size());
  out.size = crd.size();
  // Source fiber i holds entries [pos[i], pos[i + 1]); each keeps i as its coordinate.
  const auto source = [offsets = pos.data(), fibers = pos.size() - 1](std::size_t first,
                                                                      std::size_t end, auto&& f) {
    auto i = static_cast<std::uint32_t>(std::upper_bound(offsets, offsets + fibers + 1, first) -
                                        offsets - 1);
    for (std::size_t k = first; k < end; ++k) {
      while (offsets[i + 1] <= k) ++i;
      f(k, i);
    }
  };
  stable_scatter<kSize>(crd, source, values, out.pos, out.crd.data(), out_values);
}

// CSR <-> CSC: entries of source fiber i (inner coordinate j) become entries of target fiber j.
void transpose(const ConvertProblem& p) {
  const SparseTensor& s = *p.source;
  const auto out_outer = static_cast<std::uint32_t>(compressed_outer(*p.target));
  const LevelData& in = s.levels[1];
  check_bytes(p, in.crd.size() * (4 + s.value_size()) + 4ull * s.dims[out_outer]);
  SparseTensor r = compressed_result(p, out_outer);
  LevelData& out = r.levels[1];
  out.pos = count_offsets(in.crd, s.dims[out_outer]);
  resize_in_huge_pages(r.values, s.values.size());
  with_value_size(s.value_size(), [&](auto size) {
    transpose_fibers<decltype(size)::value>(in.pos, in.crd, s.values.data(), out, r.values.data());
  });
  *p.result = std::move(r);
}

// Whether entry k + 1 follows entry k in (major, minor) order, strictly, for every k.
bool strictly_sorted(const std::vector<std::uint32_t>& major,
                     const std::vector<std::uint32_t>& minor) {
  for (std::size_t k = 1; k < major.size(); ++k) {
    if (major[k - 1] > major[k] || (major[k - 1] == major[k] && minor[k - 1] >= minor[k])) {
      return false;
    }
  }
  return true;
}

// Fibers of at most this many entries are sorted by insertion.
constexpr std::uint32_t kInsertionMax = 32;

// Entries in fibers longer than kInsertionMax: those that sort_fiber sorts by comparison.
std::size_t entries_in_long_fibers(const std::vector<std::uint32_t>& pos) {
  std::size_t entries = 0;
  for (std::size_t f = 0; f + 1 < pos.size(); ++f) {
    const std::uint32_t length = pos[f + 1] - pos[f];
    if (length > kInsertionMax) entries += length;
  }
  return entries;
}

// Sorts fiber [begin, end) of crd by coordinate, stably, values alongside: short fibers by
// insertion in place, long ones by sorting (coordinate, position) keys.
template <std::size_t kSize>
void sort_fiber(std::uint32_t* crd, std::byte* values, std::uint32_t begin, std::uint32_t end) {
  if (end - begin <= kInsertionMax) {
    for (std::uint32_t k = begin + 1; k < end; ++k) {
      const std::uint32_t c = crd[k];
      std::array<std::byte, kSize> v;
      if constexpr (kSize > 0) std::memcpy(v.data(), values + std::size_t{k} * kSize, kSize);
      std::uint32_t j = k;
      for (; j > begin && crd[j - 1] > c; --j) {
        crd[j] = crd[j - 1];
        copy_value<kSize>(values, j, values, j - 1);
      }
      crd[j] = c;
      if constexpr (kSize > 0) std::memcpy(values + std::size_t{j} * kSize, v.data(), kSize);
    }
    return;
  }
  // Coordinate above position: sorting these keys is stable, and needs no indirection.
  std::vector<std::uint64_t> keyed(end - begin);
  for (std::uint32_t k = begin; k < end; ++k)
    keyed[k - begin] = std::uint64_t{crd[k]} << 32 | (k - begin);
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::byte> sorted_values(keyed.size() * kSize);
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    crd[begin + i] = static_cast<std::uint32_t>(keyed[i] >> 32);
    copy_value<kSize>(sorted_values.data(), i, values,
                      begin + static_cast<std::uint32_t>(keyed[i]));
  }
  std::copy(sorted_values.begin(), sorted_values.end(), values + std::size_t{begin} * kSize);
}

// Sorts every fiber of `out` that is not strictly sorted (fibers spread over the threads);
// returns whether any fiber holds a coordinate more than once.
template <std::size_t kSize>
bool sort_fibers(LevelData& out, std::byte* values) {
  std::atomic<bool> repeats{false};
  for_row_ranges(out.pos, 1, [&](std::uint32_t first, std::uint32_t end) {
    bool seen = false;
    for (std::uint32_t f = first; f < end; ++f) {
      const std::uint32_t begin = out.pos[f], stop = out.pos[f + 1];
      std::uint32_t* crd = out.crd.data();
      bool sorted = true;
      for (std::uint32_t k = begin + 1; k < stop && sorted; ++k) sorted = crd[k - 1] < crd[k];
      if (sorted) continue;
      sort_fiber<kSize>(crd, values, begin, stop);
      for (std::uint32_t k = begin + 1; k < stop && !seen; ++k) seen = crd[k - 1] == crd[k];
    }
    if (seen) repeats = true;
  });
  return repeats;
}

// Whether a fiber of `out` (sorted) holds a coordinate more than once.
bool has_repeats(const LevelData& out) {
  for (std::size_t f = 0; f + 1 < out.pos.size(); ++f) {
    for (std::uint32_t k = out.pos[f] + 1; k < out.pos[f + 1]; ++k) {
      if (out.crd[k - 1] == out.crd[k]) return true;
    }
  }
  return false;
}

// COO -> CSR or CSC. Entries already in the target's order are copied. Entries that a stable
// scatter by the outer coordinate leaves sorted, or nearly (a column-sorted file into CSR, the
// mirrored halves of a symmetric file), take that scatter, then the fibers it left unsorted are
// sorted on their own, short ones by insertion. Entries in no useful order (more than an eighth
// out of place) whose fibers are mostly long would spend most of their time in comparison sorts:
// they take two scatters instead, as a radix sort, by the inner coordinate, then the outer one.
void coo_to_compressed(const ConvertProblem& p) {
  const SparseTensor& s = *p.source;
  const auto src_outer = static_cast<std::uint32_t>(coo_outer(s.format));
  const auto out_outer = static_cast<std::uint32_t>(compressed_outer(*p.target));
  const std::vector<std::uint32_t>*
      coords[2];  // coords[d]: the entries' coordinates in dimension d
  coords[src_outer] = &s.levels[0].crd;
  coords[1 - src_outer] = &s.levels[1].crd;
  const std::vector<std::uint32_t>& outer = *coords[out_outer];
  const std::vector<std::uint32_t>& inner = *coords[1 - out_outer];
  const std::size_t nnz = outer.size();
  const std::size_t vsize = s.value_size();
  check_bytes(p, nnz * (4 + vsize) + 4ull * s.dims[out_outer]);
  SparseTensor r = compressed_result(p, out_outer);
  LevelData& out = r.levels[1];
  resize_in_huge_pages(r.values, nnz * vsize);
  if ((s.canonical && out_outer == src_outer) || strictly_sorted(outer, inner)) {
    out.pos = count_offsets(outer, s.dims[out_outer]);
    out.crd = inner;
    out.size = nnz;
    std::copy(s.values.begin(), s.values.end(), r.values.begin());
    *p.result = std::move(r);
    return;
  }
  std::size_t disorder = 0;
  std::tie(out.pos, disorder) = count_offsets_and_disorder(outer, inner, s.dims[out_outer]);
  bool repeats = false;
  with_value_size(vsize, [&](auto size) {
    constexpr std::size_t kSize = decltype(size)::value;
    const auto entries_carrying = [](const std::vector<std::uint32_t>& coordinates) {
      return [at = coordinates.data()](std::size_t first, std::size_t end, auto&& f) {
        for (std::size_t k = first; k < end; ++k) f(k, at[k]);
      };
    };
    if (disorder > nnz / 8 && entries_in_long_fibers(out.pos) > nnz / 4) {
      LevelData by_inner;  // the entries by inner coordinate, each carrying its outer one
      by_inner.pos = count_offsets(inner, s.dims[1 - out_outer]);
      by_inner.crd.resize(nnz);
      std::vector<std::byte> by_inner_values(nnz * kSize);
      stable_scatter<kSize>(inner, entries_carrying(outer), s.values.data(), by_inner.pos,
                            by_inner.crd.data(), by_inner_values.data());
      transpose_fibers<kSize>(by_inner.pos, by_inner.crd, by_inner_values.data(), out,
                              r.values.data());
      repeats = has_repeats(out);
      return;
    }
    resize_in_huge_pages(out.crd, nnz);
    out.size = nnz;
    stable_scatter<kSize>(outer, entries_carrying(inner), s.values.data(), out.pos, out.crd.data(),
                          r.values.data());
    if (disorder > 0) repeats = sort_fibers<kSize>(out, r.values.data());
  });
  if (repeats) {
    // Sum repeats: equal coordinates of one fiber are adjacent now.
    std::size_t w = 0;
    std::uint32_t fiber = 0;
    std::vector<std::uint32_t> pos(out.pos.size(), 0);
    for (std::size_t q = 0; q < nnz; ++q) {
      while (out.pos[fiber + 1] <= q) pos[++fiber] = static_cast<std::uint32_t>(w);
      if (w > pos[fiber] && out.crd[w - 1] == out.crd[q]) {
        add_value(s.value_type, r.values.data() + (w - 1) * vsize, r.values.data() + q * vsize);
        continue;
      }
      out.crd[w] = out.crd[q];
      if (vsize > 0 && w != q)
        std::memcpy(r.values.data() + w * vsize, r.values.data() + q * vsize, vsize);
      ++w;
    }
    while (fiber + 1 < pos.size()) pos[++fiber] = static_cast<std::uint32_t>(w);
    out.pos = std::move(pos);
    out.crd.resize(w);
    r.values.resize(w * vsize);
  }
  out.size = out.crd.size();
  *p.result = std::move(r);
}

}  // namespace

void add_convert_paths(KernelRegistry<ConvertProblem>& registry) {
  registry.add(convert_kernel(
      "coo-compressed", "COO to CSR or CSC by a counting sort on the outer coordinate",
      [](const ConvertProblem& p) {
        return coo_outer(p.source->format) >= 0 && compressed_outer(*p.target) >= 0;
      },
      &coo_to_compressed));
  registry.add(convert_kernel(
      "transpose", "CSR to CSC (and back) by a counting transpose",
      [](const ConvertProblem& p) {
        const int a = compressed_outer(p.source->format);
        const int b = compressed_outer(*p.target);
        return a >= 0 && b >= 0 && a != b;
      },
      &transpose));
}

}  // namespace tessera::sparse::detail
