// Matrix Market reading and writing. The reader cuts the text after the size line into chunks of
// chunk_bytes, each owning the lines that start in it, parses them on an ordered pipeline and
// appends their entries in file order, so the result depends neither on threads nor chunk size.
// A regular file is read chunk by chunk where each chunk lies; a stream (standard input, a pipe)
// is read once, front to back, a chunk of whole lines per turn, and parsed as it arrives.
#include "tessera/sparse/matrix_market.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "matrix_market_parse.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/ordered_pipeline.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/core/turnstile.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {
namespace {

using matrix_market::ChunkLimits;
using matrix_market::ChunkRecords;
using matrix_market::EntryArrays;

/// Bytes read at a time while looking for the end of a header line or of a chunk's last line.
constexpr std::size_t kLineProbe = 4096;
/// Text the writer collects before handing it to the output.
constexpr std::size_t kWriteBlock = std::size_t{1} << 20;

/// A reusable read buffer, not zero-filled.
class Buffer {
 public:
  char* reserve(std::size_t size) {
    if (size > capacity_) {
      data_ = std::make_unique_for_overwrite<char[]>(size);
      capacity_ = size;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

/// The text being read, in random access: in memory, or a file read with pread.
class Text {
 public:
  virtual ~Text() = default;
  virtual std::uint64_t size() const = 0;
  /// Bytes [offset, offset + length), fewer at the end; the view may point into `buffer`.
  virtual std::string_view read(std::uint64_t offset, std::size_t length, Buffer& buffer) const = 0;
};

class MemoryText final : public Text {
 public:
  explicit MemoryText(std::string_view text) : text_(text) {}
  std::uint64_t size() const override { return text_.size(); }
  std::string_view read(std::uint64_t offset, std::size_t length, Buffer&) const override {
    return offset >= text_.size() ? std::string_view{} : text_.substr(offset, length);
  }

 private:
  std::string_view text_;
};

class FileText final : public Text {
 public:
  explicit FileText(const std::filesystem::path& path)
      : name_(path.string()),
        size_(regular_file_size(path)),
        fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_.get() < 0) throw Error(name_, "cannot open: " + std::system_category().message(errno));
  }
  std::uint64_t size() const override { return size_; }
  std::string_view read(std::uint64_t offset, std::size_t length, Buffer& buffer) const override {
    char* data = buffer.reserve(length);
    std::size_t filled = 0;
    while (filled < length) {
      const ssize_t got =
          ::pread(fd_.get(), data + filled, length - filled, static_cast<off_t>(offset + filled));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error(name_, "cannot read: " + std::system_category().message(errno));
      if (got == 0) break;
      filled += static_cast<std::size_t>(got);
    }
    return {data, filled};
  }

 private:
  std::string name_;
  std::uint64_t size_;
  UniqueFd fd_;
};

/// Text read once, front to back, from a descriptor that need not seek (standard input, a pipe,
/// a FIFO): the header a line at a time, then the entry lines in chunks of whole lines.
class StreamText {
 public:
  /// `prefix`: bytes already taken from the descriptor (to tell the file's kind).
  StreamText(int fd, std::string_view name, std::string_view prefix)
      : fd_(fd), name_(name), buffer_(prefix) {}

  /// The next line without its newline; nothing at the end of the text.
  std::optional<std::string> line() {
    drop_taken();
    const std::size_t newline = newline_from(start_);
    if (start_ == buffer_.size()) return std::nullopt;
    std::string out = buffer_.substr(start_, newline - start_);
    start_ = std::min(newline + 1, buffer_.size());
    return out;
  }

  /// The lines that start in the next `bytes` of text, each through its end (the last may lack a
  /// newline at the end of the text); empty at the end of the text.
  std::string chunk(std::size_t bytes) {
    drop_taken();
    while (buffer_.size() - start_ < bytes && read_more()) {
    }
    if (start_ == buffer_.size()) return {};
    const std::size_t last = start_ + std::min(bytes, buffer_.size() - start_) - 1;
    const std::size_t newline = newline_from(last);  // may read more: before the size is taken
    const std::size_t end = std::min(newline + 1, buffer_.size());
    std::string out = buffer_.substr(start_, end - start_);
    start_ = end;
    ends_line_ = out.back() == '\n';
    return out;
  }

