// Cache sizes from sysconf, else sysfs (cache_sizes.hpp).
#include "tessera/core/cache_sizes.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <string>

namespace tessera {
namespace {

// Size of the data or unified cache of `level` in cpu0's sysfs cache folders, or 0.
std::size_t sysfs_cache(int level) {
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size");
    int l = 0;
    std::string type, size;
    if (!(level_file >> l) || !(type_file >> type) || !(size_file >> size)) continue;
    if (l != level || type == "Instruction") continue;
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), value);
    if (ec != std::errc() || end == size.data()) return 0;
    if (size.back() == 'K') value <<= 10;
    if (size.back() == 'M') value <<= 20;
    return value;
  }
  return 0;
}

std::size_t cache(int name, int level) {
  const long v = sysconf(name);
  return v > 0 ? static_cast<std::size_t>(v) : sysfs_cache(level);
}

}  // namespace

CacheSizes detect_cache_sizes() {
  CacheSizes c;
  c.l1d = cache(_SC_LEVEL1_DCACHE_SIZE, 1);
  c.l2 = cache(_SC_LEVEL2_CACHE_SIZE, 2);
  c.l3 = cache(_SC_LEVEL3_CACHE_SIZE, 3);
  if (c.l1d == 0) c.l1d = std::size_t{32} << 10;
  if (c.l2 == 0) c.l2 = std::size_t{1} << 20;
  return c;
}

}  // namespace tessera
