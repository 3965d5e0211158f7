// The tile pattern's invariants and statistics, packing and unpacking, and the .tw format: round
// trips, and corrupt, truncated or foreign bytes failing with an error that names the input.
#include "tessera/tilewise/tw_matrix.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "tessera/core/bytes.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/generators.hpp"
#include "tessera/testing/temp_dir.hpp"
#include "tw_test_patterns.hpp"

namespace tessera::tilewise {
namespace {

using tessera::testing::expect_error;
using tessera::testing::uniform_matrix;
using testing::random_contiguous;
using testing::random_two_dimensional;
using testing::with_restored;

TEST(TilePattern, ValidationNamesTheBrokenRule) {
  TilePattern p = random_contiguous(10, 20, 8, 0.5, 1);
  EXPECT_NO_THROW(p.validate("layer.tw"));
  TilePattern wide = p;
  wide.g = 4;
  expect_error([&] { wide.validate("layer.tw"); }, {.input = "layer.tw", .contains = "columns"});
  TilePattern shared = p;
  shared.tiles[1].columns[0] = shared.tiles[0].columns[0];
  expect_error([&] { shared.validate("layer.tw"); }, {.input = "layer.tw", .contains = "column"});
  TilePattern unsorted = p;
  unsorted.tiles[0].rows = {3, 2};
  expect_error([&] { unsorted.validate("layer.tw"); },
               {.input = "layer.tw", .contains = "row index"});
  TilePattern outside = p;
  outside.tiles[0].rows = {10};
  expect_error([&] { outside.validate("layer.tw"); },
               {.input = "layer.tw", .contains = "row index 10"});
  TilePattern empty = p;
  empty.tiles[0].columns.clear();
  expect_error([&] { empty.validate("layer.tw"); }, {.input = "layer.tw", .contains = "0 columns"});
}

TEST(TilePattern, SparsityCountsKeptWeights) {
  const TilePattern p = TilePattern::contiguous(4, 6, 4, {{0, 1}, {}});
  EXPECT_EQ(p.kept_weights(), 8u);  // 2 rows × 4 columns, then 0 rows × 2 columns
  EXPECT_DOUBLE_EQ(p.sparsity(), 1.0 - 8.0 / 24.0);
  const std::vector<bool> mask = p.mask();
  EXPECT_TRUE(mask[0 * 6 + 3]);
  EXPECT_FALSE(mask[0 * 6 + 4]);
  EXPECT_FALSE(mask[2 * 6 + 0]);
}

TEST(TwMatrix, UnpackGivesTheMaskedWeights) {
  const TilePattern p = random_two_dimensional(50, 70, 16, 0.3, 0.6, 2);
  const AlignedBuffer<float> w = uniform_matrix(50, 70, 3);
  const TwMatrix tw = TwMatrix::pack(p, View<const float, 2>(w.data(), {50, 70}));
  const AlignedBuffer<float> dense = tw.unpack();
  const std::vector<bool> mask = p.mask();
  for (std::size_t i = 0; i < 50 * 70; ++i) EXPECT_EQ(dense[i], mask[i] ? w[i] : 0.0f) << i;
  for (std::size_t t = 0; t < tw.tile_count(); ++t) {
    EXPECT_EQ(tw.block_width(t) % kPanelWidth, 0u);
    EXPECT_EQ(tw.block(t).size(), p.tiles[t].rows.size() * tw.block_width(t));
  }
  EXPECT_FALSE(tw.pruned_columns().empty());
}

TEST(TwMatrix, SerialisationRoundTripsExactly) {
  for (const TilePattern& p :
       {random_contiguous(100, 300, 128, 0.75, 4), random_two_dimensional(64, 90, 32, 0.4, 0.5, 5),
        TilePattern{7, 9, 4, {}}}) {
    const AlignedBuffer<float> w = uniform_matrix(p.k, p.n, 6);
    for (double restored : {0.0, 0.05}) {
      const TwMatrix tw = TwMatrix::pack(p, View<const float, 2>(w.data(), {p.k, p.n}),
                                         with_restored(p, restored, 7));
      const std::vector<std::byte> bytes = tw.serialize();
      const TwMatrix back = TwMatrix::deserialize(bytes, "w.tw");
      EXPECT_EQ(back.serialize(), bytes);
      EXPECT_EQ(back.kept_weights(), tw.kept_weights());
      const AlignedBuffer<float> a = tw.unpack(), b = back.unpack();
      EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size_bytes()), 0);
    }
  }
}

