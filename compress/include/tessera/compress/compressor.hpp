// The compressor's front door: a field in, a .tsz stream out (and back), chunks encoded in
// parallel through an ordered pipeline so the output bytes are the same for any thread count.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "tessera/compress/codebook.hpp"
#include "tessera/compress/field.hpp"
#include "tessera/compress/format.hpp"
#include "tessera/compress/plan.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::compress {

struct CompressResult {
  StreamHeader header;
  std::size_t input_bytes = 0;
  std::size_t output_bytes = 0;
  std::size_t chunks = 0;
  std::uint64_t outliers = 0;
  std::uint64_t huffman_bits = 0;  // entropy-coded codes alone, before zstd
  std::uint64_t optimal_bits = 0;  // the same if every chunk used its own optimal code
  std::array<std::size_t, kCodebookSources> chunks_by_source{};  // indexed by CodebookSource
  std::size_t constant_chunks = 0;  // stored as one value (kChunkConstant), with no code

  double ratio() const {
    return static_cast<double>(input_bytes) / static_cast<double>(output_bytes);
  }
  double bits_per_value() const;
};

/// The plan compress_field follows for `field` under `options`: under FXR the bound that the
/// fixed-ratio search finds (find_fixed_ratio_bound), else resolve_error_bound's; then
/// plan_for_bound. Nothing is compressed.
CompressPlan plan_compression(const FieldView& field, const CompressOptions& options);

/// Compresses `field` as `plan` says (a plan_compression of the same field), passing the stream
/// to `sink` in consecutive pieces. `progress` draws a bar on stderr (on a terminal only).
CompressResult compress_field(const FieldView& field, const CompressPlan& plan, bool progress,
                              const std::function<void(std::span<const std::byte>)>& sink);

/// Compresses `field` under plan_compression(field, options), passing the stream to `sink` in
/// consecutive pieces. Under FXR the bound is found first by the fixed-ratio search, then the
/// field is compressed like ABS with that bound (and inline codes only, so that the estimate
/// stays exact). Chunks are quantized and
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
/// The stream written to `output` as it is produced; the caller commits it (OutputFile::commit),
/// so that an output replaced atomically appears only once everything it goes with succeeded.
CompressResult compress_to_output(const FieldView& field, const CompressOptions& options,
                                  OutputFile& output);

/// Decodes a whole stream (chunks in parallel). `source` names it in errors. A stream written with
/// a custom codebook set needs that set as `codebooks` (codebook_set_for, codebook.hpp).
Field decompress(std::span<const std::byte> stream, const std::string& source,
                 const CodebookSet* codebooks = nullptr);
/// Decodes a stream into `output` as a raw little-endian array, chunk by chunk through the ordered
/// pipeline: only a few chunks are in memory at a time, whatever the field's size. The caller
/// commits the output.
void decompress_to_output(std::span<const std::byte> stream, const std::string& source,
                          OutputFile& output, const CodebookSet* codebooks = nullptr);

}  // namespace tessera::compress
