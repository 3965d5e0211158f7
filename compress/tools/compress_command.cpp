// `tessera compress ...`: SZ3/zfp-style command line for the error-bounded compressor, plus
// `verify` (exit 3 on a violated bound), `info` (what a .tsz stream holds) and `train` (offline
// codebook sets, CEAZ's offline Huffman codebooks).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/cli/file_arguments.hpp"
#include "tessera/cli/flag_names.hpp"
#include "tessera/cli/standard_streams.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/compress/codebook.hpp"
#include "tessera/compress/compressor.hpp"
#include "tessera/compress/data_manifest.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/compress/plan.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/sweep.hpp"

namespace tessera::compress {
namespace {

// Options shared by the commands that read a field: -f/-d, -1..-4 (fastest first), -M; the
// compress command adds -C (the target of -M FXR).
struct FieldOptions {
  bool f32 = false;
  bool f64 = false;
  std::vector<std::size_t> dims[4];
  std::vector<std::string> mode;
  std::optional<double> ratio;

  void add_to(CLI::App& app) {
    app.add_flag("-f", f32, "Raw input holds float32 values (the default for raw input)");
    app.add_flag("-d", f64, "Raw input holds float64 values");
    const char* names[4] = {"-1", "-2", "-3", "-4"};
    const char* help[4] = {"1-D raw input: nx", "2-D raw input: nx ny (fastest first)",
                           "3-D raw input: nx ny nz (fastest first)",
                           "4-D raw input: nx ny nz nw (fastest first)"};
    for (int d = 0; d < 4; ++d) {
      app.add_option(names[d], dims[d], help[d])->expected(d + 1)->check(cli::whole_number());
    }
  }

  void add_bound_to(CLI::App& app) {
    app.add_option("-M", mode,
                   "Error bound: ABS eb | REL eb | ABS_AND_REL abs rel | FXR (compress, with -C)")
        ->expected(1, 3);
  }

  std::optional<DataType> type() const {
    if (f32 && f64) throw usage_error("-f/-d", "choose one value type");
    if (f64) return DataType::kFloat64;
    if (f32) return DataType::kFloat32;
    return std::nullopt;
  }

  // Slowest first, as the library wants it.
  std::vector<std::size_t> shape() const {
    std::vector<std::size_t> shape;
    for (const auto& d : dims) {
      if (d.empty()) continue;
      if (!shape.empty()) throw usage_error("-1/-2/-3/-4", "give the dimensions once");
      shape.assign(d.rbegin(), d.rend());
    }
    return shape;
  }

  ErrorBound bound() const {
    if (mode.empty()) throw usage_error("-M", "an error bound is required, e.g. -M REL 1e-3");
    const auto number = [&](std::size_t i) {  // strtod: subnormals such as 5e-324 are numbers
      const char* text = mode[i].c_str();
      char* end = nullptr;
      const double v = std::strtod(text, &end);
      if (!mode[i].empty() && end == text + mode[i].size() && std::isfinite(v)) return v;
      throw usage_error("-M", fmt::format("'{}' is not a finite number", mode[i]));
    };
    if (ratio && mode[0] != "FXR") throw usage_error("-C", "a target ratio goes with -M FXR");
    ErrorBound b;
    if (mode[0] == "FXR" && mode.size() == 1) {
      if (!ratio) throw usage_error("-M", "FXR needs a target ratio, e.g. -M FXR -C 10");
      b = {BoundMode::kFixedRatio, 0, 0, *ratio};
    } else if (mode[0] == "ABS" && mode.size() == 2) {
      b = {BoundMode::kAbs, number(1), 0};
    } else if (mode[0] == "REL" && mode.size() == 2) {
      b = {BoundMode::kRel, 0, number(1)};
    } else if (mode[0] == "ABS_AND_REL" && mode.size() == 3) {
      b = {BoundMode::kAbsAndRel, number(1), number(2)};
    } else {
      throw usage_error("-M", "expected ABS eb, REL eb, ABS_AND_REL abs rel or FXR");
    }
    return b;
  }

