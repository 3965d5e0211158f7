// `tessera amoebot`: run the circuit algorithms on generated or user structures (`run`), and write
// generated structures as text files (`shape`).
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "amoebot_commands.hpp"
#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/compass.hpp"
#include "tessera/amoebot/algorithms/consensus.hpp"
#include "tessera/amoebot/algorithms/leader_election.hpp"
#include "tessera/amoebot/algorithms/pasc.hpp"
#include "tessera/amoebot/algorithms/shape_recognition.hpp"
#include "tessera/amoebot/chain.hpp"
#include "tessera/amoebot/picture.hpp"
#include "tessera/amoebot/shape_truth.hpp"
#include "tessera/amoebot/simulator.hpp"
#include "tessera/amoebot/structure.hpp"
#include "tessera/amoebot/verdicts.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::amoebot {
namespace {

struct RunCommand {
  std::string algorithm;
  std::string shape;
  std::string input;
  std::uint64_t seed = 1;
  int kappa = 3;
  int bits = 1;
  int ratio = 0;  // parallelogram: the side ratio asked for (0: any)
  int power = 0;  // parallelogram: the side power asked for (0: any)
  std::int64_t max_rounds = 100000;
  bool no_reuse = false;
  bool json = false;
  std::string svg, frames;  // pictures: of the last round, and of every round into a folder
  std::string png;          // a pixel an amoebot, for large structures
};

Structure structure_of(const RunCommand& c) {
  if (!c.input.empty() && !c.shape.empty())
    throw usage_error("--input", "give a structure file or --shape, not both");
  if (!c.input.empty()) return read_structure(c.input);
  if (c.shape.empty()) throw usage_error("--shape", "give a shape (e.g. hexagon:30) or --input");
  try {
    return make_shape(c.shape, c.seed);
  } catch (const Error& e) {
    if (e.input() != "shape") throw;
    throw usage_error("--shape", e.problem());
  }
}

// What one run ended with, for the report.
struct Outcome {
  std::optional<std::int64_t> rounds;
  std::int64_t circuit_computations = 0;
  nlohmann::json result;   // the algorithm's verdict
  std::string summary;     // the same in words
  double predicted = 0;    // the predicted rounds, 0 where there is no prediction
  double log2_n = 0;       // for results bounded by a multiple of log n: log2 n, else 0
  std::string prediction;  // how they are predicted (or bounded)
};

// Runs `sim` to the end (or --max-rounds), with the pictures asked for; `marked` picks the
// amoebots the pictures fill.
template <class A>
std::int64_t run_simulator(Simulator<A>& sim, const Structure& s, const RunCommand& c, Outcome& out,
                           const std::function<bool(std::size_t)>& marked) {
  sim.engine().set_circuit_reuse(!c.no_reuse);
  if ((!c.svg.empty() || !c.frames.empty()) && s.size() > kMaxSvgAmoebots)
    throw usage_error(
        c.svg.empty() ? "--svg-frames" : "--svg",
        fmt::format("{} amoebots: SVG pictures hold at most {}", s.size(), kMaxSvgAmoebots));
  if (c.frames.empty()) {
    out.rounds = sim.run(c.max_rounds);
  } else {
    std::filesystem::create_directories(c.frames);
    while (!sim.all_finished() && sim.engine().round() < c.max_rounds) {
      sim.round();
      const std::string svg = render_svg(s, sim.engine(), marked);
      write_file(std::filesystem::path(c.frames) /
                     fmt::format("round-{:05}.svg", sim.engine().round() - 1),
                 std::as_bytes(std::span(svg.data(), svg.size())));
    }
    if (sim.all_finished()) out.rounds = sim.engine().round();
  }
  if (!c.svg.empty()) {
    const std::string svg = render_svg(s, sim.engine(), marked);
    write_file(c.svg, std::as_bytes(std::span(svg.data(), svg.size())));
  }
  if (!c.png.empty()) write_file(c.png, render_pixels(s, marked));
  out.circuit_computations = sim.engine().circuit_computations();
  return sim.engine().round();
}

// A bound of `order` in log n, shown with log2 n (the study measures its constant).
void log_bound(Outcome& out, std::size_t amoebots, const char* order) {
  out.log2_n = std::log2(static_cast<double>(amoebots));
  out.prediction = order;
}

std::int64_t leader_election(const Structure& s, const RunCommand& c, Outcome& out) {
  if (c.kappa < 1 || c.kappa > 255) throw usage_error("--kappa", "from 1 to 255");
  Simulator<LeaderElection> sim(s, c.seed, LeaderElection::initial(c.kappa));
  const std::int64_t rounds = run_simulator(
      sim, s, c, out, [&](std::size_t i) { return LeaderElection::leader(sim.states()[i]); });
  const std::int64_t count = leaders(sim);
  out.result = {{"leaders", count}, {"kappa", c.kappa}};
  out.summary = count == 1 ? "1 leader" : fmt::format("{} leaders (a failed election)", count);
  out.predicted = (2.0 + 4.0 * c.kappa) * std::log2(static_cast<double>(s.size()));
  out.prediction = "calibration: (2 + 4κ)·log2 n";
  return rounds;
}

std::int64_t consensus(const Structure& s, const RunCommand& c, Outcome& out) {
  if (c.bits < 1 || c.bits > 8) throw usage_error("--bits", "from 1 to 8");
  const CounterRng inputs(c.seed, std::uint64_t{1} << 46);  // far from the engine's streams
  std::vector<Consensus::State> initial;
  int largest = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const int value = static_cast<int>(inputs.u32(i) % (1u << c.bits));
    largest = std::max(largest, value);
    initial.push_back(Consensus::initial(value, c.bits));
  }
  Simulator<Consensus> sim(s, c.seed, std::move(initial));
  const std::int64_t rounds = run_simulator(
      sim, s, c, out, [&](std::size_t i) { return sim.states()[i].value == largest; });
  bool agreed = true;
  for (const auto& state : sim.states()) agreed = agreed && state.decided == largest;
  out.result = {{"largest_input", largest}, {"all_agree", agreed}, {"bits", c.bits}};
  out.summary =
      fmt::format("{} on {}, the largest input", agreed ? "all agree" : "NOT all agree", largest);
  return rounds;
}

