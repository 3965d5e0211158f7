// A static amoebot structure: a connected set of nodes of the triangular grid in axial coordinates
// (Feldmann et al., "Coordinating Amoebots via Reconfigurable Circuits", SSS'21, §1), with each
// node's neighbour in each of the six global directions. The simulator's hidden side: algorithms
// never see coordinates, directions or indices.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/amoebot/axial.hpp"

namespace tessera::amoebot {

class Structure {
 public:
  /// tessera::Error naming "structure" when `nodes` is empty, holds a node twice, or is not
  /// connected (the message names the first node not reached).
  explicit Structure(std::vector<Axial> nodes);

  std::size_t size() const { return nodes_.size(); }
  std::span<const Axial> nodes() const { return nodes_; }
  /// Index of node i's neighbour in global direction d, or -1 where the node is empty.
  std::int32_t neighbour(std::size_t i, int d) const {
    return neighbours_[i * kDirections + static_cast<std::size_t>(d)];
  }

 private:
  std::vector<Axial> nodes_;
  std::vector<std::int32_t> neighbours_;  // (size, 6)
};

/// A generated structure: "hexagon:R" (radius R, 3R^2 + 3R + 1 nodes), "triangle:L" (side L,
/// (L+1)(L+2)/2 nodes), "parallelogram:AxB" ((A+1)(B+1) nodes), "line:N", "blob:N" (Eden growth of
/// N nodes from `seed`), "holes:N" (a blob of N nodes with holes punched in it, still connected),
/// "spiral:N" (a one-node-wide spiral of N nodes), "comb:T" (T teeth). tessera::Error naming
/// "shape" when the spec is not one of these.
Structure make_shape(std::string_view spec, std::uint64_t seed);

/// One "x y" line per node; blank lines and lines starting with '#' are skipped. tessera::Error
/// naming `name` and the line that is malformed, repeated, or not connected to the others.
Structure parse_structure(std::string_view text, std::string_view name);
/// parse_structure of the file's text (tessera::Error naming the file when it cannot be read).
Structure read_structure(const std::filesystem::path& path);
/// Writes one "x y" line per node (through a temporary file, renamed; "-" is standard output).
void write_structure(const Structure& structure, const std::filesystem::path& path);

}  // namespace tessera::amoebot
