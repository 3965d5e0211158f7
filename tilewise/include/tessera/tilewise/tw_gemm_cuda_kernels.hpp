// The tensor-core TW-GEMM (tw_gemm_cuda.hpp) as a record of core's kernel registry, beside the CPU
// records of tw_gemm.hpp: its operands live in device memory, so it is an operation of its own,
// "tilewise.tw_gemm_cuda". CUDA builds only (TESSERA_WITH_CUDA).
#pragma once

#include <cstdint>

#include "tessera/core/kernel_registry.hpp"
#include "tessera/tilewise/tw_gemm_cuda.hpp"

namespace tessera::tilewise::cuda {

/// DeviceTiles::multiply's arguments: C (m × tiles.n(), fp32, device) = A · W with A given as
/// `a_t`, A^T as k × m fp16 bits in device memory; asynchronous on `stream` (null: the default).
struct TwGemmCudaProblem {
  const DeviceTiles& tiles;
  const std::uint16_t* a_t;
  int m;
  float* c;
  void* stream = nullptr;
};

/// "tilewise.tw_gemm_cuda": the record "wmma" (backend cuda), which runs where a CUDA device is
/// present.
const KernelRegistry<TwGemmCudaProblem>& tw_gemm_cuda_kernels();

}  // namespace tessera::tilewise::cuda
