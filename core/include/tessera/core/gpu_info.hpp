// What the CUDA runtime reports about GPUs, for `tessera doctor` and for GPU benchmarks to check
// they have a device before they start.
#pragma once

#include <string>
#include <vector>

namespace tessera {

struct GpuDevice {
  std::string name;            // e.g. "NVIDIA H100 80GB HBM3"
  int compute_capability = 0;  // major*10 + minor, e.g. 90
  double memory_gib = 0;
  int multiprocessors = 0;
};

struct GpuInfo {
  bool built = false;   // compiled with TESSERA_WITH_CUDA
  std::string runtime;  // CUDA runtime version, e.g. "13.0"; empty when not built
  std::string status;   // why there are no devices, or "ok"
  std::vector<GpuDevice> devices;
};

/// Queries the CUDA runtime now (a no-GPU machine gives an empty device list and the reason).
GpuInfo query_gpus();

}  // namespace tessera