TEST(TwMatrix, RestoredElementsAreTheMaskOutsideTheTiles) {
  // One tile over columns 0-1 keeping row 0; the mask also keeps (1, 0) and (1, 2).
  const TilePattern p = TilePattern::contiguous(2, 3, 2, {{0}, {}});
  const std::vector<float> w{1, 2, 3, 4, 5, 6};
  const std::vector<std::uint8_t> kept{1, 1, 0, 1, 0, 1};
  const TwMatrix tw = TwMatrix::pack(p, View<const float, 2>(w.data(), {2, 3}), kept);
  EXPECT_EQ(tw.restored().columns, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(tw.restored().rows, (std::vector<std::uint32_t>{1, 1}));
  EXPECT_EQ(tw.restored().values, (std::vector<float>{4, 6}));
  EXPECT_EQ(tw.kept_weights(), 4u);
  const AlignedBuffer<float> dense = tw.unpack();
  EXPECT_EQ(std::vector<float>(dense.begin(), dense.end()), (std::vector<float>{1, 2, 0, 4, 0, 6}));
  expect_error(
      [&] {
        TwMatrix::pack(p, View<const float, 2>(w.data(), {2, 3}), std::span(kept).first(5));
      },
      {.input = "kept mask", .code = ExitCode::kUsage});

  // A file whose restored element lies inside a tile is rejected: the last element's position gap
  // (the byte before the two f32 values and the checksum) set from 3 to 0 moves it from (1, 2)
  // onto the tile's (0, 1); the checksum is redone.
  std::vector<std::byte> bytes = tw.serialize();
  bytes[bytes.size() - 4 - 8 - 1] = std::byte{0};
  const std::uint32_t crc = crc32c(std::span(bytes).first(bytes.size() - 4));
  for (std::size_t b = 0; b < 4; ++b) {
    bytes[bytes.size() - 4 + b] = static_cast<std::byte>(crc >> (8 * b));
  }
  expect_error([&] { TwMatrix::deserialize(bytes, "w.tw"); },
               {.input = "w.tw", .contains = "restored element (0, 1) lies inside tile 0"});
}

TEST(TwMatrix, CorruptTruncatedAndForeignBytesAreErrors) {
  const TilePattern p = random_contiguous(40, 60, 16, 0.5, 7);
  const AlignedBuffer<float> w = uniform_matrix(40, 60, 8);
  const std::vector<std::byte> bytes =
      TwMatrix::pack(p, View<const float, 2>(w.data(), {40, 60})).serialize();
  const auto expect_bad = [](std::span<const std::byte> b, const std::string& fragment) {
    expect_error([&] { TwMatrix::deserialize(b, "w.tw"); },
                 {.input = "w.tw", .contains = fragment, .code = ExitCode::kFailure});
  };
  for (std::size_t at : {10ul, bytes.size() / 2, bytes.size() - 1}) {
    std::vector<std::byte> corrupt = bytes;
    corrupt[at] ^= std::byte{0x40};
    expect_bad(corrupt, "checksum");
  }
  expect_bad(std::span(bytes).first(bytes.size() - 3), "checksum");
  expect_bad(std::span(bytes).first(3), "");
  std::vector<std::byte> foreign = bytes;
  foreign[0] = std::byte{'X'};
  expect_bad(foreign, "magic");
}

TEST(TwMatrix, HugeDeclaredShapesAreRejectedBeforeAnyAllocation) {
  // A valid 1 x 2^25 matrix with no tiles: 21 bytes that would need 2^25 pruned-column entries.
  const TwMatrix small =
      TwMatrix::pack(TilePattern{1, 1, 1, {}}, View<const float, 2>(nullptr, {1, 1}));
  const std::vector<std::byte> bytes = small.serialize();
  ByteWriter forged("forged");
  forged.put_bytes(std::span(bytes).first(10));  // magic and version
  forged.put_varint_u64(1);
  forged.put_varint_u64(std::uint64_t{1} << 25);
  forged.put_varint_u64(1);
  forged.put_varint_u64(0);  // tiles
  forged.put_varint_u64(0);  // restored elements
  forged.put(crc32c(forged.bytes()));
  expect_error([&] { TwMatrix::deserialize(forged.bytes(), "huge.tw"); },
               {.input = "huge.tw", .contains = "bad shape: 1x33554432"});
}

TEST(TwMatrix, FilesRoundTripAndMissingFilesNameThePath) {
  const TilePattern p = random_contiguous(30, 40, 8, 0.5, 9);
  const AlignedBuffer<float> w = uniform_matrix(30, 40, 10);
  const TwMatrix tw = TwMatrix::pack(p, View<const float, 2>(w.data(), {30, 40}));
  const tessera::testing::TempDir dir;
  write_tw(dir / "layer.tw", tw);
  EXPECT_EQ(read_tw(dir / "layer.tw").serialize(), tw.serialize());
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"layer.tw"});  // no temporary left behind
  expect_error([&] { read_tw(dir / "missing.tw"); }, {.input = (dir / "missing.tw").string()});
}

TEST(TwMatrix, PackingChecksTheShape) {
  const TilePattern p = random_contiguous(8, 16, 8, 0.5, 1);
  const AlignedBuffer<float> w = uniform_matrix(8, 15, 1);
  expect_error(
      [&] {
        TwMatrix::pack(p, View<const float, 2>(w.data(), {8, 15}));
      },
      {.input = "weights", .code = ExitCode::kUsage});
}

}  // namespace
}  // namespace tessera::tilewise
