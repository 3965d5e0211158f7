// Kernels on tensors of any format: SpMV (y = A·x), SpMM (C = A·B, B dense), SpGEMM (C = A·B, all
// sparse) and element-wise add (union) and multiply (intersection). Each has a level-generic
// reference record written against traversal only, so it runs on every format combination, and
// faster records for the layouts that pay (CSR), in the kernel registries "sparse.spmv",
// "sparse.spmm", "sparse.spgemm", "sparse.add" and "sparse.multiply". In SpMV and SpMM a pattern
// matrix multiplies as ones; SpGEMM and the element-wise kernels take operands of one value type.
#pragma once

#include <cstddef>
#include <span>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/core/view.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// y = A·x. x: A's columns values, y: A's rows values, both of `type` (A's value type, or any
/// for a pattern A).
struct SpmvProblem {
  const SparseTensor* a = nullptr;
  ValueType type = ValueType::kF64;
  const void* x = nullptr;
  void* y = nullptr;
};

/// C = A·B. B: (A's columns, columns) row-major with row stride ldb; C: (A's rows, columns) with
/// row stride ldc; both of `type`.
struct SpmmProblem {
  const SparseTensor* a = nullptr;
  ValueType type = ValueType::kF64;
  const void* b = nullptr;
  std::size_t ldb = 0;
  void* c = nullptr;
  std::size_t ldc = 0;
  std::size_t columns = 0;
};

/// A kernel whose operands and result are sparse: C = op(A, B) stored in `format`.
struct SparseProblem {
  const SparseTensor* a = nullptr;
  const SparseTensor* b = nullptr;
  const FormatSpec* format = nullptr;
  SparseTensor* c = nullptr;
};

const KernelRegistry<SpmvProblem>& spmv_kernels();
const KernelRegistry<SpmmProblem>& spmm_kernels();
const KernelRegistry<SparseProblem>& spgemm_kernels();
const KernelRegistry<SparseProblem>& add_kernels();
const KernelRegistry<SparseProblem>& multiply_kernels();

/// y = A·x with the preferred kernel that runs A's format (T: float, double, Complex).
/// tessera::Error naming the operand whose size or value type does not fit.
template <class T>
void spmv(const SparseTensor& a, std::span<const T> x, std::span<T> y);

/// C = A·B (B: (cols, k), C: (rows, k), unit column stride) with the preferred kernel.
template <class T>
void spmm(const SparseTensor& a, View<const T, 2> b, View<T, 2> c);

/// C = A·B of matrices (A: m x k, B: k x n, one value type) stored in `format`. Products that meet
/// at one coordinate of C are summed in the order of A's entries, then of B's row.
SparseTensor spgemm(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format);

/// C = A + B (entries of either; same dimensions and value type) stored in `format`.
SparseTensor add(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format);

/// C = A ⊙ B (entries of both: element-wise product) stored in `format`.
SparseTensor multiply(const SparseTensor& a, const SparseTensor& b, const FormatSpec& format);

}  // namespace tessera::sparse
