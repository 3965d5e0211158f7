// `tessera amoebot study`: rounds of an algorithm over sizes and seeds, fitted against log2 n
// (mean = alpha · log2 n + beta), with percentiles and failure rates, beside the calibration of
// the notes for leader election ((2 + 4κ)·log2 n); a PNG of rounds against log2 n with the fit.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "amoebot_commands.hpp"
#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/compass.hpp"
#include "tessera/amoebot/algorithms/consensus.hpp"
#include "tessera/amoebot/algorithms/leader_election.hpp"
#include "tessera/amoebot/algorithms/pasc.hpp"
#include "tessera/amoebot/algorithms/shape_recognition.hpp"
#include "tessera/amoebot/chain.hpp"
#include "tessera/amoebot/recognition_suite.hpp"
#include "tessera/amoebot/shape_truth.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/amoebot/study.hpp"
#include "tessera/amoebot/verdicts.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/scatter_png.hpp"

namespace tessera::amoebot {
namespace {

struct StudyCommand {
  std::string algorithm;
  std::vector<std::int64_t> sizes{16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1000000};
  std::int64_t seeds = 100;
  int kappa = 3;
  int ratio = 0;  // parallelogram: the side ratio asked for (0: any)
  int power = 0;  // parallelogram: the side power asked for (0: any)
  std::string png;
  bool json = false;
};

constexpr std::int64_t kMaxStudyAmoebots = std::int64_t{1} << 26;

// Runs on a structure of n amoebots: `seeds` up to 16,384 amoebots, fewer above (seeds · 16384 / n,
// at least 3), so that each size costs about the same.
std::int64_t runs_for(std::int64_t n, std::int64_t seeds) {
  return n <= 16384 ? seeds : std::max<std::int64_t>(3, seeds * 16384 / n);
}

// The structures a study runs on, in words.
std::string structures_of(const StudyCommand& c) {
  if (c.algorithm == "pasc") return "spirals (the chain of the nodes in order)";
  if (is_shape(c.algorithm)) return "the shape and one near miss a run (recognition_suite)";
  return "Eden blobs";
}

// What one run gives: its rounds (nullopt when it did not finish), whether it failed, and how
// many amoebots it ran on.
struct RunResult {
  std::optional<std::int64_t> rounds;
  bool failed = false;
  std::int64_t amoebots = 0;
};

constexpr std::int64_t kMaxRounds = 1'000'000;

template <class A>
RunResult finish(Simulator<A>& sim, const std::function<bool()>& right) {
  const auto rounds = sim.run(kMaxRounds);
  return {rounds, !rounds || !right(), static_cast<std::int64_t>(sim.states().size())};
}

// Shape recognition of the suite's shape and of its near miss number seed (modulo their count),
// only those two built: the shape's rounds and size, and whether either verdict was false.
RunResult recognise_once(const StudyCommand& c, std::int64_t n, std::uint64_t seed) {
  const auto [target, ratio, words] = recognition_target(c.algorithm, c.ratio, c.power);
  const std::size_t pick[] = {0, 1 + seed % (recognition_suite_size(target) - 1)};
  const std::vector<Specimen> two = recognition_suite(target, ratio, n, seed, pick);
  RunResult result;
  for (const Specimen& specimen : two) {
    if (specimen.structure.size() > kMaxStudyAmoebots)
      throw usage_error("--sizes", fmt::format("{} makes {} amoebots: at most 2^26", specimen.name,
                                               specimen.structure.size()));
    Simulator<ShapeRecognition> sim(specimen.structure, seed,
                                    ShapeRecognition::initial(target, ratio));
    const bool truth = shape_truth(specimen.structure).accepts(target, ratio);
    const RunResult r = finish(sim, [&] { return sim.states()[0].accepted == truth; });
    if (&specimen == &two.front()) result = r;
    result.failed = result.failed || r.failed;
  }
  return result;
}

// One run on a structure of about n amoebots from `seed`.
RunResult run_once(const StudyCommand& c, std::int64_t n, std::uint64_t seed) {
  if (is_shape(c.algorithm)) return recognise_once(c, n, seed);
  if (c.algorithm == "pasc") {
    const Structure s = make_shape(fmt::format("spiral:{}", n), seed);
    const std::vector<Frame> frames = random_frames(s.size(), seed);
    Simulator<ChainDistance> sim(s, seed, chain_in_order(s, frames), frames);
    return finish(sim, [&] { return distances_in_order(sim); });
  }
  const Structure s = make_shape(fmt::format("blob:{}", n), seed);
  if (c.algorithm == "leader-election") {
    Simulator<LeaderElection> sim(s, seed, LeaderElection::initial(c.kappa));
    return finish(sim, [&] { return leaders(sim) == 1; });
  }
  if (c.algorithm == "chirality") {
    Simulator<ChiralityAgreement> sim(s, seed, ChiralityAgreement::State{});
    return finish(sim, [&] { return one_sense_of_rotation(sim); });
  }
  if (c.algorithm == "compass") {
    Simulator<CompassAlignment> sim(s, seed, CompassAlignment::State{});
    return finish(sim, [&] { return one_compass(sim); });
  }
  Simulator<Consensus> sim(s, seed, Consensus::initial(static_cast<int>(seed % 2), 1));
  return finish(sim, [&] {
    for (const auto& state : sim.states())
      if (state.decided != seed % 2) return false;
    return true;
  });
}

void write_plot(const StudyCommand& c, const std::vector<SizeSummary>& sizes,
                const std::vector<std::vector<std::int64_t>>& rounds, const LogFit& fit) {
  ScatterPlot plot{.title = fmt::format("amoebot {}: rounds against log2 n", c.algorithm),
                   .x_label = "log2 n",
                   .y_label = "rounds",
                   .log_x = false,
                   .log_y = false,
                   .series = {},
                   .reference_y = 0};
  ScatterSeries runs{"runs", {150, 170, 220}, {}}, means{"mean", {20, 60, 200}, {}};
  ScatterSeries line{
      fmt::format("fit {:.2f} log2 n + {:.1f}", fit.alpha, fit.beta), {220, 80, 30}, {}};
  ScatterSeries calibration{"calibration (2 + 4k) log2 n", {40, 160, 60}, {}};
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const double x = std::log2(static_cast<double>(sizes[k].amoebots));
    for (const std::int64_t r : rounds[k]) runs.points.emplace_back(x, static_cast<double>(r));
    means.points.emplace_back(x, sizes[k].mean);
  }
  const double first = std::log2(static_cast<double>(sizes.front().amoebots));
  const double last = std::log2(static_cast<double>(sizes.back().amoebots));
  for (int i = 0; i <= 200; ++i) {
    const double x = first + (last - first) * i / 200.0;
    line.points.emplace_back(x, fit.alpha * x + fit.beta);
    if (c.algorithm == "leader-election")
      calibration.points.emplace_back(x, (2.0 + 4.0 * c.kappa) * x);
  }
  plot.series = {runs, means, line};
  if (!calibration.points.empty()) plot.series.push_back(calibration);
  write_file(c.png, render_png(plot));
}

void run_study(const StudyCommand& c) {
  if (c.sizes.size() < 2) throw usage_error("--sizes", "give at least two sizes");
  for (const std::int64_t n : c.sizes)
    if (n < 1 || n > kMaxStudyAmoebots) throw usage_error("--sizes", "each from 1 to 2^26");
  if (c.seeds < 1) throw usage_error("--seeds", "at least 1");
  if (c.kappa < 1 || c.kappa > 255) throw usage_error("--kappa", "from 1 to 255");
  recognition_target(c.algorithm, c.ratio, c.power);  // the options' usage errors
  std::int64_t total = 0;
  for (const std::int64_t n : c.sizes) total += runs_for(n, c.seeds);
  ProgressBar bar("study", static_cast<std::uint64_t>(total));
  std::vector<SizeSummary> sizes;
  std::vector<std::vector<std::int64_t>> all_rounds;
  for (const std::int64_t n : c.sizes) {
    std::vector<std::int64_t> rounds;
    std::int64_t failures = 0, unfinished = 0, amoebots = n;
    for (std::int64_t seed = 1; seed <= runs_for(n, c.seeds); ++seed) {
      const RunResult r = run_once(c, n, static_cast<std::uint64_t>(seed));
      if (r.rounds) rounds.push_back(*r.rounds);
      unfinished += r.rounds ? 0 : 1;
      failures += r.failed ? 1 : 0;
      amoebots = r.amoebots;  // the shapes' sizes are near n, the same for every seed
      bar.advance();
    }
    sizes.push_back(summarize(amoebots, rounds, failures, unfinished));
    all_rounds.push_back(std::move(rounds));
  }
  bar.finish();
  if (std::all_of(sizes.begin(), sizes.end(),
                  [&](const SizeSummary& z) { return z.amoebots == sizes[0].amoebots; }))
    throw usage_error("--sizes", fmt::format("every size ran on {} amoebots (the smallest shape of "
                                             "this side ratio): give larger sizes",
                                             sizes[0].amoebots));
  const LogFit fit = fit_log2(sizes);
  const double predicted = c.algorithm == "leader-election" ? 2.0 + 4.0 * c.kappa : 0.0;
  if (!c.png.empty()) write_plot(c, sizes, all_rounds, fit);
  if (c.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const SizeSummary& s : sizes)
      rows.push_back({{"amoebots", s.amoebots},
                      {"runs", s.runs},
                      {"mean", s.mean},
                      {"sd", s.sd},
                      {"p95", s.p95},
                      {"p99", s.p99},
                      {"max", s.max},
                      {"failures", s.failures},
                      {"failure_low", s.failure_low},
                      {"failure_high", s.failure_high}});
    nlohmann::json j{{"algorithm", c.algorithm},
                     {"sizes", rows},
                     {"alpha", fit.alpha},
                     {"beta", fit.beta},
                     {"r2", fit.r2},
                     {"structure", structures_of(c)},
                     {"cpu", detect_cpu_features().brand}};
    if (predicted > 0) j["predicted_alpha"] = predicted, j["kappa"] = c.kappa;
    std::cout << j.dump() << "\n";
    return;
  }
  const bool shape = is_shape(c.algorithm);
  std::cout << fmt::format(
      "{} on {}, seeds 1..runs ({}):\n",
      shape ? recognition_target(c.algorithm, c.ratio, c.power).words : c.algorithm,
      structures_of(c), detect_cpu_features().brand);
  std::cout << fmt::format("{:>9} {:>5} {:>8} {:>6} {:>5} {:>5} {:>5}  {}\n", "amoebots", "runs",
                           "mean", "sd", "p95", "p99", "max", "failures (95% interval)");
  for (const SizeSummary& s : sizes)
    std::cout << fmt::format(
        "{:>9} {:>5} {:>8.1f} {:>6.1f} {:>5} {:>5} {:>5}  {} ({:.3f}-{:.3f})\n", s.amoebots, s.runs,
        s.mean, s.sd, s.p95, s.p99, s.max, s.failures, s.failure_low, s.failure_high);
  std::cout << fmt::format("fit: mean rounds = {:.3f} · log2 n + {:.2f}, R² = {:.4f}", fit.alpha,
                           fit.beta, fit.r2);
  if (predicted > 0)
    std::cout << fmt::format("; the calibration's alpha (2 + 4κ, κ = {}) is {:.0f}: ratio {:.3f}",
                             c.kappa, predicted, fit.alpha / predicted);
  std::cout << "\n";
}

}  // namespace

