// The compressor's front door: a field in, a .tsz stream out (and back), chunks encoded in
// parallel through an ordered pipeline so the output bytes are the same for any thread count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/chunking.hpp"
#include "tessera/compress/codebook.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/compress/format.hpp"

namespace tessera::compress {

struct CompressOptions {
  ErrorBound bound;  // FXR: the bound is searched (fixed_ratio.hpp) and `lossless` is ignored
  std::uint32_t radius = kDefaultRadius;
  std::size_t chunk_values = 0;  // target values per chunk; 0: automatic_chunk_values
  int zstd_level = 1;            // fastest level: on Huffman output, higher levels gain < 0.5%
  Lossless lossless = Lossless::kZstd;
  CodebookMode codebook_mode = CodebookMode::kAuto;
  const CodebookSet* codebooks = nullptr;  // offline set (borrowed); null: the built-in set
  bool progress = false;                   // a progress bar on stderr (drawn only on a terminal)
};

struct CompressResult {
  StreamHeader header;
  std::size_t input_bytes = 0;
  std::size_t output_bytes = 0;
  std::size_t chunks = 0;
  std::uint64_t outliers = 0;
  std::uint64_t huffman_bits = 0;  // entropy-coded codes alone, before zstd
  std::uint64_t optimal_bits = 0;  // the same if every chunk used its own optimal code
  std::array<std::size_t, kCodebookSources> chunks_by_source{};  // indexed by CodebookSource

  double ratio() const {
    return static_cast<double>(input_bytes) / static_cast<double>(output_bytes);
  }
  double bits_per_value() const;
};

/// The absolute bound that realises `bound` on `field`: ABS eb; REL eb × value range (fill and
/// non-finite values excluded); ABS_AND_REL the smaller. A constant field under REL gets the
/// largest power-of-two step that reproduces its value exactly. FXR has no bound of its own (it
/// depends on radius and chunking: find_fixed_ratio_bound): a usage error, as are bad bounds.
double resolve_error_bound(const FieldView& field, const ErrorBound& bound);

/// The header compress_field writes for `field` under `options` once the effective absolute bound
/// is known, with the grid step of values on a grid coarser than 2eb (value_grid.hpp; not under
/// FXR). FXR streams are written with Lossless::kNone, so that their size is what
/// find_fixed_ratio_bound estimated (zstd's gain cannot be predicted from histograms).
StreamHeader stream_header(const FieldView& field, const CompressOptions& options,
                           double error_bound);

/// Compresses `field`, passing the stream to `sink` in consecutive pieces. Under FXR the bound is
/// found first by find_fixed_ratio_bound, then the field is compressed like ABS with that bound
/// (and inline codes only, so that the estimate stays exact). Chunks are quantized and
/// encoded in parallel; their codes are chosen in chunk order (CodebookSelector), so the
/// bytes are the same for any thread count. With a codebook mode other than kInline the stream
/// uses options.codebooks or the built-in set, and its header names that set even if no chunk
/// ends up using it; a set whose radius differs from options.radius is a usage error, except that
/// kAuto then does without the built-in set.
CompressResult compress_field(const FieldView& field, const CompressOptions& options,
                              const std::function<void(std::span<const std::byte>)>& sink);
/// The stream in memory.
std::vector<std::byte> compress_to_memory(const FieldView& field, const CompressOptions& options,
                                          CompressResult* result = nullptr);
/// The stream written atomically to `path` (no partial file on failure).
CompressResult compress_to_file(const FieldView& field, const CompressOptions& options,
                                const std::filesystem::path& path);

/// Decodes a whole stream (chunks in parallel). `source` names it in errors. A stream written with
/// a custom codebook set needs that set as `codebooks` (codebook_set_for, codebook.hpp).
Field decompress(std::span<const std::byte> stream, const std::string& source,
                 const CodebookSet* codebooks = nullptr);
/// Decodes a stream into a raw little-endian file at `path`, atomically, chunk by chunk through the
/// ordered pipeline: only a few chunks are in memory at a time, whatever the field's size.
void decompress_to_file(std::span<const std::byte> stream, const std::string& source,
                        const std::filesystem::path& path, const CodebookSet* codebooks = nullptr);

}  // namespace tessera::compress
