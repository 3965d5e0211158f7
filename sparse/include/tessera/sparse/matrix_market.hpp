// Matrix Market (NIST's .mtx text format) reader and writer: real, integer, complex and pattern
// fields, general, symmetric, skew-symmetric and hermitian storage, coordinate and array layouts.
// The reader streams the file (or standard input, or a pipe) in chunks split at line boundaries and
// parses them on threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "tessera/sparse/matrix_market_header.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct MatrixMarketOptions {
  /// Threads parsing chunks; 0 = tessera::thread_count(). The result does not depend on it.
  unsigned threads = 2;
  /// Bytes of text per chunk (at least 1); the result does not depend on it either. Chunks of
  /// 1 MiB keep a chunk's arrays in cache: faster than 32 MiB on one thread and on two.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  /// The value type of real and integer files: kF64 or kF32.
  ValueType real_type = ValueType::kF64;
};

/// Reads the Matrix Market file at `path` as a COO tensor of dims {rows, cols}, entries in file
/// order. Symmetric storage is expanded as scipy.io.mmread does: each off-diagonal entry is
/// followed by its mirror (negated for skew-symmetric, conjugated for hermitian; hermitian
/// without complex values reads as symmetric). Real and integer fields become
/// options.real_type (an integer beyond 2^53 is an error), complex c128, pattern kPattern; an
/// array file keeps its nonzero values. Comment and blank lines may come anywhere after the
/// banner. A regular file is read chunk by chunk, never whole; a FIFO or a character device is
/// read as a stream (read_matrix_market_stream). Fills *header when given. tessera::Error naming
/// `path` with "line N: ..." for any malformed line; "nan" and "inf" are values, a number that
/// overflows the type is an error, one that underflows is 0.
SparseTensor read_matrix_market(const std::filesystem::path& path,
                                const MatrixMarketOptions& options = {},
                                MatrixMarketHeader* header = nullptr);

/// read_matrix_market on descriptor `fd`, read once, front to back, whatever it is (standard
/// input, a pipe): chunks of whole lines are read in turn and parsed on threads as they arrive,
/// at most two per thread in memory at once, so the text never sits whole in memory. `prefix`:
/// bytes the caller already read from `fd` (to tell the file's kind). Errors name `source`.
SparseTensor read_matrix_market_stream(int fd, std::string_view source, std::string_view prefix,
                                       const MatrixMarketOptions& options = {},
                                       MatrixMarketHeader* header = nullptr);

/// read_matrix_market on text in memory (tests, the fuzz target); errors name `source`.
SparseTensor parse_matrix_market(std::string_view text, std::string_view source,
                                 const MatrixMarketOptions& options = {},
                                 MatrixMarketHeader* header = nullptr);

/// Writes a 2-D tensor of any format to `path` ("-" is stdout) as "coordinate <field> general":
/// real for f32 and f64, complex for c128, pattern; 1-based indices, entries in the tensor's
/// storage order, values in the shortest text that reads back to the same bits (an f32 value in
/// the f32 reader). Written through OutputFile: no partial file on failure. tessera::Error
/// naming `path` for a tensor that is not 2-D.
void write_matrix_market(const SparseTensor& matrix, const std::filesystem::path& path);

/// The text write_matrix_market writes; errors name "matrix".
std::string format_matrix_market(const SparseTensor& matrix);

}  // namespace tessera::sparse
