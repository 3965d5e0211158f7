// Packing, unpacking and the .tw file format of tile-wise weights. Layout of a .tw file (all
// integers little-endian):
//   magic "TWSPARSE" | u16 version | varint k, n (each at most 2^24), g, tile count |
//   per tile: varint column count, first column, then gaps - 1; varint row count, first row, gaps -
//   1 | f32 kept weights, tile by tile, row-major over (rows × columns) | varint restored count,
//   their column-major positions j·k + row (first, then gaps - 1), f32 values | u32 CRC32C of all
//   before it.
#include "tessera/tilewise/tw_matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>

#include "tessera/core/bytes.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::tilewise {

namespace {

constexpr std::array<char, 8> kMagic = {'T', 'W', 'S', 'P', 'A', 'R', 'S', 'E'};
constexpr std::uint16_t kVersion = 2;
constexpr std::size_t kChecksumBytes = sizeof(std::uint32_t);
// Largest K and N a .tw file may declare: the matrix's column bookkeeping (pruned columns) takes
// memory in N whatever the file's size, so a few bytes must not ask for gigabytes.
constexpr std::uint64_t kMaxExtent = std::uint64_t{1} << 24;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
constexpr bool kVerifyChecksum = false;  // let the fuzzer reach the parser behind the checksum
#else
constexpr bool kVerifyChecksum = true;
#endif

std::size_t round_up(std::size_t x, std::size_t to) { return (x + to - 1) / to * to; }

void put_indices(ByteWriter& out, std::span<const std::uint32_t> indices) {
  out.put_varint_u64(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    out.put_varint_u64(i == 0 ? indices[0] : indices[i] - indices[i - 1] - 1);
  }
}

// Reads an index list written by put_indices; every index below `limit`, at most `max_count`.
std::vector<std::uint32_t> get_indices(ByteReader& in, std::size_t limit, std::size_t max_count,
                                       std::size_t tile, const char* kind) {
  const std::uint64_t count = in.get_varint_u64();
  if (count > max_count || count > in.remaining()) {
    throw Error(in.source(), fmt::format("tile {} lists {} {}s, more than the {} there are or "
                                         "the file holds",
                                         tile, count, kind, max_count));
  }
  std::vector<std::uint32_t> indices(count);
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t gap = in.get_varint_u64();
    if (gap >= limit || next + gap >= limit) {
      throw Error(in.source(),
                  fmt::format("tile {}: {} index out of range (limit {})", tile, kind, limit));
    }
    indices[i] = static_cast<std::uint32_t>(next + gap);
    next = indices[i] + 1;
  }
  return indices;
}

// Throws unless no restored element lies inside a tile (it would be counted twice); errors name
// `source`. Memory follows the tiles' column lists, not k × n.
void check_outside_tiles(const TilePattern& pattern, const RestoredElements& restored,
                         const std::string& source) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tile_of;  // (column, tile), by column
  for (std::size_t t = 0; t < pattern.tiles.size(); ++t) {
    for (std::uint32_t c : pattern.tiles[t].columns) {
      tile_of.emplace_back(c, static_cast<std::uint32_t>(t));
    }
  }
  std::ranges::sort(tile_of);
  for (std::size_t c = 0; c < restored.columns.size(); ++c) {
    const std::uint32_t j = restored.columns[c];
    const auto it =
        std::ranges::lower_bound(tile_of, std::pair<std::uint32_t, std::uint32_t>{j, 0});
    if (it == tile_of.end() || it->first != j) continue;
    const std::vector<std::uint32_t>& rows = pattern.tiles[it->second].rows;
    for (std::size_t e = restored.offsets[c]; e < restored.offsets[c + 1]; ++e) {
      if (std::ranges::binary_search(rows, restored.rows[e])) {
        throw Error(source, fmt::format("restored element ({}, {}) lies inside tile {}",
                                        restored.rows[e], j, it->second));
      }
    }
  }
}

}  // namespace

void TwMatrix::build_layout() {
  offsets_.assign(1, 0);
  contiguous_.clear();
  std::vector<bool> covered(pattern_.n, false);
  for (std::size_t t = 0; t < pattern_.tiles.size(); ++t) {
    const Tile& tile = pattern_.tiles[t];
    offsets_.push_back(offsets_.back() + tile.rows.size() * block_width(t));
    contiguous_.push_back(tile.columns.back() - tile.columns.front() + 1 == tile.columns.size());
    for (std::uint32_t c : tile.columns) covered[c] = true;
  }
  pruned_columns_.clear();
  for (std::size_t c = 0; c < pattern_.n; ++c) {
    if (!covered[c]) pruned_columns_.push_back(static_cast<std::uint32_t>(c));
  }
  values_ = AlignedBuffer<float>(offsets_.back());
}