  /// Whether the text after the header ends with a newline (or is empty), once chunk() has
  /// returned empty.
  bool ends_line() const { return ends_line_; }

 private:
  static constexpr std::size_t kRead = std::size_t{1} << 20;

  // The index of the first newline at or after `at`, reading more as needed; the size of the
  // buffer when the text ends first.
  std::size_t newline_from(std::size_t at) {
    for (;;) {
      if (const std::size_t newline = buffer_.find('\n', at); newline != std::string::npos) {
        return newline;
      }
      at = buffer_.size();
      if (!read_more()) return buffer_.size();
    }
  }

  // Appends what the next read brings; false at the end of the stream.
  bool read_more() {
    if (at_end_) return false;
    const std::size_t used = buffer_.size();
    buffer_.resize(used + kRead);
    for (;;) {
      const ssize_t got = ::read(fd_, buffer_.data() + used, kRead);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw Error(name_, "cannot read: " + std::system_category().message(errno));
      buffer_.resize(used + static_cast<std::size_t>(got));
      at_end_ = got == 0;
      return !at_end_;
    }
  }

  // Forgets the text handed out, once it is a read's worth.
  void drop_taken() {
    if (start_ < kRead) return;
    buffer_.erase(0, start_);
    start_ = 0;
  }

  int fd_;
  std::string name_;
  std::string buffer_;  // text read; [start_, end) not yet handed out
  std::size_t start_ = 0;
  bool at_end_ = false;
  bool ends_line_ = true;
};

/// The line of `text` starting at `offset` (without its newline), and in `next` where the next
/// one starts; nothing at the end of the text.
std::optional<std::string_view> line_at(const Text& text, std::uint64_t offset, Buffer& buffer,
                                        std::uint64_t& next) {
  for (std::size_t length = kLineProbe;; length *= 2) {
    const std::string_view view = text.read(offset, length, buffer);
    if (const std::size_t newline = view.find('\n'); newline != std::string_view::npos) {
      next = offset + newline + 1;
      return view.substr(0, newline);
    }
    if (view.size() < length) {
      next = offset + view.size();
      return view.empty() ? std::nullopt : std::optional(view);
    }
  }
}

/// Where the entry lines start, after the banner, comments and the size line.
struct Layout {
  MatrixMarketHeader header;
  std::uint64_t data_offset = 0;
  std::uint64_t data_line = 0;  // the line number of the first line there
};

/// The header from next_line() (the text's lines in order, each without its newline, nothing at
/// the end); data_line is set, data_offset left to the caller.
template <class NextLine>
Layout read_layout(NextLine&& next_line, std::string_view source) {
  const auto banner = next_line();
  if (!banner) throw Error(source, "line 1: the file is empty, expected the %%MatrixMarket banner");
  Layout layout;
  layout.header = matrix_market::parse_banner(*banner, source);
  for (std::uint64_t line = 2;; ++line) {
    const auto text_line = next_line();
    if (!text_line) {
      throw Error(source, fmt::format("line {}: the file ends before the size line", line));
    }
    if (matrix_market::is_blank_or_comment(*text_line)) continue;
    matrix_market::parse_size_line(*text_line, line, source, layout.header);
    layout.data_line = line + 1;
    return layout;
  }
}

/// The layout of a text in random access: the header, and where the entry lines start.
Layout read_layout(const Text& text, std::string_view source) {
  Buffer buffer;
  std::uint64_t next = 0;
  Layout layout = read_layout([&] { return line_at(text, next, buffer, next); }, source);
  layout.data_offset = next;
  return layout;
}

/// Chunk `k` of the entry lines: the lines that start in bytes [begin, begin + chunk_bytes)
/// after data_offset, each read to its end. Consecutive chunks join up exactly; a chunk inside
/// a line longer than chunk_bytes is empty.
std::string_view chunk_text(const Text& text, const Layout& layout, std::size_t chunk_bytes,
                            std::size_t k, Buffer& buffer) {
  const std::uint64_t begin = layout.data_offset + k * std::uint64_t{chunk_bytes};
  const std::uint64_t end = std::min<std::uint64_t>(begin + chunk_bytes, text.size());
  // A line starts at `begin` if the byte before it ends one: read from there.
  const std::uint64_t from = k == 0 ? begin : begin - 1;
  for (std::size_t probe = kLineProbe;; probe *= 2) {
    const std::string_view view = text.read(from, end - from + probe, buffer);
    std::size_t start = 0;
    if (k > 0) {
      start = view.substr(0, end - 1 - from).find('\n');
      if (start == std::string_view::npos) return {};
      ++start;
    }
    if (view.size() < end - from) return view.substr(start);  // the text got shorter
    const std::size_t newline = view.find('\n', end - 1 - from);
    if (newline != std::string_view::npos) return view.substr(start, newline + 1 - start);
    if (view.size() < end - from + probe) return view.substr(start);  // the last line
  }
}

/// Walks the positions an array file lists in order: column-major, for symmetric storage the
/// lower triangle (skew-symmetric: below the diagonal).
class ArrayCursor {
 public:
  explicit ArrayCursor(const MatrixMarketHeader& header)
      : rows_(header.rows),
        diagonal_(header.symmetry == MatrixMarketSymmetry::kGeneral         ? -1
                  : header.symmetry == MatrixMarketSymmetry::kSkewSymmetric ? 1
                                                                            : 0),
        row_(first_row(0)) {}

