// query_gpus() for builds without CUDA (replaced by gpu_info.cu when TESSERA_WITH_CUDA=ON).
#include "tessera/core/gpu_info.hpp"

namespace tessera {

GpuInfo query_gpus() {
  GpuInfo info;
  info.status = "not built with CUDA (configure with the cuda preset)";
  return info;
}

}  // namespace tessera
