// Direct conversion between any two formats, without a dense intermediate: entries stream through
// the source's level iterators into the target's level appenders, sorted first when the target
// stores them in another order. Fast paths (CSR <-> CSC, COO -> CSR/CSC) are records of the
// kernel registry "sparse.convert"; the level-generic path is its reference record.
#pragma once

#include <cstdint>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct ConvertOptions {
  /// The most bytes the result may hold (dense formats of large matrices): tessera::Error
  /// naming the target format beyond it. 0: half of this machine's memory.
  std::uint64_t max_bytes = 0;
};

struct ConvertProblem {
  const SparseTensor* source = nullptr;
  const FormatSpec* target = nullptr;
  std::uint64_t max_bytes = 0;
  SparseTensor* result = nullptr;
};

/// The conversion kernels, the level-generic one first.
const KernelRegistry<ConvertProblem>& convert_kernels();

/// `source` in `target` (a format of the same order). Repeated coordinates of a non-canonical
/// COO source are summed in their order of appearance; the result is canonical. Bit-exact: every
/// entry keeps its value bytes, except that a full leaf (dense, BCSR) has no place for a stored
/// zero, which it drops.
SparseTensor convert(const SparseTensor& source, const FormatSpec& target,
                     const ConvertOptions& options = {});

}  // namespace tessera::sparse
