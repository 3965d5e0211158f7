// Structures as text files (structure.hpp): one "x y" line per node, errors naming the line.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string>
#include <unordered_map>

#include "grid_graph.hpp"
#include "tessera/amoebot/structure.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::amoebot {
namespace {

// The whole number at the front of `text` (after spaces), or false.
bool take_int(std::string_view& text, std::int32_t& value) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{}) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

}  // namespace

Structure parse_structure(std::string_view text, std::string_view name) {
  const std::string file(name);
  std::vector<Axial> nodes;
  std::vector<std::int64_t> lines;  // of each node
  std::unordered_map<std::uint64_t, std::int64_t> seen;
  for (std::int64_t number = 1; !text.empty(); ++number) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view whole = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    std::string_view line = whole;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') continue;
    Axial a;
    if (!take_int(line, a.x) || line.empty() || (line.front() != ' ' && line.front() != '\t') ||
        !take_int(line, a.y) || line.find_first_not_of(" \t") != std::string_view::npos)
      throw Error(file, fmt::format("line {}: '{}' is not two whole numbers \"x y\"", number,
                                    whole.substr(0, 80)));
    if (!within_grid(a))
      throw Error(file, fmt::format("line {}: node ({}, {}) lies outside |x|, |y| < 2^30", number,
                                    a.x, a.y));
    const std::uint64_t key = static_cast<std::uint64_t>(static_cast<std::uint32_t>(a.y)) << 32 |
                              static_cast<std::uint32_t>(a.x);
    if (const auto [it, added] = seen.emplace(key, number); !added)
      throw Error(file, fmt::format("line {}: node ({}, {}) is already on line {}", number, a.x,
                                    a.y, it->second));
    nodes.push_back(a);
    lines.push_back(number);
  }
  if (nodes.empty()) throw Error(file, "lists no nodes");
  const std::size_t first = detail::first_unreached(detail::neighbour_table(nodes));
  if (first < nodes.size())
    throw Error(file, fmt::format("line {}: node ({}, {}) is not connected to the node on line {}",
                                  lines[first], nodes[first].x, nodes[first].y, lines[0]));
  return Structure(std::move(nodes));
}

Structure read_structure(const std::filesystem::path& path) {
  const std::vector<std::byte> bytes = read_file(path);
  return parse_structure({reinterpret_cast<const char*>(bytes.data()), bytes.size()},
                         path.string());
}

void write_structure(const Structure& structure, const std::filesystem::path& path) {
  std::ostringstream text;
  for (const Axial a : structure.nodes()) text << a.x << ' ' << a.y << '\n';
  const std::string bytes = text.str();
  write_file(path, std::as_bytes(std::span(bytes.data(), bytes.size())));
}

}  // namespace tessera::amoebot
