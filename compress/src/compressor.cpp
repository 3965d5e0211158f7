// Compression and decompression of whole fields: the plan (plan.hpp, searched under FXR), the
// ordered chunk pipeline with codebook choices taken in chunk order, and the stream written by
// format.hpp's StreamWriter.
#include "tessera/compress/compressor.hpp"

#include <fmt/format.h>

#include <bit>
#include <optional>

#include "chunk_coding.hpp"
#include "fixed_ratio.hpp"
#include "tessera/compress/chunking.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/ordered_pipeline.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/core/turnstile.hpp"

namespace tessera::compress {

namespace {

template <class T>
CompressResult compress_typed(const FieldView& field, const CompressPlan& plan, bool progress,
                              const StreamWriter::Sink& sink) {
  CompressResult result;
  result.header = stream_header(field, plan);
  const CodecSettings codec{quantizer_settings(result.header), plan.lossless, plan.zstd_level,
                            plan.codebooks};
  validate(codec.quantizer);
  CodebookSelector selector(plan.codebook_mode, codec);

  StreamWriter writer(result.header, sink);
  const Chunking chunking(field.shape, plan.slices_per_chunk);
  const std::span<const T> values = field.values<T>();
  ProgressBar bar("compress", chunking.chunk_count(), stderr,
                  progress ? ProgressMode::kAuto : ProgressMode::kNever);
  Turnstile turnstile;
  run_ordered_pipeline<EncodedChunk>(
      chunking.chunk_count(),
      [&](std::size_t c) {
        const std::span<const T> chunk_values =
            values.subspan(chunking.first_value(c), chunking.values(c));
        QuantizedChunk quantized;
        std::optional<CodebookChoice> offline;
        if (const std::optional<T> constant = constant_value<T>(chunk_values, codec.quantizer)) {
          turnstile.take_turn(c, [] { return true; });  // its turn leaves the codebook choices be
          return encode_constant_chunk(*constant, chunk_values.size());
        }
        try {
          quantized = quantize_chunk<T>(chunk_values, chunking.geometry(c), codec.quantizer);
          offline = selector.offline_candidate(quantized);
        } catch (...) {
          turnstile.fail(std::current_exception());
          throw;
        }
        const CodebookChoice choice = turnstile.take_turn(
            c, [&] { return selector.choose(c, quantized, std::move(offline)); });
        return encode_chunk(quantized, choice, codec);
      },
      [&](std::size_t, EncodedChunk& chunk) {
        writer.add_chunk(chunk.payload, chunk.record);
        result.outliers += chunk.record.outliers;
        result.huffman_bits += chunk.huffman_bits;
        result.optimal_bits += chunk.optimal_bits;
        if (chunk.constant) {
          ++result.constant_chunks;
        } else {
          ++result.chunks_by_source[static_cast<std::size_t>(chunk.source)];
        }
        bar.advance();
      });
  bar.finish();

  result.input_bytes = field.bytes.size();
  result.chunks = writer.chunks().size();
  result.output_bytes = writer.finish();
  return result;
}

void check_chunk_count(const StreamLayout& layout, const Chunking& chunking,
                       const std::string& source) {
  if (layout.chunks.size() != chunking.chunk_count()) {
    throw Error(source, fmt::format("has {} chunks where its shape needs {}", layout.chunks.size(),
                                    chunking.chunk_count()));
  }
}

// What decoding any chunk of a parsed stream needs, set up and checked once.
class ChunkDecoder {
 public:
  ChunkDecoder(std::span<const std::byte> stream, const StreamLayout& layout,
               const CodebookSet* codebooks, const std::string& source)
      : stream_(stream),
        layout_(layout),
        chunking_(layout.header.shape, layout.header.slices_per_chunk),
        codec_{quantizer_settings(layout.header), layout.header.lossless, 0,
               codebook_set_for(layout.header, codebooks, source)},
        source_(source) {
    check_chunk_count(layout, chunking_, source);
  }

  const Chunking& chunking() const { return chunking_; }

  /// Decodes chunk `c` into `out` (chunking().values(c) values).
  template <class T>
  void decode(std::size_t c, std::span<T> out) const {
    decode_chunk<T>(stream_, layout_, c, chunking_.geometry(c), codec_, out,
                    fmt::format("{} chunk {}", source_, c));
  }

