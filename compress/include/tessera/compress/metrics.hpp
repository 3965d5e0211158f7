// Error statistics of a decoded field against its original (what `tessera compress -a` and `verify`
// print) and the strict absolute-bound check. Special points (NaN, Inf, fill) must come back bit
// for bit; the rest are compared in double, in parallel, identically for any thread count.
#pragma once

#include <cstddef>

#include "tessera/compress/field.hpp"

namespace tessera::compress {

struct ValueRange {
  double min = 0.0;         // smallest counted value, in the field's units (0 if none)
  double max = 0.0;         // largest counted value (0 if none)
  std::size_t counted = 0;  // finite points not equal to the fill value
};

/// Smallest and largest finite value of the field, ignoring points equal to its fill value.
ValueRange value_range(const FieldView& field);

struct ErrorStats {
  double max_abs_error = 0.0;          // max |x - x'|, in the field's units
  double max_rel_error = 0.0;          // max_abs_error / value range of the original
  double psnr_db = 0.0;                // 20 log10(value range / rmse), in dB
  double nrmse = 0.0;                  // rmse / value range
  double rmse = 0.0;                   // sqrt(mean (x - x')^2), in the field's units
  std::size_t compared = 0;            // points in the statistics (the non-special ones)
  std::size_t mismatched_special = 0;  // special points not reproduced bit for bit
  std::size_t worst_index = 0;         // first point with error max_abs_error (0 if none differ)
};

/// Error of `decoded` against `original` over the points whose original value is finite and not
/// the fill value; the others must be bit-identical in `decoded` (else counted in
/// mismatched_special). A NaN or infinite decoded value at a compared point is an infinite error.
/// Value range = max - min of value_range(original). PSNR is +inf when rmse is 0; with a zero value
/// range and nonzero error, the relative figures are +inf and the PSNR -inf. Throws tessera::Error
/// naming both fields unless their types and shapes agree.
ErrorStats compare_fields(const FieldView& original, const FieldView& decoded);

struct BoundCheck {
  bool ok = true;                   // no violations
  std::size_t violations = 0;       // points breaking the bound
  std::size_t first_violation = 0;  // lowest index of a violation (0 if none)
};

/// Checks |x - x'| <= abs_bound (in the field's units, computed in double) at every point whose
/// original value is finite and not the fill value, and bit-identity at the other points. A NaN
/// decoded value at such a point is a violation. abs_bound must be >= 0 (usage error otherwise);
/// throws tessera::Error naming both fields unless their types and shapes agree.
BoundCheck check_abs_bound(const FieldView& original, const FieldView& decoded, double abs_bound);

}  // namespace tessera::compress