std::int64_t chirality(const Structure& s, const RunCommand& c, Outcome& out) {
  Simulator<ChiralityAgreement> sim(s, c.seed, ChiralityAgreement::State{});
  const std::int64_t rounds =
      run_simulator(sim, s, c, out, [&](std::size_t i) { return sim.states()[i].flipped; });
  const bool agreed = one_sense_of_rotation(sim);
  out.result = {{"all_agree", agreed}, {"iterations", (rounds + 3) / 6}};
  out.summary = agreed ? "one sense of rotation" : "NOT one sense of rotation";
  log_bound(out, s.size(), "O(log n)");
  return rounds;
}

std::int64_t compass(const Structure& s, const RunCommand& c, Outcome& out) {
  Simulator<CompassAlignment> sim(s, c.seed, CompassAlignment::State{});
  const std::int64_t rounds =
      run_simulator(sim, s, c, out, [&](std::size_t i) { return sim.states()[i].rotation != 0; });
  const bool aligned = one_compass(sim);
  out.result = {{"all_agree", aligned}};
  out.summary = aligned ? "one sense of rotation and one compass" : "NOT one compass";
  log_bound(out, s.size(), "O(log n)");
  return rounds;
}

std::int64_t pasc(const Structure& s, const RunCommand& c, Outcome& out) {
  const std::vector<Frame> frames = random_frames(s.size(), c.seed);
  std::vector<ChainDistance::State> chain;
  try {
    chain = chain_in_order(s, frames);
  } catch (const Error& e) {
    const std::string why =
        e.problem() +
        " (PASC runs on the chain of the nodes in their order: line:N, spiral:N, "
        "or a file whose lines form a walk)";
    if (c.input.empty()) throw usage_error("--shape", why);
    throw Error(c.input, why);
  }
  Simulator<ChainDistance> sim(s, c.seed, std::move(chain), frames);
  const std::int64_t rounds = run_simulator(
      sim, s, c, out, [&](std::size_t i) { return std::has_single_bit(sim.states()[i].distance); });
  const bool right = distances_in_order(sim);
  out.result = {{"all_distances_right", right}};
  out.summary = right ? "every amoebot knows its distance to the first"
                      : "NOT every amoebot knows its distance";
  const std::size_t m = s.size() - 1;
  out.predicted = 2.0 * ((m == 0 ? -1 : std::bit_width(m) - 1) + 3);
  out.prediction = "2 · (floor(log2 m) + 3)";
  return rounds;
}

