// MPI I/O benchmark (compress/README.md): N ranks each own a slab of a real field and write it to
// one shared file or gather it on rank 0, raw or compressed first (serially, or overlapped piece by
// piece), behind an optional per-rank link pacer; measured speedups are set against CEAZ's model.
#include <fmt/format.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/bench/bench_report.hpp"
#include "tessera/compress/compressor.hpp"
#include "tessera/compress/data_manifest.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/mpi/mpi.hpp"

namespace tessera::compress {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr double kMegabyte = 1e6;  // MB and MB/s are decimal throughout
/// First bytes of the shared file's index.
constexpr std::array<char, 8> kIndexMagic = {'T', 'S', 'Z', 'M', 'P', 'I', '0', '1'};
/// Index header: magic, u32 ranks, u32 pieces per rank, u8 content (0 raw values, 1 .tsz streams).
constexpr std::size_t kIndexHeaderBytes = kIndexMagic.size() + 4 + 4 + 1;

struct Options {
  std::string input;       // file.nc:VAR
  double rel = 1e-3;       // error bound relative to the whole field's value range (one of --rel)
  double link_mbps = 0;    // emulated link per rank; 0: no pacer
  double mb_per_rank = 0;  // replicate each slab to at least this; 0: the slab as it is
  std::size_t pieces = 8;  // pieces per rank in the overlapped modes
  int repetitions = 5;     // timed runs per mode (the median is reported)
  int warmup = 1;          // untimed runs before them
  int threads = 1;         // compression threads per rank
  int ranks = 2;           // only when the benchmark starts mpiexec itself
  std::string dir = fs::temp_directory_path().string();
};

/// Declares the benchmark's options on `report` (BenchReport adds --jsonl and --budget).
void declare_options(BenchReport& report) {
  report.text_option("input", "Field file.nc:VAR (default: input etopo5 of compress/data.json)");
  report.sweep_option("rel", "Error bounds relative to the field's value range, one run each",
                      "1e-3");
  report.sweep_option("link-mbps", "Emulated link bandwidth per rank, MB/s (0: none)", "0");
  report.sweep_option("mb-per-rank", "Replicate each rank's slab to at least this many MB", "0");
  report.sweep_option("pieces", "Pieces per rank in the overlapped modes", "8");
  report.sweep_option("repetitions", "Timed runs per mode", "5");
  report.sweep_option("warmup", "Untimed runs per mode first", "1");
  report.sweep_option("threads", "Compression threads per rank", "1");
  report.sweep_option("ranks", "Ranks when not started by mpiexec", "2");
  report.text_option("dir", "Folder of the shared file (default: the temporary folder)");
}

/// The one value of option `name` within [low, high]; a usage error naming it otherwise.
double single_value(const BenchReport& report, const std::string& name, double low, double high) {
  const std::vector<double> values = report.sweep(name);
  if (values.size() != 1 || !(values[0] >= low && values[0] <= high)) {
    throw usage_error("--" + name, fmt::format("takes one value from {:g} to {:g}", low, high));
  }
  return values[0];
}

/// The options of one run at relative bound `rel` (identical on every rank).
Options read_options(const BenchReport& report, double rel) {
  Options o;
  const auto& input = report.texts("input");
  o.input = input.empty() ? data_manifest().input("etopo5").spec() : input.back();
  o.rel = rel;
  if (!(rel > 0)) throw usage_error("--rel", fmt::format("{:g} is not a positive bound", rel));
  o.link_mbps = single_value(report, "link-mbps", 0, 1e9);
  o.mb_per_rank = single_value(report, "mb-per-rank", 0, 1e9);
  o.pieces = static_cast<std::size_t>(single_value(report, "pieces", 1, 1 << 16));
  o.repetitions = static_cast<int>(single_value(report, "repetitions", 1, 1000));
  o.warmup = static_cast<int>(single_value(report, "warmup", 0, 100));
  o.threads = static_cast<int>(single_value(report, "threads", 1, 4096));
  o.ranks = static_cast<int>(single_value(report, "ranks", 1, 4096));
  if (!report.texts("dir").empty()) o.dir = report.texts("dir").back();
  return o;
}

/// Slices `range` of `source` along its slowest dimension, `copies` times over, as field `name`.
Field cut_slices(const Field& source, Range range, std::size_t copies, std::string name) {
  std::vector<std::size_t> shape = source.shape;
  shape[0] = range.size() * copies;
  Field out = make_field(std::move(name), source.type, std::move(shape));
  out.fill_value = source.fill_value;
  const std::size_t slice_bytes = source.bytes.size() / source.shape[0];
  const std::size_t block = range.size() * slice_bytes;
  for (std::size_t c = 0; c < copies; ++c) {
    std::memcpy(out.bytes.data() + c * block, source.bytes.data() + range.begin * slice_bytes,
                block);
  }
  return out;
}

/// How the field is shared out: rank r takes slices [r·slices, (r+1)·slices) of the slowest
/// dimension, repeated `copies` times (--mb-per-rank). The last size % ranks slices are left out,
/// so that all slabs are equal, as MPI_Gather needs.
struct Workload {
  Field field;
  std::size_t slices = 0;
  std::size_t copies = 1;
  double error_bound = 0;  // absolute: --rel times the whole field's value range

