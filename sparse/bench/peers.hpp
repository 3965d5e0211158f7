// The peer libraries of the sparse benchmark, each holding its own copy of one f64 CSR matrix:
// Eigen 3.4's SparseMatrix (row-major) and SuiteSparse:GraphBLAS (by row), with SpMV, SpMM, the
// CSR -> CSC conversion and the build from triplets in each one's idiomatic call. One thread.
#pragma once

#include <cstddef>
#include <memory>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse::bench {

class Peer {
 public:
  virtual ~Peer() = default;
  /// y = A·x.
  virtual void spmv(const double* x, double* y) = 0;
  /// C = A·B, B: (cols, k) and C: (rows, k) row-major.
  virtual void spmm(const double* b, std::size_t k, double* c) = 0;
  /// Builds the matrix's column-major (CSC) copy, as a user converting would.
  virtual void to_csc() = 0;
  /// Builds the CSR matrix from the triplets given at construction (repeats summed).
  virtual void from_triplets() = 0;
};

/// Eigen::SparseMatrix<double, RowMajor> of `csr` (f64 CSR); `coo` (f64 COO, any order): the
/// triplets of from_triplets.
std::unique_ptr<Peer> eigen_peer(const SparseTensor& csr, const SparseTensor& coo);
/// A GraphBLAS GrB_FP64 matrix stored by row, from `csr`; sets GraphBLAS to one thread.
std::unique_ptr<Peer> graphblas_peer(const SparseTensor& csr, const SparseTensor& coo);

}  // namespace tessera::sparse::bench
