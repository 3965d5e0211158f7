// CPU kernels built per instruction set for the kernel registry (kernel_registry.hpp): a record
// from a plain function, and a family of one source compiled once per instruction set (an .inc
// file included in a namespace per isa_region.hpp region) as the records scalar, avx2 and avx512.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>

#include "tessera/core/kernel_registry.hpp"

namespace tessera {

/// A CPU record that runs `run` when `isa` is allowed.
template <class Problem>
Kernel<Problem> cpu_kernel(std::string name, IsaLevel isa, std::string description,
                           void (*run)(const Problem&)) {
  Kernel<Problem> kernel;
  kernel.name = std::move(name);
  kernel.isa = isa;
  kernel.description = std::move(description);
  kernel.run = [run](const Problem& problem, std::span<std::byte>) { run(problem); };
  return kernel;
}

/// Adds a family's three builds to `registry`, least preferred first.
template <class Problem>
void add_isa_family(KernelRegistry<Problem>& registry, void (*scalar)(const Problem&),
                    void (*avx2)(const Problem&), void (*avx512)(const Problem&)) {
  registry.add(cpu_kernel("scalar", IsaLevel::kScalar, "baseline x86-64 build", scalar))
      .add(cpu_kernel("avx2", IsaLevel::kAvx2, "AVX2 build of the same source", avx2))
      .add(cpu_kernel("avx512", IsaLevel::kAvx512, "AVX-512 build of the same source", avx512));
}

}  // namespace tessera