  std::size_t slab_bytes() const { return field.bytes.size() / field.shape[0] * slices * copies; }
  std::vector<std::size_t> slab_shape() const {
    std::vector<std::size_t> shape = field.shape;
    shape[0] = slices * copies;
    return shape;
  }

  /// Rank `rank`'s slab cut into `count` pieces along the slowest dimension (1: the whole slab).
  std::vector<Field> pieces(int rank, std::size_t count) const {
    const auto first = static_cast<std::size_t>(rank) * slices;
    std::vector<Field> out;
    out.push_back(cut_slices(field, {first, first + slices}, copies,
                             fmt::format("{} rank {}", field.name, rank)));
    if (count == 1) return out;
    const Field slab = std::move(out.front());
    out.clear();
    for (std::size_t k = 0; k < count; ++k) {
      out.push_back(cut_slices(slab, partition_range(slab.shape[0], count, k), 1,
                               fmt::format("{} piece {}", slab.name, k)));
    }
    return out;
  }
};

Workload make_workload(const Options& options, int ranks) {
  Workload work;
  work.field = read_field(options.input, std::nullopt, {});
  const std::size_t slices = work.field.shape[0];
  if (slices < static_cast<std::size_t>(ranks)) {
    throw usage_error(work.field.name,
                      fmt::format("has {} slices along its slowest dimension, fewer than the {} "
                                  "ranks",
                                  slices, ranks));
  }
  work.slices = slices / static_cast<std::size_t>(ranks);
  const double share = static_cast<double>(work.slab_bytes());
  work.copies =
      static_cast<std::size_t>(std::max(1.0, std::ceil(options.mb_per_rank * kMegabyte / share)));
  if (options.pieces > work.slices * work.copies) {
    throw usage_error("--pieces", fmt::format("{} pieces exceed the {} slices of a rank's slab",
                                              options.pieces, work.slices * work.copies));
  }
  if (work.slab_bytes() * static_cast<std::size_t>(ranks) >
      static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw usage_error("--mb-per-rank",
                      fmt::format("{} ranks x {} bytes exceed the 2 GiB one MPI_Gather receives",
                                  ranks, work.slab_bytes()));
  }
  work.error_bound = resolve_error_bound(work.field, {BoundMode::kRel, 0, options.rel});
  return work;
}

/// What a piece puts on the link: its .tsz stream, or its raw values in place.
struct Payload {
  std::vector<std::byte> stream;   // compressed modes
  std::span<const std::byte> raw;  // raw modes: the piece's own bytes

