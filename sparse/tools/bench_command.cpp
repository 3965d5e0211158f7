// `tessera sparse bench`: each matrix kept in every candidate format, timed here — SpMV or SpMM
// in the format, and the conversion to CSR a CSR-only consumer needs first — beside the format
// advisor's picks from its calibrated cost model, and how often its kernel pick is within 10% of
// the measured fastest.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "matrix_inputs.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/sparse/advisor.hpp"
#include "tessera/sparse/convert.hpp"
#include "tessera/sparse/format_timing.hpp"

namespace tessera::sparse {
namespace {

struct BenchCommand {
  std::vector<std::string> inputs;
  std::uint32_t columns = 1;
  double seconds = 0.05;
  bool json = false;
};

void run_bench(const BenchCommand& c) {
  const std::vector<NamedMatrix> matrices = read_matrices(c.inputs, "bench");
  std::cerr << fmt::format("calibrating the cost model on {} ({} threads)...\n",
                           detect_cpu_features().brand, thread_count());
  const CostModel model = CostModel::calibrate();
  nlohmann::json results = nlohmann::json::array();
  std::size_t within = 0;
  for (const NamedMatrix& m : matrices) {
    const SparseTensor csr = convert(m.matrix, parse_format("csr", 2));
    const MatrixProfile profile = profile_matrix(csr);
    const std::vector<FormatTiming> timings = time_formats(csr, advisor_candidates(), c.columns, c.seconds);
    const FormatTiming& csr_timing =
        *std::find_if(timings.begin(), timings.end(), [](const FormatTiming& t) { return t.format.name == "csr"; });
    const FormatTiming& best = *std::min_element(timings.begin(), timings.end(), [](const FormatTiming& a, const FormatTiming& b) {
      return a.kernel_seconds < b.kernel_seconds;
    });
    const std::string pick = advise_kernel(profile, c.columns, model).name;
    const auto picked = std::find_if(timings.begin(), timings.end(), [&](const FormatTiming& t) { return t.format.name == pick; });
    const double ratio = picked == timings.end() ? INFINITY : picked->kernel_seconds / best.kernel_seconds;
    within += ratio <= 1.1;
    nlohmann::json formats = nlohmann::json::array();
    for (const FormatTiming& t : timings) {
      formats.push_back({{"format", t.format.name}, {"storage_bytes", t.storage_bytes},
                         {"kernel_s", t.kernel_seconds}, {"to_csr_s", t.to_csr_seconds},
                         {"convert_then_csr_s", t.to_csr_seconds + csr_timing.kernel_seconds}});
    }
    results.push_back({{"matrix", m.name}, {"storage_pick", advise_storage(profile).name},
                       {"kernel_pick", pick}, {"fastest", best.format.name}, {"pick_over_fastest", ratio},
                       {"formats", formats}});
    if (c.json) continue;
    std::cout << fmt::format("{}: {}x{}, {} entries\n  {:<10} {:>12} {:>11} {:>11} {:>9}\n", m.name,
                             profile.rows, profile.cols, profile.entries, "format", "bytes", "native s",
                             "convert s", "conv/nat");
    for (const FormatTiming& t : timings) {
      const double converting = t.to_csr_seconds + csr_timing.kernel_seconds;
      std::cout << fmt::format("  {:<10} {:>12} {:>11.3e} {:>11.3e} {:>9.2f}\n", t.format.name, t.storage_bytes,
                               t.kernel_seconds, converting, converting / t.kernel_seconds);
    }
    std::cout << fmt::format("  advisor: storage {}, {} {}; measured fastest {} ({:.2f}x of it)\n",
                             advise_storage(profile).name, c.columns == 1 ? "SpMV" : "SpMM", pick,
                             best.format.name, ratio);
  }
  const std::string summary = fmt::format("advisor's pick within 10% of the measured fastest format on {} of {} "
                                          "matrices",
                                          within, matrices.size());
  if (c.json) {
    std::cout << nlohmann::json{{"machine", detect_cpu_features().brand}, {"columns", c.columns},
                                {"within_10_percent", within}, {"matrices", results}}
              << "\n";
  } else {
    std::cout << summary << " (" << detect_cpu_features().brand << ")\n";
  }
}

}  // namespace

/// Adds `bench` to the sparse command (sparse_command.cpp).
void add_bench(CLI::App& parent) {
  auto c = std::make_shared<BenchCommand>();
  CLI::App* app = parent.add_subcommand(
      "bench", "Time a matrix in every format (native vs convert-then-CSR) beside the advisor's picks");
  app->add_option("-i", c->inputs, "Matrices (.mtx, .npz, .tsp; default: the real matrices of the data manifest)");
  app->add_option("--columns", c->columns, "Dense columns (1: SpMV)")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_option("--seconds", c->seconds, "Timing budget per measurement")->capture_default_str()->check(CLI::PositiveNumber);
  app->add_flag("--json", c->json, "Print the results as one JSON object");
  app->footer(
      "native: the kernel in the format; convert: to CSR first, then the CSR kernel. Peers (Eigen,\n"
      "GraphBLAS) are compared by the sparse_bench program (make bench). Examples:\n"
      "  tessera sparse bench -i bcsstk13.mtx\n"
      "  tessera sparse bench --columns 64 --json > formats.json");
  app->callback([c] { run_bench(*c); });
}

}  // namespace tessera::sparse
