// The catalog of kernel registries, filled as registries are constructed.
#include "tessera/core/kernel_registry.hpp"

#include <mutex>

namespace tessera {
namespace {

struct Catalog {
  std::mutex mutex;
  std::vector<const KernelListing*> listings;
};

Catalog& catalog() {
  static Catalog instance;
  return instance;
}

}  // namespace

std::string_view to_string(KernelBackend backend) {
  switch (backend) {
    case KernelBackend::kLibrary:
      return "library";
    case KernelBackend::kCuda:
      return "cuda";
    case KernelBackend::kCpu:
      break;
  }
  return "cpu";
}

std::vector<const KernelListing*> kernel_catalog() {
  const std::lock_guard lock(catalog().mutex);
  return catalog().listings;
}

namespace detail {
void enroll_kernel_listing(const KernelListing& listing) {
  const std::lock_guard lock(catalog().mutex);
  catalog().listings.push_back(&listing);
}
}  // namespace detail

}  // namespace tessera
