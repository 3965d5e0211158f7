// The level-generic conversion (convert_levels.hpp): streaming when the orders agree, sorting
// when not; repeats of a non-canonical COO source are summed in their order of appearance.
#include "convert_levels.hpp"

#include <algorithm>
#include <numeric>

#include "assembly.hpp"
#include "level_sort.hpp"
#include "tessera/sparse/traversal.hpp"
#include "value_ops.hpp"

namespace tessera::sparse::detail {
namespace {

// Entries of `source` arrive in the target's order: same level dimensions, parts and blocks.
bool same_order(const SparseTensor& source, const FormatSpec& target) {
  const FormatSpec& s = source.format;
  if (!source.canonical || s.levels.size() != target.levels.size() || s.block != target.block) {
    return false;
  }
  for (std::size_t l = 0; l < s.levels.size(); ++l) {
    if (s.levels[l].dimension != target.levels[l].dimension ||
        s.levels[l].part != target.levels[l].part) {
      return false;
    }
  }
  return true;
}

// The widths of the target's padded levels that take the longest fiber: the most entries that
// share one prefix of level coordinates. `sorted` visits the entries' level coordinates in the
// target's order.
template <class ForEachSorted>
std::array<std::uint32_t, kMaxLevels> padded_widths(const FormatSpec& target, ForEachSorted&& each) {
  std::array<std::uint32_t, kMaxLevels> widths{};
  std::vector<std::size_t> padded;
  for (std::size_t l = 0; l < target.levels.size(); ++l) {
    if (target.levels[l].kind == LevelKind::kPadded && target.levels[l].parameter == 0) {
      padded.push_back(l);
    }
  }
  if (padded.empty()) return widths;
  std::array<std::uint32_t, kMaxLevels> previous{};
  std::array<std::uint32_t, kMaxLevels> run{};
  bool first = true;
  each([&](const std::uint32_t* c) {
    for (std::size_t l : padded) {
      const bool same_parent = !first && std::equal(c, c + l, previous.begin());
      const bool new_child = !same_parent || c[l] != previous[l];
      if (!same_parent) run[l] = 0;
      if (new_child) widths[l] = std::max(widths[l], ++run[l]);
    }
    std::copy(c, c + target.levels.size(), previous.begin());
    first = false;
  });
  return widths;
}

SparseTensor convert_streaming(const SparseTensor& source, const FormatSpec& target,
                               std::uint64_t max_bytes) {
  const auto each_sorted = [&](auto&& f) {
    std::array<std::uint32_t, kMaxLevels> lc{};
    for_each_entry(source, [&](const std::uint32_t* x, std::uint64_t) {
      level_coordinates(target, x, lc.data());
      f(lc.data());
    });
  };
  Assembler assembler(source.dims, target, source.value_type,
                              padded_widths(target, each_sorted), max_bytes);
  const std::size_t in_size = source.value_size();
  std::array<std::uint32_t, kMaxLevels> lc{};
  for_each_entry(source, [&](const std::uint32_t* x, std::uint64_t p) {
    level_coordinates(target, x, lc.data());
    assembler.append(lc.data(), in_size == 0 ? nullptr : source.values.data() + p * in_size);
  });
  return assembler.finish();
}

SparseTensor convert_sorting(const SparseTensor& source, const FormatSpec& target,
                             std::uint64_t max_bytes) {
  const std::size_t levels = target.levels.size();
  std::vector<std::uint32_t> keys;  // entries x levels, the target's level coordinates
  std::vector<std::uint64_t> value_at;
  {
    std::array<std::uint32_t, kMaxLevels> lc{};
    for_each_entry(source, [&](const std::uint32_t* x, std::uint64_t p) {
      level_coordinates(target, x, lc.data());
      keys.insert(keys.end(), lc.begin(), lc.begin() + levels);
      value_at.push_back(p);
    });
  }
  const std::size_t n = value_at.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::vector<std::uint32_t> extents(levels);
  {
    SparseTensor shape;
    shape.dims = source.dims;
    shape.format = target;
    for (std::size_t l = 0; l < levels; ++l) extents[l] = shape.level_extent(l);
  }
  stable_sort_by_levels(keys, levels, extents, order);

  const std::size_t in_size = source.value_size();
  const auto each_sorted = [&](auto&& f) {
    for (std::uint32_t k : order) f(keys.data() + std::size_t{k} * levels);
  };
  Assembler assembler(source.dims, target, source.value_type,
                              padded_widths(target, each_sorted), max_bytes);
  std::vector<std::byte> sum(std::max<std::size_t>(in_size, 1));
  for (std::size_t i = 0; i < n;) {
    const std::uint32_t* key = keys.data() + std::size_t{order[i]} * levels;
    std::size_t j = i + 1;
    if (in_size > 0) std::memcpy(sum.data(), source.values.data() + value_at[order[i]] * in_size, in_size);
    // Repeats (only in a non-canonical COO source) are summed in their order of appearance.
    for (; j < n && std::equal(key, key + levels, keys.data() + std::size_t{order[j]} * levels); ++j) {
      add_value(source.value_type, sum.data(),
                        source.values.data() + value_at[order[j]] * in_size);
    }
    assembler.append(key, sum.data());
    i = j;
  }
  return assembler.finish();
}

}  // namespace

void convert_levels(const ConvertProblem& p) {
  *p.result = same_order(*p.source, *p.target) ? convert_streaming(*p.source, *p.target, p.max_bytes)
                                               : convert_sorting(*p.source, *p.target, p.max_bytes);
}


}  // namespace tessera::sparse::detail
