// Level-generic traversal: visits the stored entries of a tensor of any format in storage order,
// asking each level only for its iterate capability. Conversion and the format-agnostic kernels
// are written against it; one switch per level step, no virtual call per entry.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// The most levels a format may have (a 4-D tensor with every dimension blocked).
inline constexpr std::size_t kMaxLevels = 8;

/// Symbol `index` of a run-length level: `bits` wide, packed into 64-bit words.
inline std::uint32_t packed_symbol(const std::vector<std::uint64_t>& words, std::uint64_t index,
                                   std::uint32_t bits) {
  const std::uint64_t bit = index * bits;
  const std::size_t word = bit / 64;
  const unsigned offset = bit % 64;
  std::uint64_t v = words[word] >> offset;
  if (offset + bits > 64) v |= words[word + 1] << (64 - offset);
  return static_cast<std::uint32_t>(v & ((std::uint64_t{1} << bits) - 1));
}

namespace detail {

template <class Visit>
class Traversal {
 public:
  Traversal(const SparseTensor& t, Visit& visit)
      : t_(t), visit_(visit), last_(t.format.levels.size() - 1), full_leaf_(t.format.full_leaf()),
        value_size_(t.value_size()) {
    for (std::size_t l = 0; l <= last_; ++l) extent_[l] = t.level_extent(l);
  }

  void run() {
    if (!t_.format.levels.empty()) descend(0, 0);
  }

 private:
  void child(std::size_t l, std::uint32_t c, std::uint64_t p) {
    coord_[l] = c;
    if (l < last_) {
      descend(l + 1, p);
    } else if (!full_leaf_ || !is_zero_value(t_.values.data() + p * value_size_, value_size_)) {
      visit_(coord_.data(), p);
    }
  }

  void descend(std::size_t l, std::uint64_t parent) {
    const LevelSpec& spec = t_.format.levels[l];
    const LevelData& d = t_.levels[l];
    const std::uint64_t n = extent_[l];
    switch (spec.kind) {
      case LevelKind::kDense:
      case LevelKind::kBlock:
        for (std::uint64_t c = 0; c < n; ++c) child(l, static_cast<std::uint32_t>(c), parent * n + c);
        return;
      case LevelKind::kCompressed:
        for (std::uint64_t k = d.pos[parent]; k < d.pos[parent + 1]; ++k) child(l, d.crd[k], k);
        return;
      case LevelKind::kSingleton:
        child(l, d.crd[parent], parent);
        return;
      case LevelKind::kBitmap: {
        const std::uint64_t begin = parent * n;
        const std::uint64_t end = begin + n;
        for (std::uint64_t w = begin / 64; w * 64 < end; ++w) {
          std::uint64_t word = d.bits[w];
          if (w * 64 < begin) word &= ~std::uint64_t{0} << (begin % 64);
          if ((w + 1) * 64 > end) word &= ~(~std::uint64_t{0} << (end % 64));
          while (word != 0) {
            const std::uint64_t bit = w * 64 + static_cast<unsigned>(std::countr_zero(word));
            word &= word - 1;
            child(l, static_cast<std::uint32_t>(bit - begin), rank_[l]++);
          }
        }
        return;
      }
      case LevelKind::kRunLength: {
        const std::uint32_t filler = (1u << spec.parameter) - 1;
        for (std::uint64_t cursor = 0; cursor < n;) {
          const std::uint32_t symbol = packed_symbol(d.bits, symbol_[l]++, spec.parameter);
          if (symbol == filler) {
            cursor += filler;
            continue;
          }
          cursor += symbol;
          child(l, static_cast<std::uint32_t>(cursor), rank_[l]++);
          ++cursor;
        }
        return;
      }
      case LevelKind::kPadded:
        for (std::uint64_t k = parent * d.width; k < (parent + 1) * d.width; ++k) {
          if (d.crd[k] == kNoCoordinate) break;
          child(l, d.crd[k], k);
        }
        return;
    }
  }

  const SparseTensor& t_;
  Visit& visit_;
  std::size_t last_;
  bool full_leaf_;
  std::size_t value_size_;
  std::array<std::uint32_t, kMaxLevels> extent_{};
  std::array<std::uint32_t, kMaxLevels> coord_{};
  std::array<std::uint64_t, kMaxLevels> rank_{};    // bitmap, run-length: next child position
  std::array<std::uint64_t, kMaxLevels> symbol_{};  // run-length: next symbol
};

}  // namespace detail

/// Calls visit(level_coordinates, value_position) for every stored entry, in storage order.
/// level_coordinates[l] is the coordinate at level l (a block index, or a coordinate in a block,
/// for split dimensions). A full leaf's zero positions are not entries and are not visited.
template <class Visit>
void for_each_stored(const SparseTensor& tensor, Visit&& visit) {
  detail::Traversal<std::remove_reference_t<Visit>> walk(tensor, visit);
  walk.run();
}

/// Calls visit(coordinates, value_position) for every stored entry in storage order, with
/// coordinates[d] the entry's coordinate in dimension d.
template <class Visit>
void for_each_entry(const SparseTensor& tensor, Visit&& visit) {
  const auto& levels = tensor.format.levels;
  std::array<std::uint32_t, kMaxLevels> x{};
  for_each_stored(tensor, [&](const std::uint32_t* c, std::uint64_t p) {
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const LevelSpec& s = levels[l];
      switch (s.part) {
        case LevelPart::kWhole: x[s.dimension] = c[l]; break;
        case LevelPart::kBlocks: x[s.dimension] = c[l] * tensor.format.block[s.dimension]; break;
        case LevelPart::kWithinBlock: x[s.dimension] += c[l]; break;
      }
    }
    visit(static_cast<const std::uint32_t*>(x.data()), p);
  });
}

/// Stored entries: stored positions of the last level, less the zero positions of a full leaf,
/// less padding. Counts repeats of a non-canonical COO tensor.
inline std::uint64_t entry_count(const SparseTensor& tensor) {
  if (!tensor.format.full_leaf() && tensor.format.levels.back().kind != LevelKind::kPadded) {
    return tensor.levels.back().size;
  }
  std::uint64_t n = 0;
  for_each_stored(tensor, [&](const std::uint32_t*, std::uint64_t) { ++n; });
  return n;
}

}  // namespace tessera::sparse