  std::span<const std::byte> bytes() const {
    return raw.empty() ? std::span<const std::byte>(stream) : raw;
  }
};

Payload encode(const Field& piece, bool compressed, const CompressOptions& codec) {
  if (!compressed) return {{}, piece.bytes.span()};
  return {compress_to_memory(piece, codec), {}};
}

/// The piece rebuilt from what arrived: a .tsz stream decompressed, or raw values shaped like
/// `original`. Errors name `source`.
Field decode(std::span<const std::byte> bytes, bool compressed, const Field& original,
             const std::string& source) {
  if (compressed) return decompress(bytes, source);
  if (bytes.size() != original.bytes.size()) {
    throw Error(source, fmt::format("holds {} bytes where {} were sent", bytes.size(),
                                    original.bytes.size()));
  }
  Field out = make_field(source, original.type, original.shape);
  out.fill_value = original.fill_value;
  std::memcpy(out.bytes.data(), bytes.data(), bytes.size());
  return out;
}

/// Points of `decoded` that break |x - x'| <= bound against `original`, reported on stderr.
std::size_t violations(const Field& original, const Field& decoded, double bound) {
  const BoundCheck check = check_abs_bound(original, decoded, bound);
  if (!check.ok) {
    fmt::print(stderr, "mpi_io_bench: {}: {} points break |x - x'| <= {:.6g} (first at index {})\n",
               decoded.name, check.violations, bound, check.first_violation);
  }
  return check.violations;
}

/// The six modes: where the pieces go, whether they are compressed first, and whether compressing
/// piece k+1 overlaps the transfer of piece k (--pieces pieces; otherwise the slab is one piece).
enum class Transport { kFile, kGather };
struct Mode {
  std::string_view name;
  Transport transport;
  bool compressed;
  bool overlapped;
};
constexpr std::array<Mode, 6> kModes = {{
    {"write_raw", Transport::kFile, false, false},
    {"write_tsz", Transport::kFile, true, false},
    {"write_tsz_overlap", Transport::kFile, true, true},
    {"gather_raw", Transport::kGather, false, false},
    {"gather_tsz", Transport::kGather, true, false},
    {"gather_tsz_overlap", Transport::kGather, true, true},
}};

/// Where a mode sends each rank's pieces. Every call is collective: all ranks send piece k
/// together.
class Sink {
 public:
  virtual ~Sink() = default;
  /// Before each repetition (untimed).
  virtual void reset() = 0;
  /// Sends this rank's piece k: blocking, or in flight until the returned request completes.
  virtual mpi::Request send(std::size_t k, std::span<const std::byte> bytes, bool overlapped) = 0;
  /// After the last piece (timed).
  virtual void finish() = 0;
  /// After the last repetition (untimed): decodes what arrived and counts, on this rank, the points
  /// that break `bound`.
  virtual std::size_t verify(const Workload& work, double bound) = 0;
};

/// The shared file: an index, then the pieces, piece 0 of every rank in rank order, then piece 1,
/// and so on. Offsets come from MPI_Exscan of the piece sizes. The index (little-endian, written
/// by rank 0) is kIndexMagic, u32 ranks, u32 pieces per rank, u8 content (0 raw values, 1 .tsz
/// streams), then for each rank, for each of its pieces, u64 offset and u64 bytes.
class FileSink final : public Sink {
 public:
  FileSink(const mpi::World& world, std::string path, bool compressed, std::size_t pieces)
      : world_(world),
        file_(std::move(path)),
        compressed_(compressed),
        pieces_(pieces),
        index_bytes_(kIndexHeaderBytes + 16 * static_cast<std::size_t>(world.size) * pieces) {}

  void reset() override {
    mpi::check(MPI_File_set_size(file_.get(), 0), "MPI_File_set_size " + file_.path());
    placed_.clear();
    end_ = index_bytes_;
  }