  /// The (row, column) of value `ordinal`, which is past the last one asked for.
  std::pair<std::uint32_t, std::uint32_t> seek(std::uint64_t ordinal) {
    std::uint64_t step = ordinal - ordinal_;
    while (step >= rows_ - row_) {
      step -= rows_ - row_;
      row_ = first_row(++col_);
    }
    row_ += step;
    ordinal_ = ordinal;
    return {static_cast<std::uint32_t>(row_), static_cast<std::uint32_t>(col_)};
  }

 private:
  std::uint64_t first_row(std::uint64_t col) const {
    return diagonal_ < 0 ? 0 : std::min<std::uint64_t>(col + diagonal_, rows_);
  }

  std::uint64_t rows_;
  int diagonal_;  // -1: every row; else the first row of column j is j + diagonal_
  std::uint64_t col_ = 0;
  std::uint64_t row_;
  std::uint64_t ordinal_ = 0;
};

/// The pipeline's consumer: appends the chunks' entries in order and checks the counts.
class Assembly {
 public:
  Assembly(const Layout& layout, ValueType type, std::string_view source, std::uint64_t text_bytes)
      : header_(layout.header),
        type_(type),
        value_size_(value_bytes(type, false)),
        source_(source),
        line_(layout.data_line),
        cursor_(layout.header) {
    if (!header_.array) {  // a size line may promise more entries than the text can hold
      const std::uint64_t mirrors = header_.symmetry == MatrixMarketSymmetry::kGeneral ? 1 : 2;
      const std::size_t expected = std::min(header_.entries, text_bytes / 4) * mirrors;
      entries_.rows.reserve(expected);
      entries_.cols.reserve(expected);
      entries_.values.reserve(expected * value_size_);
    }
  }

  /// Appends chunk `chunk`; reparse(limits) parses it again within limits, to find the line that
  /// passes one of them.
  void append(ChunkRecords& chunk, const std::function<ChunkRecords(const ChunkLimits&)>& reparse) {
    if (records_ + chunk.records > header_.entries ||
        entries_.rows.size() + chunk.entries.rows.size() > matrix_market::kMaxEntries) {
      chunk =
          reparse({header_.entries - records_, matrix_market::kMaxEntries - entries_.rows.size()});
    }
    if (chunk.failure) {
      throw Error(source_, fmt::format("line {}: {}", line_ + chunk.failure->line - 1,
                                       chunk.failure->problem));
    }
    if (header_.array) {
      for (std::size_t k = 0; k < chunk.ordinals.size(); ++k) {
        const auto [row, col] = cursor_.seek(records_ + chunk.ordinals[k]);
        matrix_market::append_entry(entries_, row, col,
                                    chunk.entries.values.data() + k * value_size_, value_size_,
                                    type_, header_.symmetry);
      }
    } else {
      append_all(entries_.rows, chunk.entries.rows);
      append_all(entries_.cols, chunk.entries.cols);
      append_all(entries_.values, chunk.entries.values);
    }
    records_ += chunk.records;
    line_ += chunk.newlines;
  }

