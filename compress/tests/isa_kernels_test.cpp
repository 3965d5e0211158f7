// Differential test of compress's kernel registries: every record that runs on this machine gives
// the scalar record's exact output (codes, outlier records, histogram, decoded bits, value range)
// on generated fields of several shapes, with NaN, infinities, a fill value and huge values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "range_kernels.hpp"
#include "slab_quantizer.hpp"
#include "tessera/testing/generators.hpp"

namespace tessera::compress {
namespace {

constexpr double kFill = -9999.0;

// A smooth field of geometry g's size with a sprinkle of special and out-of-range values.
template <class T>
std::vector<T> generated_field(const SlabGeometry& g, std::uint64_t seed) {
  const std::vector<std::size_t> shape{g.planes, g.rows, g.cols};
  const std::vector<double> smooth = tessera::testing::smooth_field(shape, seed, 0.3);
  std::vector<T> v(smooth.begin(), smooth.end());
  for (std::size_t i = 7; i < v.size(); i += 997) v[i] = static_cast<T>(kFill);
  v[1] = std::numeric_limits<T>::quiet_NaN();
  v[v.size() / 3] = std::numeric_limits<T>::infinity();
  v[v.size() / 2] = static_cast<T>(1e30);
  v[v.size() - 1] = -std::numeric_limits<T>::infinity();
  return v;
}

// Shapes of a 1-D, a 2-D, a 3-D slab and a 4-D slab (planes 2.. of volumes of 4 planes).
const SlabGeometry kGeometries[] = {
    {1, 1, 4099, 0, 0}, {1, 71, 93, 0, 0}, {5, 30, 41, 0, 0}, {6, 20, 33, 2, 4}};

template <class T>
void expect_every_record_matches_scalar(const QuantizerSettings& settings) {
  const auto& quantize = quantize_kernels();
  const auto& dequantize = dequantize_kernels();
  ASSERT_EQ(quantize.kernels().front().name, "scalar");
  ASSERT_EQ(dequantize.kernels().front().name, "scalar");
  for (const SlabGeometry& g : kGeometries) {
    const std::vector<T> values = generated_field<T>(g, g.size());
    const std::span<const T> in(values);
    QuantizedSlab reference;
    quantize.run(quantize.kernels().front(), QuantizeProblem{in, g, settings, reference});
    ASSERT_GT(reference.outlier_count, 0U);
    std::vector<T> reference_out(values.size());
    dequantize.run(dequantize.kernels().front(),
                   DequantizeProblem{reference.codes, reference.outliers, reference.outlier_count,
                                     g, settings, std::span<T>(reference_out), "reference"});
    for (const auto& record : quantize.kernels()) {
      if (!KernelRegistry<QuantizeProblem>::runs_here(record)) continue;
      QuantizedSlab slab;
      quantize.run(record, QuantizeProblem{in, g, settings, slab});
      const std::string where = record.name + " on " + std::to_string(g.planes) + "x" +
                                std::to_string(g.rows) + "x" + std::to_string(g.cols);
      EXPECT_EQ(slab.codes, reference.codes) << where;
      EXPECT_EQ(slab.outliers, reference.outliers) << where;
      EXPECT_EQ(slab.outlier_count, reference.outlier_count) << where;
      EXPECT_EQ(slab.histogram, reference.histogram) << where;
    }
    for (const auto& record : dequantize.kernels()) {
      if (!KernelRegistry<DequantizeProblem>::runs_here(record)) continue;
      std::vector<T> out(values.size());
      dequantize.run(
          record, DequantizeProblem{reference.codes, reference.outliers, reference.outlier_count, g,
                                    settings, std::span<T>(out), "differential"});
      EXPECT_EQ(std::memcmp(out.data(), reference_out.data(), out.size() * sizeof(T)), 0)
          << record.name;
    }
  }
}

TEST(IsaKernels, QuantizeRecordsMatchScalarBitForBit) {
  expect_every_record_matches_scalar<float>({1e-3, 64, kFill, 0});
  expect_every_record_matches_scalar<double>({1e-3, 64, kFill, 0});
  expect_every_record_matches_scalar<float>({0.02, 512, std::nullopt, 0.25});
  expect_every_record_matches_scalar<double>({1e-6, 32767, kFill, 0});
}

template <class T>
void expect_range_records_match_scalar(const std::optional<double>& fill) {
  const auto& ranges = range_kernels();
  ASSERT_EQ(ranges.kernels().front().name, "scalar");
  for (const SlabGeometry& g : kGeometries) {
    const std::vector<T> values = generated_field<T>(g, 3 * g.size());
    const std::span<const T> in(values);
    RangePartial reference;
    ranges.run(ranges.kernels().front(), RangeProblem{in, fill, reference});
    ASSERT_GT(reference.counted, 0U);
    for (const auto& record : ranges.kernels()) {
      if (!KernelRegistry<RangeProblem>::runs_here(record)) continue;
      RangePartial range;
      ranges.run(record, RangeProblem{in, fill, range});
      EXPECT_EQ(range.min, reference.min) << record.name;
      EXPECT_EQ(range.max, reference.max) << record.name;
      EXPECT_EQ(range.counted, reference.counted) << record.name;
    }
  }
}

TEST(IsaKernels, RangeRecordsMatchScalar) {
  expect_range_records_match_scalar<float>(kFill);
  expect_range_records_match_scalar<double>(kFill);
  expect_range_records_match_scalar<float>(std::nullopt);
}

TEST(IsaKernels, RegistriesAreInTheCatalog) {
  std::vector<std::string> operations;
  for (const KernelListing* listing : kernel_catalog()) {
    operations.emplace_back(listing->operation());
  }
  for (const char* name :
       {"compress.lorenzo_quantize", "compress.lorenzo_dequantize", "compress.value_range"}) {
    EXPECT_NE(std::find(operations.begin(), operations.end(), name), operations.end()) << name;
  }
}

}  // namespace
}  // namespace tessera::compress
