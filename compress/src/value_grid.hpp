// Fields whose values lie on a grid: whole numbers, decimals with a fixed number of places, unit
// conversions of them (trinidad's heights are multiples of 3.28). Asked for a bound below half the
// grid spacing, plain dual quantization turns the grid into a comb of every (spacing / 2eb)-th
// code, which wastes the radius (more outliers) and fits no offline codebook. Prequantizing with
// the spacing itself codes such values exactly, with the grid integers' own Lorenzo residuals.
#pragma once

#include <optional>

#include "tessera/compress/field.hpp"

namespace tessera::compress {

struct ValueGrid {
  double step = 0;           // the values are close to integer multiples of step
  double max_deviation = 0;  // largest |x - round(x / step) · step| in the sample
};

/// The grid that an evenly spaced sample of the field's finite, non-fill values lies on (within a
/// 64th of its step), or nullopt: fewer than two distinct values, or no common grid. The step is
/// the smallest spacing in the sample, refined over its whole extent, so a grid whose neighbouring
/// values the sample never meets is not found. Depends on the values only.
std::optional<ValueGrid> detect_value_grid(const FieldView& field);

/// The grid step compress_field uses for `field` at absolute bound `error_bound`: the detected
/// step if it exceeds 2·error_bound and the sample deviates from the grid by at most half the
/// bound; else 0 (prequantize by 2·error_bound). Values off the grid still honour the bound: the
/// quantizer stores them verbatim.
double grid_step_for(const FieldView& field, double error_bound);

}  // namespace tessera::compress
