// Compression and decompression of whole fields: error-bound resolution, the ordered chunk
// pipeline with codebook choices taken in chunk order, and the stream assembly of format.hpp
// (header, chunks, table, trailer).
#include "tessera/compress/compressor.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <optional>

#include "chunk_coding.hpp"
#include "fixed_ratio.hpp"
#include "tessera/compress/metrics.hpp"
#include "value_grid.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/ordered_pipeline.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/core/turnstile.hpp"

namespace tessera::compress {

namespace {

// The largest power of two that divides c exactly (c != 0), so c / it is an odd integer.
double largest_power_of_two_dividing(double c) {
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(c), &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));
  return std::ldexp(1.0, exponent - 53 + std::countr_zero(mantissa));
}

void check_bound(const ErrorBound& bound) {
  if (bound.mode == BoundMode::kFixedRatio) {
    throw usage_error("-M",
                      "FXR has no error bound of its own: it is searched for the target "
                      "ratio at compression (find_fixed_ratio_bound)");
  }
  const auto positive = [](double v) { return v > 0 && std::isfinite(v); };
  const bool abs_ok = bound.mode == BoundMode::kRel || positive(bound.abs);
  const bool rel_ok = bound.mode == BoundMode::kAbs || positive(bound.rel);
  if (!abs_ok || !rel_ok) {
    throw usage_error("-M", fmt::format("{} needs positive finite bounds", to_string(bound)));
  }
}

// Sink wrapper that counts bytes and keeps the running CRC32C of everything written.
class CountingSink {
 public:
  explicit CountingSink(const std::function<void(std::span<const std::byte>)>& sink)
      : sink_(sink) {}
  void write(std::span<const std::byte> bytes) {
    crc_ = crc32c(bytes, crc_);
    written_ += bytes.size();
    sink_(bytes);
  }
  std::uint64_t written() const { return written_; }
  std::uint32_t crc() const { return crc_; }

 private:
  const std::function<void(std::span<const std::byte>)>& sink_;
  std::uint64_t written_ = 0;
  std::uint32_t crc_ = 0;
};

// The offline set the stream uses (null for none), named in `header`.
const CodebookSet* offline_set(const CompressOptions& options, StreamHeader& header) {
  if (options.codebook_mode == CodebookMode::kInline) return nullptr;
  const CodebookSet& set =
      options.codebooks != nullptr ? *options.codebooks : default_codebook_set();
  if (set.radius != options.radius) {
    if (options.codebook_mode == CodebookMode::kAuto && options.codebooks == nullptr) {
      return nullptr;
    }
    const bool given = options.codebooks != nullptr;
    throw usage_error(given ? "--codebooks" : "--codebook-mode",
                      fmt::format("the {} codebook set has radius {}, the quantizer {} (--radius)",
                                  given ? "given" : "built-in", set.radius, options.radius));
  }
  header.codebook_hash = codebook_set_hash(set);
  header.codebook_set = header.codebook_hash == codebook_set_hash(default_codebook_set())
                            ? kDefaultCodebookSet
                            : kCustomCodebookSet;
  return &set;
}

