// A format is a list of level formats, one per stored level, each bound to a dimension (or to the
// outer or inner half of a blocked dimension): CSR is dense(rows) · compressed(columns), COO is
// compressed-non-unique(rows) · singleton(columns), BCSR splits both dimensions into blocks. The
// format is a value type that says how a tensor is stored; tensors and kernels take it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/sparse/level.hpp"

namespace tessera::sparse {

/// Which coordinate of its dimension a level stores.
enum class LevelPart : std::uint8_t {
  kWhole,        // the coordinate x
  kBlocks,       // x / b, the block of a dimension split into blocks of b
  kWithinBlock,  // x % b, the coordinate inside the block
};

struct LevelSpec {
  LevelKind kind = LevelKind::kDense;
  std::uint32_t dimension = 0;
  LevelPart part = LevelPart::kWhole;
  bool unique = true;
  /// kRunLength: the bits of a run symbol (2..16); kPadded: slots per parent, 0 = the longest
  /// fiber's length, found when the tensor is built. Unused by other levels.
  std::uint32_t parameter = 0;

  bool operator==(const LevelSpec&) const = default;
};

struct FormatSpec {
  std::string name;                 // as parse_format takes it: "csr", "bcsr:4x4", "rlc:4@col"
  std::vector<LevelSpec> levels;    // outermost first
  std::vector<std::uint32_t> block; // per dimension: the block size (1 = not split)

  std::size_t order() const { return block.size(); }
  /// The last level is full (dense or block): its positions hold zeros where there is no entry.
  bool full_leaf() const;
  /// Same levels and blocks (the names may differ: "csc" and "csr@col").
  bool same_layout(const FormatSpec& other) const;
  /// "dense(0) · compressed(1)": the levels with their dimensions, for --print-plan and errors.
  std::string describe() const;

  bool operator==(const FormatSpec&) const = default;
};

/// The format named by `text` for a tensor of `order` dimensions. Grammar: NAME[:PARAM][@ORDER],
/// ORDER = row | col | a permutation such as 2,0,1 (the dimension of each level, outermost
/// first; default row = 0,1,...). Names: dense, coo, csf (any order), csr, csc, dcsr, dcsc,
/// bitmap, rlc[:BITS] (default 8), ell, bcsr:RxC, bcsc:RxC (matrices). tessera::Error naming
/// `input` and listing the names on anything else.
FormatSpec parse_format(std::string_view text, std::size_t order, std::string_view input = "format");

/// The format names parse_format takes, for help texts: "dense, coo, csr, ...".
std::string format_names();

/// Every named format of a tensor of `order` dimensions in both mode orders, with the given block
/// size and run bits: what property tests and the advisor enumerate.
std::vector<FormatSpec> all_formats(std::size_t order, std::uint32_t block = 4,
                                    std::uint32_t run_bits = 4);

/// Checks the rules a format must follow (levels cover each dimension once, blocks split before
/// they are entered, a non-unique level is followed only by singletons, a singleton follows a
/// non-unique level or a singleton); tessera::Error naming `input` otherwise.
void check_format(const FormatSpec& format, std::string_view input = "format");

}  // namespace tessera::sparse
