// The quantizer's kernels as records of core's kernel registry (kernel_registry.hpp): one record
// per instruction set, all compiled from lorenzo_kernels.inc and bit-identical. quantize_slab and
// dequantize_slab dispatch through these registries; `tessera doctor` lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "tessera/compress/quantizer.hpp"
#include "tessera/core/kernel_registry.hpp"

namespace tessera::compress {

/// quantize_slab's arguments: values (geometry.size() of them) into `out`.
struct QuantizeProblem {
  std::variant<std::span<const float>, std::span<const double>> values;
  const SlabGeometry& geometry;
  const QuantizerSettings& settings;
  QuantizedSlab& out;
};

/// dequantize_slab's arguments: codes and outlier records back into `out`.
struct DequantizeProblem {
  std::span<const std::uint16_t> codes;
  std::span<const std::byte> outliers;
  std::size_t outlier_count = 0;
  const SlabGeometry& geometry;
  const QuantizerSettings& settings;
  std::variant<std::span<float>, std::span<double>> out;
  std::string_view source;
};

/// "compress.lorenzo_quantize": records scalar, avx2, avx512.
const KernelRegistry<QuantizeProblem>& quantize_kernels();
/// "compress.lorenzo_dequantize": records scalar, avx2, avx512.
const KernelRegistry<DequantizeProblem>& dequantize_kernels();

}  // namespace tessera::compress
