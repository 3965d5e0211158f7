// tessera compress against zfp (fixed accuracy, Debian libzfp) on the real netCDF fields of
// compress/data.json's "benchmark" and "benchmark-fill" sets: ratio at the same requested bound and
// at zfp's matched achieved max error, PSNR, compression and decompression speed (interleaved A/B,
// one thread), and tessera's 2-thread speedup. --export DIR writes the fields as raw files plus a
// manifest for the SZ3 peer script (sz3_peer.py, run by after-bench.sh).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "tessera/bench/bench.hpp"
#include "tessera/bench/bench_report.hpp"
#include "tessera/compress/compressor.hpp"
#include "tessera/compress/data_manifest.hpp"
#include "tessera/compress/field_io.hpp"
#include "tessera/compress/metrics.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "zfp_peer.hpp"

namespace tessera::compress::bench {
namespace {

struct Quality {
  double ratio = 0;
  double bits_per_value = 0;
  double max_error = 0;
  double psnr = 0;
};

nlohmann::json to_json(const Quality& q) {
  return {{"ratio", q.ratio},
          {"bits_per_value", q.bits_per_value},
          {"max_error", q.max_error},
          {"psnr_db", q.psnr}};
}

Quality quality(const Field& original, const Field& decoded, std::size_t bytes) {
  const ErrorStats e = compare_fields(original, decoded);
  const double raw = static_cast<double>(original.bytes.size());
  return {raw / static_cast<double>(bytes), 8.0 * static_cast<double>(bytes) / original.size(),
          e.max_abs_error, e.psnr_db};
}

Field empty_like(const Field& f) {
  Field out = make_field(f.name, f.type, f.shape);
  out.fill_value = f.fill_value;
  return out;
}

Quality zfp_quality(const Field& f, double tolerance) {
  auto stream = zfp_compress(f, tolerance);
  Field decoded = empty_like(f);
  zfp_decompress(stream, tolerance, decoded);
  return quality(f, decoded, stream.size());
}

// The largest zfp tolerance whose achieved max error stays within eb (bisection on log2).
std::pair<double, Quality> zfp_matched(const Field& f, double eb) {
  double lo = eb, hi = eb * 256;
  Quality best = zfp_quality(f, lo);
  for (int step = 0; step < 10; ++step) {
    const double mid = std::sqrt(lo * hi);
    const Quality q = zfp_quality(f, mid);
    if (q.max_error <= eb) {
      lo = mid;
      best = q;
    } else {
      hi = mid;
    }
  }
  return {lo, best};
}

struct Totals {
  std::vector<double> ratio_vs_zfp, ratio_vs_matched, compress_speedup, decompress_speedup;
};

double geometric_mean(const std::vector<double>& v) {
  double log_sum = 0;
  for (double x : v) log_sum += std::log(x);
  return v.empty() ? 0.0 : std::exp(log_sum / static_cast<double>(v.size()));
}

class Runner {
 public:
  Runner(std::vector<double> bounds, BenchReport& report,
         std::optional<std::filesystem::path> export_dir)
      : bounds_(std::move(bounds)),
        budget_(report.options().budget_seconds),
        report_(report),
        export_dir_(std::move(export_dir)) {}

  void run_field(const Field& f, bool has_fill, Totals& totals) {
    for (double rel : bounds_) run_case(f, rel, has_fill, totals);
    thread_scaling(f);
    if (export_dir_) export_field(f);
  }

  void finish() {
    if (export_dir_) {
      std::ofstream(*export_dir_ / "manifest.json") << manifest_.dump(1) << "\n";
    }
  }

