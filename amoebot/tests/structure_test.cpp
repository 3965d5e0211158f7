// Structures: the generated shapes have the paper's node counts, neighbours follow the axial
// directions, files round-trip, and bad structures and files are refused naming what is wrong.
#include "tessera/amoebot/structure.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <utility>

#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::amoebot {
namespace {

using testing::ErrorMatch;
using testing::expect_error;

TEST(Shapes, HaveTheirNodeCounts) {
  EXPECT_EQ(make_shape("hexagon:0", 1).size(), 1u);
  EXPECT_EQ(make_shape("hexagon:30", 1).size(), 3u * 900 + 3 * 30 + 1);
  EXPECT_EQ(make_shape("triangle:10", 1).size(), 11u * 12 / 2);
  EXPECT_EQ(make_shape("parallelogram:4x9", 1).size(), 5u * 10);
  EXPECT_EQ(make_shape("line:2", 1).size(), 2u);
  EXPECT_EQ(make_shape("blob:777", 3).size(), 777u);
  EXPECT_EQ(make_shape("spiral:500", 1).size(), 500u);
  EXPECT_EQ(make_shape("comb:5", 1).size(), 10u + 5 * 10);
  const Structure holes = make_shape("holes:2000", 5);
  EXPECT_EQ(holes.size(), 2000u);
}

TEST(Shapes, BlobsDependOnTheSeedOnly) {
  const Structure a = make_shape("blob:300", 9), b = make_shape("blob:300", 9);
  const Structure c = make_shape("blob:300", 10);
  EXPECT_TRUE(std::equal(a.nodes().begin(), a.nodes().end(), b.nodes().begin()));
  EXPECT_FALSE(std::equal(a.nodes().begin(), a.nodes().end(), c.nodes().begin()));
}

// A hole: an empty node all of whose six neighbours are in the structure.
TEST(Shapes, HolesHaveHoles) {
  const Structure s = make_shape("holes:3000", 2);
  std::set<std::pair<std::int32_t, std::int32_t>> taken;
  for (const Axial a : s.nodes()) taken.insert({a.x, a.y});
  std::set<std::pair<std::int32_t, std::int32_t>> holes;
  for (const Axial a : s.nodes())
    for (int d = 0; d < kDirections; ++d) {
      const Axial empty = neighbour_of(a, d);
      if (taken.contains({empty.x, empty.y})) continue;
      int around = 0;
      for (int e = 0; e < kDirections; ++e) {
        const Axial b = neighbour_of(empty, e);
        around += taken.contains({b.x, b.y}) ? 1 : 0;
      }
      if (around == 6) holes.insert({empty.x, empty.y});
    }
  EXPECT_GE(holes.size(), 5u);
  EXPECT_TRUE(make_shape("blob:3000", 2).size() == 3000u);
}

TEST(Structure, NeighboursFollowTheDirections) {
  const Structure s = make_shape("hexagon:2", 1);
  for (std::size_t i = 0; i < s.size(); ++i)
    for (int d = 0; d < kDirections; ++d) {
      const std::int32_t j = s.neighbour(i, d);
      if (j >= 0) {
        EXPECT_EQ(s.nodes()[static_cast<std::size_t>(j)], neighbour_of(s.nodes()[i], d));
        EXPECT_EQ(s.neighbour(static_cast<std::size_t>(j), (d + 3) % 6),
                  static_cast<std::int32_t>(i));
      }
    }
  std::size_t interior = 0;  // 6 neighbours: the hexagon of radius 1 inside
  for (std::size_t i = 0; i < s.size(); ++i) {
    int count = 0;
    for (int d = 0; d < kDirections; ++d) count += s.neighbour(i, d) >= 0 ? 1 : 0;
    interior += count == 6 ? 1 : 0;
  }
  EXPECT_EQ(interior, 7u);
}

// A line far longer than wide takes the sorted-key path; it must agree with the dense grid's.
TEST(Structure, SparseBoxesFindTheSameNeighbours) {
  std::vector<Axial> nodes;
  for (std::int32_t x = 0; x < 5000; ++x) nodes.push_back({x, 0});
  for (std::int32_t y = 1; y < 5000; ++y) nodes.push_back({4999, y});
  const Structure s(nodes);
  EXPECT_EQ(s.neighbour(0, 0), 1);
  EXPECT_EQ(s.neighbour(4999, 1), 5000);
  EXPECT_EQ(s.neighbour(5000, 4), 4999);
  EXPECT_EQ(s.neighbour(0, 3), -1);
}

TEST(Structure, SymmetriesMapDirections) {
  for (int d = 0; d < kDirections; ++d) {
    EXPECT_EQ(rotated(step(d)), step((d + 1) % 6));
    EXPECT_EQ(mirrored(step(d)), step((6 - d) % 6));
  }
}

TEST(Structure, RefusesWhatIsNotAStructure) {
  expect_error([] { Structure({}); }, {.input = "structure", .contains = "no nodes"});
  expect_error(
      [] {
        Structure({{0, 0}, {1, 0}, {0, 0}});
      },
      {.input = "structure", .contains = "(0, 0) is listed twice"});
  expect_error(
      [] {
        Structure({{0, 0}, {1, 0}, {3, 0}});
      },
      {.input = "structure", .contains = "(3, 0) is not connected"});
  expect_error([] { make_shape("hexagon", 1); }, {.input = "shape", .contains = "KIND:SIZE"});
  expect_error([] { make_shape("circle:3", 1); },
               {.input = "shape", .contains = "no shape 'circle'"});
  expect_error([] { make_shape("line:0", 1); }, {.input = "shape", .contains = "from 1"});
  expect_error([] { make_shape("parallelogram:3", 1); }, {.input = "shape", .contains = "AxB"});
  expect_error([] { make_shape("hexagon:1000000", 1); },
               {.input = "shape", .contains = "at most 2^28"});
  expect_error([] { make_shape("comb:1073741824", 1); },
               {.input = "shape", .contains = "at most 2^28"});
}

TEST(StructureFiles, RoundTrip) {
  const testing::TempDir dir;
  const Structure s = make_shape("blob:200", 4);
  write_structure(s, dir.path() / "blob.txt");
  const Structure back = read_structure(dir.path() / "blob.txt");
  ASSERT_EQ(back.size(), s.size());
  EXPECT_TRUE(std::equal(s.nodes().begin(), s.nodes().end(), back.nodes().begin()));
}

TEST(StructureFiles, ErrorsNameTheLine) {
  const testing::TempDir dir;
  const auto file = [&](const char* text) {
    const auto path = dir.path() / "s.txt";
    std::ofstream(path) << text;
    return path;
  };
  expect_error([&] { read_structure(file("# a comment\n0 0\n1 x\n")); },
               {.contains = "line 3: '1 x' is not two whole numbers"});
  expect_error([&] { read_structure(file("0 0\n1 0\n\n0 0\n")); },
               {.contains = "line 4: node (0, 0) is already on line 1"});
  expect_error([&] { read_structure(file("0 0\n1 0\n5 5\n")); },
               {.contains = "line 3: node (5, 5) is not connected to the node on line 1"});
  expect_error([&] { read_structure(file("# nothing\n")); }, {.contains = "lists no nodes"});
  expect_error([&] { read_structure(file("0 0\n1-2\n")); },
               {.contains = "line 2: '1-2' is not two whole numbers"});
  expect_error([] { parse_structure("0 0\r\n1073741824 0\r\n", "big.txt"); },
               {.input = "big.txt", .contains = "line 2: node (1073741824, 0) lies outside"});
  expect_error(
      [] {
        Structure({{0, -1073741824}});
      },
      {.input = "structure", .contains = "lies outside |x|, |y| < 2^30"});
  EXPECT_EQ(parse_structure("# two\r\n0 0\r\n\t-1 1 \r\n", "crlf.txt").size(), 2u);
  expect_error([&] { read_structure(dir.path() / "missing.txt"); }, {.contains = "cannot open"});
}

}  // namespace
}  // namespace tessera::amoebot
