// The plan of a compression run, a value apart from the kernels that carry it out (the compressor
// and the fixed-ratio search both start from it): the effective error bound, the grid step,
// the chunking, the codebook set and the lossless back end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tessera/compress/codebook.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/quantizer.hpp"

namespace tessera::compress {

/// What a user asks of a compression run. Errors about these name the field, e.g.
/// "CompressOptions::bound" or "CompressOptions::codebooks".
struct CompressOptions {
  ErrorBound bound;  // FXR: the bound is searched (find_fixed_ratio_bound) and `lossless` ignored
  std::uint32_t radius = kDefaultRadius;
  std::size_t chunk_values = 0;  // target values per chunk; 0: automatic_chunk_values
  int zstd_level = 1;            // fastest level: on Huffman output, higher levels gain < 0.5%
  Lossless lossless = Lossless::kZstd;
  CodebookMode codebook_mode = CodebookMode::kAuto;
  const CodebookSet* codebooks = nullptr;  // offline set (borrowed); null: the built-in set
  bool progress = false;                   // a progress bar on stderr (drawn only on a terminal)
};

/// How a field is compressed: everything compress_field decides before it codes a chunk.
struct CompressPlan {
  ErrorBound requested;    // as asked (stored in the header)
  double error_bound = 0;  // effective absolute bound every value honours
  double grid_step = 0;    // prequantization step of values on a grid coarser than 2eb; 0: none
  std::uint32_t radius = kDefaultRadius;
  std::size_t slices_per_chunk = 0;  // chunks are slabs of this many slices (chunking.hpp)
  std::size_t chunks = 0;
  CodebookMode codebook_mode = CodebookMode::kAuto;  // kInline under FXR
  const CodebookSet* codebooks = nullptr;            // the offline set (borrowed); null: none
  Lossless lossless = Lossless::kZstd;               // kNone under FXR
  int zstd_level = 1;
  double expected_ratio = 0;  // FXR: the exact ratio of the stream the search sized; else 0
  std::size_t estimates = 0;  // FXR: size estimates the search made
};

/// The absolute bound that realises `bound` on `field`: ABS eb; REL eb × value range (fill and
/// non-finite values excluded); ABS_AND_REL the smaller. A constant field under REL gets the
/// largest power-of-two step that reproduces its value exactly. FXR has no bound of its own (it
/// depends on radius and chunking: find_fixed_ratio_bound): a usage error, as are bad bounds.
double resolve_error_bound(const FieldView& field, const ErrorBound& bound);

/// The plan for `field` under `options` once the effective absolute bound is known: the grid step
/// of values on a grid coarser than 2eb (value_grid.hpp; not under FXR), the chunking, and the
/// offline set: options.codebooks or the built-in one unless kInline. A set whose radius differs
/// from options.radius is a usage error, except that kAuto then does without the built-in set.
/// FXR plans use inline codes and Lossless::kNone, so that their size is what the search
/// estimated (zstd's gain cannot be predicted from histograms).
CompressPlan plan_for_bound(const FieldView& field, const CompressOptions& options,
                            double error_bound);

/// The header of the stream that `plan` writes for `field`.
StreamHeader stream_header(const FieldView& field, const CompressPlan& plan);

/// The plan in readable lines: "error bound 0.012 (REL 0.001)", "chunks 8 of 270 slices", ...
std::string to_string(const CompressPlan& plan);

}  // namespace tessera::compress
