// Dual quantization + integer Lorenzo prediction over slabs (slab_quantizer.hpp): the kernel
// families (lorenzo_kernels.inc, one per instruction set) as records of the registries that
// dispatch picks from. Outlier records: varint((index - previous index) << 1 | kind), then the
// payload.
#include "slab_quantizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <variant>

#include "tessera/core/bytes.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/isa_family.hpp"
#include "tessera/core/isa_region.hpp"

namespace tessera::compress {

namespace {

#define TESSERA_ISA_FAMILY_SOURCE "lorenzo_kernels.inc"
#include "tessera/core/isa_family.inc"

// Slabs are chunks of a field: fewer than 2^32 values, so 32-bit counters suffice.
constexpr std::size_t kMaxSlabValues = std::size_t{1} << 32;

void check_slab(const SlabGeometry& g, std::size_t values, std::string_view what) {
  if (g.size() != values || g.rows == 0 || g.cols == 0 || values >= kMaxSlabValues) {
    throw Error(what, fmt::format("slab of {}x{}x{} does not hold {} values", g.planes, g.rows,
                                  g.cols, values));
  }
}

}  // namespace

const KernelRegistry<QuantizeProblem>& quantize_kernels() {
  static KernelRegistry<QuantizeProblem> registry(
      "compress.lorenzo_quantize", "dual quantization with Lorenzo prediction of a slab");
  static const bool filled = (add_isa_family(registry, &baseline::run_quantize, &avx2::run_quantize,
                                             &avx512::run_quantize),
                              true);
  static_cast<void>(filled);
  return registry;
}

const KernelRegistry<DequantizeProblem>& dequantize_kernels() {
  static KernelRegistry<DequantizeProblem> registry(
      "compress.lorenzo_dequantize", "values of a slab from its codes and outlier records");
  static const bool filled = (add_isa_family(registry, &baseline::run_dequantize,
                                             &avx2::run_dequantize, &avx512::run_dequantize),
                              true);
  static_cast<void>(filled);
  return registry;
}

namespace {
// Enrolled at start-up, so that every program that links the quantizer lists them.
const auto& kQuantizeKernels = quantize_kernels();
const auto& kDequantizeKernels = dequantize_kernels();
}  // namespace

template <class T>
void quantize_slab(std::span<const T> values, const SlabGeometry& g, const QuantizerSettings& s,
                   QuantizedSlab& out) {
  validate(s);
  check_slab(g, values.size(), "quantizer");
  quantize_kernels().run(QuantizeProblem{values, g, s, out});
}

template <class T>
void dequantize_slab(std::span<const std::uint16_t> codes, std::span<const std::byte> outliers,
                     std::size_t outlier_count, const SlabGeometry& g, const QuantizerSettings& s,
                     std::span<T> out, std::string_view source) {
  validate(s);
  check_slab(g, codes.size(), source);
  check_slab(g, out.size(), source);
  if (outlier_count > codes.size()) {
    throw Error(source, "corrupt quantized data: more outliers than values");
  }
  dequantize_kernels().run(DequantizeProblem{codes, outliers, outlier_count, g, s, out, source});
}

template void quantize_slab<float>(std::span<const float>, const SlabGeometry&,
                                   const QuantizerSettings&, QuantizedSlab&);
template void quantize_slab<double>(std::span<const double>, const SlabGeometry&,
                                    const QuantizerSettings&, QuantizedSlab&);
template void dequantize_slab<float>(std::span<const std::uint16_t>, std::span<const std::byte>,
                                     std::size_t, const SlabGeometry&, const QuantizerSettings&,
                                     std::span<float>, std::string_view);
template void dequantize_slab<double>(std::span<const std::uint16_t>, std::span<const std::byte>,
                                      std::size_t, const SlabGeometry&, const QuantizerSettings&,
                                      std::span<double>, std::string_view);

}  // namespace tessera::compress
