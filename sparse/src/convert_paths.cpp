// Conversion fast paths (convert_paths.hpp). Both build the target's offsets by counting entries
// per outer coordinate and scatter coordinates and values in one pass, which keeps entries of one
// outer coordinate in the source's order; repeats of a non-canonical COO source are then sorted
// within their fiber and summed in their order of appearance.
#include "convert_paths.hpp"

#include <algorithm>
#include <numeric>

#include "layouts.hpp"
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
std::vector<std::uint32_t> count_offsets(std::span<const std::uint32_t> outer, std::uint32_t extent) {
  std::vector<std::uint32_t> pos(std::size_t{extent} + 1, 0);
  for (std::uint32_t x : outer) ++pos[x + 1];
  std::partial_sum(pos.begin(), pos.end(), pos.begin());
  return pos;
}

void check_bytes(const ConvertProblem& p, std::uint64_t bytes) {
  if (bytes > p.max_bytes) {
    throw Error(p.target->name, "the result would hold more bytes than the limit of this "
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
  std::vector<std::uint32_t> next(out.pos.begin(), out.pos.end() - 1);
  const std::uint32_t fibers = s.dims[1 - out_outer];
  with_value_size(s.value_size(), [&](auto size) {
    constexpr std::size_t kSize = decltype(size)::value;
    for (std::uint32_t i = 0; i < fibers; ++i) {
      for (std::uint32_t k = spos[i]; k < spos[i + 1]; ++k) {
        const std::uint32_t q = next[scrd[k]]++;
        out.crd[q] = i;
        copy_value<kSize>(r.values.data(), q, s.values.data(), k);
      }
    }
  });
  *p.result = std::move(r);
}

// Whether entry k + 1 follows entry k in (major, minor) order, strictly, for every k.
bool strictly_sorted(const std::vector<std::uint32_t>& major, const std::vector<std::uint32_t>& minor) {
  for (std::size_t k = 1; k < major.size(); ++k) {
    if (major[k - 1] > major[k] || (major[k - 1] == major[k] && minor[k - 1] >= minor[k])) {
      return false;
    }
  }
  return true;
}

// A stable counting scatter of entries by `key`: entry k goes to slot next[key[k]]++, taking its
// other coordinate and its value along.
template <std::size_t kSize>
void scatter(const std::vector<std::uint32_t>& key, const std::vector<std::uint32_t>& other,
             const std::byte* values, std::vector<std::uint32_t> next,
             std::vector<std::uint32_t>& other_out, std::byte* values_out) {
  for (std::size_t k = 0; k < key.size(); ++k) {
    const std::uint32_t q = next[key[k]]++;
    other_out[q] = other[k];
    copy_value<kSize>(values_out, q, values, k);
  }
}

// COO -> CSR or CSC. Entries already in the target's order are copied; any other order takes one
// stable counting scatter by the outer coordinate, then the fibers it left unsorted are sorted.
void coo_to_compressed(const ConvertProblem& p) {
  const SparseTensor& s = *p.source;
  const auto src_outer = static_cast<std::uint32_t>(coo_outer(s.format));
  const auto out_outer = static_cast<std::uint32_t>(compressed_outer(*p.target));
  const std::vector<std::uint32_t>* coords[2];  // coords[d]: the entries' coordinates in dimension d
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
  const bool in_target_order = (s.canonical && out_outer == src_outer) || strictly_sorted(outer, inner);
  if (in_target_order) {
    std::copy(inner.begin(), inner.end(), out.crd.begin());
    std::copy(s.values.begin(), s.values.end(), r.values.begin());
    out.size = nnz;
    *p.result = std::move(r);
    return;
  }
  with_value_size(vsize, [&](auto size) {
    constexpr std::size_t kSize = decltype(size)::value;
    scatter<kSize>(outer, inner, s.values.data(), std::vector<std::uint32_t>(out.pos.begin(), out.pos.end() - 1),
                   out.crd, r.values.data());
  });
  // Entries in the other order (a column-sorted file into CSR) come out sorted; so do the mirrored
  // halves of a symmetric file. Any fiber that is not is sorted on its own (stably: repeats stay in
  // order of appearance), then repeats, now adjacent, are summed.
  bool repeats = false;
  if (!(s.canonical && out_outer != src_outer)) {
    std::vector<std::uint32_t> order, crd;
    std::vector<std::byte> values;
    for (std::size_t f = 0; f + 1 < out.pos.size(); ++f) {
      const std::uint32_t begin = out.pos[f], end = out.pos[f + 1];
      bool sorted = true;
      for (std::uint32_t k = begin + 1; k < end && sorted; ++k) sorted = out.crd[k - 1] < out.crd[k];
      if (sorted) continue;
      order.resize(end - begin);
      std::iota(order.begin(), order.end(), begin);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t x, std::uint32_t y) { return out.crd[x] < out.crd[y]; });
      crd.resize(order.size());
      values.resize(order.size() * vsize);
      for (std::size_t i = 0; i < order.size(); ++i) {
        crd[i] = out.crd[order[i]];
        if (vsize > 0) std::memcpy(values.data() + i * vsize, r.values.data() + std::size_t{order[i]} * vsize, vsize);
        repeats = repeats || (i > 0 && crd[i] == crd[i - 1]);
      }
      std::copy(crd.begin(), crd.end(), out.crd.begin() + begin);
      std::copy(values.begin(), values.end(), r.values.begin() + std::size_t{begin} * vsize);
    }
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
      if (vsize > 0 && w != q) std::memcpy(r.values.data() + w * vsize, r.values.data() + q * vsize, vsize);
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