  mpi::Request send(std::size_t, std::span<const std::byte> bytes, bool overlapped) override {
    const std::uint64_t size = bytes.size();
    std::uint64_t before = 0;
    std::uint64_t total = 0;
    mpi::check(MPI_Exscan(&size, &before, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Exscan");
    if (world_.root()) before = 0;  // MPI_Exscan leaves rank 0's result undefined
    mpi::check(MPI_Allreduce(&size, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD),
               "MPI_Allreduce");
    const std::uint64_t offset = end_ + before;
    end_ += total;
    placed_.insert(placed_.end(), {offset, size});
    const int count = mpi::count(size, file_.path());
    const auto at = static_cast<MPI_Offset>(offset);
    mpi::Request request;
    if (overlapped) {
      mpi::check(MPI_File_iwrite_at(file_.get(), at, bytes.data(), count, MPI_BYTE, request.out()),
                 "MPI_File_iwrite_at " + file_.path());
    } else {
      mpi::check(
          MPI_File_write_at_all(file_.get(), at, bytes.data(), count, MPI_BYTE, MPI_STATUS_IGNORE),
          "MPI_File_write_at_all " + file_.path());
    }
    return request;
  }

  void finish() override {
    const int count = static_cast<int>(placed_.size());
    std::vector<std::uint64_t> all(world_.root() ? placed_.size() * world_.size : 0);
    mpi::check(MPI_Gather(placed_.data(), count, MPI_UINT64_T, all.data(), count, MPI_UINT64_T, 0,
                          MPI_COMM_WORLD),
               "MPI_Gather of the index of " + file_.path());
    if (!world_.root()) return;
    ByteWriter index(file_.path());
    for (char c : kIndexMagic) index.put(static_cast<std::uint8_t>(c));
    index.put(static_cast<std::uint32_t>(world_.size));
    index.put(static_cast<std::uint32_t>(pieces_));
    index.put(static_cast<std::uint8_t>(compressed_ ? 1 : 0));
    for (std::uint64_t v : all) index.put(v);
    mpi::check(MPI_File_write_at(file_.get(), 0, index.bytes().data(),
                                 static_cast<int>(index.position()), MPI_BYTE, MPI_STATUS_IGNORE),
               "MPI_File_write_at " + file_.path());
  }

  /// Each rank reads the index, then its own pieces, back from the file.
  std::size_t verify(const Workload& work, double bound) override {
    // sync-barrier-sync makes every rank's writes visible to the others (MPI-IO consistency).
    mpi::check(MPI_File_sync(file_.get()), "MPI_File_sync " + file_.path());
    mpi::check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
    mpi::check(MPI_File_sync(file_.get()), "MPI_File_sync " + file_.path());
    const std::vector<std::byte> index = read(0, index_bytes_);
    ByteReader reader(index, file_.path() + " index");
    for (char c : kIndexMagic) {
      if (reader.get<std::uint8_t>() != static_cast<std::uint8_t>(c)) {
        throw Error(reader.source(), "does not start with TSZMPI01");
      }
    }
    const auto ranks = reader.get<std::uint32_t>();
    const auto pieces = reader.get<std::uint32_t>();
    const bool compressed = reader.get<std::uint8_t>() == 1;
    if (ranks != static_cast<std::uint32_t>(world_.size) || pieces != pieces_) {
      throw Error(reader.source(), fmt::format("describes {} ranks x {} pieces, not {} x {}", ranks,
                                               pieces, world_.size, pieces_));
    }
    reader.skip(16 * static_cast<std::size_t>(world_.rank) * pieces_);
    const std::vector<Field> originals = work.pieces(world_.rank, pieces_);
    std::size_t bad = 0;
    for (std::size_t k = 0; k < pieces_; ++k) {
      const auto offset = reader.get<std::uint64_t>();
      const auto size = reader.get<std::uint64_t>();
      const std::string source =
          fmt::format("{} piece {} of rank {}", file_.path(), k, world_.rank);
      bad += violations(originals[k], decode(read(offset, size), compressed, originals[k], source),
                        bound);
    }
    return bad;
  }

 private:
  std::vector<std::byte> read(std::uint64_t offset, std::uint64_t size) const {
    std::vector<std::byte> bytes(size);
    MPI_Status status;
    mpi::check(MPI_File_read_at(file_.get(), static_cast<MPI_Offset>(offset), bytes.data(),
                                mpi::count(size, file_.path()), MPI_BYTE, &status),
               "MPI_File_read_at " + file_.path());
    int got = 0;
    MPI_Get_count(&status, MPI_BYTE, &got);
    if (static_cast<std::uint64_t>(got) != size) {
      throw Error(file_.path(), fmt::format("ends before byte {}", offset + size));
    }
    return bytes;
  }

  mpi::World world_;
  mpi::ScratchFile file_;
  bool compressed_;
  std::size_t pieces_;
  std::size_t index_bytes_;
  std::uint64_t end_ = 0;              // where the next piece starts
  std::vector<std::uint64_t> placed_;  // this rank's (offset, bytes) per piece
};

/// Rank 0 as the destination. Raw slabs are equal, so raw pieces travel by MPI_Gather; compressed
/// ones by MPI_Gatherv after an MPI_Gather of their sizes.
class GatherSink final : public Sink {
 public:
  GatherSink(const mpi::World& world, bool compressed, std::size_t pieces)
      : world_(world), compressed_(compressed), pieces_(pieces) {}

  void reset() override { arrivals_.assign(world_.root() ? pieces_ : 0, {}); }

  mpi::Request send(std::size_t k, std::span<const std::byte> bytes, bool overlapped) override {
    const int count = mpi::count(bytes.size(), "gathered piece");
    Arrival none;  // the receive arguments of the other ranks, which MPI ignores
    Arrival& arrival = world_.root() ? arrivals_[k] : none;
    arrival.counts.assign(world_.root() ? world_.size : 0, count);
    if (compressed_) {
      mpi::check(
          MPI_Gather(&count, 1, MPI_INT, arrival.counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD),
          "MPI_Gather of piece sizes");
    }
    std::uint64_t total = 0;
    for (int c : arrival.counts) {
      arrival.displs.push_back(mpi::count(total, "gathered pieces"));
      total += static_cast<std::uint64_t>(c);
    }
    arrival.bytes.resize(total);
    const void* from = bytes.data();
    void* into = arrival.bytes.data();
    mpi::Request request;
    int rc = MPI_SUCCESS;
    if (!compressed_) {  // equal slabs: every rank sends `count` bytes
      rc = overlapped ? MPI_Igather(from, count, MPI_BYTE, into, count, MPI_BYTE, 0, MPI_COMM_WORLD,
                                    request.out())
                      : MPI_Gather(from, count, MPI_BYTE, into, count, MPI_BYTE, 0, MPI_COMM_WORLD);
    } else {
      const int* counts = arrival.counts.data();
      const int* displs = arrival.displs.data();
      rc = overlapped ? MPI_Igatherv(from, count, MPI_BYTE, into, counts, displs, MPI_BYTE, 0,
                                     MPI_COMM_WORLD, request.out())
                      : MPI_Gatherv(from, count, MPI_BYTE, into, counts, displs, MPI_BYTE, 0,
                                    MPI_COMM_WORLD);
    }
    mpi::check(rc, fmt::format("gather of piece {}", k));
    return request;
  }

  void finish() override {}

  /// Rank 0 decodes every rank's pieces against slabs it cuts from its own copy of the field.
  std::size_t verify(const Workload& work, double bound) override {
    std::size_t bad = 0;
    for (int r = 0; world_.root() && r < world_.size; ++r) {
      const std::vector<Field> originals = work.pieces(r, pieces_);
      for (std::size_t k = 0; k < pieces_; ++k) {
        const Arrival& a = arrivals_[k];
        const auto bytes = std::span<const std::byte>(a.bytes).subspan(
            static_cast<std::size_t>(a.displs[r]), static_cast<std::size_t>(a.counts[r]));
        const std::string source = fmt::format("gathered piece {} of rank {}", k, r);
        bad += violations(originals[k], decode(bytes, compressed_, originals[k], source), bound);
      }
    }
    return bad;
  }

 private:
  struct Arrival {
    std::vector<std::byte> bytes;  // every rank's piece, rank r's at displs[r]
    std::vector<int> counts;
    std::vector<int> displs;
  };

  mpi::World world_;
  bool compressed_;
  std::size_t pieces_;
  std::vector<Arrival> arrivals_;  // rank 0: one per piece
};

/// The --link-mbps emulation: a transfer of n bytes that started at t completes no sooner than
/// t + n / B, as if each rank's bytes crossed its own link of B MB/s.
class Pacer {
 public:
  explicit Pacer(double mbps) : bytes_per_second_(mbps * kMegabyte) {}

  void wait(SteadyClock::time_point start, std::size_t bytes) const {
    if (bytes_per_second_ <= 0) return;
    const std::chrono::duration<double> link(static_cast<double>(bytes) / bytes_per_second_);
    std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(link));
  }

 private:
  double bytes_per_second_;
};

/// One repetition of `mode` on this rank: each piece is encoded, sent and paced in turn; when the
/// mode overlaps, encoding piece k+1 runs while piece k is in flight. Returns the bytes sent.
std::uint64_t send_pieces(const Mode& mode, Sink& sink, std::span<const Field> pieces,
                          const CompressOptions& codec, const Pacer& pacer) {
  std::uint64_t sent = 0;
  Payload next = encode(pieces[0], mode.compressed, codec);
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const Payload current = std::move(next);
    const SteadyClock::time_point start = SteadyClock::now();
    mpi::Request request = sink.send(k, current.bytes(), mode.overlapped);
    if (k + 1 < pieces.size()) next = encode(pieces[k + 1], mode.compressed, codec);
    request.wait();
    pacer.wait(start, current.bytes().size());
    sent += current.bytes().size();
  }
  sink.finish();
  return sent;
}

/// Runs prepare (untimed), a barrier, then body on every rank, --warmup + --repetitions times;
/// returns the timed samples, each the slowest rank's seconds.
std::vector<double> time_ranks(const Options& options, const std::function<void()>& prepare,
                               const std::function<void()>& body) {
  std::vector<double> samples;
  for (int run = 0; run < options.warmup + options.repetitions; ++run) {
    prepare();
    mpi::check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
    const Stopwatch watch;
    body();
    const double mine = watch.elapsed();
    double slowest = 0;
    mpi::check(MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD),
               "MPI_Allreduce");
    if (run >= options.warmup) samples.push_back(slowest);
  }
  return samples;
}