void add_study(CLI::App& parent) {
  auto c = std::make_shared<StudyCommand>();
  CLI::App* app = parent.add_subcommand(
      "study", "Rounds against n over seeds: the log2 fit, percentiles and failure rates");
  app->add_option("algorithm", c->algorithm,
                  "leader-election, chirality, compass, consensus (on Eden blobs), pasc (on "
                  "spirals), triangle, parallelogram, rhombus, trapezoid or hexagon (on the shape "
                  "and its near misses; a false verdict is a failure)")
      ->required()
      ->check(CLI::IsMember({"leader-election", "chirality", "compass", "consensus", "pasc",
                             "triangle", "parallelogram", "rhombus", "trapezoid", "hexagon"}));
  app->add_option("--sizes", c->sizes, "Amoebots of the structures, one size after another")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--seeds", c->seeds,
                  "Runs a size up to 16384 amoebots (above: seeds * 16384 / n, at least 3)")
      ->capture_default_str();
  app->add_option("--kappa", c->kappa, "Leader election: repetitions of the auxiliary tournament")
      ->capture_default_str();
  add_side_ratio_options(*app, c->ratio, c->power);
  app->add_option("--png", c->png, "Write rounds against log2 n with the fit as a PNG");
  app->add_flag("--json", c->json, "Print the result as one JSON object");
  app->footer(
      "Examples:\n"
      "  tessera amoebot study leader-election --png leader.png\n"
      "  tessera amoebot study chirality --sizes 16,256,4096,65536 --seeds 50 --json\n"
      "  tessera amoebot study consensus --sizes 16,1024,65536 --seeds 10\n"
      "  tessera amoebot study parallelogram --ratio 2 --sizes 16,256,4096,65536\n"
      "  tessera amoebot study parallelogram --power 2 --sizes 16,256,4096,65536");
  app->callback([c] { run_study(*c); });
}

}  // namespace tessera::amoebot
