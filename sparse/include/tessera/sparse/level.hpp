// Level formats: how one dimension (level) of a sparse tensor is stored, after TACO's level
// formats (Chou, Kjolstad, Amarasinghe, OOPSLA'18). Every level declares its properties and its
// capabilities; traversal, assembly and kernels ask for those, never for a named matrix format.
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::sparse {

enum class LevelKind : std::uint8_t {
  kDense,       // every coordinate 0..n-1 of each parent: child = parent * n + coordinate
  kCompressed,  // offsets (pos) and coordinates (crd) per parent, as CSR's column level
  kSingleton,   // one coordinate per parent (crd), as COO's second level
  kBitmap,      // one bit per coordinate of each parent; children numbered by rank
  kRunLength,   // (zero run, entry) symbols of r bits per parent; a run longer than 2^r - 2 takes
                // filler symbols (2^r - 1: skip 2^r - 1 coordinates), as the paper's RLC
  kBlock,       // a dense block of b coordinates: the inner half of a split dimension (BCSR)
  kPadded,      // w slots per parent, unused slots hold kNoCoordinate, as ELLPACK's column level
};

/// What a level guarantees about the coordinates it stores (TACO's level properties).
struct LevelProperties {
  bool full;     // every coordinate of every parent is stored
  bool ordered;  // coordinates of one parent are stored in increasing order
  bool unique;   // no coordinate is stored twice under one parent
  bool compact;  // nothing but coordinates is stored (no filler symbols, no padding slots)
};

/// What a level lets code do (TACO's level capabilities).
struct LevelCapabilities {
  bool iterate;  // visit the coordinates of a parent in order
  bool locate;   // find the child of (parent, coordinate) in O(1) without iterating
  bool append;   // build by appending coordinates in order
  bool insert;   // build by writing at located positions (preallocated)
};

/// Properties of `kind`; `unique` is the level's own flag (only compressed and singleton levels
/// may be non-unique, as COO's first level).
LevelProperties properties(LevelKind kind, bool unique = true);
LevelCapabilities capabilities(LevelKind kind);

/// "dense", "compressed", "singleton", "bitmap", "run-length", "block", "padded".
std::string_view to_string(LevelKind kind);

/// The coordinate of an unused slot of a padded level.
inline constexpr std::uint32_t kNoCoordinate = 0xFFFFFFFFu;

}  // namespace tessera::sparse
