// The data cache sizes of this machine, read at run time (the benchmark machine changes between
// Intel and AMD): what cache-aware kernels and cost models size their blocks and working sets by.
#pragma once

#include <cstddef>

namespace tessera {

struct CacheSizes {
  std::size_t l1d = 0;  // bytes per core
  std::size_t l2 = 0;   // bytes per core
  std::size_t l3 = 0;   // bytes, shared; 0 when the machine has none
};

/// The sizes the C library reports (sysconf, from CPUID), or those of
/// /sys/devices/system/cpu/cpu0/cache where it reports none; 32 KiB, 1 MiB and 0 for what
/// neither knows.
CacheSizes detect_cache_sizes();

}  // namespace tessera
