// SciPy interoperability: reads and writes the .npz files of scipy.sparse.save_npz / load_npz
// (csr, csc, coo and bsr matrices), so that a Python user can hand a matrix over and take it back.
// An .npz file is a ZIP archive of .npy arrays: format, shape, data and indices, indptr or row,
// col.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// Reads a scipy.sparse.save_npz file (compressed or not) as a matrix in its own format: csr ->
/// "csr", csc -> "csc", coo -> "coo", bsr -> "bcsr:RxC" (values laid out as scipy's data).
/// Index arrays may be of any integer dtype with values below 2^32. Data: float32 -> f32,
/// float64 -> f64, complex128 -> c128 (complex64 widened exactly), bool -> pattern, any integer
/// dtype -> f64 (tessera::Error for a magnitude above 2^53, which f64 would round). A stored False
/// of a bool csr, csc or coo matrix is an explicit zero and is dropped, as eliminate_zeros()
/// would; in bsr it marks a position of a block without an entry. Unsorted or repeated indices
/// of csr, csc and bsr (which scipy allows) are sorted and repeats summed, so the result is
/// canonical; coo keeps its entries as stored (canonical is false when they are unsorted or
/// repeated). tessera::Error naming `path` for a bad archive (truncated, CRC mismatch, unknown
/// compression), a missing member, an unsupported format or dtype, lengths that disagree, an
/// index out of range or an indptr that does not start at 0 or decreases.
SparseTensor read_npz(const std::filesystem::path& path);

/// read_npz of the bytes of an .npz file; errors name `source`.
SparseTensor parse_npz(std::span<const std::byte> bytes, std::string_view source);

/// Writes `matrix` as scipy.sparse.save_npz does by default (deflate-compressed members format,
/// shape, data and indices, indptr or row, col), through an OutputFile (no partial output).
/// The matrix must be in csr, csc, coo or bcsr:RxC; any other format is a tessera::Error naming
/// `path` that says to convert first, and so is a bcsr matrix whose dimensions are not multiples
/// of its block size (scipy's bsr requires them to be). Index arrays are int32 (int64 once a
/// dimension or the entry count reaches 2^31, as scipy chooses); pattern values are bool, True
/// for every entry (and False at the empty positions of bsr blocks).
void write_npz(const SparseTensor& matrix, const std::filesystem::path& path);

/// The bytes write_npz writes; errors name "npz".
std::vector<std::byte> encode_npz(const SparseTensor& matrix);

}  // namespace tessera::sparse
