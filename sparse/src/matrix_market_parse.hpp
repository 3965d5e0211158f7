// The text side of the Matrix Market reader: the banner and size line, and one chunk of entry
// lines parsed into coordinate and value arrays. No I/O and no threads: matrix_market.cpp reads
// the chunks and runs this on them, so every chunk is parsed the same way whatever its size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/sparse/matrix_market_header.hpp"
#include "tessera/sparse/value_type.hpp"

namespace tessera::sparse::matrix_market {

/// The most entries a tensor holds (make_coo: 32-bit offsets).
inline constexpr std::uint64_t kMaxEntries = 0xFFFFFFFEu;

/// Whether a line holds nothing to parse: blank, or a comment ('%' first).
bool is_blank_or_comment(std::string_view line);

/// The banner (line 1): format, field and symmetry; tessera::Error naming `source` otherwise.
MatrixMarketHeader parse_banner(std::string_view line, std::string_view source);

/// The size line (line `line_number`) into header.rows, cols and entries (for arrays: the values
/// the file holds); tessera::Error naming `source` when it is malformed or too large.
void parse_size_line(std::string_view line, std::uint64_t line_number, std::string_view source,
                     MatrixMarketHeader& header);

/// The value type a file of `field` reads as, given the real type asked for.
ValueType value_type_for(MatrixMarketField field, ValueType real_type);

/// Entries as make_coo takes them: coordinates (0-based) and value bytes.
struct EntryArrays {
  std::vector<std::uint32_t> rows;
  std::vector<std::uint32_t> cols;
  std::vector<std::byte> values;
};

/// Appends entry (row, col) with the `size` bytes at `value` and, for symmetric storage off the
/// diagonal, its mirror (col, row): negated for skew-symmetric, conjugated for hermitian.
void append_entry(EntryArrays& out, std::uint32_t row, std::uint32_t col, const std::byte* value,
                  std::size_t size, ValueType type, MatrixMarketSymmetry symmetry);

/// Bounds of a chunk when it is parsed again to find the line that passes them.
struct ChunkLimits {
  std::uint64_t records = UINT64_MAX;  // entry lines (coordinate) or values (array)
  std::uint64_t entries = UINT64_MAX;  // entries with their mirrors (coordinate)
};

/// The first problem of a chunk: its line, counted from the chunk's first line (1), and what.
struct LineFailure {
  std::uint64_t line = 0;
  std::string problem;
};

/// What one chunk of entry lines holds.
struct ChunkRecords {
  std::uint64_t newlines = 0;  // lines ended in the chunk (all of them, comments too)
  std::uint64_t records = 0;   // entry lines (coordinate) or values (array) before any failure
  /// Coordinate files: the entries and their mirrors. Array files: only values, of the nonzeros.
  EntryArrays entries;
  std::vector<std::uint64_t> ordinals;  // array files: the record (0-based) of each kept value
  std::optional<LineFailure> failure;   // parsing stopped here
};

/// Parses `text` (whole lines) of a file with `header` into values of `type`.
ChunkRecords parse_chunk(std::string_view text, const MatrixMarketHeader& header, ValueType type,
                         const ChunkLimits& limits = {});

}  // namespace tessera::sparse::matrix_market
