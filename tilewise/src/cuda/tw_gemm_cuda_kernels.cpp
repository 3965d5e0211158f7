// The tensor-core TW-GEMM's record in core's kernel registry ("tilewise.tw_gemm_cuda"). Kept apart
// from tw_gemm_cuda.cu, which needs nothing but the CUDA runtime.
#include "tessera/tilewise/tw_gemm_cuda_kernels.hpp"

#include <cuda_runtime_api.h>

#include <span>
#include <utility>

namespace tessera::tilewise::cuda {

namespace {

bool device_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

}  // namespace

const KernelRegistry<TwGemmCudaProblem>& tw_gemm_cuda_kernels() {
  static KernelRegistry<TwGemmCudaProblem> registry(
      "tilewise.tw_gemm_cuda", "C = A · W on tensor cores, fp16 A and W, fp32 C (device memory)");
  static const bool filled = [] {
    Kernel<TwGemmCudaProblem> wmma;
    wmma.name = "wmma";
    wmma.backend = KernelBackend::kCuda;
    wmma.description = "WMMA 16x16x16 fragments, 128 x 128 blocks of C per tile";
    wmma.device_present = &device_present;
    wmma.can_run = [](const TwGemmCudaProblem& p) { return p.m >= 0; };
    wmma.run = [](const TwGemmCudaProblem& p, std::span<std::byte>) {
      p.tiles.multiply(p.a_t, p.m, p.c, p.stream);
    };
    registry.add(std::move(wmma));
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the CUDA kernel lists it.
const auto& kTwGemmCudaKernels = tw_gemm_cuda_kernels();
}  // namespace

}  // namespace tessera::tilewise::cuda
