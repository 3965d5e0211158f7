// A CSR result built row by row on every thread: each nonzero-balanced range of rows appends its
// rows' coordinates and values to its own piece, and the pieces are joined in row order, so the
// result does not depend on the thread count. Used by the CSR records of SpGEMM and element-wise.
#pragma once

#include <cstring>
#include <vector>

#include "row_split.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse::detail {

/// One range's rows: their entries' coordinates and value bytes, and each row's entry count.
struct CsrPiece {
  std::vector<std::uint32_t> row_lengths;
  std::vector<std::uint32_t> crd;
  std::vector<std::byte> values;
};

/// A rows x cols CSR tensor in `format` (a dense(0) · compressed(1) layout) of `type`, whose row
/// i is appended by row(i, piece, scratch), scratch a Scratch of the range's own (accumulators).
/// `work` (offsets per row, rows + 1) balances the ranges.
template <class Scratch, class Row>
SparseTensor build_csr_rows(std::uint32_t rows, std::uint32_t cols, const FormatSpec& format,
                            ValueType type, const std::vector<std::uint32_t>& work, Row&& row) {
  const std::vector<std::uint32_t> bounds = split_rows(work, 4);
  std::vector<CsrPiece> pieces(bounds.size() - 1);
  const auto fill = [&](std::size_t p) {
    Scratch scratch;
    pieces[p].row_lengths.reserve(bounds[p + 1] - bounds[p]);
    for (std::uint32_t i = bounds[p]; i < bounds[p + 1]; ++i) {
      const std::size_t before = pieces[p].crd.size();
      row(i, pieces[p], scratch);
      pieces[p].row_lengths.push_back(static_cast<std::uint32_t>(pieces[p].crd.size() - before));
    }
  };
  if (pieces.size() == 1) {
    fill(0);
  } else {
    parallel_for(pieces.size(), 1, [&](std::size_t, Range r) {
      for (std::size_t p = r.begin; p < r.end; ++p) fill(p);
    });
  }
  SparseTensor c;
  c.dims = {rows, cols};
  c.format = format;
  c.value_type = type;
  c.levels.resize(2);
  c.levels[0].size = rows;
  LevelData& out = c.levels[1];
  std::uint64_t nnz = 0;
  for (const CsrPiece& piece : pieces) nnz += piece.crd.size();
  if (nnz > 0xFFFFFFFFull) throw Error(format.name, "more than 2^32 - 1 entries in the result");
  out.pos.reserve(std::size_t{rows} + 1);
  out.pos.push_back(0);
  out.crd.reserve(nnz);
  c.values.reserve(nnz * value_bytes(type, false));
  for (const CsrPiece& piece : pieces) {
    for (std::uint32_t n : piece.row_lengths) out.pos.push_back(out.pos.back() + n);
    out.crd.insert(out.crd.end(), piece.crd.begin(), piece.crd.end());
    c.values.insert(c.values.end(), piece.values.begin(), piece.values.end());
  }
  out.size = nnz;
  return c;
}

/// Appends a value of T to a piece's value bytes.
template <class T>
void push_value(CsrPiece& piece, const T& v) {
  const auto* b = reinterpret_cast<const std::byte*>(&v);
  piece.values.insert(piece.values.end(), b, b + sizeof v);
}

}  // namespace tessera::sparse::detail