/// Rank 0's table on stdout and JSON lines (--jsonl): per mode, the throughput (all ranks' raw
/// bytes / the slowest rank's time), the speedup over the raw mode of the same transport, and the
/// model's speedup from B (that raw mode's throughput per rank), Tc (compression per rank) and the
/// mode's ratio CR: 1/(B/Tc + 1/CR) serial, min(CR, Tc/B) overlapped.
class Report {
 public:
  Report(const Options& options, BenchReport& bench, const mpi::World& world, const Workload& work)
      : options_(options),
        bench_(bench),
        world_(world),
        slab_bytes_(static_cast<double>(work.slab_bytes())) {
    if (!world.root()) return;
    const std::vector<std::size_t> slab_shape = work.slab_shape();
    common_ = {{"suite", "mpi_io"},
               {"field", work.field.name},
               {"ranks", world.size},
               {"slab_shape", shape_string(slab_shape)},
               {"raw_bytes", work.slab_bytes() * static_cast<std::size_t>(world.size)},
               {"rel", options.rel},
               {"error_bound", work.error_bound},
               {"link_mbps", options.link_mbps},
               {"threads", options.threads}};
    fmt::print("mpi_io_bench: {} ({} {}), {} ranks x {} slab ({:.1f} MB), REL {} (abs {:.4g})\n",
               work.field.name, shape_string(work.field.shape), to_string(work.field.type),
               world.size, shape_string(slab_shape), slab_bytes_ / kMegabyte, options.rel,
               work.error_bound);
    fmt::print("link {} per rank, {} pieces per rank when overlapped, median of {} runs\n",
               options.link_mbps > 0 ? fmt::format("{} MB/s", options.link_mbps) : "unpaced",
               options.pieces, options.repetitions);
  }

