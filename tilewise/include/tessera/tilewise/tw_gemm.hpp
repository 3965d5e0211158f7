// TW-GEMM on the CPU: C = A·W with W in tile-wise form (tw_matrix.hpp). A is packed once per row
// group and K range for all tiles, and each tile's kept K-rows are gathered by the micro-kernel's
// own loads from that panel (no gather pass, as the paper's masked loader gathers inside its
// global-to-shared copy); a register-blocked micro-kernel multiplies them with the tile's dense
// block. Restored single weights (TEW) follow in an element-wise pass over the same rows. Kernels:
// a scalar reference, AVX2+FMA and AVX-512, one registry; parallel over blocks of rows of A.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "tessera/core/cpu_features.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

namespace tessera::tilewise {

/// One TW-GEMM implementation.
struct TwKernel {
  std::string_view name;  // "scalar", "avx2", "avx512"
  IsaLevel isa;           // the instruction set it needs
  /// C (m × w.n(), row stride ldc) = A (m × w.k(), row stride lda) · W for rows [row_begin,
  /// row_end), the columns of every tile that keeps rows.
  void (*run)(const float* a, std::size_t lda, const TwMatrix& w, std::size_t row_begin,
              std::size_t row_end, float* c, std::size_t ldc);
  /// C[rows, the restored elements' columns] += A · (W's restored elements), same arguments.
  void (*add_restored)(const float* a, std::size_t lda, const TwMatrix& w, std::size_t row_begin,
                       std::size_t row_end, float* c, std::size_t ldc);
};

/// Every kernel, scalar first; the ones this CPU can run have isa <= dispatch_isa_level().
std::span<const TwKernel> tw_kernels();
/// The kernel named `name` ("auto": the widest this CPU runs); tessera::usage_error for an unknown
/// name or one this CPU cannot run.
const TwKernel& tw_kernel(std::string_view name = "auto");

/// C = A · W: a (m, k) and c (m, n) row-major with unit column stride; every element of C is
/// written (columns in no tile and tiles without rows give 0 plus their restored elements).
/// Deterministic: each element is one kernel call's sum (then its restored elements' sum) in a
/// fixed order, whatever the thread count. Throws tessera::usage_error on a
/// shape mismatch.
void tw_gemm(View<const float, 2> a, const TwMatrix& w, View<float, 2> c,
             const TwKernel& kernel = tw_kernel());

}  // namespace tessera::tilewise