// The rounds of the constant-round recognitions on their shapes (shape_recognition.hpp).
double constant_rounds(ShapeRecognition::Target target) {
  switch (target) {
    case ShapeRecognition::kTriangle:
      return 2;
    case ShapeRecognition::kParallelogram:
      return 5;
    case ShapeRecognition::kRhombus:
      return 7;
    default:
      return 8;
  }
}

std::int64_t recognise(const Structure& s, const RunCommand& c, Outcome& out) {
  const RecognitionTarget asked = recognition_target(c.algorithm, c.ratio, c.power);
  Simulator<ShapeRecognition> sim(s, c.seed, ShapeRecognition::initial(asked.target, asked.k));
  const std::int64_t rounds = run_simulator(sim, s, c, out, [&](std::size_t i) {
    const auto kind = sim.states()[i].place.kind;
    return kind == BoundaryPlace::kAcute || kind == BoundaryPlace::kObtuse;
  });
  const bool accepted = sim.states()[0].accepted;
  const bool truth = shape_truth(s).accepts(asked.target, asked.k);
  out.result = {{"accepted", accepted}, {"truth", truth}, {"right", accepted == truth}};
  out.summary = fmt::format("{} {} ({})", accepted ? "is" : "is not", asked.words,
                            accepted == truth ? "right" : "WRONG");
  if (asked.target != ShapeRecognition::kLinearRatio &&
      asked.target != ShapeRecognition::kPolynomialRatio) {
    out.predicted = constant_rounds(asked.target);
    out.prediction = "constant";
  } else {  // chirality agreement, then a few rounds a bit of the longer side
    log_bound(out, s.size(), "Θ(log n)");
  }
  return rounds;
}

