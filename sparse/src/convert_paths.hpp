// The conversion fast paths of the registry "sparse.convert": CSR <-> CSC by a counting transpose
// and COO -> CSR or CSC by a counting sort on the outer coordinate.
#pragma once

#include "tessera/sparse/convert.hpp"

namespace tessera::sparse::detail {

/// A CPU record of "sparse.convert" (no workspace; `can_run` null: every problem).
inline Kernel<ConvertProblem> convert_kernel(std::string name, std::string description,
                                             bool (*can_run)(const ConvertProblem&),
                                             void (*run)(const ConvertProblem&)) {
  Kernel<ConvertProblem> k;
  k.name = std::move(name);
  k.description = std::move(description);
  if (can_run != nullptr) k.can_run = can_run;
  k.run = [run](const ConvertProblem& p, std::span<std::byte>) { run(p); };
  return k;
}

/// Adds the fast-path records to `registry` (after the level-generic reference).
void add_convert_paths(KernelRegistry<ConvertProblem>& registry);

}  // namespace tessera::sparse::detail
