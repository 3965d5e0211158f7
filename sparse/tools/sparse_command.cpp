// `tessera sparse info` (dimensions, entries, row and column lengths, storage in every format, the
// format advisor's picks) and
// `tessera sparse convert` (any supported format in and out: .mtx, .npz, .tsp; "-" for standard
// input and output, told apart by content and by --to-file).
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/cli/file_arguments.hpp"
#include "tessera/cli/standard_streams.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/matrix_market.hpp"
#include "tessera/sparse/sparse_files.hpp"
#include "tessera/sparse/storage.hpp"
#include "tessera/sparse/traversal.hpp"

namespace tessera::sparse {

void add_accel(CLI::App& parent);  // accel_command.cpp
void add_bench(CLI::App& parent);  // bench_command.cpp

namespace {

// How errors name a path option: "-" is standard input or output.
std::string source_of(const std::string& path, std::string_view stream) {
  return cli::is_standard_stream(path) ? std::string(stream) : path;
}

// What `fd` gives before it ends, at most `limit` bytes.
std::string read_from(int fd, std::string_view source, std::size_t limit) {
  std::string out;
  while (out.size() < limit) {
    const std::size_t used = out.size();
    const std::size_t want = std::min<std::size_t>(limit - used, std::size_t{1} << 20);
    out.resize(used + want);
    const ssize_t n = ::read(fd, out.data() + used, want);
    out.resize(used + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(source, "cannot read: " + std::system_category().message(errno));
    if (n == 0) break;
  }
  return out;
}

// A tensor from a file (its kind by name, else by content) or standard input (by content).
// Matrix Market text is streamed, from a file, a pipe or standard input; the others are read
// whole.
SparseTensor read_input(const std::string& path, const MatrixMarketOptions& options) {
  const std::string source = source_of(path, "stdin");
  const bool standard_input = cli::is_standard_stream(path);
  std::optional<SparseFileKind> kind = standard_input ? std::nullopt : kind_of_name(path);
  if (kind == SparseFileKind::kMatrixMarket) return read_matrix_market(path, options);
  std::vector<std::byte> bytes;
  if (!standard_input && std::filesystem::is_regular_file(path)) {
    bytes = read_file(path);
  } else {
    // A stream: its first bytes tell the kind ("%%MatrixMarket" is the longest mark).
    UniqueFd opened;
    if (!standard_input) {
      opened = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (opened.get() < 0) {
        throw Error(source, "cannot open: " + std::system_category().message(errno));
      }
    }
    const int fd = standard_input ? STDIN_FILENO : opened.get();
    const std::string head = read_from(fd, source, 16);
    if (kind_of_content(std::as_bytes(std::span(head.data(), head.size()))) ==
        SparseFileKind::kMatrixMarket) {
      return read_matrix_market_stream(fd, source, head, options);
    }
    const std::string all = head + read_from(fd, source, static_cast<std::size_t>(-1));
    const auto all_bytes = std::as_bytes(std::span(all.data(), all.size()));
    bytes.assign(all_bytes.begin(), all_bytes.end());
  }
  if (!kind) kind = kind_of_content(bytes);
  if (!kind) {
    throw Error(source, "is not a Matrix Market (.mtx), SciPy .npz or tessera .tsp file");
  }
  return parse_sparse(bytes, *kind, source, options);
}

SparseFileKind output_kind(const std::string& path, const std::string& to_file) {
  if (!to_file.empty()) {
    for (SparseFileKind k :
         {SparseFileKind::kMatrixMarket, SparseFileKind::kNpz, SparseFileKind::kTsp}) {
      if (to_file == to_string(k)) return k;
    }
  }
  if (const auto kind = kind_of_name(path)) return *kind;
  throw usage_error(cli::is_standard_stream(path) ? "--to-file" : "-o",
                    cli::is_standard_stream(path)
                        ? "standard output needs --to-file mtx, npz or tsp"
                        : "'" + path + "' does not end in .mtx, .npz or .tsp (or give --to-file)");
}

// The formats `info` lists for a tensor of `order`.
std::vector<FormatSpec> listed_formats(std::size_t order) {
  if (order != 2) return all_formats(order);
  std::vector<FormatSpec> out;
  for (const char* f : {"dense", "coo", "csr", "csc", "dcsr", "dcsc", "bitmap", "bitmap@col",
                        "rlc:4", "rlc:8", "ell", "ell@col", "bcsr:4x4", "bcsr:8x8"}) {
    out.push_back(parse_format(f, 2));
  }
  return out;
}

// Lengths of the fibers of `t` along dimension `d` (entries per row for d = 0).
std::vector<std::uint64_t> lengths_along(const SparseTensor& t, std::size_t d) {
  std::vector<std::uint64_t> n(t.dims[d], 0);
  for_each_entry(t, [&](const std::uint32_t* x, std::uint64_t) { ++n[x[d]]; });
  return n;
}

nlohmann::json length_summary(std::vector<std::uint64_t> n) {
  if (n.empty())
    return {{"empty", 0},
            {"min", 0},
            {"median", 0},
            {"max", 0},
            {"histogram", nlohmann::json::array()}};
  std::vector<std::uint64_t> histogram;  // [0] empty, [b] lengths in [2^(b-1), 2^b)
  for (std::uint64_t x : n) {
    const std::size_t b = x == 0 ? 0 : std::bit_width(x);
    if (histogram.size() <= b) histogram.resize(b + 1, 0);
    ++histogram[b];
  }
  std::sort(n.begin(), n.end());
  return {{"empty", histogram[0]},
          {"min", n.front()},
          {"median", n[n.size() / 2]},
          {"max", n.back()},
          {"histogram", histogram}};
}

// The width of UTF-8 text in a terminal column count (every code point here is one column wide).
std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string histogram_text(const nlohmann::json& histogram) {
  std::string out;
  for (std::size_t b = 0; b < histogram.size(); ++b) {
    const std::uint64_t count = histogram[b].get<std::uint64_t>();
    if (count == 0) continue;
    const std::string range = b == 0   ? "0"
                              : b == 1 ? "1"
                                       : fmt::format("{}-{}", 1ull << (b - 1), (1ull << b) - 1);
    out += fmt::format("  {:>13}: {}\n", range, count);
  }
  return out;
}

struct InfoCommand {
  std::string file;
  bool json = false;
  bool advise_kernels = false;
  std::uint64_t max_bytes = 1ull << 30;
};

void run_info(const InfoCommand& c) {
  const std::string source = source_of(c.file, "stdin");
  const SparseTensor t = read_input(c.file, {});
  const std::uint64_t entries = entry_count(convert(t, parse_format("coo", t.order())));
  double elements = 1;
  for (std::uint32_t d : t.dims) elements *= d;
  nlohmann::json out = {
      {"file", source},          {"dims", t.dims},
      {"entries", entries},      {"value_type", to_string(t.value_type)},
      {"format", t.format.name}, {"density", elements == 0 ? 0.0 : entries / elements}};
  nlohmann::json lengths = nlohmann::json::array();
  for (std::size_t d = 0; d < t.order(); ++d)
    lengths.push_back(length_summary(lengths_along(t, d)));
  out["fiber_lengths"] = lengths;
  nlohmann::json storage = nlohmann::json::array();
  for (const FormatSpec& f : listed_formats(t.order())) {
    try {
      const StorageBytes s = storage_bytes(convert(t, f, {.max_bytes = c.max_bytes}));
      storage.push_back({{"format", f.name},
                         {"levels", f.describe()},
                         {"index_bytes", s.index},
                         {"value_bytes", s.values},
                         {"bytes", s.total()}});
    } catch (const Error&) {
      storage.push_back({{"format", f.name}, {"levels", f.describe()}, {"bytes", nullptr}});
    }
  }
  out["storage"] = storage;
  if (t.order() == 2) {
    const MatrixProfile profile = profile_matrix(t);
    nlohmann::json advice = {{"storage", advise_storage(profile).name}};
    if (c.advise_kernels) {
      const CostModel model = CostModel::calibrate();
      for (const std::uint32_t columns : {1u, 64u}) {
        advice[columns == 1 ? "spmv" : "spmm64"] = advise_kernel(profile, columns, model).name;
      }
    }
    out["advisor"] = advice;
  }
  if (c.json) {
    std::cout << out << "\n";
    return;
  }
  std::cout << fmt::format("{}: {} {}, {} entries, density {:.4g}%, stored as {}\n", source,
                           fmt::join(t.dims, " x "), to_string(t.value_type), entries,
                           100 * out["density"].get<double>(), t.format.name);
  for (std::size_t d = 0; d < t.order(); ++d) {
    const nlohmann::json& l = lengths[d];
    std::cout << fmt::format("entries per {} (dimension {}): min {}, median {}, max {}, {} empty\n",
                             t.order() == 2 ? (d == 0 ? "row" : "column") : "slice", d,
                             l["min"].get<std::uint64_t>(), l["median"].get<std::uint64_t>(),
                             l["max"].get<std::uint64_t>(), l["empty"].get<std::uint64_t>());
    std::cout << histogram_text(l["histogram"]);
  }
  std::cout << fmt::format("storage (bytes: index + values):\n");
  std::size_t levels_width = 0;
  for (const nlohmann::json& s : storage) {
    levels_width = std::max(levels_width, code_points(s["levels"].get<std::string>()));
  }
  for (const nlohmann::json& s : storage) {
    const std::string bytes = s["bytes"].is_null()
                                  ? fmt::format("over {} bytes, not built", c.max_bytes)
                                  : fmt::format("{:>12} = {} + {}", s["bytes"].get<std::uint64_t>(),
                                                s["index_bytes"].get<std::uint64_t>(),
                                                s["value_bytes"].get<std::uint64_t>());
    std::cout << fmt::format("  {:<10} {:<{}} {}\n", s["format"].get<std::string>(),
                             s["levels"].get<std::string>(), levels_width, bytes);
  }
  if (!out.contains("advisor")) return;
  std::cout << fmt::format("advisor: {} for storage", out["advisor"]["storage"].get<std::string>());
  if (c.advise_kernels) {
    std::cout << fmt::format(", {} for SpMV, {} for SpMM(64)",
                             out["advisor"]["spmv"].get<std::string>(),
                             out["advisor"]["spmm64"].get<std::string>());
  }
  std::cout << "\n";
}

struct ConvertCommand {
  std::string input, output, to, to_file, value_type = "f64";
  bool json = false;
};

void run_convert(const ConvertCommand& c) {
  cli::refuse_overlapping_files(std::array{cli::FileArgument{"-i", c.input}},
                                std::array{cli::FileArgument{"-o", c.output}});
  const SparseFileKind kind = output_kind(c.output, c.to_file);
  MatrixMarketOptions options;
  options.real_type = parse_value_type(c.value_type, "--value-type");
  if (options.real_type != ValueType::kF32 && options.real_type != ValueType::kF64) {
    throw usage_error("--value-type", "real Matrix Market values are read as f32 or f64");
  }
  // Opened before the work: an output that cannot be written fails at once, and a signal during
  // the work leaves no temporary file behind (temp_files.hpp).
  OutputFile file(c.output);
  const Stopwatch read_time;
  const SparseTensor in = read_input(c.input, options);
  const double read_seconds = read_time.elapsed();
  std::string target_name = c.to;
  if (target_name.empty()) {
    target_name = kind == SparseFileKind::kNpz && !in.canonical ? "coo" : in.format.name;
    if (kind == SparseFileKind::kMatrixMarket) target_name = "coo";
  }
  FormatSpec target;
  try {
    target = parse_format(target_name, in.order(), "--to");
  } catch (const Error& e) {
    throw usage_error("--to", e.problem());
  }
  const Stopwatch convert_time;
  const SparseTensor out = convert(in, target);
  const double convert_seconds = convert_time.elapsed();
  file.write(encode_sparse(out, kind));
  file.commit();
  const StorageBytes s = storage_bytes(out);
  if (c.json) {
    std::cerr << nlohmann::json{{"input", source_of(c.input, "stdin")},
                                {"output", file.name()},
                                {"dims", out.dims},
                                {"format", target.name},
                                {"entries", entry_count(out)},
                                {"bytes", s.total()},
                                {"read_s", read_seconds},
                                {"convert_s", convert_seconds}}
              << "\n";
    return;
  }
  std::cerr << fmt::format(
      "{} ({}, {} entries, {}) -> {} as {} ({}): {} bytes; read {:.3f} s, "
      "converted in {:.3f} s\n",
      source_of(c.input, "stdin"), fmt::join(out.dims, "x"), entry_count(out), in.format.name,
      file.name(), target.name, target.describe(), s.total(), read_seconds, convert_seconds);
}

void add_info(CLI::App& parent) {
  auto c = std::make_shared<InfoCommand>();
  CLI::App* info = parent.add_subcommand("info",
                                         "Dimensions, entries, row and column lengths, "
                                         "storage in every format, the advisor's pick");
  info->add_option("file", c->file, "A .mtx, .npz or .tsp file; - for stdin")->required();
  info->add_option("--max-bytes", c->max_bytes, "Formats above this many bytes are not built")
      ->capture_default_str();
  info->add_flag("--advise-kernels", c->advise_kernels,
                 "Also the advisor's SpMV and SpMM(64) picks (calibrates its cost model: seconds)");
  info->add_flag("--json", c->json, "Print everything as one JSON object");
  info->footer(
      "Examples:\n  tessera sparse info bcsstk13.mtx\n  tessera sparse info m.npz --json\n"
      "  tessera sparse info bcsstk13.mtx --advise-kernels");
  info->callback([c] { run_info(*c); });
}

void add_convert(CLI::App& parent) {
  auto c = std::make_shared<ConvertCommand>();
  CLI::App* convert_app = parent.add_subcommand(
      "convert", "Convert a sparse tensor between formats and files (.mtx, .npz, .tsp)");
  convert_app->add_option("-i", c->input, "Input: .mtx, .npz or .tsp; - for stdin")->required();
  convert_app->add_option("-o", c->output, "Output: .mtx, .npz or .tsp; - for stdout")->required();
  convert_app->add_option("--to", c->to,
                          "Storage format: " + format_names() +
                              "; mode order as @row, @col or @2,0,1 (default: the input's; "
                              "coo for .mtx)");
  convert_app->add_option("--to-file", c->to_file, "Output file kind for -o -: mtx, npz or tsp")
      ->check(CLI::IsMember({"mtx", "npz", "tsp"}));
  convert_app->add_option("--value-type", c->value_type, "Real Matrix Market values as f32 or f64")
      ->capture_default_str();
  convert_app->add_flag("--json", c->json, "Print the statistics (stderr) as one JSON object");
  convert_app->footer(
      "Examples:\n"
      "  tessera sparse convert -i m.mtx --to bcsr:4x4 -o m.tsp\n"
      "  tessera sparse convert -i m.tsp --to csc -o m.npz        # for scipy.sparse.load_npz\n"
      "  tessera sparse convert -i m.npz -o m.mtx\n"
      "  zcat m.mtx.gz | tessera sparse convert -i - -o m.tsp    # .mtx text parsed as it arrives\n"
      "  tessera sparse convert -i m.mtx --to rlc:4@col -o - --to-file tsp | tessera sparse info "
      "-");
  convert_app->callback([c] { run_convert(*c); });
}

const cli::Registrar kSparse(
    "sparse",
    "Sparse tensors in per-level formats: inspect, convert (.mtx, .npz, .tsp), time, model an "
    "accelerator",
    [](CLI::App& app) {
      app.require_subcommand(1);
      app.footer(
          "Examples:\n"
          "  tessera sparse info bcsstk13.mtx\n"
          "  tessera sparse convert -i bcsstk13.mtx --to bcsr:4x4 -o bcsstk13.tsp\n"
          "  tessera sparse bench -i bcsstk13.mtx\n"
          "  tessera sparse accel --png accel.png");
      add_info(app);
      add_convert(app);
      add_bench(app);
      add_accel(app);
    });

}  // namespace
}  // namespace tessera::sparse
