// The slab coder of quantizer.hpp: a slab's values to codes and outlier records and back. Its
// kernels are records of core's kernel registry (kernel_registry.hpp), one per instruction set,
// all compiled from lorenzo_kernels.inc and bit-identical; `tessera doctor` lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "tessera/compress/quantizer.hpp"
#include "tessera/core/kernel_registry.hpp"

namespace tessera::compress {

/// Codes of a slab, its outliers (serialised records, index order) and the code histogram.
struct QuantizedSlab {
  std::vector<std::uint16_t> codes;
  std::vector<std::byte> outliers;
  std::size_t outlier_count = 0;
  std::vector<std::uint64_t> histogram;  // alphabet_size() counts
};

/// Quantizes `values` (geometry.size() of them, row-major) into `out` (buffers are reused).
template <class T>
void quantize_slab(std::span<const T> values, const SlabGeometry& geometry,
                   const QuantizerSettings& settings, QuantizedSlab& out);

/// Inverse of quantize_slab: rebuilds the values from codes and outlier records. Corrupt input
/// (an outlier record that does not match a code 0, bad varints, out-of-range integers) throws
/// tessera::Error naming `source`.
template <class T>
void dequantize_slab(std::span<const std::uint16_t> codes, std::span<const std::byte> outliers,
                     std::size_t outlier_count, const SlabGeometry& geometry,
                     const QuantizerSettings& settings, std::span<T> out, std::string_view source);

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