 private:
  void run_case(const Field& f, double rel, bool has_fill, Totals& totals) {
    const ThreadCountScope one_thread(1);
    CompressOptions options;
    options.bound = {BoundMode::kRel, 0, rel};
    CompressResult ours_result;
    std::vector<std::byte> ours_stream = compress_to_memory(f, options, &ours_result);
    const double eb = ours_result.header.error_bound;
    const Field ours_decoded = decompress(ours_stream, f.name);
    const Quality ours = quality(f, ours_decoded, ours_stream.size());
    const Quality zfp_same = zfp_quality(f, eb);
    const auto [matched_tolerance, zfp_match] = zfp_matched(f, eb);

    BenchOptions speed;
    speed.budget_seconds = budget_;
    speed.min_repetitions = 3;
    speed.extra = {{"field", f.name}, {"rel", rel}};
    speed.check = [&] { return check_abs_bound(f, ours_decoded, eb).ok; };
    if (!has_fill) speed.check_b = [&] { return zfp_same.max_error <= eb; };
    const Comparison compress_speed = compare_ab(
        "tessera", [&] { ours_stream = compress_to_memory(f, options); }, "zfp",
        [&] { zfp_compress(f, eb); }, speed);
    auto zfp_stream = zfp_compress(f, eb);
    Field zfp_out = empty_like(f);
    Field ours_out = empty_like(f);
    const Comparison decompress_speed = compare_ab(
        "tessera", [&] { ours_out = decompress(ours_stream, f.name); }, "zfp",
        [&] { zfp_decompress(zfp_stream, eb, zfp_out); }, speed);

    const double mb = static_cast<double>(f.bytes.size()) / 1e6;
    fmt::print(
        "{:<34} REL {:<6g} ratio {:7.2f} vs zfp {:6.2f} ({:5.2f}x; zfp at matched max error "
        "{:6.2f}, {:5.2f}x)  max error {:.4g}/{:.4g} (bound {:.4g})  PSNR {:6.1f}/{:6.1f} dB  "
        "compress {:6.0f}/{:6.0f} MB/s ({:4.2f}x)  decompress {:6.0f}/{:6.0f} MB/s ({:4.2f}x){}\n",
        f.name, rel, ours.ratio, zfp_same.ratio, ours.ratio / zfp_same.ratio, zfp_match.ratio,
        ours.ratio / zfp_match.ratio, ours.max_error, zfp_same.max_error, eb, ours.psnr,
        zfp_same.psnr, mb / compress_speed.a.median, mb / compress_speed.b.median,
        compress_speed.ratio.median, mb / decompress_speed.a.median, mb / decompress_speed.b.median,
        decompress_speed.ratio.median, has_fill ? "  [fill values: zfp cannot honour them]" : "");
    if (!has_fill) {
      totals.ratio_vs_zfp.push_back(ours.ratio / zfp_same.ratio);
      totals.ratio_vs_matched.push_back(ours.ratio / zfp_match.ratio);
      totals.compress_speedup.push_back(compress_speed.ratio.median);
      totals.decompress_speedup.push_back(decompress_speed.ratio.median);
    }
    write({{"suite", "compress"},
           {"field", f.name},
           {"shape", f.shape},
           {"has_fill", has_fill},
           {"rel", rel},
           {"error_bound", eb},
           {"tessera", to_json(ours)},
           {"zfp_same_tolerance", to_json(zfp_same)},
           {"zfp_matched_error", to_json(zfp_match)},
           {"zfp_matched_tolerance", matched_tolerance},
           {"compress_speed", tessera::to_json(compress_speed)},
           {"decompress_speed", tessera::to_json(decompress_speed)},
           {"mb", mb}});
    manifest_cases_.push_back({{"rel", rel}, {"error_bound", eb}});
  }

  void thread_scaling(const Field& f) {
    CompressOptions options;
    options.bound = {BoundMode::kRel, 0, 1e-3};
    BenchOptions speed;
    speed.budget_seconds = budget_;
    speed.min_repetitions = 3;
    speed.extra = {{"field", f.name}, {"rel", 1e-3}};
    const Comparison c = compare_ab(
        "tessera_2_threads",
        [&] {
          const ThreadCountScope threads(2);
          compress_to_memory(f, options);
        },
        "tessera_1_thread",
        [&] {
          const ThreadCountScope threads(1);
          compress_to_memory(f, options);
        },
        speed);
    fmt::print("{:<34} 2 threads: {}\n", f.name, format_comparison(c));
    write({{"suite", "compress_threads"}, {"field", f.name}, {"speed", tessera::to_json(c)}});
  }

