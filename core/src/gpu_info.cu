// query_gpus() through the CUDA runtime API (built when TESSERA_WITH_CUDA=ON).
#include <cuda_runtime.h>

#include <string>

#include "tessera/core/gpu_info.hpp"

namespace tessera {

GpuInfo query_gpus() {
  GpuInfo info;
  info.built = true;
  int version = 0;
  if (cudaRuntimeGetVersion(&version) == cudaSuccess) {
    info.runtime = std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
  }
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    info.status = cudaGetErrorString(status);
    return info;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, d) != cudaSuccess) continue;
    info.devices.push_back({prop.name, prop.major * 10 + prop.minor,
                            static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0),
                            prop.multiProcessorCount});
  }
  info.status = info.devices.empty() ? "no CUDA device found" : "ok";
  return info;
}

}  // namespace tessera