  /// The tensor, once every chunk is in; `last_line` is the number of the text's last line.
  SparseTensor finish(std::uint64_t last_line) {
    if (records_ < header_.entries) {
      throw Error(source_, fmt::format("line {}: the file ends after {} of the {} {} the size "
                                       "line says",
                                       last_line, records_, header_.entries,
                                       header_.array ? "values" : "entries"));
    }
    return make_coo({header_.rows, header_.cols}, type_,
                    {std::move(entries_.rows), std::move(entries_.cols)},
                    std::move(entries_.values), source_);
  }

  /// The line number after the last newline seen.
  std::uint64_t line() const { return line_; }

 private:
  template <class T>
  static void append_all(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
  }

  const MatrixMarketHeader& header_;
  ValueType type_;
  std::size_t value_size_;
  std::string_view source_;
  std::uint64_t line_;         // the number of the next chunk's first line
  std::uint64_t records_ = 0;  // entry lines or values so far
  EntryArrays entries_;
  ArrayCursor cursor_;
};

void check_options(const MatrixMarketOptions& options, std::string_view source) {
  if (options.chunk_bytes == 0) throw Error(source, "chunk_bytes must be at least 1");
  if (options.real_type != ValueType::kF64 && options.real_type != ValueType::kF32) {
    throw Error(source, fmt::format("real values read as f64 or f32, not {}",
                                    to_string(options.real_type)));
  }
}

int parsing_threads(const MatrixMarketOptions& options) {
  return options.threads == 0 ? thread_count()
                              : static_cast<int>(std::min<unsigned>(options.threads, kMaxThreads));
}

SparseTensor read_text(const Text& text, std::string_view source,
                       const MatrixMarketOptions& options, MatrixMarketHeader* header) {
  check_options(options, source);
  const Layout layout = read_layout(text, source);
  const ValueType type = matrix_market::value_type_for(layout.header.field, options.real_type);
  const std::uint64_t data_bytes =
      text.size() > layout.data_offset ? text.size() - layout.data_offset : 0;
  const std::size_t chunks = (data_bytes + options.chunk_bytes - 1) / options.chunk_bytes;

  // No more threads than chunks: a small file is parsed on the calling thread.
  const int threads = static_cast<int>(
      std::min<std::uint64_t>(parsing_threads(options), std::max<std::size_t>(chunks, 1)));
  Assembly assembly(layout, type, source, data_bytes);
  const auto parse = [&](std::size_t k, const ChunkLimits& limits) {
    Buffer buffer;
    return matrix_market::parse_chunk(chunk_text(text, layout, options.chunk_bytes, k, buffer),
                                      layout.header, type, limits);
  };
  run_ordered_pipeline<ChunkRecords>(
      chunks, [&](std::size_t k) { return parse(k, {}); },
      [&](std::size_t k, ChunkRecords& chunk) {
        assembly.append(chunk, [&](const ChunkLimits& limits) { return parse(k, limits); });
      },
      {threads, 0});

  Buffer buffer;
  const bool ends_line = data_bytes == 0 || text.read(text.size() - 1, 1, buffer) == "\n";
  SparseTensor tensor = assembly.finish(ends_line ? assembly.line() - 1 : assembly.line());
  if (header != nullptr) *header = layout.header;
  return tensor;
}

/// A chunk of a stream's entry lines, kept beside its records to be parsed again within limits.
struct StreamChunk {
  std::string text;
  ChunkRecords records;
};

SparseTensor read_stream(StreamText& text, std::string_view source,
                         const MatrixMarketOptions& options, MatrixMarketHeader* header) {
  check_options(options, source);
  const Layout layout = read_layout([&] { return text.line(); }, source);
  const ValueType type = matrix_market::value_type_for(layout.header.field, options.real_type);
  // Nothing reserved: the size of the text is not known, and the size line is not trusted.
  Assembly assembly(layout, type, source, 0);
  Turnstile reads;  // chunks are read in index order, parsed in parallel
  run_ordered_stream<StreamChunk>(
      [&](std::size_t k) -> std::optional<StreamChunk> {
        std::string chunk = reads.take_turn(k, [&] { return text.chunk(options.chunk_bytes); });
        if (chunk.empty()) return std::nullopt;
        ChunkRecords records = matrix_market::parse_chunk(chunk, layout.header, type, {});
        return StreamChunk{std::move(chunk), std::move(records)};
      },
      [&](std::size_t, StreamChunk& chunk) {
        assembly.append(chunk.records, [&](const ChunkLimits& limits) {
          return matrix_market::parse_chunk(chunk.text, layout.header, type, limits);
        });
      },
      {parsing_threads(options), 0});
  SparseTensor tensor = assembly.finish(text.ends_line() ? assembly.line() - 1 : assembly.line());
  if (header != nullptr) *header = layout.header;
  return tensor;
}

/// tessera::Error naming `name` unless `matrix` is 2-D.
void check_matrix(const SparseTensor& matrix, std::string_view name) {
  if (matrix.order() != 2) {
    throw Error(
        name, fmt::format("Matrix Market holds matrices, not tensors of order {}", matrix.order()));
  }
}

template <class T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// Hands the Matrix Market text of `matrix` (2-D) to `sink`, a block at a time.
void write_text(const SparseTensor& matrix, const std::function<void(std::string_view)>& sink) {
  const ValueType type = matrix.value_type;
  const std::string_view field = type == ValueType::kC128      ? "complex"
                                 : type == ValueType::kPattern ? "pattern"
                                                               : "real";
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "%%MatrixMarket matrix coordinate {} general\n{} {} {}\n",
                 field, matrix.dims[0], matrix.dims[1], entry_count(matrix));
  const std::size_t size = matrix.value_size();
  for_each_entry(matrix, [&](const std::uint32_t* x, std::uint64_t p) {
    const auto it = std::back_inserter(out);
    const std::byte* v = matrix.values.data() + p * size;
    switch (type) {
      case ValueType::kF32:
        fmt::format_to(it, "{} {} {}\n", x[0] + 1, x[1] + 1, load<float>(v));
        break;
      case ValueType::kF64:
        fmt::format_to(it, "{} {} {}\n", x[0] + 1, x[1] + 1, load<double>(v));
        break;
      case ValueType::kC128: {
        const Complex c = load<Complex>(v);
        fmt::format_to(it, "{} {} {} {}\n", x[0] + 1, x[1] + 1, c.real(), c.imag());
        break;
      }
      case ValueType::kPattern:
        fmt::format_to(it, "{} {}\n", x[0] + 1, x[1] + 1);
        break;
    }
    if (out.size() >= kWriteBlock) {
      sink({out.data(), out.size()});
      out.clear();
    }
  });
  sink({out.data(), out.size()});
}

}  // namespace

