// Generated structures (structure.hpp, make_shape): the regular shapes of the paper's recognition
// problems, lines, and irregular ones for the algorithms' tests (Eden blobs, blobs with holes,
// spirals and combs of large diameter).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "tessera/amoebot/structure.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::amoebot {
namespace {

std::uint64_t key_of(Axial a) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(a.y)) << 32 |
         static_cast<std::uint32_t>(a.x);
}

std::vector<Axial> hexagon(std::int32_t r) {
  std::vector<Axial> nodes;
  for (std::int32_t y = -r; y <= r; ++y)
    for (std::int32_t x = std::max(-r, -r - y); x <= std::min(r, r - y); ++x)
      nodes.push_back({x, y});
  return nodes;
}

std::vector<Axial> triangle(std::int32_t side) {
  std::vector<Axial> nodes;
  for (std::int32_t y = 0; y <= side; ++y)
    for (std::int32_t x = 0; x + y <= side; ++x) nodes.push_back({x, y});
  return nodes;
}

std::vector<Axial> parallelogram(std::int32_t a, std::int32_t b) {
  std::vector<Axial> nodes;
  for (std::int32_t y = 0; y <= b; ++y)
    for (std::int32_t x = 0; x <= a; ++x) nodes.push_back({x, y});
  return nodes;
}

// Eden growth: from the origin, each next node the target of a uniformly drawn open (node,
// direction) pair, one whose neighbour is empty (draws from `rng`, one a node). The same law as
// drawing a node and a direction until the neighbour is empty, without the draws that fail (whose
// share grows with the blob).
std::vector<Axial> blob(std::int64_t n, const CounterRng& rng) {
  std::vector<Axial> nodes{{0, 0}};
  std::unordered_map<std::uint64_t, std::uint32_t> index{{key_of({0, 0}), 0}};
  std::vector<std::uint32_t> open;  // node · 6 + direction, in any order
  std::vector<std::int32_t> where;  // node · 6 + direction -> its place in `open`, or -1
  const auto add_open = [&](std::uint32_t pair) {
    where[pair] = static_cast<std::int32_t>(open.size());
    open.push_back(pair);
  };
  const auto close = [&](std::uint32_t pair) {
    const auto at = static_cast<std::size_t>(where[pair]);
    where[open.back()] = static_cast<std::int32_t>(at);
    open[at] = open.back();
    open.pop_back();
    where[pair] = -1;
  };
  // Node `node` joins: its pairs toward empty neighbours open, those toward it close.
  const auto join = [&](std::uint32_t node) {
    where.resize(std::size_t{node + 1} * kDirections, -1);
    for (int d = 0; d < kDirections; ++d) {
      const auto found = index.find(key_of(neighbour_of(nodes[node], d)));
      if (found == index.end())
        add_open(node * kDirections + static_cast<std::uint32_t>(d));
      else
        close(found->second * kDirections + static_cast<std::uint32_t>((d + 3) % kDirections));
    }
  };
  join(0);
  for (std::uint64_t draw = 0; static_cast<std::int64_t>(nodes.size()) < n; ++draw) {
    const std::uint32_t pair = open[rng.u64(draw) % open.size()];
    const auto node = static_cast<std::uint32_t>(nodes.size());
    nodes.push_back(neighbour_of(nodes[pair / kDirections], static_cast<int>(pair % kDirections)));
    index.emplace(key_of(nodes.back()), node);
    join(node);
  }
  return nodes;
}

// A blob of n nodes with holes: grown to n + n/50 nodes, then that many nodes removed, each one
// whose six neighbours are taken and next to no other hole (so the blob stays connected), spread
// by taking every seventh candidate first. A blob too small for its holes is grown to n and kept.
std::vector<Axial> blob_with_holes(std::int64_t n, const CounterRng& rng) {
  const std::int64_t holes = std::max<std::int64_t>(1, n / 50);
  const std::vector<Axial> grown = blob(n + holes, rng);
  std::unordered_set<std::uint64_t> taken, near_hole;
  for (const Axial a : grown) taken.insert(key_of(a));
  std::vector<bool> removed(grown.size(), false);
  std::int64_t count = 0;
  for (const std::size_t spacing : {7, 1}) {
    for (std::size_t i = 0; i < grown.size() && count < holes; i += spacing) {
      const Axial a = grown[i];
      bool interior = !removed[i] && !near_hole.contains(key_of(a));
      for (int d = 0; d < kDirections && interior; ++d) {
        const std::uint64_t k = key_of(neighbour_of(a, d));
        interior = taken.contains(k) && !near_hole.contains(k);
      }
      if (!interior) continue;
      removed[i] = true;
      ++count;
      near_hole.insert(key_of(a));
      for (int d = 0; d < kDirections; ++d) near_hole.insert(key_of(neighbour_of(a, d)));
    }
  }
  if (count < holes) return blob(n, rng);
  std::vector<Axial> nodes;
  for (std::size_t i = 0; i < grown.size(); ++i)
    if (!removed[i]) nodes.push_back(grown[i]);
  return nodes;
}

