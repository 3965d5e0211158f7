// The contract of the tessera HDF5 filter plugin (libtessera_h5filter.so): its filter id and the
// layout of its cd_values, for programs that set the filter with H5Pset_filter. Header-only: it
// needs neither HDF5 nor the plugin, so writers can build their parameters anywhere.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "tessera/compress/format.hpp"

namespace tessera::compress {

static_assert(sizeof(unsigned) == 4, "HDF5 cd_values are 32-bit unsigned ints");

/// The filter id. Not registered with the HDF Group: it lies in 32768-65535, the range the HDF
/// Group leaves to non-distributed and testing uses and never assigns (compress/README.md).
inline constexpr int kHdf5FilterId = 47301;

/// cd_values, in order. The user gives the first six (H5Pset_filter, h5py compression_opts,
/// h5repack UD=); the filter's set_local callback replaces anything after them with what it reads
/// from the dataset. Doubles are two values, low 32 bits first.
enum Hdf5CdValue : std::size_t {
  kCdMode = 0,    // BoundMode: 1 ABS, 2 REL (× value range of each chunk), 3 ABS_AND_REL
  kCdAbsLow = 1,  // absolute bound (double; ignored under REL)
  kCdAbsHigh = 2,
  kCdRelLow = 3,  // relative bound (double; ignored under ABS)
  kCdRelHigh = 4,
  kCdRadius = 5,   // quantization radius, 2..32767, or 0 for the default (512)
  kCdType = 6,     // set_local: DataType, 1 f32, 2 f64
  kCdHasFill = 7,  // set_local: 1 if the dataset has a user-defined fill value
  kCdFillLow = 8,  // set_local: the fill value (double)
  kCdFillHigh = 9,
  kCdRank = 10,  // set_local: chunk rank after dropping dimensions of extent 1 (1-4)
  kCdDims = 11,  // set_local: the chunk dimensions, slowest first
};
/// cd_values the user gives.
inline constexpr std::size_t kHdf5UserCdValues = 6;
/// cd_values after set_local, at most (rank 4).
inline constexpr std::size_t kHdf5MaxCdValues = kCdDims + 4;

/// The two cd_values of a double: its low 32 bits, then its high 32 bits.
constexpr std::array<unsigned, 2> split_double(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  return {static_cast<unsigned>(bits & 0xFFFFFFFFu), static_cast<unsigned>(bits >> 32)};
}

/// The double whose low and high 32 bits are `low` and `high` (the inverse of split_double).
constexpr double join_double(unsigned low, unsigned high) {
  return std::bit_cast<double>(std::uint64_t{high} << 32 | std::uint64_t{low});
}

/// The six user cd_values for `bound` and `radius` (0: the default radius).
constexpr std::array<unsigned, kHdf5UserCdValues> hdf5_filter_cd_values(const ErrorBound& bound,
                                                                        std::uint32_t radius = 0) {
  const auto abs = split_double(bound.abs);
  const auto rel = split_double(bound.rel);
  return {static_cast<unsigned>(bound.mode), abs[0], abs[1], rel[0], rel[1], radius};
}

}  // namespace tessera::compress