  void export_field(const Field& f) {
    const std::string file = fmt::format("{}.{}", manifest_.size(), to_string(f.type));
    write_raw(*export_dir_ / file, f);
    manifest_.push_back({{"name", f.name},
                         {"file", file},
                         {"dtype", f.type == DataType::kFloat64 ? "float64" : "float32"},
                         {"shape", f.shape},
                         {"cases", manifest_cases_}});
    manifest_cases_ = nlohmann::json::array();
  }

  void write(const nlohmann::json& record) { report_.record(record); }

  std::vector<double> bounds_;
  double budget_;
  BenchReport& report_;
  std::optional<std::filesystem::path> export_dir_;
  nlohmann::json manifest_ = nlohmann::json::array();
  nlohmann::json manifest_cases_ = nlohmann::json::array();
};

int run(int argc, char** argv) {
  BenchReport report("tessera compress vs zfp on real netCDF fields");
  report.sweep_option("rel", "Relative error bounds", "1e-2,1e-3,1e-4");
  report.text_option("field",
                     "Only this field: a manifest id (etopo5) or file.nc:VARIABLE (repeatable)");
  report.text_option("export",
                     "Write the fields as raw files + manifest.json here for sz3_peer.py (default "
                     "with --jsonl: compress-fields/ beside the JSON lines file)");
  report.parse(argc, argv);
  const std::vector<double> bounds = report.sweep("rel");
  const std::vector<std::string>& only_fields = report.texts("field");
  std::string export_dir = report.texts("export").empty() ? "" : report.texts("export").back();
  if (export_dir.empty() && !report.jsonl_path().empty()) {
    export_dir = (report.jsonl_path().parent_path() / "compress-fields").string();
  }
  std::optional<std::filesystem::path> export_path;
  if (!export_dir.empty()) {
    export_path = export_dir;
    std::filesystem::create_directories(*export_path);
  }
  Runner runner(bounds, report, export_path);
  Totals totals;
  std::size_t fields = 0;
  const auto run_set = [&](const std::string& set, bool has_fill) {
    for (const DataInput& input : data_manifest().set(set)) {
      const auto named = [&](const std::string& f) { return f == input.spec() || f == input.id; };
      if (!only_fields.empty() && std::ranges::none_of(only_fields, named)) continue;
      if (!input.present) {
        fmt::print("skipped {}: {}\n", input.id, input.missing_reason);
        continue;
      }
      runner.run_field(read_netcdf(input.path, input.variable), has_fill, totals);
      fields += has_fill ? 0 : 1;
    }
  };
  run_set("benchmark", false);
  run_set("benchmark-fill", true);
  runner.finish();
  if (fields == 0) {
    fmt::print("no real fields found: install ferret-datasets and libncarg-data\n");
    return 0;
  }
  const std::size_t per_bound = bounds.size();
  for (std::size_t b = 0; b < per_bound; ++b) {
    std::vector<double> same, matched, comp, decomp;
    for (std::size_t i = b; i < totals.ratio_vs_zfp.size(); i += per_bound) {
      same.push_back(totals.ratio_vs_zfp[i]);
      matched.push_back(totals.ratio_vs_matched[i]);
      comp.push_back(totals.compress_speedup[i]);
      decomp.push_back(totals.decompress_speedup[i]);
    }
    fmt::print(
        "geomean over {} fill-free fields, REL {:g}: ratio {:.2f}x zfp (same bound), {:.2f}x zfp "
        "(matched max error); compress {:.2f}x, decompress {:.2f}x zfp's speed\n",
        fields, bounds[b], geometric_mean(same), geometric_mean(matched), geometric_mean(comp),
        geometric_mean(decomp));
  }
  return 0;
}

}  // namespace
}  // namespace tessera::compress::bench

int main(int argc, char** argv) {
  try {
    return tessera::compress::bench::run(argc, argv);
  } catch (const tessera::Error& e) {
    std::cerr << "compress_bench: " << e.what() << "\n";
    return static_cast<int>(e.exit_code());
  }
}