  /// Compression alone, all ranks at once: Tc and the slab's ratio.
  void compression(const std::vector<double>& samples, std::uint64_t compressed_bytes) {
    const double seconds = summarize(samples).median;
    tc_ = slab_bytes_ / seconds;
    const double ratio = slab_bytes_ * world_.size / static_cast<double>(compressed_bytes);
    if (!world_.root()) return;
    fmt::print("compression alone: Tc {:.1f} MB/s per rank, ratio {:.2f}\n\n", tc_ / kMegabyte,
               ratio);
    fmt::print("{:<20} {:>9} {:>8} {:>6} {:>14} {:>7}\n", "mode", "MB/s", "speedup", "model",
               "measured/model", "ratio");
    write("compress", samples, {{"mode", "compress"}, {"ratio", ratio}, {"tc_mbps", tc_ / 1e6}});
  }

  /// A mode that ran and verified; raw modes must come before the compressed ones of their
  /// transport.
  void add(const Mode& mode, const std::vector<double>& samples, std::uint64_t sent_bytes) {
    const double seconds = summarize(samples).median;
    double& raw_seconds = raw_seconds_[static_cast<std::size_t>(mode.transport)];
    if (!mode.compressed) raw_seconds = seconds;
    const double raw_bytes = slab_bytes_ * world_.size;
    const double ratio = raw_bytes / static_cast<double>(sent_bytes);
    const double speedup = raw_seconds / seconds;
    const double b = slab_bytes_ / raw_seconds;
    const double model = !mode.compressed  ? 1.0
                         : mode.overlapped ? std::min(ratio, tc_ / b)
                                           : 1.0 / (b / tc_ + 1.0 / ratio);
    if (!world_.root()) return;
    fmt::print("{:<20} {:>9.1f} {:>8.2f} {:>6.2f} {:>14.2f} {:>7.2f}\n", mode.name,
               raw_bytes / seconds / kMegabyte, speedup, model, speedup / model, ratio);
    write(mode.name, samples,
          {{"mode", mode.name},
           {"compressed", mode.compressed},
           {"overlapped", mode.overlapped},
           {"pieces", mode.overlapped ? options_.pieces : 1},
           {"sent_bytes", sent_bytes},
           {"ratio", ratio},
           {"throughput_mbps", raw_bytes / seconds / kMegabyte},
           {"speedup", speedup},
           {"model_speedup", model},
           {"b_mbps", b / kMegabyte},
           {"tc_mbps", tc_ / kMegabyte},
           {"verified", true}});
  }

