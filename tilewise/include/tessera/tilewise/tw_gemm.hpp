// TW-GEMM on the CPU: C = A·W with W in tile-wise form (tw_matrix.hpp). A is packed once per row
// group and K range for all tiles, and each tile's kept K-rows are gathered by the micro-kernel's
// own loads from that panel (no gather pass, as the paper's masked loader gathers inside its
// global-to-shared copy); a register-blocked micro-kernel multiplies them with the tile's dense
// block. Restored single weights (TEW) follow in an element-wise pass over the same rows. Kernels:
// a scalar reference, AVX2+FMA and AVX-512, the records of one kernel registry; parallel over
// blocks of rows of A times slices of the tiles, each block taking W's tiles in blocks that stay
// in L2 (TwSchedule, tw_schedule.hpp).
#pragma once

#include <string_view>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/core/view.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tessera/tilewise/tw_schedule.hpp"

namespace tessera::tilewise {

/// TW-GEMM's arguments: C = A · W, a (m, k) and c (m, n) row-major with unit column stride.
struct TwGemmProblem {
  View<const float, 2> a;
  const TwMatrix& w;
  View<float, 2> c;
  TwSchedule schedule{};
};

/// One TW-GEMM implementation: a record of tw_gemm_kernels().
using TwKernel = Kernel<TwGemmProblem>;

/// "tilewise.tw_gemm" in core's kernel registry: the records scalar (the reference), avx2 and
/// avx512, least preferred first; each checks the shapes and runs the parallel driver.
const KernelRegistry<TwGemmProblem>& tw_gemm_kernels();

/// The record named `name`; "auto": the most preferred this CPU runs. tessera::usage_error naming
/// "tw_kernel(name)" for an unknown name or one that needs an instruction set this CPU (or
/// TESSERA_ISA) lacks.
const TwKernel& tw_kernel(std::string_view name = "auto");

/// C = A · W with `kernel`: every element of C is written (columns in no tile and tiles without
/// rows give 0 plus their restored elements). Deterministic: each element is one kernel call's sum
/// (then its restored elements' sum) in a fixed order, whatever the thread count. Throws
/// tessera::usage_error on a shape mismatch, tessera::Error if `kernel` does not run here.
void tw_gemm(View<const float, 2> a, const TwMatrix& w, View<float, 2> c,
             const TwKernel& kernel = tw_kernel(), TwSchedule schedule = {});

}  // namespace tessera::tilewise
