// The range kernel family (range_kernels.hpp): range_kernel.inc compiled once per instruction set
// and registered as the records of "compress.value_range".
#include "range_kernels.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <variant>

#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"

namespace tessera::compress {

namespace {

#define TESSERA_ISA_FAMILY_SOURCE "range_kernel.inc"
#include "tessera/core/isa_family.inc"

}  // namespace

const KernelRegistry<RangeProblem>& range_kernels() {
  static KernelRegistry<RangeProblem> registry("compress.value_range",
                                               "min and max of a field's finite, non-fill values");
  static const bool filled =
      (add_isa_family(registry, &baseline::run_range, &avx2::run_range, &avx512::run_range), true);
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the metrics lists it.
const auto& kRangeKernels = range_kernels();
}  // namespace

}  // namespace tessera::compress
