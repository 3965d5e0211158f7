// `tessera sparse accel`: the multi-format accelerator model against the same accelerator that
// takes CSR only, on real matrices kept in their most compact format (the advisor's storage pick)
// or in every candidate format; host conversions to CSR are timed with this library. Prints a
// table and a geometric mean, and draws speedup against density as a PNG.
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/core/scatter_png.hpp"
#include "matrix_inputs.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/sparse/accelerator.hpp"
#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/format_timing.hpp"
#include "tessera/sparse/storage.hpp"

namespace tessera::sparse {
namespace {

struct AccelCommand {
  std::vector<std::string> inputs;
  std::string png;
  bool every_format = false;
  bool json = false;
  AcceleratorParameters p;
  double clock_ghz = 1, memory_gbs = 256, link_gbs = 16;
};

void run_accel(AccelCommand c) {
  c.p.clock_hz = c.clock_ghz * 1e9;
  c.p.memory_bytes_per_second = c.memory_gbs * 1e9;
  c.p.link_bytes_per_second = c.link_gbs * 1e9;
  const FormatSpec csr_format = parse_format("csr", 2);
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::pair<double, double>> kept_points, other_points;
  double log_sum = 0;
  std::size_t count = 0;
  if (!c.json) {
    std::cout << fmt::format("{:<26} {:>9} {:<11} {:>11} {:>12} {:>12} {:>8}\n", "matrix", "density",
                             "kept as", "convert s", "multi s", "csr-only s", "speedup");
  }
  for (const NamedMatrix& m : read_matrices(c.inputs, "accel")) {
    const SparseTensor csr = convert(m.matrix, csr_format);
    const MatrixProfile profile = profile_matrix(csr);
    const double density = static_cast<double>(profile.entries) / (static_cast<double>(profile.rows) * profile.cols);
    const FormatSpec kept = advise_storage(profile);
    std::vector<FormatSpec> formats = {kept};
    if (c.every_format) {
      for (const FormatCost& f : estimate(profile, 1, nullptr)) {
        if (f.format.name != kept.name && f.storage_bytes <= (256u << 20)) formats.push_back(f.format);
      }
    }
    for (const FormatSpec& f : formats) {
      const SparseTensor a = convert(csr, f);
      const double conversion = time_formats(csr, {f}, 1, 0.02).at(0).to_csr_seconds;
      const AcceleratorTime multi = multi_format_time(a, c.p);
      const AcceleratorTime only = csr_only_time(csr, conversion, c.p);
      const double speedup = only.total() / multi.total();
      const bool is_kept = f.name == kept.name;
      (is_kept ? kept_points : other_points).emplace_back(density, speedup);
      if (is_kept) {
        log_sum += std::log(speedup);
        ++count;
      }
      rows.push_back({{"matrix", m.name}, {"density", density}, {"format", f.name}, {"kept", is_kept},
                      {"storage_bytes", storage_bytes(a).total()}, {"host_conversion_s", conversion},
                      {"multi_format_s", multi.total()}, {"csr_only_s", only.total()}, {"speedup", speedup}});
      if (!c.json) {
        std::cout << fmt::format("{:<26} {:>8.4f}% {:<11} {:>11.3e} {:>12.3e} {:>12.3e} {:>7.2f}x\n",
                                 is_kept ? m.name : "", 100 * density, f.name, conversion, multi.total(),
                                 only.total(), speedup);
      }
    }
  }
  const double geomean = std::exp(log_sum / static_cast<double>(count));
  const std::string parameters = fmt::format(
      "{} GHz, {} multiply-add units, memory {} GB/s, link {} GB/s, {} column(s), {} run(s)", c.clock_ghz,
      c.p.multiply_add_units, c.memory_gbs, c.link_gbs, c.p.columns, c.p.runs);
  if (c.json) {
    std::cout << nlohmann::json{{"parameters", parameters}, {"geometric_mean_speedup", geomean}, {"rows", rows}}
              << "\n";
  } else {
    std::cout << fmt::format("geometric mean speedup of the multi-format design over CSR-only + host "
                             "conversion: {:.2f}x over {} matrices ({})\n",
                             geomean, count, parameters);
  }
  if (c.png.empty()) return;
  ScatterPlot plot{.title = "SpMV: multi-format accelerator over CSR-only (host converts)",
                           .x_label = "density (entries / (rows x cols))",
                           .y_label = "speedup",
                           .series = {{"kept in its smallest format", {200, 40, 40}, kept_points}},
                           .reference_y = 1};
  if (!other_points.empty()) plot.series.push_back({"other formats", {90, 120, 200}, other_points});
  OutputFile out(c.png);
  out.write(render_png(plot));
  out.commit();
  std::cerr << fmt::format("wrote {}\n", out.name());
}

}  // namespace

/// Adds `accel` to the sparse command (sparse_command.cpp).
void add_accel(CLI::App& parent) {
  auto c = std::make_shared<AccelCommand>();
  CLI::App* app = parent.add_subcommand(
      "accel", "Model a multi-format sparse accelerator against a CSR-only one that converts on the host");
  app->add_option("-i", c->inputs, "Matrices (.mtx, .npz, .tsp; default: the real matrices of the data manifest)");
  app->add_option("--png", c->png, "Write speedup against density to this PNG file");
  app->add_flag("--every-format", c->every_format, "Also model the matrix kept in every other candidate format");
  app->add_option("--clock-ghz", c->clock_ghz, "Accelerator clock")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--units", c->p.multiply_add_units, "Multiply-add units")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--memory-gbs", c->memory_gbs, "Accelerator memory bandwidth, GB/s")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--link-gbs", c->link_gbs, "Host link bandwidth, GB/s")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--columns", c->p.columns, "Dense columns (1: SpMV)")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--runs", c->p.runs, "Kernel runs per transfer and conversion")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_flag("--json", c->json, "Print the rows as one JSON object");
  app->footer(
      "Front-end decode costs (cycles per step): dense and block positions 0.125, compressed offsets\n"
      "and coordinates, singleton coordinates, bitmap words and set bits, run symbols and padded slots 1.\n"
      "Examples:\n"
      "  tessera sparse accel --png accel.png\n"
      "  tessera sparse accel -i bcsstk13.mtx --every-format --runs 10");
  app->callback([c] { run_accel(*c); });
}

}  // namespace tessera::sparse