std::size_t TwMatrix::block_width(std::size_t t) const {
  return round_up(pattern_.tiles[t].columns.size(), kPanelWidth);
}

std::span<const float> TwMatrix::block(std::size_t t) const {
  return values_.span().subspan(offsets_[t], offsets_[t + 1] - offsets_[t]);
}

TwMatrix TwMatrix::pack(const TilePattern& pattern, View<const float, 2> w,
                        std::span<const std::uint8_t> kept) {
  pattern.validate("tile pattern");
  if (w.extent(0) != pattern.k || w.extent(1) != pattern.n) {
    throw usage_error("weights", fmt::format("are {}x{}, the pattern {}x{}", w.extent(0),
                                             w.extent(1), pattern.k, pattern.n));
  }
  if (!kept.empty() && kept.size() != pattern.k * pattern.n) {
    throw usage_error("kept mask", fmt::format("has {} entries for {}x{} weights", kept.size(),
                                               pattern.k, pattern.n));
  }
  TwMatrix m;
  m.pattern_ = pattern;
  m.build_layout();
  const std::vector<bool> in_tiles = kept.empty() ? std::vector<bool>() : pattern.mask();
  for (std::size_t j = 0; j < pattern.n && !kept.empty(); ++j) {
    for (std::size_t r = 0; r < pattern.k; ++r) {
      const std::size_t i = r * pattern.n + j;
      if (kept[i] == 0 || in_tiles[i]) continue;
      m.restored_.rows.push_back(static_cast<std::uint32_t>(r));
      m.restored_.values.push_back(w(r, j));
    }
    if (m.restored_.rows.size() > m.restored_.offsets.back()) {
      m.restored_.columns.push_back(static_cast<std::uint32_t>(j));
      m.restored_.offsets.push_back(m.restored_.rows.size());
    }
  }
  for (std::size_t t = 0; t < pattern.tiles.size(); ++t) {
    const Tile& tile = pattern.tiles[t];
    float* block = m.values_.data() + m.offsets_[t];
    const std::size_t width = m.block_width(t);
    for (std::size_t r = 0; r < tile.rows.size(); ++r) {
      for (std::size_t j = 0; j < tile.columns.size(); ++j) {
        block[r * width + j] = w(tile.rows[r], tile.columns[j]);
      }
    }
  }
  return m;
}

AlignedBuffer<float> TwMatrix::unpack() const {
  AlignedBuffer<float> dense(pattern_.k * pattern_.n);
  for (std::size_t t = 0; t < pattern_.tiles.size(); ++t) {
    const Tile& tile = pattern_.tiles[t];
    const std::span<const float> b = block(t);
    for (std::size_t r = 0; r < tile.rows.size(); ++r) {
      for (std::size_t j = 0; j < tile.columns.size(); ++j) {
        dense[tile.rows[r] * pattern_.n + tile.columns[j]] = b[r * block_width(t) + j];
      }
    }
  }
  for (std::size_t c = 0; c < restored_.columns.size(); ++c) {
    for (std::size_t e = restored_.offsets[c]; e < restored_.offsets[c + 1]; ++e) {
      dense[restored_.rows[e] * pattern_.n + restored_.columns[c]] = restored_.values[e];
    }
  }
  return dense;
}

std::vector<std::byte> TwMatrix::serialize() const {
  ByteWriter out("tw matrix");
  for (char c : kMagic) out.put(static_cast<std::uint8_t>(c));
  out.put(kVersion);
  out.put_varint_u64(pattern_.k);
  out.put_varint_u64(pattern_.n);
  out.put_varint_u64(pattern_.g);
  out.put_varint_u64(pattern_.tiles.size());
  for (const Tile& tile : pattern_.tiles) {
    put_indices(out, tile.columns);
    put_indices(out, tile.rows);
  }
  for (std::size_t t = 0; t < pattern_.tiles.size(); ++t) {
    const std::span<const float> b = block(t);
    for (std::size_t r = 0; r < pattern_.tiles[t].rows.size(); ++r) {
      for (std::size_t j = 0; j < pattern_.tiles[t].columns.size(); ++j) {
        out.put(b[r * block_width(t) + j]);
      }
    }
  }
  out.put_varint_u64(restored_.rows.size());
  std::uint64_t next = 0;
  for (std::size_t c = 0; c < restored_.columns.size(); ++c) {
    for (std::size_t e = restored_.offsets[c]; e < restored_.offsets[c + 1]; ++e) {
      const std::uint64_t position =
          std::uint64_t{restored_.columns[c]} * pattern_.k + restored_.rows[e];
      out.put_varint_u64(position - next);
      next = position + 1;
    }
  }
  for (float v : restored_.values) out.put(v);
  out.put(crc32c(out.bytes()));
  return out.release();
}