  // The type and shape flags as given, e.g. " -f -3 360 180 20".
  std::string flags() const {
    std::string out = f32 ? " -f" : (f64 ? " -d" : "");
    for (std::size_t d = 0; d < 4; ++d) {
      if (!dims[d].empty()) out += fmt::format(" -{} {}", d + 1, fmt::join(dims[d], " "));
    }
    return out;
  }

  /// The field named by `spec` ("-" is a raw array on standard input).
  Field open(const std::string& spec) const {
    if (!cli::is_standard_stream(spec)) return read_field(spec, type(), shape());
    if (shape().empty()) {
      throw usage_error("-i",
                        "standard input is a raw array: give its dimensions with -1/-2/-3/-4");
    }
    return decode_raw(cli::read_standard_input(), "stdin", type().value_or(DataType::kFloat32),
                      shape());
  }
};

// The library's errors name its API's fields; the command line's name the flags that set them.
constexpr std::array<cli::FlagOfField, 5> kFlagOfField = {{
    {"CompressOptions::bound", "-M"},
    {"CompressOptions::bound.ratio", "-C"},
    {"CompressOptions::codebooks", "--codebooks"},
    {"CompressOptions::codebook_mode", "--codebook-mode"},
    {"CompressOptions::radius", "--radius"},
}};

// Runs `command`, renaming an error's input from a field of CompressOptions to its flag.
template <class Command>
void with_flag_names(Command&& command) {
  cli::with_flag_names(kFlagOfField, std::forward<Command>(command));
}

struct CompressCommand {
  FieldOptions field;
  std::string input, compressed, decompressed;
  bool analyse = false;
  bool json = false;
  std::uint32_t radius = kDefaultRadius;
  std::size_t chunk_values = 0;  // automatic
  std::string lossless;          // zstd or none; empty: zstd, or none under -M FXR
  std::string codebooks;
  std::string codebook_mode = "auto";
  bool print_plan = false;
};

CodebookMode parse_codebook_mode(const std::string& mode) {
  for (CodebookMode m : {CodebookMode::kAuto, CodebookMode::kOffline, CodebookMode::kInline}) {
    if (mode == to_string(m)) return m;
  }
  throw usage_error("--codebook-mode", fmt::format("'{}' is not auto, offline or inline", mode));
}

// Chunks per codebook source and the constant ones, e.g. "3 inline, 10 offline, 2 reused".
std::string source_counts(const std::array<std::size_t, kCodebookSources>& counts,
                          std::size_t constant) {
  return fmt::format("{} inline, {} offline, {} reused{}", counts[0], counts[1], counts[2],
                     constant > 0 ? fmt::format(", {} constant (one value)", constant) : "");
}

// How far from its target a fixed ratio may land before a warning (../shared/papers/compress.md §6,
// goal 5).
constexpr double kFixedRatioTolerance = 0.05;

nlohmann::json error_json(const ErrorStats& e) {
  return {{"max_abs_error", e.max_abs_error},
          {"max_rel_error", e.max_rel_error},
          {"psnr_db", e.psnr_db},
          {"nrmse", e.nrmse},
          {"compared", e.compared}};
}

// ", values on a grid of 3.28" when the stream prequantizes by the values' grid (value_grid.hpp).
std::string grid_note(const StreamHeader& h) {
  return h.grid_step > 0 ? fmt::format(", values on a grid of {:.6g}", h.grid_step) : "";
}

// Huffman bits over those of each chunk's own optimal code, minus one.
double huffman_overhead(const CompressResult& r) {
  return r.optimal_bits == 0
             ? 0.0
             : static_cast<double>(r.huffman_bits) / static_cast<double>(r.optimal_bits) - 1.0;
}

void print_analysis(const CompressResult& r, const ErrorStats& e, double compress_s,
                    double decompress_s) {
  const double mb = static_cast<double>(r.input_bytes) / 1e6;
  const double values = static_cast<double>(r.input_bytes / element_bytes(r.header.type));
  std::cerr << fmt::format(
      "ratio {:.3f} ({:.3f} bits/value), error bound {:.6g} ({}){}, max error {:.6g} "
      "(rel {:.3g}), PSNR {:.2f} dB, NRMSE {:.3g}\n"
      "compress {:.1f} MB/s, decompress {:.1f} MB/s, {} chunks, {} outliers\n"
      "Huffman {:.3f} bits/value ({:+.2f}% over each chunk's own code), chunk codes: {}\n",
      r.ratio(), r.bits_per_value(), r.header.error_bound, to_string(r.header.requested),
      grid_note(r.header), e.max_abs_error, e.max_rel_error, e.psnr_db, e.nrmse, mb / compress_s,
      mb / decompress_s, r.chunks, r.outliers, static_cast<double>(r.huffman_bits) / values,
      100 * huffman_overhead(r), source_counts(r.chunks_by_source, r.constant_chunks));
}

// Writes the decoded field of `stream` (named `source`) to -o: chunk by chunk into its temporary
// file, or, written in place (standard output, a FIFO), once the whole field is decoded.
void write_decompressed(std::span<const std::byte> stream, const std::string& source,
                        OutputFile& output, const CodebookSet* codebooks) {
  if (output.in_place()) {
    output.write(encode_raw(decompress(stream, source, codebooks)));
  } else {
    decompress_to_output(stream, source, output, codebooks);  // a few chunks in memory at a time
  }
}

// The bytes of the .tsz stream -z names, and the name its errors use.
std::pair<std::vector<std::byte>, std::string> read_stream(const std::string& path) {
  if (cli::is_standard_stream(path)) return {cli::read_standard_input(), "stdin"};
  return {read_file(path), path};
}

// The outputs of a run, opened before any work, so that an output that cannot be written fails
// first; committed together at the end, so that a failure leaves neither.
struct Outputs {
  std::optional<OutputFile> stream;  // -z when compressing
  std::optional<OutputFile> field;   // -o

