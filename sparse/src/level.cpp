// Properties and capabilities of each level format (level.hpp).
#include "tessera/sparse/level.hpp"

namespace tessera::sparse {

LevelProperties properties(LevelKind kind, bool unique) {
  switch (kind) {
    case LevelKind::kDense:
    case LevelKind::kBlock:
      return {.full = true, .ordered = true, .unique = true, .compact = true};
    case LevelKind::kCompressed:
    case LevelKind::kSingleton:
      return {.full = false, .ordered = true, .unique = unique, .compact = true};
    case LevelKind::kBitmap:
      return {.full = false, .ordered = true, .unique = true, .compact = true};
    case LevelKind::kRunLength:
    case LevelKind::kPadded:
      return {.full = false, .ordered = true, .unique = true, .compact = false};
  }
  return {};
}

LevelCapabilities capabilities(LevelKind kind) {
  switch (kind) {
    case LevelKind::kDense:
    case LevelKind::kBlock:
      return {.iterate = true, .locate = true, .append = false, .insert = true};
    case LevelKind::kCompressed:
    case LevelKind::kSingleton:
    case LevelKind::kRunLength:
    case LevelKind::kPadded:
      return {.iterate = true, .locate = false, .append = true, .insert = false};
    case LevelKind::kBitmap:  // a bit is located in O(1); its value's position needs a rank
      return {.iterate = true, .locate = false, .append = true, .insert = false};
  }
  return {};
}

std::string_view to_string(LevelKind kind) {
  switch (kind) {
    case LevelKind::kDense: return "dense";
    case LevelKind::kCompressed: return "compressed";
    case LevelKind::kSingleton: return "singleton";
    case LevelKind::kBitmap: return "bitmap";
    case LevelKind::kRunLength: return "run-length";
    case LevelKind::kBlock: return "block";
    case LevelKind::kPadded: return "padded";
  }
  return "?";
}

}  // namespace tessera::sparse
