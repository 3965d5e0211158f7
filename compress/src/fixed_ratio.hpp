// Fixed-ratio mode (CEAZ, Zhang et al., ICS'22, contribution 2: doubling the error bound saves
// about one bit per value): the absolute error bound whose stream has a target compression ratio,
// found from exact size estimates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tessera/compress/field.hpp"
#include "tessera/compress/plan.hpp"

namespace tessera::compress {

/// The ratio FXR targets must stay below: 8 × bytes per value (32 for f32, 64 for f64), since a
/// Huffman code spends at least one bit per value.
double max_fixed_ratio(DataType type);

/// Exact size in bytes of the FXR stream compress_field writes for `field` with the absolute bound
/// `error_bound` (Lossless::kNone, inline codes, no grid step) and the radius and chunking of
/// `options` (its bound, lossless and codebook mode are ignored).
/// Quantizes every chunk and builds its Huffman code (chunks in parallel), but encodes nothing.
std::uint64_t estimate_stream_bytes(const FieldView& field, double error_bound,
                                    const CompressOptions& options);

struct FixedRatioBound {
  double error_bound = 0;     // absolute bound to compress with
  double ratio = 0;           // exact ratio of the FXR stream compress_field writes with it
  std::size_t estimates = 0;  // size estimates the search made (sampled and whole-field)
};

/// The absolute bound whose FXR stream (Lossless::kNone; radius and chunking of `options`) has a
/// ratio within ±2% of `target_ratio`, found in at most 10 size estimates (2 to 5 on most fields):
/// a probe at REL 1e-3, a first step by the one-bit-per-doubling rule, then secant steps on
/// (log2 eb, log2(bits per value - 1)) safeguarded by bisection. Fields of 16 chunks or more are
/// first estimated from every k-th chunk (8 to 15 of them), then exactly. When no estimate lands
/// within ±2% (the ratio jumps over the target, e.g. as a Huffman code drops to two symbols, or
/// jitters and turns back where eb nears the data's float spacing), up to 16 more exact estimates
/// scan the doubling on either side of the closest bound in steps of 2^(1/8), and the estimate
/// closest to the target (in log ratio) wins. Throws tessera::usage_error naming
/// CompressOptions::bound.ratio and the field unless 1 <= target_ratio <
/// max_fixed_ratio(field.type).
FixedRatioBound find_fixed_ratio_bound(const FieldView& field, double target_ratio,
                                       const CompressOptions& options);

}  // namespace tessera::compress
