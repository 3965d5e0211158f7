// Conversion between formats (convert.hpp): checks the target and runs the most preferred record
// of "sparse.convert" that takes the problem (convert_kernels.cpp).
#include "tessera/sparse/convert.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace tessera::sparse {
namespace {

// Read once: sysconf asks the kernel (a system call) each time, which small conversions would feel.
std::uint64_t half_of_memory() {
  static const std::uint64_t half = [] {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * page / 2 : (1ull << 32);
  }();
  return half;
}

}  // namespace

SparseTensor convert(const SparseTensor& source, const FormatSpec& target,
                     const ConvertOptions& options) {
  if (target.order() != source.order()) {
    throw Error(target.name, fmt::format("is a format of order {}; the tensor has order {}",
                                         target.order(), source.order()));
  }
  check_format(target, target.name);
  SparseTensor result;
  const ConvertProblem problem{
      .source = &source,
      .target = &target,
      .max_bytes = options.max_bytes != 0 ? options.max_bytes : half_of_memory(),
      .result = &result};
  convert_kernels().run(problem);
  return result;
}

}  // namespace tessera::sparse
