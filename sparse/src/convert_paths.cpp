// Conversion fast paths (convert_paths.hpp). Both build the target's offsets by counting entries
// per outer coordinate and scatter coordinates and values stably (stable_scatter.hpp), which keeps
// entries of one outer coordinate in the source's order; fibers of a COO source in another order
// are then sorted (in parallel) and repeats summed in their order of appearance.
#include "convert_paths.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <numeric>

#include "layouts.hpp"
#include "row_split.hpp"
#include "stable_scatter.hpp"
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

void check_bytes(const ConvertProblem& p, std::uint64_t bytes) {
  if (bytes > p.max_bytes) {
    throw Error(p.target->name,
                "the result would hold more bytes than the limit of this "
                "conversion (ConvertOptions::max_bytes)");
  }
}

// CSR <-> CSC: entries of source fiber i (inner coordinate j) become entries of target fiber j.
void transpose(const ConvertProblem& p) {
  const SparseTensor& s = *p.source;
  const auto out_outer = static_cast<std::uint32_t>(compressed_outer(*p.target));
  const std::vector<std::uint32_t>& spos = s.levels[1].pos;
  const std::vector<std::uint32_t>& scrd = s.levels[1].crd;
  const std::size_t nnz = scrd.size();
  check_bytes(p, nnz * (4 + s.value_size()) + 4ull * s.dims[out_outer]);
  SparseTensor r = compressed_result(p, out_outer);
  LevelData& out = r.levels[1];
  out.pos = count_offsets(scrd, s.dims[out_outer]);
  out.crd.resize(nnz);
  out.size = nnz;
  r.values.resize(s.values.size());
  with_value_size(s.value_size(), [&](auto size) {
    // Source fiber i holds entries [spos[i], spos[i + 1]); each keeps i as its coordinate.
    const auto source = [offsets = spos.data(), fibers = spos.size() - 1](
                            std::size_t first, std::size_t end, auto&& f) {
      auto i = static_cast<std::uint32_t>(std::upper_bound(offsets, offsets + fibers + 1, first) -
                                          offsets - 1);
      for (std::size_t k = first; k < end; ++k) {
        while (offsets[i + 1] <= k) ++i;
        f(k, i);
      }
    };
    stable_scatter<decltype(size)::value>(scrd, source, s.values.data(), out.pos, out.crd.data(),
                                          r.values.data());
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

// Sorts fiber [begin, end) of crd by coordinate, stably, values alongside: short fibers by
// insertion in place, long ones by sorting (coordinate, position) keys.
template <std::size_t kSize>
void sort_fiber(std::uint32_t* crd, std::byte* values, std::uint32_t begin, std::uint32_t end) {
  constexpr std::uint32_t kInsertionMax = 32;
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

// COO -> CSR or CSC. Entries already in the target's order are copied; any other order takes one
// stable counting scatter by the outer coordinate, then the fibers it left unsorted are sorted.
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
  out.pos = count_offsets(outer, s.dims[out_outer]);
  out.crd.resize(nnz);
  r.values.resize(nnz * vsize);
  const bool in_target_order =
      (s.canonical && out_outer == src_outer) || strictly_sorted(outer, inner);
  if (in_target_order) {
    std::copy(inner.begin(), inner.end(), out.crd.begin());
    std::copy(s.values.begin(), s.values.end(), r.values.begin());
    out.size = nnz;
    *p.result = std::move(r);
    return;
  }
  with_value_size(vsize, [&](auto size) {
    constexpr std::size_t kSize = decltype(size)::value;
    const auto source = [coordinates = inner.data()](std::size_t first, std::size_t end, auto&& f) {
      for (std::size_t k = first; k < end; ++k) f(k, coordinates[k]);
    };
    stable_scatter<kSize>(outer, source, s.values.data(), out.pos, out.crd.data(), r.values.data());
  });
  // Entries in the other order (a column-sorted file into CSR) come out sorted; so do the mirrored
  // halves of a symmetric file. Any fiber that is not is sorted on its own, then repeats, now
  // adjacent, are summed.
  bool repeats = false;
  if (!(s.canonical && out_outer != src_outer)) {
    with_value_size(vsize, [&](auto size) {
      repeats = sort_fibers<decltype(size)::value>(out, r.values.data());
    });
  }
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