  void footer(double bound) const {
    if (!world_.root()) return;
    fmt::print(
        "\nB (raw MB/s per rank): write {:.1f}, gather {:.1f}. Every mode verified after the "
        "transfer: raw bit-exact, compressed |x - x'| <= {:.4g}.\n",
        slab_bytes_ / raw_seconds_[0] / kMegabyte, slab_bytes_ / raw_seconds_[1] / kMegabyte,
        bound);
  }

 private:
  void write(std::string_view name, const std::vector<double>& samples,
             const nlohmann::json& fields) {
    nlohmann::json extra = common_;
    extra.update(fields);
    bench_.record(
        to_json(Measurement{std::string(name), samples, summarize(samples), std::move(extra)}));
  }

  const Options& options_;
  BenchReport& bench_;
  mpi::World world_;
  double slab_bytes_;
  double tc_ = 0;                           // compression bytes/s per rank
  std::array<double, 2> raw_seconds_ = {};  // per Transport
  nlohmann::json common_;
};

/// The shared file's path, the same on every rank: <--dir>/tessera-mpi-io-<rank 0's pid>.bin.
std::string shared_path(const Options& options) {
  int pid = static_cast<int>(::getpid());
  mpi::check(MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return (fs::path(options.dir) / fmt::format("tessera-mpi-io-{}.bin", pid)).string();
}

std::unique_ptr<Sink> make_sink(const Mode& mode, const mpi::World& world, const std::string& path,
                                std::size_t pieces) {
  if (mode.transport == Transport::kFile) {
    return std::make_unique<FileSink>(world, path, mode.compressed, pieces);
  }
  return std::make_unique<GatherSink>(world, mode.compressed, pieces);
}

/// Every mode in turn, each verified before the next; a violated bound stops with exit code 3.
ExitCode run(const Options& options, BenchReport& bench, const mpi::World& world) {
  set_thread_count(options.threads);
  const Workload work = make_workload(options, world.size);
  const CompressOptions codec{.bound = {BoundMode::kAbs, work.error_bound, 0}};
  const std::vector<Field> slab = work.pieces(world.rank, 1);
  const std::vector<Field> split = work.pieces(world.rank, options.pieces);
  const std::string path = shared_path(options);
  const Pacer pacer(options.link_mbps);
  Report report(options, bench, world, work);

  std::uint64_t compressed_bytes = 0;
  const std::vector<double> compress_samples = time_ranks(
      options, [] {}, [&] { compressed_bytes = compress_to_memory(slab[0], codec).size(); });
  report.compression(compress_samples, mpi::sum_over_ranks(compressed_bytes, MPI_UINT64_T));

  for (const Mode& mode : kModes) {
    const std::vector<Field>& pieces = mode.overlapped ? split : slab;
    const std::unique_ptr<Sink> sink = make_sink(mode, world, path, pieces.size());
    std::uint64_t sent = 0;
    const std::vector<double> samples = time_ranks(
        options, [&] { sink->reset(); },
        [&] { sent = send_pieces(mode, *sink, pieces, codec, pacer); });
    const double bound = mode.compressed ? work.error_bound : 0.0;
    const auto bad = static_cast<std::uint64_t>(sink->verify(work, bound));
    if (mpi::sum_over_ranks(bad, MPI_UINT64_T) > 0) {
      if (world.root()) fmt::print(stderr, "mpi_io_bench: {}: bound violated\n", mode.name);
      return ExitCode::kVerification;
    }
    report.add(mode, samples, mpi::sum_over_ranks(sent, MPI_UINT64_T));
  }
  report.footer(work.error_bound);
  return ExitCode::kSuccess;
}

/// Reports `what` and ends every rank of the job with `code`.
[[noreturn]] void abort_job(const mpi::World& world, const char* what, ExitCode code) {
  fmt::print(stderr, "mpi_io_bench: rank {}: {}\n", world.rank, what);
  MPI_Abort(MPI_COMM_WORLD, static_cast<int>(code));
  std::abort();  // MPI_Abort does not return
}

}  // namespace
}  // namespace tessera::compress

