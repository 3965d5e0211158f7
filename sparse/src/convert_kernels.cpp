// The registry "sparse.convert": the level-generic reference record, then the fast paths.
#include "convert_levels.hpp"
#include "convert_paths.hpp"

namespace tessera::sparse {

const KernelRegistry<ConvertProblem>& convert_kernels() {
  static KernelRegistry<ConvertProblem> registry(
      "sparse.convert", "format conversion without a dense intermediate");
  static const bool filled = [] {
    registry.add(detail::convert_kernel(
        "levels", "level iterators into level appenders, sorting when the orders differ", nullptr,
        &detail::convert_levels));
    detail::add_convert_paths(registry);
    return true;
  }();
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links conversion lists it.
const auto& kConvertKernels = convert_kernels();
}  // namespace

}  // namespace tessera::sparse
