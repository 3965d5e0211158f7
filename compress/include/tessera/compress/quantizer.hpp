// Dual quantization with integer Lorenzo prediction (cuSZ, as adopted by CEAZ, ICS'22 §3): each
// value is prequantized to q = round(x / step), step = 2eb (or the spacing of a coarser grid the
// values lie on: src/value_grid.hpp), q is predicted from already coded integer
// neighbours, and the residual becomes a code in [1, 2·radius). The encoder reconstructs every
// value exactly as the decoder will and keeps any value whose error would exceed eb verbatim, so
// the bound is strict. Works on a slab: consecutive planes of (rows × cols) values. This header
// holds the settings and geometry a user of the library sees; the slab coder is private
// (src/slab_quantizer.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace tessera::compress {

/// Prequantized integers are kept below 2^50 in magnitude, so that they and the Lorenzo sums of
/// seven of them are exact in doubles; values that would need more are stored verbatim.
inline constexpr double kMaxQuantized = 1125899906842624.0;  // 2^50
inline constexpr std::uint32_t kDefaultRadius = 512;
inline constexpr std::uint32_t kMaxRadius = 32767;

struct QuantizerSettings {
  double error_bound = 0;  // absolute bound eb > 0 (finite)
  std::uint32_t radius = kDefaultRadius;
  std::optional<double> fill_value;  // points equal to it get the fill code, no payload
  double grid_step = 0;              // 0, or a step > 2eb that the values lie on (value_grid.hpp)

  /// The prequantization step: grid_step if set, else 2·error_bound.
  double step() const { return grid_step > 0 ? grid_step : 2.0 * error_bound; }

  /// Symbols used: outlier code 0, residual codes 1 .. 2·radius-1, fill code 2·radius.
  std::size_t alphabet_size() const { return 2 * std::size_t{radius} + 1; }
  std::uint16_t fill_code() const { return static_cast<std::uint16_t>(2 * radius); }
};

/// Where a slab sits (fewer than 2^32 values): `planes` planes of (rows × cols) values. Prediction
/// uses the previous plane except on the slab's first plane and on planes where (first_plane + p) %
/// planes_per_volume == 0 (4-D fields are stacks of 3-D volumes). 1-D: one plane of one row; 2-D:
/// one plane of rows.
struct SlabGeometry {
  std::size_t planes = 1;
  std::size_t rows = 1;
  std::size_t cols = 1;
  std::size_t first_plane = 0;
  std::size_t planes_per_volume = 0;  // 0: no resets inside the slab

  std::size_t size() const { return planes * rows * cols; }
};

/// Checks eb, grid step and radius; throws tessera::usage_error naming the bad setting.
void validate(const QuantizerSettings& settings);

}  // namespace tessera::compress
