// Assembly: builds a tensor of any format from its entries appended in the format's storage order
// (lexicographic in level coordinates), asking each level only for its append or insert
// capability. Conversion streams or sorts entries into it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "tessera/sparse/tensor.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse::detail {

class Assembler {
 public:
  /// An empty tensor of `dims` in `format`. `widths[l]`: the slots of padded level l when its
  /// parameter is 0 (the longest fiber, found by the caller). Arrays may not grow past
  /// `max_bytes`: tessera::Error naming the format beyond it.
  Assembler(std::vector<std::uint32_t> dims, const FormatSpec& format, ValueType type,
            std::array<std::uint32_t, kMaxLevels> widths, std::uint64_t max_bytes);

  /// Appends an entry: its coordinates per level (strictly after the last entry's, except that a
  /// non-unique level takes every entry) and its value (value size bytes of the target;
  /// ignored for pattern).
  void append(const std::uint32_t* level_coords, const std::byte* value);

  /// The tensor, with every level closed over all parents.
  SparseTensor finish();

 private:
  void append_at(std::size_t l, std::uint32_t c);
  void close_run_length_fibers(std::size_t l, std::uint64_t up_to_parent);
  void push_symbol(std::size_t l, std::uint32_t symbol);
  void write_value(std::uint64_t position, const std::byte* value);
  void check_size(std::uint64_t bytes) const;

  SparseTensor t_;
  std::size_t last_;
  std::size_t value_size_;
  std::uint64_t max_bytes_;
  bool started_ = false;
  std::array<std::uint32_t, kMaxLevels> extent_{};
  std::array<std::uint32_t, kMaxLevels> previous_{};  // last entry's level coordinates
  std::array<std::uint64_t, kMaxLevels> position_{};  // the current child at each level
  std::array<std::uint64_t, kMaxLevels> fiber_{};     // run-length, padded: current parent
  std::array<std::uint64_t, kMaxLevels> cursor_{};    // run-length: next coordinate; padded: slot
  std::array<bool, kMaxLevels> open_{};               // run-length, padded: a fiber is open
};

/// The level coordinates that `format` gives to the entry at `coords` (dimension order).
inline void level_coordinates(const FormatSpec& format, const std::uint32_t* coords,
                              std::uint32_t* out) {
  for (std::size_t l = 0; l < format.levels.size(); ++l) {
    const LevelSpec& s = format.levels[l];
    const std::uint32_t x = coords[s.dimension];
    const std::uint32_t b = format.block[s.dimension];
    out[l] = s.part == LevelPart::kWhole ? x : s.part == LevelPart::kBlocks ? x / b : x % b;
  }
}

}  // namespace tessera::sparse::detail