SparseTensor read_matrix_market(const std::filesystem::path& path,
                                const MatrixMarketOptions& options, MatrixMarketHeader* header) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode))) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      throw Error(path.string(), "cannot open: " + std::system_category().message(errno));
    }
    return read_matrix_market_stream(fd.get(), path.string(), {}, options, header);
  }
  return read_text(FileText(path), path.string(), options, header);
}

SparseTensor read_matrix_market_stream(int fd, std::string_view source, std::string_view prefix,
                                       const MatrixMarketOptions& options,
                                       MatrixMarketHeader* header) {
  StreamText text(fd, source, prefix);
  return read_stream(text, source, options, header);
}

SparseTensor parse_matrix_market(std::string_view text, std::string_view source,
                                 const MatrixMarketOptions& options, MatrixMarketHeader* header) {
  return read_text(MemoryText(text), source, options, header);
}

void write_matrix_market(const SparseTensor& matrix, const std::filesystem::path& path) {
  check_matrix(matrix, path.string());
  OutputFile out(path);
  write_text(matrix, [&](std::string_view text) {
    out.write(std::as_bytes(std::span(text.data(), text.size())));
  });
  out.commit();
}

std::string format_matrix_market(const SparseTensor& matrix) {
  check_matrix(matrix, "matrix");
  std::string text;
  write_text(matrix, [&](std::string_view block) { text += block; });
  return text;
}

}  // namespace tessera::sparse
