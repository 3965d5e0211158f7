// The format advisor: a cost model of each candidate format of a matrix — its exact storage, the
// bytes a kernel moves and the traversal steps and multiply-adds it does — from the matrix's
// profile (dimensions, entries, row and column lengths, and the block and run counts that block
// and run-length formats need). It recommends the smallest format for storage and the fastest for
// SpMV or SpMM, with per-format step costs calibrated by running this library's own kernels on a
// generated matrix, and a memory-bandwidth floor for working sets beyond the last-level cache.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// What the cost model knows of a matrix: all counts exact, from one pass over its entries in
/// each mode order.
struct MatrixProfile {
  std::uint32_t rows = 0, cols = 0;
  std::uint64_t entries = 0;
  ValueType value_type = ValueType::kF64;
  std::uint64_t nonempty_rows = 0, nonempty_cols = 0;
  std::uint64_t longest_row = 0, longest_col = 0;
  /// Blocks of b x b holding an entry, per block size of the candidates.
  std::map<std::uint32_t, std::uint64_t> blocks;
  /// Run-length symbols per (run bits, by columns) of the candidates.
  std::map<std::pair<std::uint32_t, bool>, std::uint64_t> run_symbols;
};

/// The profile of a 2-D tensor of any format.
MatrixProfile profile_matrix(const SparseTensor& matrix);

/// The formats the advisor chooses among: dense, coo, csr, csc, dcsr, dcsc, bitmap, rlc:4, rlc:8
/// and ell in both mode orders, and bcsr:2x2, bcsr:4x4, bcsr:8x8.
std::vector<FormatSpec> advisor_candidates();

/// The model's account of one format for one kernel.
struct FormatCost {
  FormatSpec format;
  std::uint64_t storage_bytes = 0;  // exactly storage_bytes() of the converted matrix
  std::uint64_t bytes_moved = 0;    // storage plus the dense operands read and written
  std::uint64_t steps = 0;          // traversal steps: positions, words or symbols visited
  std::uint64_t multiply_adds = 0;  // entries x columns
  double seconds = 0;               // the model's time (0 before calibration)
};

/// Per-format costs: seconds per traversal step and per multiply-add, measured on this machine.
struct CostModel {
  std::map<std::string, std::pair<double, double>> step_and_multiply_add;  // by format name
  double bytes_per_second = 0;   // streaming bandwidth beyond the last-level cache
  std::uint64_t cache_bytes = 0; // the last-level cache (or L2 where there is no L3)

  /// Times this library's SpMV and SpMM(64) on a generated 1536 x 1536 matrix (1.5% entries) in
  /// every candidate format and a streaming pass over 4 x the cache; about a second.
  static CostModel calibrate();
};

/// Every candidate's cost for C = A·B with `columns` dense columns (1: SpMV). Without a model
/// (nullptr) the seconds stay 0. Sorted by seconds, then storage.
std::vector<FormatCost> estimate(const MatrixProfile& profile, std::uint32_t columns,
                                 const CostModel* model);

/// The candidate with the fewest storage bytes.
FormatSpec advise_storage(const MatrixProfile& profile);
/// The candidate the model expects to be fastest for `columns` columns.
FormatSpec advise_kernel(const MatrixProfile& profile, std::uint32_t columns, const CostModel& model);

}  // namespace tessera::sparse