 private:
  std::span<const std::byte> stream_;
  const StreamLayout& layout_;
  Chunking chunking_;
  CodecSettings codec_;
  std::string source_;
};

template <class T>
void decompress_typed(const ChunkDecoder& decoder, Field& field) {
  const Chunking& chunking = decoder.chunking();
  const std::span<T> out = field.values<T>();
  parallel_for(chunking.chunk_count(), 1, [&](std::size_t, Range range) {
    for (std::size_t c = range.begin; c < range.end; ++c) {
      decoder.decode<T>(c, out.subspan(chunking.first_value(c), chunking.values(c)));
    }
  });
}

template <class T>
void decompress_typed_to_output(const ChunkDecoder& decoder, OutputFile& output) {
  static_assert(std::endian::native == std::endian::little, "raw output is little-endian");
  const Chunking& chunking = decoder.chunking();
  run_ordered_pipeline<std::vector<T>>(
      chunking.chunk_count(),
      [&](std::size_t c) {
        std::vector<T> values(chunking.values(c));
        decoder.decode<T>(c, std::span<T>(values));
        return values;
      },
      [&](std::size_t, std::vector<T>& values) { output.write(std::as_bytes(std::span(values))); });
}

}  // namespace

double CompressResult::bits_per_value() const {
  const std::size_t values = input_bytes / element_bytes(header.type);
  return values == 0 ? 0.0 : 8.0 * static_cast<double>(output_bytes) / static_cast<double>(values);
}

CompressPlan plan_compression(const FieldView& field, const CompressOptions& options) {
  if (options.bound.mode != BoundMode::kFixedRatio) {
    return plan_for_bound(field, options, resolve_error_bound(field, options.bound));
  }
  const FixedRatioBound found = find_fixed_ratio_bound(field, options.bound.ratio, options);
  CompressPlan plan = plan_for_bound(field, options, found.error_bound);
  plan.expected_ratio = found.ratio;
  plan.estimates = found.estimates;
  return plan;
}

CompressResult compress_field(const FieldView& field, const CompressPlan& plan, bool progress,
                              const StreamWriter::Sink& sink) {
  return field.type == DataType::kFloat64 ? compress_typed<double>(field, plan, progress, sink)
                                          : compress_typed<float>(field, plan, progress, sink);
}

CompressResult compress_field(const FieldView& field, const CompressOptions& options,
                              const StreamWriter::Sink& sink) {
  return compress_field(field, plan_compression(field, options), options.progress, sink);
}

std::vector<std::byte> compress_to_memory(const FieldView& field, const CompressOptions& options,
                                          CompressResult* result) {
  std::vector<std::byte> stream;
  const CompressResult r = compress_field(field, options, [&](std::span<const std::byte> b) {
    stream.insert(stream.end(), b.begin(), b.end());
  });
  if (result != nullptr) *result = r;
  return stream;
}

CompressResult compress_to_output(const FieldView& field, const CompressOptions& options,
                                  OutputFile& output) {
  return compress_field(field, options, [&](std::span<const std::byte> b) { output.write(b); });
}

Field decompress(std::span<const std::byte> stream, const std::string& source,
                 const CodebookSet* codebooks) {
  const StreamLayout layout = read_layout(stream, source);
  Field field = make_field(source, layout.header.type, layout.header.shape);
  field.fill_value = layout.header.fill_value;
  if (field.type == DataType::kFloat64) {
    decompress_typed<double>(ChunkDecoder(stream, layout, codebooks, source), field);
  } else {
    decompress_typed<float>(ChunkDecoder(stream, layout, codebooks, source), field);
  }
  return field;
}

void decompress_to_output(std::span<const std::byte> stream, const std::string& source,
                          OutputFile& output, const CodebookSet* codebooks) {
  const StreamLayout layout = read_layout(stream, source);
  const ChunkDecoder decoder(stream, layout, codebooks, source);
  if (layout.header.type == DataType::kFloat64) {
    decompress_typed_to_output<double>(decoder, output);
  } else {
    decompress_typed_to_output<float>(decoder, output);
  }
}

}  // namespace tessera::compress