  // Writes `bytes` (the stream, unless it went to its temporary file already) and commits both.
  void commit(std::span<const std::byte> bytes) {
    if (stream) {
      stream->write(bytes);
      stream->commit();
    }
    if (field) field->commit();
  }
};

// The plan as one JSON object (--print-plan --json).
nlohmann::json plan_json(const CompressPlan& plan) {
  nlohmann::json out = {{"bound", to_string(plan.requested)},
                        {"error_bound", plan.error_bound},
                        {"grid_step", plan.grid_step},
                        {"radius", plan.radius},
                        {"chunks", plan.chunks},
                        {"slices_per_chunk", plan.slices_per_chunk},
                        {"codebook_mode", to_string(plan.codebook_mode)},
                        {"codebooks", plan.codebooks == nullptr                   ? "none"
                                      : plan.codebooks == &default_codebook_set() ? "built-in"
                                                                                  : "custom"},
                        {"lossless", plan.lossless == Lossless::kZstd ? "zstd" : "none"},
                        {"zstd_level", plan.zstd_level}};
  if (plan.requested.mode == BoundMode::kFixedRatio) {
    out["expected_ratio"] = plan.expected_ratio;
    out["estimates"] = plan.estimates;
  }
  return out;
}

// Checks the options of a compression before any work.
CompressOptions compress_options(const CompressCommand& c, const CodebookSet* codebooks) {
  if (!c.lossless.empty() && c.lossless != "zstd" && c.lossless != "none") {
    throw usage_error("--lossless", fmt::format("'{}' is not zstd or none", c.lossless));
  }
  CompressOptions options;
  options.bound = c.field.bound();
  if (options.bound.mode == BoundMode::kFixedRatio && c.lossless == "zstd") {
    throw usage_error("--lossless",
                      "-M FXR streams use none: the ratio search predicts sizes "
                      "exactly only without zstd");
  }
  options.radius = c.radius;
  options.chunk_values = c.chunk_values;
  options.lossless = c.lossless == "none" ? Lossless::kNone : Lossless::kZstd;
  options.codebook_mode = parse_codebook_mode(c.codebook_mode);
  options.codebooks = codebooks;
  options.progress = true;
  return options;
}

// Refuses outputs that are the same file as an input or as each other (exit 2), before any work.
void refuse_overlapping_files(const CompressCommand& c) {
  const bool compressing = !c.input.empty();
  const std::array inputs = {cli::FileArgument{"-i", compressing ? spec_file(c.input) : ""},
                             cli::FileArgument{"-z", compressing ? "" : c.compressed},
                             cli::FileArgument{"--codebooks", c.codebooks}};
  const std::array outputs = {cli::FileArgument{"-z", compressing ? c.compressed : ""},
                              cli::FileArgument{"-o", c.decompressed}};
  cli::refuse_overlapping_files(inputs, outputs);
}

void run_compress(const CompressCommand& c) {
  if (c.input.empty() && c.compressed.empty()) {
    throw usage_error("tessera compress", "give -i to compress and/or -z to decompress");
  }
  const bool compressing = !c.input.empty();
  const bool stdout_data = (compressing && cli::is_standard_stream(c.compressed)) ||
                           cli::is_standard_stream(c.decompressed);
  if (stdout_data && c.json) {
    throw usage_error("--json", "standard output carries the data (-z - or -o -)");
  }
  if (compressing && cli::is_standard_stream(c.compressed) &&
      cli::is_standard_stream(c.decompressed)) {
    throw usage_error("-o", "-z - already writes to standard output");
  }
  if (c.print_plan && !compressing) throw usage_error("--print-plan", "needs -i");
  if (!compressing && c.decompressed.empty()) throw usage_error("-o", "needed to decompress -z");
  refuse_overlapping_files(c);
  std::optional<CodebookSet> codebooks;
  if (!c.codebooks.empty()) codebooks = read_codebook_set(c.codebooks);
  const CodebookSet* custom = codebooks ? &*codebooks : nullptr;
  const std::optional<CompressOptions> checked =
      compressing ? std::optional(compress_options(c, custom)) : std::nullopt;

  Outputs outputs;
  if (!c.print_plan) {
    if (compressing && !c.compressed.empty()) outputs.stream.emplace(c.compressed);
    if (!c.decompressed.empty()) outputs.field.emplace(c.decompressed);
  }
  if (!compressing) {  // decompress -z into -o
    const auto [stream, source] = read_stream(c.compressed);
    write_decompressed(stream, source, *outputs.field, custom);
    outputs.commit({});
    return;
  }
  const CompressOptions& options = *checked;
  const Field input = c.field.open(c.input);
  const FieldView& original = input;
  if (c.print_plan) {
    const CompressPlan plan = plan_compression(original, options);
    std::cout << (c.json ? plan_json(plan).dump() + "\n" : to_string(plan));
    return;
  }

  Stopwatch compress_time;
  CompressResult result;
  std::vector<std::byte> stream;
  // Straight into -z's temporary file when nothing reads the stream back; otherwise in memory.
  const bool stream_to_file =
      outputs.stream && !outputs.stream->in_place() && !outputs.field && !c.analyse;
  if (stream_to_file) {
    result = compress_to_output(original, options, *outputs.stream);
  } else {
    stream = compress_to_memory(original, options, &result);
  }
  const double compress_s = compress_time.elapsed();
  if (options.bound.mode == BoundMode::kFixedRatio &&
      std::fabs(result.ratio() / options.bound.ratio - 1) > kFixedRatioTolerance) {
    std::cerr << fmt::format(
        "warning: {}: ratio {:.3f} is the closest to the target {:g} that the search found "
        "(error bound {:.6g})\n",
        c.input, result.ratio(), options.bound.ratio, result.header.error_bound);
  }
  if (!outputs.field && !c.analyse) {
    if (!c.json) std::cerr << fmt::format("ratio {:.3f}\n", result.ratio());
    if (c.json) std::cout << nlohmann::json{{"ratio", result.ratio()}}.dump() << "\n";
    outputs.commit(stream);
    return;
  }
  if (!c.analyse) {  // -o alone
    write_decompressed(stream, c.input, *outputs.field, custom);
    outputs.commit(stream);
    return;
  }
  Stopwatch decompress_time;
  const Field decoded = decompress(stream, c.input, custom);
  const double decompress_s = decompress_time.elapsed();

  const ErrorStats errors = compare_fields(original, decoded);
  if (c.json) {
    std::cout << nlohmann::json{{"input", c.input},
                                {"shape", original.shape},
                                {"type", to_string(original.type)},
                                {"bound", to_string(result.header.requested)},
                                {"error_bound", result.header.error_bound},
                                {"grid_step", result.header.grid_step},
                                {"ratio", result.ratio()},
                                {"bits_per_value", result.bits_per_value()},
                                {"compress_mb_s", result.input_bytes / 1e6 / compress_s},
                                {"decompress_mb_s", result.input_bytes / 1e6 / decompress_s},
                                {"huffman_overhead", huffman_overhead(result)},
                                {"codebook_chunks",
                                 {{"inline", result.chunks_by_source[0]},
                                  {"offline", result.chunks_by_source[1]},
                                  {"reused", result.chunks_by_source[2]},
                                  {"constant", result.constant_chunks}}},
                                {"errors", error_json(errors)}}
                     .dump()
              << "\n";
  } else {
    print_analysis(result, errors, compress_s, decompress_s);
  }
  const BoundCheck check = check_abs_bound(original, decoded, result.header.error_bound);
  if (!check.ok) {
    throw verification_error(c.input, fmt::format("{} values exceed the bound, first at index {}",
                                                  check.violations, check.first_violation));
  }
  if (outputs.field) write_raw(*outputs.field, decoded);
  outputs.commit(stream);
}

void add_verify(CLI::App& parent) {
  auto options = std::make_shared<FieldOptions>();
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* verify = parent.add_subcommand(
      "verify", "Check a decompressed field against the original; exit 3 on a violated bound");
  verify->add_option("files", *files, "ORIGINAL DECOMPRESSED (raw files or file.nc:VAR)")
      ->expected(2)
      ->required();
  options->add_to(*verify);
  options->add_bound_to(*verify);
  verify->footer(
      "Examples:\n"
      "  tessera compress verify field.f32 field.out -f -3 360 180 20 -M REL 1e-3\n"
      "  tessera compress verify etopo20.cdf:ROSE rose.out -M ABS 0.5");
  verify->callback([options, files] {
    with_flag_names([&] {
      if (options->mode.size() == 1 && options->mode[0] == "FXR") {
        throw usage_error("-M",
                          "FXR has no bound to verify: give -M ABS with the stream's error "
                          "bound (tessera compress info)");
      }
      const Field original_field = options->open(files->at(0));
      const FieldView& original = original_field;
      const Field decoded_field =
          read_field(files->at(1), original.type,
                     options->shape().empty() ? original.shape : options->shape());
      const FieldView& decoded = decoded_field;
      const double eb = resolve_error_bound(original, options->bound());
      const ErrorStats e = compare_fields(original, decoded);
      std::cout << fmt::format("max error {:.6g} (bound {:.6g}), PSNR {:.2f} dB, NRMSE {:.3g}\n",
                               e.max_abs_error, eb, e.psnr_db, e.nrmse);
      const BoundCheck check = check_abs_bound(original, decoded, eb);
      if (!check.ok) {
        throw verification_error(files->at(1),
                                 fmt::format("{} values exceed the bound {:.6g}, "
                                             "first at index {}",
                                             check.violations, eb, check.first_violation));
      }
    });
  });
}

void add_info(CLI::App& parent) {
  auto file = std::make_shared<std::string>();
  CLI::App* info = parent.add_subcommand("info", "Describe a .tsz stream");
  info->add_option("file", *file, "Compressed stream")->required();
  info->footer("Example:\n  tessera compress info field.tsz");
  info->callback([file] {
    const std::vector<std::byte> stream = read_file(*file);
    const StreamLayout layout = read_layout(stream, *file);
    const StreamHeader& h = layout.header;
    std::uint64_t outliers = 0, zstd_chunks = 0;
    std::array<std::size_t, kCodebookSources> sources{};
    std::size_t constant_chunks = 0;
    for (std::size_t i = 0; i < layout.chunks.size(); ++i) {
      const ChunkRecord& c = layout.chunks[i];
      outliers += c.outliers;
      zstd_chunks += (c.flags & kChunkZstd) != 0 ? 1 : 0;
      if ((c.flags & kChunkConstant) != 0) {
        ++constant_chunks;
        continue;
      }
      const auto payload = std::span(stream).subspan(layout.offsets[i], c.bytes);
      ++sources[static_cast<std::size_t>(
          codebook_source_of(payload, fmt::format("{} chunk {}", *file, i)))];
    }
    std::string set = "none";
    if (h.codebook_set == kCustomCodebookSet) {
      set = fmt::format("custom set, hash {:08x}", h.codebook_hash);
    } else if (h.codebook_set != kNoCodebookSet) {
      set = fmt::format("built-in set {}, hash {:08x}", h.codebook_set, h.codebook_hash);
    }
    std::size_t values = 1;
    for (std::size_t d : h.shape) values *= d;
    const double raw = static_cast<double>(values * element_bytes(h.type));
    std::cout << fmt::format(
        "{}: {} {} (slowest first), {} -> error bound {:.6g}{}, radius {}, {}\n"
        "{} chunks of {} slices ({} with zstd), {} outliers, {} bytes, ratio {:.3f}\n"
        "offline codebooks: {}; chunk codes: {}\n",
        *file, to_string(h.type), shape_string(h.shape), to_string(h.requested), h.error_bound,
        grid_note(h), h.radius,
        h.fill_value ? fmt::format("fill value {:g}", *h.fill_value) : "no fill value",
        layout.chunks.size(), h.slices_per_chunk, zstd_chunks, outliers, stream.size(),
        raw / static_cast<double>(stream.size()), set, source_counts(sources, constant_chunks));
  });
}

// The C++ table of .tcb bytes that codebook.cpp includes (compress/src/default_codebooks.inc),
// with a header comment that names the command regenerating it.
std::string codebook_table_source(std::span<const std::byte> tcb, const CodebookSet& set,
                                  const std::string& command) {
  std::string out = fmt::format(
      "// Generated by `tessera compress train`; do not edit: the .tcb bytes (codebook.hpp)\n"
      "// of the offline codebook set built into the library, included by codebook.cpp:\n"
      "// {} books over radius {}, hash {:08x}. Regenerate from the repository root with a\n"
      "// Release build:\n"
      "// {}\n",
      set.books.size(), set.radius, codebook_set_hash(set), command);
  for (std::size_t i = 0; i < tcb.size(); i += 16) {
    const auto line = tcb.subspan(i, std::min<std::size_t>(16, tcb.size() - i));
    for (std::size_t j = 0; j < line.size(); ++j) {
      out += fmt::format("{}0x{:02x},", j == 0 ? "" : " ", static_cast<unsigned>(line[j]));
    }
    out += "\n";
  }
  return out;
}

// The flags that set TrainingOptions' fields.
constexpr std::array<cli::FlagOfField, 2> kTrainingFlags = {{
    {"TrainingOptions::bit_rates", "--bit-rates"},
    {"TrainingOptions::chunk_values", "--chunk"},
}};

struct TrainCommand {
  FieldOptions field;
  std::vector<std::string> inputs;
  std::string set;  // a set of compress/data.json, trained on after the inputs
  std::string output;
  TrainingOptions training;
};

// The training inputs: those given, then those of --set (an error naming any that is missing).
std::vector<std::string> training_inputs(const TrainCommand& c) {
  std::vector<std::string> specs = c.inputs;
  if (!c.set.empty()) {
    for (const DataInput& input : data_manifest().set(c.set)) {
      if (!input.present) throw Error(input.id, input.missing_reason);
      specs.push_back(input.spec());
    }
  }
  if (specs.empty()) throw usage_error("train", "give training fields or --set");
  return specs;
}

void run_train(const TrainCommand& c) {
  cli::with_flag_names(kTrainingFlags, [&] { check_training_options(c.training); });
  const std::vector<std::string> specs = training_inputs(c);
  std::vector<cli::FileArgument> inputs;
  for (const std::string& spec : specs) inputs.push_back({"", spec_file(spec)});
  const std::array outputs = {cli::FileArgument{"-o", c.output}};
  cli::refuse_overlapping_files(inputs, outputs);
  OutputFile output(c.output);  // opened first: training takes a while
  std::vector<Field> fields;
  for (const std::string& spec : specs) fields.push_back(c.field.open(spec));
  std::vector<TrainingPoint> report;
  const CodebookSet set = train_codebooks(fields, c.training, &report);
  for (const TrainingPoint& p : report) {
    std::cerr << fmt::format("{:5.2f} bits/value: {} at error bound {:.6g} gives {:.3f}{}\n",
                             p.target, p.field, p.error_bound, p.bits_per_value,
                             p.used ? "" : " (too far: not used)");
  }
  const std::vector<std::byte> tcb = encode_codebook_set(set);
  if (c.output.ends_with(".inc")) {
    const std::string command = fmt::format(
        "tessera compress train -o {} --radius {} --chunk {} --bit-rates {}{}{}{}", c.output,
        c.training.radius, c.training.chunk_values, fmt::join(c.training.bit_rates, ","),
        c.field.flags(), c.set.empty() ? "" : " --set " + c.set,
        c.inputs.empty() ? "" : fmt::format(" {}", fmt::join(c.inputs, " ")));
    const std::string source = codebook_table_source(tcb, set, command);
    output.write(std::as_bytes(std::span(source)));
  } else {
    output.write(tcb);
  }
  output.commit();
  std::cerr << fmt::format("{}: {} books over radius {} ({} bytes of .tcb), hash {:08x}\n",
                           c.output, set.books.size(), set.radius, tcb.size(),
                           codebook_set_hash(set));
}

void add_train(CLI::App& parent) {
  auto c = std::make_shared<TrainCommand>();
  CLI::App* train = parent.add_subcommand(
      "train", "Train an offline codebook set (.tcb): one Huffman code per bit-rate");
  train->add_option("inputs", c->inputs, "Training fields: raw files or file.nc:VARIABLE");
  train->add_option("--set", c->set,
                    "Also train on this set of compress/data.json (the built-in set: "
                    "codebook-training)");
  train
      ->add_option("-o", c->output,
                   "Output: a .tcb file, or with .inc the C++ table of the built-in set")
      ->required();
  c->field.add_to(*train);
  train->add_option("--radius", c->training.radius, "Quantization radius of the books")
      ->check(CLI::Range(2u, kMaxRadius));
  train->add_option("--chunk", c->training.chunk_values, "Target values per chunk")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  train->add_option_function<std::string>(
      "--bit-rates",
      [c](const std::string& list) { c->training.bit_rates = parse_sweep(list, "--bit-rates"); },
      "Bit-rates of the books in bits per non-fill value, increasing, as a list (2,3,4 or 2:8:1)");
  train->footer(
      "Each field's error bound is tuned to each bit-rate; the books average the fields' code\n"
      "histograms. Examples:\n"
      "  tessera compress train -o books.tcb etopo5.cdf:ROSE hgt.nc:HGT\n"
      "  tessera compress train -o books.tcb --bit-rates 2,3,4 a.f32 b.f32 -f -2 360 180\n"
      "  tessera compress -i field.f32 -z field.tsz -f -2 360 180 -M REL 1e-3 --codebooks "
      "books.tcb");
  train->callback([c] { run_train(*c); });
}

const cli::Registrar kCompress(
    "compress", "Error-bounded lossy compression of float32/float64 fields (CEAZ)",
    [](CLI::App& app) {
      auto c = std::make_shared<CompressCommand>();
      app.require_subcommand(0, 1);
      app.add_option("-i", c->input,
                     "Field to compress: raw file, file.nc:VARIABLE, or - (raw, standard input)");
      app.add_option("-z", c->compressed,
                     "Compressed stream (.tsz): written, or read without -i; - for standard "
                     "output (input without -i)");
      app.add_option("-o", c->decompressed, "Decompressed raw output; - for standard output");
      c->field.add_to(app);
      c->field.add_bound_to(app);
      app.add_flag("-a", c->analyse, "Print ratio, errors, PSNR, NRMSE and speeds");
      app.add_flag("--json", c->json, "Print the results as one JSON object");
      app.add_flag("--print-plan", c->print_plan,
                   "Print the plan a run would use (bound, grid, chunks, codebooks, back end) "
                   "and compress nothing");
      app.add_option("--radius", c->radius, "Quantization radius (codes 1..2r-1)")
          ->check(CLI::Range(2u, kMaxRadius));
      app.add_option("--chunk", c->chunk_values,
                     "Target values per chunk (default: 2^18, fewer for small fields)")
          ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
      app.add_option("-C", c->field.ratio, "Target compression ratio of -M FXR (as in SZx)");
      app.add_option("--codebooks", c->codebooks,
                     "Offline codebook set (.tcb from `train`) instead of the built-in one; "
                     "needed again to decompress");
      app.add_option("--codebook-mode", c->codebook_mode,
                     "Chunk codes: auto (smallest of offline book, reused and own code), "
                     "offline or inline");
      app.add_option("--lossless", c->lossless,
                     "Back end over the Huffman stream: zstd (default) or none (always, with FXR)");
      app.footer(
          "Dimensions are given fastest first, as in SZ3 and zfp; raw values are float32 unless\n"
          "-d is given. Data goes to standard output only with -z - or -o -, and only once it is\n"
          "complete; messages go to standard error. Exit codes: 0 success, 1 failure (bad or\n"
          "missing file), 2 usage error, 3 a violated error bound (-a, verify).\n"
          "Examples:\n"
          "  tessera compress -i field.f32 -z field.tsz -f -3 360 180 20 -M REL 1e-3\n"
          "  tessera compress -z field.tsz -o field.out\n"
          "  tessera compress -i field.f32 -z field.tsz -o field.out -f -3 360 180 20 "
          "-M ABS 0.01 -a\n"
          "  tessera compress -i etopo5.cdf:ROSE -z rose.tsz -M REL 1e-4 -a\n"
          "  tessera compress -i etopo5.cdf:ROSE -z rose.tsz -M FXR -C 10 -a\n"
          "  cat field.f32 | tessera compress -i - -z - -2 360 180 -M ABS 0.01 > field.tsz\n"
          "  tessera compress -z - -o - < field.tsz > field.out\n"
          "  tessera compress verify field.f32 field.out -f -3 360 180 20 -M REL 1e-3\n"
          "  tessera compress -i field.f32 -z field.tsz -f -3 360 180 20 -M REL 1e-3 "
          "--codebook-mode offline\n"
          "  tessera compress train -o books.tcb field1.nc:T field2.nc:T\n"
          "  tessera compress -i field.nc:T -z field.tsz -M REL 1e-3 --codebooks books.tcb\n"
          "  tessera compress -z field.tsz -o field.out --codebooks books.tcb\n"
          "  tessera compress info field.tsz");
      app.callback([c, &app] {
        if (app.get_subcommands().empty()) with_flag_names([&] { run_compress(*c); });
      });
      add_verify(app);
      add_info(app);
      add_train(app);
    });

}  // namespace
}  // namespace tessera::compress