TwMatrix TwMatrix::deserialize(std::span<const std::byte> bytes, const std::string& source) {
  ByteReader in(bytes, source);
  for (char c : kMagic) {
    if (in.get<std::uint8_t>() != static_cast<std::uint8_t>(c)) {
      throw Error(source, "is not a .tw file (bad magic)");
    }
  }
  const auto version = in.get<std::uint16_t>();
  if (version != kVersion) {
    throw Error(source, fmt::format(".tw version {} is not supported (this build reads {})",
                                    version, kVersion));
  }
  if (bytes.size() < kChecksumBytes) throw Error(source, "is truncated");
  if (kVerifyChecksum && crc32c(bytes.first(bytes.size() - kChecksumBytes)) !=
                             from_little_endian<std::uint32_t>(
                                 bytes.last(kChecksumBytes).template first<kChecksumBytes>())) {
    throw Error(source, "checksum mismatch: the file is corrupt or truncated");
  }
  TilePattern pattern;
  pattern.k = in.get_varint_u64();
  pattern.n = in.get_varint_u64();
  pattern.g = in.get_varint_u64();
  const std::uint64_t tiles = in.get_varint_u64();
  if (pattern.k > kMaxExtent || pattern.n > kMaxExtent || pattern.g == 0 || tiles > pattern.n) {
    throw Error(source, fmt::format("bad shape: {}x{}, G {}, {} tiles (at most {} rows and "
                                    "columns)",
                                    pattern.k, pattern.n, pattern.g, tiles, kMaxExtent));
  }
  std::uint64_t kept = 0;
  for (std::size_t t = 0; t < tiles; ++t) {
    Tile tile;
    tile.columns = get_indices(in, pattern.n, pattern.g, t, "column");
    tile.rows = get_indices(in, pattern.k, pattern.k, t, "row");
    kept += tile.rows.size() * tile.columns.size();
    pattern.tiles.push_back(std::move(tile));
  }
  pattern.validate(source);
  const std::size_t weight_bytes =
      in.remaining() < kChecksumBytes ? 0 : in.remaining() - kChecksumBytes;
  if (kept > weight_bytes / sizeof(float)) {
    throw Error(source,
                fmt::format("holds {} bytes of weights for {} kept weights", weight_bytes, kept));
  }
  TwMatrix m;
  m.pattern_ = std::move(pattern);
  m.build_layout();
  for (std::size_t t = 0; t < m.pattern_.tiles.size(); ++t) {
    float* block = m.values_.data() + m.offsets_[t];
    for (std::size_t r = 0; r < m.pattern_.tiles[t].rows.size(); ++r) {
      for (std::size_t j = 0; j < m.pattern_.tiles[t].columns.size(); ++j) {
        block[r * m.block_width(t) + j] = in.get<float>();
      }
    }
  }
  m.read_restored(in, source);
  in.skip(kChecksumBytes);
  in.expect_end();
  return m;
}

void TwMatrix::read_restored(ByteReader& in, const std::string& source) {
  const std::uint64_t count = in.get_varint_u64();
  const std::uint64_t positions = std::uint64_t{pattern_.k} * pattern_.n;
  if (count > positions || count > in.remaining() / (1 + sizeof(float))) {
    throw Error(source, fmt::format("lists {} restored elements, more than the weights or the "
                                    "file hold",
                                    count));
  }
  std::uint64_t next = 0;
  for (std::uint64_t e = 0; e < count; ++e) {
    const std::uint64_t gap = in.get_varint_u64();
    if (gap >= positions - next) {
      throw Error(source, fmt::format("restored element {} lies outside the {}x{} weights", e,
                                      pattern_.k, pattern_.n));
    }
    const std::uint64_t position = next + gap;
    const auto column = static_cast<std::uint32_t>(position / pattern_.k);
    if (restored_.columns.empty() || restored_.columns.back() != column) {
      restored_.columns.push_back(column);
      restored_.offsets.push_back(restored_.offsets.back());
    }
    restored_.rows.push_back(static_cast<std::uint32_t>(position % pattern_.k));
    ++restored_.offsets.back();
    next = position + 1;
  }
  for (std::uint64_t e = 0; e < count; ++e) restored_.values.push_back(in.get<float>());
  check_outside_tiles(pattern_, restored_, source);
}

bool has_tw_magic(std::span<const std::byte> bytes) {
  return bytes.size() >= kMagic.size() &&
         std::equal(kMagic.begin(), kMagic.end(), bytes.begin(),
                    [](char m, std::byte b) { return static_cast<std::byte>(m) == b; });
}

TwMatrix read_tw(const std::filesystem::path& path) {
  return TwMatrix::deserialize(read_file(path), path.string());
}

void write_tw(const std::filesystem::path& path, const TwMatrix& w) {
  write_file(path, w.serialize());
}

}  // namespace tessera::tilewise