void run(const RunCommand& c) {
  recognition_target(c.algorithm, c.ratio, c.power);  // the options' usage errors, before any work
  const Structure s = structure_of(c);
  Outcome out;
  const auto start = std::chrono::steady_clock::now();
  const std::int64_t rounds = c.algorithm == "leader-election" ? leader_election(s, c, out)
                              : c.algorithm == "consensus"     ? consensus(s, c, out)
                              : c.algorithm == "chirality"     ? chirality(s, c, out)
                              : c.algorithm == "compass"       ? compass(s, c, out)
                              : c.algorithm == "pasc"          ? pasc(s, c, out)
                                                               : recognise(s, c, out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = static_cast<double>(s.size()) * static_cast<double>(rounds) / seconds;
  if (!out.rounds)
    throw Error(c.algorithm, fmt::format("not finished after {} rounds (--max-rounds)", rounds));
  if (c.json) {
    nlohmann::json j{{"algorithm", c.algorithm},
                     {"amoebots", s.size()},
                     {"seed", c.seed},
                     {"rounds", *out.rounds},
                     {"circuit_computations", out.circuit_computations},
                     {"result", out.result},
                     {"seconds", seconds},
                     {"amoebot_rounds_per_second", rate},
                     {"threads", thread_count()},
                     {"cpu", detect_cpu_features().brand}};
    if (out.predicted > 0) j["predicted_rounds"] = out.predicted;
    if (out.log2_n > 0) j["log2_n"] = out.log2_n;
    if (!out.prediction.empty()) j["prediction"] = out.prediction;
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << fmt::format("{} on {} amoebots (seed {}): {} after {} rounds", c.algorithm, s.size(),
                           c.seed, out.summary, *out.rounds);
  if (out.predicted > 0) std::cout << fmt::format(" ({} = {:g})", out.prediction, out.predicted);
  if (out.log2_n > 0) std::cout << fmt::format(" ({}; log2 n = {:g})", out.prediction, out.log2_n);
  std::cout << fmt::format(
      "\n{:.3f} s, {:.3g} amoebot-rounds/s, circuits computed in {} of {} "
      "rounds\n",
      seconds, rate, out.circuit_computations, *out.rounds);
}

void add_run(CLI::App& parent) {
  auto c = std::make_shared<RunCommand>();
  CLI::App* app = parent.add_subcommand("run", "Run an algorithm on a structure, round by round");
  app->add_option("algorithm", c->algorithm,
                  "leader-election, consensus, chirality, compass (chirality, then compass), "
                  "pasc (every amoebot's distance along the chain of the nodes in order: line:N, "
                  "spiral:N or a file listing a walk), "
                  "triangle, parallelogram, rhombus, trapezoid (of three triangles) or hexagon "
                  "(regular): is the structure one?")
      ->required()
      ->check(CLI::IsMember({"leader-election", "consensus", "chirality", "compass", "pasc",
                             "triangle", "parallelogram", "rhombus", "trapezoid", "hexagon"}));
  app->add_option("--shape", c->shape,
                  "A generated structure: hexagon:R, triangle:L, parallelogram:AxB, line:N, "
                  "blob:N, holes:N, spiral:N, comb:T");
  app->add_option("-i,--input", c->input, "A structure file: one \"x y\" axial node a line");
  app->add_option("--seed", c->seed, "Seed of the frames, the coins, blobs and inputs")
      ->capture_default_str();
  app->add_option("--kappa", c->kappa, "Leader election: repetitions of the auxiliary tournament")
      ->capture_default_str();
  app->add_option("--bits", c->bits, "Consensus: bits of the random inputs (1: binary)")
      ->capture_default_str();
  add_side_ratio_options(*app, c->ratio, c->power);
  app->add_option("--max-rounds", c->max_rounds, "Give up after this many rounds")
      ->capture_default_str();
  app->add_flag("--no-circuit-reuse", c->no_reuse,
                "Compute the circuits every round, even when no configuration changed");
  app->add_flag("--json", c->json, "Print the result as one JSON object");
  app->add_option("--svg", c->svg,
                  "Picture the last round: pins coloured by circuit, beeping circuits bold, the "
                  "marked amoebots filled (leaders; largest inputs; flipped or rotated amoebots; "
                  "distances that are powers of two; corners); at most 5000 amoebots");
  app->add_option("--svg-frames", c->frames, "Picture every round into this folder");
  app->add_option("--png", c->png,
                  "Picture the end as a PNG of one pixel an amoebot, the marked ones framed "
                  "in red (for large structures)");
  app->footer(
      "Examples:\n"
      "  tessera amoebot run leader-election --shape hexagon:30 --seed 7 --svg out.svg\n"
      "  tessera amoebot run chirality --shape hexagon:4 --svg-frames frames\n"
      "  tessera amoebot run leader-election --shape blob:1000000 --png leader.png\n"
      "  tessera amoebot run leader-election --shape blob:1000000 --kappa 3 --json\n"
      "  tessera amoebot run consensus --shape spiral:500 --bits 4\n"
      "  tessera amoebot run chirality --shape holes:100000\n"
      "  tessera amoebot run pasc --shape spiral:100000\n"
      "  tessera amoebot run triangle --shape triangle:500\n"
      "  tessera amoebot run parallelogram --shape parallelogram:300x900 --ratio 3\n"
      "  tessera amoebot run parallelogram --shape parallelogram:30x900 --power 2\n"
      "  tessera amoebot run hexagon --shape hexagon:100\n"
      "  tessera amoebot run leader-election -i my_shape.txt");
  app->callback([c] { run(*c); });
}

void add_shape(CLI::App& parent) {
  auto spec = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>("-");
  auto seed = std::make_shared<std::uint64_t>(1);
  CLI::App* app = parent.add_subcommand(
      "shape", "Write a generated structure as a text file (one \"x y\" axial node a line)");
  app->add_option("shape", *spec,
                  "hexagon:R, triangle:L, parallelogram:AxB, line:N, blob:N, "
                  "holes:N, spiral:N, comb:T")
      ->required();
  app->add_option("-o,--output", *output, "The file (- for standard output)")
      ->capture_default_str();
  app->add_option("--seed", *seed, "Seed of blobs")->capture_default_str();
  app->footer(
      "Examples:\n"
      "  tessera amoebot shape hexagon:3\n"
      "  tessera amoebot shape holes:5000 --seed 4 -o holes.txt");
  app->callback([=] { write_structure(make_shape(*spec, *seed), *output); });
}

const cli::Registrar kAmoebot("amoebot",
                              "Programmable matter with reconfigurable circuits: a simulator and "
                              "the circuit algorithms (leader election, consensus, chirality "
                              "agreement, compass alignment, PASC, shape recognition)",
                              [](CLI::App& app) {
                                app.require_subcommand(1);
                                app.footer(
                                    "Examples:\n"
                                    "  tessera amoebot run leader-election --shape hexagon:30\n"
                                    "  tessera amoebot shape blob:200 -o blob.txt");
                                add_run(app);
                                add_shape(app);
                                add_study(app);
                              });

}  // namespace
}  // namespace tessera::amoebot