// A one-node-wide hexagonal spiral of n nodes: runs of growing length, turning left.
std::vector<Axial> spiral(std::int64_t n) {
  std::vector<Axial> nodes{{0, 0}};
  Axial at{0, 0};
  for (std::int64_t run = 1; static_cast<std::int64_t>(nodes.size()) < n; ++run) {
    const int d = static_cast<int>(run % kDirections);
    for (std::int64_t k = 0; k < 2 * run && static_cast<std::int64_t>(nodes.size()) < n; ++k) {
      at = neighbour_of(at, d);
      nodes.push_back(at);
    }
  }
  return nodes;
}

// A comb: a spine along E with `teeth` teeth of length 2·teeth going NNE, every other node.
std::vector<Axial> comb(std::int32_t teeth) {
  std::vector<Axial> nodes;
  for (std::int32_t x = 0; x < 2 * teeth; ++x) {
    nodes.push_back({x, 0});
    if (x % 2 == 0)
      for (std::int32_t y = 1; y <= 2 * teeth; ++y) nodes.push_back({x, y});
  }
  return nodes;
}

// The most nodes a generated shape may have.
constexpr double kMaxShapeNodes = double(std::int64_t{1} << 28);

// tessera::Error naming "shape" when spec would make more than kMaxShapeNodes nodes.
void check_nodes(std::string_view spec, double nodes) {
  if (nodes > kMaxShapeNodes)
    throw Error("shape", fmt::format("'{}' makes {:.3g} nodes: at most 2^28", spec, nodes));
}

// The integer `text` of spec `spec`, at least `least` and at most 2^30.
std::int64_t parse_size(std::string_view text, std::string_view spec, std::int64_t least) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < least ||
      value > (std::int64_t{1} << 30))
    throw Error("shape",
                fmt::format("'{}': '{}' is not a whole number from {} to 2^30", spec, text, least));
  return value;
}

}  // namespace

Structure make_shape(std::string_view spec, std::uint64_t seed) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string_view::npos)
    throw Error("shape", fmt::format("'{}' is not KIND:SIZE (hexagon:R, triangle:L, "
                                     "parallelogram:AxB, line:N, blob:N, holes:N, spiral:N, "
                                     "comb:T)",
                                     spec));
  const std::string_view kind = spec.substr(0, colon), size = spec.substr(colon + 1);
  const CounterRng rng(seed, 0);
  const auto count = [&](std::int64_t least) { return parse_size(size, spec, least); };
  if (kind == "hexagon") {
    const std::int64_t r = count(0);
    check_nodes(spec, 3.0 * double(r) * double(r) + 3.0 * double(r) + 1);
    return Structure(hexagon(static_cast<std::int32_t>(r)));
  }
  if (kind == "triangle") {
    const std::int64_t l = count(0);
    check_nodes(spec, (double(l) + 1) * (double(l) + 2) / 2);
    return Structure(triangle(static_cast<std::int32_t>(l)));
  }
  if (kind == "line" || kind == "blob" || kind == "holes" || kind == "spiral") {
    const std::int64_t n = count(1);
    check_nodes(spec, double(n));
    if (kind == "line") return Structure(parallelogram(static_cast<std::int32_t>(n) - 1, 0));
    if (kind == "blob") return Structure(blob(n, rng));
    if (kind == "holes") return Structure(blob_with_holes(n, rng));
    return Structure(spiral(n));
  }
  if (kind == "comb") {
    const std::int64_t t = count(1);
    check_nodes(spec, 2.0 * double(t) * (1 + double(t)));
    return Structure(comb(static_cast<std::int32_t>(t)));
  }
  if (kind == "parallelogram") {
    const std::size_t x = size.find('x');
    if (x == std::string_view::npos)
      throw Error("shape", fmt::format("'{}': a parallelogram is parallelogram:AxB", spec));
    const std::int64_t a = parse_size(size.substr(0, x), spec, 0);
    const std::int64_t b = parse_size(size.substr(x + 1), spec, 0);
    check_nodes(spec, (double(a) + 1) * (double(b) + 1));
    return Structure(parallelogram(static_cast<std::int32_t>(a), static_cast<std::int32_t>(b)));
  }
  throw Error("shape", fmt::format("'{}': no shape '{}' (hexagon, triangle, parallelogram, line, "
                                   "blob, holes, spiral, comb)",
                                   spec, kind));
}

}  // namespace tessera::amoebot