int main(int argc, char** argv) {
  using namespace tessera::compress;
  tessera::BenchReport bench(
      "MPI I/O: raw MPI_File_write_at_all / MPI_Gather of a real field over N ranks against "
      "compress-then-write/gather, serial and overlapped");
  declare_options(bench);
  std::vector<Options> runs;
  std::optional<tessera::mpi::Session> session;
  try {
    bench.parse(argc, argv, tessera::BenchReport::Header::kLater);  // rank 0 prints it
    for (double rel : bench.sweep("rel")) runs.push_back(read_options(bench, rel));
    if (!tessera::mpi::started_by_mpiexec()) {
      tessera::mpi::relaunch_under_mpiexec(argc, argv, runs.front().ranks);
    }
    session.emplace(argc, argv);
    if (session->world().root()) bench.print_header();
  } catch (const tessera::Error& e) {
    fmt::print(stderr, "mpi_io_bench: {}\n", e.what());
    return static_cast<int>(e.exit_code());
  }
  try {
    for (const Options& options : runs) {
      const tessera::ExitCode code = run(options, bench, session->world());
      if (code != tessera::ExitCode::kSuccess) return static_cast<int>(code);
    }
    return 0;
  } catch (const tessera::Error& e) {
    abort_job(session->world(), e.what(), e.exit_code());
  } catch (const std::exception& e) {
    abort_job(session->world(), e.what(), tessera::ExitCode::kFailure);
  }
}