template <class T>
CompressResult compress_typed(const FieldView& field, const CompressOptions& options,
                              CountingSink& sink) {
  CompressResult result;
  // FXR streams use inline codes only: the ratio search sizes them exactly (fixed_ratio.hpp).
  CompressOptions effective = options;
  if (options.bound.mode == BoundMode::kFixedRatio) effective.codebook_mode = CodebookMode::kInline;
  result.header =
      stream_header(field, effective,
                    options.bound.mode == BoundMode::kFixedRatio
                        ? find_fixed_ratio_bound(field, options.bound.ratio, effective).error_bound
                        : resolve_error_bound(field, options.bound));
  StreamHeader& header = result.header;
  const CodecSettings codec{
      {header.error_bound, header.radius, header.fill_value, header.grid_step},
      header.lossless,
      options.zstd_level,
      offline_set(effective, header)};
  validate(codec.quantizer);
  CodebookSelector selector(effective.codebook_mode, codec);

  ByteWriter head("header");
  write_header(header, head);
  sink.write(head.bytes());

  const Chunking chunking(field.shape, header.slices_per_chunk);
  const std::span<const T> values = field.values<T>();
  std::vector<ChunkRecord> records;
  ProgressBar bar("compress", chunking.chunk_count(), stderr,
                  options.progress ? ProgressMode::kAuto : ProgressMode::kNever);
  Turnstile turnstile;
  run_ordered_pipeline<EncodedChunk>(
      chunking.chunk_count(),
      [&](std::size_t c) {
        QuantizedChunk quantized;
        std::optional<CodebookChoice> offline;
        try {
          quantized = quantize_chunk<T>(values.subspan(chunking.first_value(c), chunking.values(c)),
                                        chunking.geometry(c), codec.quantizer);
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
        sink.write(chunk.payload);
        records.push_back(chunk.record);
        result.outliers += chunk.record.outliers;
        result.huffman_bits += chunk.huffman_bits;
        result.optimal_bits += chunk.optimal_bits;
        ++result.chunks_by_source[static_cast<std::size_t>(chunk.source)];
        bar.advance();
      });
  bar.finish();

  const std::uint64_t table_offset = sink.written();
  ByteWriter tail("chunk table");
  write_chunk_table(records, tail);
  tail.put(table_offset);
  sink.write(tail.bytes());
  ByteWriter trailer("trailer");
  trailer.put(sink.crc());
  for (std::uint8_t b : kEndMagic) trailer.put(b);
  sink.write(trailer.bytes());

  result.input_bytes = field.bytes.size();
  result.output_bytes = sink.written();
  result.chunks = records.size();
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
        codec_{{layout.header.error_bound, layout.header.radius, layout.header.fill_value,
                layout.header.grid_step},
               layout.header.lossless,
               0,
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
void decompress_typed_to_file(const ChunkDecoder& decoder, AtomicFileWriter& writer) {
  static_assert(std::endian::native == std::endian::little, "raw output is little-endian");
  const Chunking& chunking = decoder.chunking();
  run_ordered_pipeline<std::vector<T>>(
      chunking.chunk_count(),
      [&](std::size_t c) {
        std::vector<T> values(chunking.values(c));
        decoder.decode<T>(c, std::span<T>(values));
        return values;
      },
      [&](std::size_t, std::vector<T>& values) { writer.write(std::as_bytes(std::span(values))); });
}

}  // namespace

double CompressResult::bits_per_value() const {
  const std::size_t values = input_bytes / element_bytes(header.type);
  return values == 0 ? 0.0 : 8.0 * static_cast<double>(output_bytes) / static_cast<double>(values);
}

double resolve_error_bound(const FieldView& field, const ErrorBound& bound) {
  check_bound(bound);
  if (bound.mode == BoundMode::kAbs) return bound.abs;
  const ValueRange range = value_range(field);
  if (range.counted == 0) return bound.mode == BoundMode::kAbsAndRel ? bound.abs : 1.0;
  const double span = range.max - range.min;
  if (span == 0) {
    const double exact = range.min == 0 ? 1.0 : largest_power_of_two_dividing(range.min) / 2;
    return bound.mode == BoundMode::kAbsAndRel ? std::min(bound.abs, exact) : exact;
  }
  const double rel = bound.rel * span;
  return bound.mode == BoundMode::kAbsAndRel ? std::min(bound.abs, rel) : rel;
}

StreamHeader stream_header(const FieldView& field, const CompressOptions& options,
                           double error_bound) {
  StreamHeader header;
  header.type = field.type;
  header.shape = field.shape;
  header.requested = options.bound;
  header.error_bound = error_bound;
  // FXR sizes streams by the bound alone (fixed_ratio.hpp), so it prequantizes by 2eb.
  if (options.bound.mode != BoundMode::kFixedRatio) {
    header.grid_step = grid_step_for(field, error_bound);
  }
  header.radius = options.radius;
  header.fill_value = field.fill_value;
  header.slices_per_chunk = Chunking::slices_for(
      field.shape,
      options.chunk_values > 0 ? options.chunk_values : automatic_chunk_values(field.size()));
  header.lossless =
      options.bound.mode == BoundMode::kFixedRatio ? Lossless::kNone : options.lossless;
  return header;
}

CompressResult compress_field(const FieldView& field, const CompressOptions& options,
                              const std::function<void(std::span<const std::byte>)>& sink) {
  CountingSink counting(sink);
  return field.type == DataType::kFloat64 ? compress_typed<double>(field, options, counting)
                                          : compress_typed<float>(field, options, counting);
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

CompressResult compress_to_file(const FieldView& field, const CompressOptions& options,
                                const std::filesystem::path& path) {
  AtomicFileWriter writer(path);
  CompressResult result =
      compress_field(field, options, [&](std::span<const std::byte> b) { writer.write(b); });
  writer.commit();
  return result;
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

void decompress_to_file(std::span<const std::byte> stream, const std::string& source,
                        const std::filesystem::path& path, const CodebookSet* codebooks) {
  const StreamLayout layout = read_layout(stream, source);
  const ChunkDecoder decoder(stream, layout, codebooks, source);
  AtomicFileWriter writer(path);
  if (layout.header.type == DataType::kFloat64) {
    decompress_typed_to_file<double>(decoder, writer);
  } else {
    decompress_typed_to_file<float>(decoder, writer);
  }
  writer.commit();
}

}  // namespace tessera::compress
