// `tessera tilewise prune` (weights in as .npy or packed .tw; out as .npy with the pruned weights
// zeroed, or as packed .tw), `tessera tilewise info` (tile statistics of a .tw file) and `tessera
// tilewise study` (accuracy of the patterns on Fashion-MNIST, inference speed of the TW model);
// registers them with `bench` (bench_command.cpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ranges>
#include <string>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/cli/flag_names.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/npy.hpp"
#include "tessera/tilewise/accuracy_study.hpp"
#include "tessera/tilewise/pruning.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {
namespace {

struct PruneCommand {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> scores;
  std::string pattern = "tw";
  PruneOptions options;
  bool json = false;
};

// A 2-D .npy array as a (k, n) view, or an error naming the file.
View<const float, 2> matrix_of(const NpyArray& a, const std::string& path) {
  if (a.shape.size() != 2) {
    throw Error(path, fmt::format("has {} dimensions; a layer's weights are a 2-D (K, N) array",
                                  a.shape.size()));
  }
  return View<const float, 2>(a.values.data(), {a.shape[0], a.shape[1]});
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A layer's weights from .npy, or from a packed .tw: its kept weights, zeros elsewhere (so pruning
// it again keeps what was pruned pruned).
NpyArray read_weights(const std::string& path) {
  if (!ends_with(path, ".tw")) return read_npy(path);
  const TwMatrix packed = read_tw(path);
  return NpyArray{{packed.k(), packed.n()}, packed.unpack()};
}

void run_prune(const PruneCommand& c) {
  if (c.outputs.size() != c.inputs.size()) {
    throw usage_error("-o", fmt::format("{} outputs for {} inputs: give one -o per -i",
                                        c.outputs.size(), c.inputs.size()));
  }
  if (!c.scores.empty() && c.scores.size() != c.inputs.size()) {
    throw usage_error(
        "--scores", fmt::format("{} score files for {} inputs", c.scores.size(), c.inputs.size()));
  }
  PruneOptions options = c.options;
  options.pattern = parse_pattern(c.pattern);
  for (const std::string& out : c.outputs) {
    if (ends_with(out, ".tw") && !is_tile_wise(options.pattern)) {
      throw usage_error("-o", fmt::format("{}: only the tw, tw2d and tew patterns pack into .tw "
                                          "files; write .npy for {}",
                                          out, c.pattern));
    }
    if (!ends_with(out, ".tw") && !ends_with(out, ".npy")) {
      throw usage_error("-o", fmt::format("{}: give a .npy or .tw file", out));
    }
  }
  std::vector<NpyArray> weights, given_scores;
  std::vector<AlignedBuffer<float>> magnitudes;
  std::vector<View<const float, 2>> score_views;
  for (std::size_t l = 0; l < c.inputs.size(); ++l) {
    weights.push_back(read_weights(c.inputs[l]));
    const View<const float, 2> w = matrix_of(weights.back(), c.inputs[l]);
    if (c.scores.empty()) {
      magnitudes.push_back(magnitude_scores(w));
      score_views.emplace_back(magnitudes.back().data(), w.shape());
    } else {
      given_scores.push_back(read_npy(c.scores[l]));
      const View<const float, 2> s = matrix_of(given_scores.back(), c.scores[l]);
      if (s.shape() != w.shape()) {
        throw Error(c.scores[l], fmt::format("is {}x{}, its layer {} is {}x{}", s.extent(0),
                                             s.extent(1), c.inputs[l], w.extent(0), w.extent(1)));
      }
      score_views.push_back(s);
    }
  }
  const std::vector<LayerMask> masks = prune(score_views, options);
  nlohmann::json layers = nlohmann::json::array();
  std::size_t kept = 0, total = 0;
  for (std::size_t l = 0; l < masks.size(); ++l) {
    const LayerMask& m = masks[l];
    const View<const float, 2> w = matrix_of(weights[l], c.inputs[l]);
    if (ends_with(c.outputs[l], ".tw")) {
      write_tw(c.outputs[l], TwMatrix::pack(*m.tiles, w, m.kept));
    } else {
      AlignedBuffer<float> pruned(m.k * m.n);
      for (std::size_t i = 0; i < pruned.size(); ++i) {
        pruned[i] = m.kept[i] != 0 ? w(i / m.n, i % m.n) : 0.0f;
      }
      write_npy(c.outputs[l], weights[l].shape, pruned.span());
    }
    kept += m.kept_count();
    total += m.k * m.n;
    const double sparsity =
        1.0 - static_cast<double>(m.kept_count()) / static_cast<double>(m.k * m.n);
    layers.push_back({{"input", c.inputs[l]},
                      {"output", c.outputs[l]},
                      {"k", m.k},
                      {"n", m.n},
                      {"sparsity", sparsity},
                      {"tiles", m.tiles ? m.tiles->tiles.size() : 0}});
    std::cerr << fmt::format(
        "{}: {}x{}, sparsity {:.2f}%{} -> {}\n", c.inputs[l], m.k, m.n, 100 * sparsity,
        m.tiles ? fmt::format(", {} tiles", m.tiles->tiles.size()) : "", c.outputs[l]);
  }
  const double overall = 1.0 - static_cast<double>(kept) / static_cast<double>(total);
  std::cerr << fmt::format("{} over {} layer(s): sparsity {:.2f}% (asked {:.2f}%)\n", c.pattern,
                           masks.size(), 100 * overall, 100 * options.sparsity);
  if (c.json) {
    std::cout << nlohmann::json{{"pattern", c.pattern}, {"sparsity", overall}, {"layers", layers}}
              << "\n";
  }
}

// The library's errors name PruneOptions' fields; prune's name the flags that set them.
constexpr std::array<cli::FlagOfField, 4> kPruneFlags = {{
    {"PruneOptions::pattern", "--pattern"},
    {"PruneOptions::sparsity", "--sparsity"},
    {"PruneOptions::tile_width", "-G"},
    {"PruneOptions::hybrid_delta", "--delta"},
}};

void add_prune(CLI::App& parent) {
  auto c = std::make_shared<PruneCommand>();
  CLI::App* prune_app = parent.add_subcommand(
      "prune", "Prune layers' weights under one global threshold (TW, TW-2D, TEW, EW, VW, BW)");
  prune_app
      ->add_option("-i", c->inputs,
                   "A layer's weights: (K, N) float32 .npy, or packed .tw (repeatable)")
      ->required();
  prune_app
      ->add_option("-o", c->outputs,
                   "Output per layer: .npy (pruned weights zeroed) or .tw (packed; tw, tw2d, tew)")
      ->required();
  prune_app->add_option("--scores", c->scores,
                        "Importance scores per layer, e.g. Taylor (grad·w)² (default: |w|)");
  prune_app->add_option("--pattern", c->pattern, "tw, tw2d, tew, ew, vw or bw")
      ->capture_default_str();
  prune_app->add_option("--sparsity", c->options.sparsity, "Fraction of all weights removed")
      ->capture_default_str();
  prune_app->add_option("-G,--tile-width", c->options.tile_width, "Columns per tile")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  prune_app
      ->add_option("--delta", c->options.hybrid_delta,
                   "tew: fraction of all weights restored element-wise")
      ->capture_default_str();
  prune_app->add_flag("--json", c->json, "Print the per-layer results as one JSON object");
  prune_app->footer(
      "All layers share one threshold on length-normalised unit scores, so sensitive layers keep\n"
      "more. Examples:\n"
      "  tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75\n"
      "  tessera tilewise prune -i fc1.npy -i fc2.npy -o fc1.tw -o fc2.tw --pattern tw2d -G 64\n"
      "  tessera tilewise prune -i fc1.npy -o fc1_ew.npy --pattern ew --sparsity 0.9 --json\n"
      "  tessera tilewise prune -i fc1.tw -o fc1_90.tw --sparsity 0.9");
  prune_app->callback([c] { cli::with_flag_names(kPruneFlags, [&] { run_prune(*c); }); });
}

void add_info(CLI::App& parent) {
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* info = parent.add_subcommand("info", "Tile statistics of a packed .tw file");
  info->add_option("file", *file, "Packed weights (.tw)")->required();
  info->add_flag("--json", *json, "Print the statistics as one JSON object");
  info->footer("Example:\n  tessera tilewise info fc1.tw");
  info->callback([file, json] {
    const TwMatrix w = read_tw(*file);
    const TilePattern& p = w.pattern();
    const double sparsity = p.k * p.n == 0 ? 0.0
                                           : 1.0 - static_cast<double>(w.kept_weights()) /
                                                       static_cast<double>(p.k * p.n);
    std::vector<std::size_t> kept;
    for (const Tile& tile : p.tiles) kept.push_back(tile.rows.size());
    std::ranges::sort(kept);
    const auto at = [&](double q) {
      return kept.empty()
                 ? 0
                 : kept[static_cast<std::size_t>(q * static_cast<double>(kept.size() - 1))];
    };
    if (*json) {
      std::cout << nlohmann::json{{"file", *file},
                                  {"k", p.k},
                                  {"n", p.n},
                                  {"g", p.g},
                                  {"tiles", p.tiles.size()},
                                  {"pruned_columns", w.pruned_columns().size()},
                                  {"restored", w.restored().rows.size()},
                                  {"sparsity", sparsity},
                                  {"kept_rows_min", at(0)},
                                  {"kept_rows_median", at(0.5)},
                                  {"kept_rows_max", at(1)}}
                << "\n";
      return;
    }
    std::cout << fmt::format(
        "{}: {}x{} (K x N), G {}, {} tiles, {} pruned columns, {} restored elements, sparsity "
        "{:.2f}%\nkept rows per tile: min {}, median {}, max {} of {}\n",
        *file, p.k, p.n, p.g, p.tiles.size(), w.pruned_columns().size(), w.restored().rows.size(),
        100 * sparsity, at(0), at(0.5), at(1), p.k);
  });
}

struct StudyCommand {
  std::vector<std::string> patterns{"ew", "vw", "bw", "tw", "tw2d", "tew"};
  std::vector<double> sparsities{0.5, 0.75, 0.9};
  StudyOptions options;
  std::size_t hidden = 1024;
  double budget = 1.0;
  bool json = false;
};

// Inference on the test set: the pruned model with TW-GEMM against the dense model with oneDNN,
// interleaved; both checked first (TW's predictions equal the pruned model's own).
nlohmann::json compare_latency(const Mlp& dense, const PrunedModel& pruned, const ImageSet& test,
                               double budget) {
  const std::vector<TwMatrix> packed = pack_hidden_layers(pruned);
  const std::size_t classes = dense.layers().back().out;
  AlignedBuffer<float> tw_logits(test.count * classes), dense_logits(test.count * classes),
      masked_logits(test.count * classes);
  BenchOptions options;
  options.budget_seconds = budget;
  options.min_repetitions = 3;
  options.check = [&] {
    tw_forward(pruned.model, packed, test.pixels.span(), test.count, tw_logits.span());
    pruned.model.forward(test.pixels.span(), test.count, masked_logits.span());
    for (std::size_t i = 0; i < test.count; ++i) {
      if (argmax(tw_logits.span().subspan(i * classes, classes)) !=
          argmax(masked_logits.span().subspan(i * classes, classes))) {
        return false;
      }
    }
    return true;
  };
  const Comparison c = compare_ab(
      "tw_gemm_model",
      [&] { tw_forward(pruned.model, packed, test.pixels.span(), test.count, tw_logits.span()); },
      "onednn_dense_model",
      [&] { dense.forward(test.pixels.span(), test.count, dense_logits.span()); }, options);
  return to_json(c);
}

void run_study(const StudyCommand& c) {
  StudyOptions options = c.options;
  options.sizes = {784, c.hidden, c.hidden, 10};
  const auto progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const ImageSet train = fashion_mnist(true);
  const ImageSet test = fashion_mnist(false);
  progress(fmt::format("Fashion-MNIST: {} training and {} test images; MLP 784-{}-{}-10",
                       train.count, test.count, c.hidden, c.hidden));
  const Mlp dense = train_dense(train, options, progress);
  const double dense_accuracy = dense.accuracy(test);
  // The fair reference: the dense model fine-tuned exactly as the pruned ones, without pruning.
  StudyCase reference;
  reference.pattern = PatternKind::kElementWise;
  reference.sparsity = 0;
  prune_gradually(dense, train, test, options, reference);
  progress(fmt::format("dense: test accuracy {:.2f}%; fine-tuned as the pruned models: {:.2f}%",
                       100 * dense_accuracy, 100 * reference.accuracy));
  nlohmann::json cases = nlohmann::json::array();
  for (const std::string& name : c.patterns) {
    const PatternKind pattern = parse_pattern(name);
    for (double s : c.sparsities) {
      StudyCase result;
      result.pattern = pattern;
      result.sparsity = s;
      const PrunedModel pruned = prune_gradually(dense, train, test, options, result);
      nlohmann::json record{{"pattern", name},
                            {"sparsity", s},
                            {"achieved_sparsity", result.achieved},
                            {"layer_sparsity", result.layer_sparsity},
                            {"accuracy", result.accuracy},
                            {"cut_off_units", result.cut_off_units},
                            {"idle_weights", result.idle_weights},
                            {"dense_accuracy", dense_accuracy},
                            {"dense_fine_tuned_accuracy", reference.accuracy}};
      std::vector<double> layer_percent;
      for (double v : result.layer_sparsity) layer_percent.push_back(100 * v);
      std::string line = fmt::format(
          "{:>4} {:3.0f}%: test accuracy {:.2f}% ({:+.2f} points against the fine-tuned dense "
          "model), layers {:.0f}% sparse",
          name, 100 * s, 100 * result.accuracy, 100 * (result.accuracy - reference.accuracy),
          fmt::join(layer_percent, "/"));
      if (result.cut_off_units > 0) {
        line += fmt::format(", {} units cut off ({:.1f}% of the kept weights feed them)",
                            result.cut_off_units, 100 * result.idle_weights);
      }
      if (is_tile_wise(pattern)) {
        const nlohmann::json latency = compare_latency(dense, pruned, test, c.budget);
        record["latency"] = latency;
        line += fmt::format(
            ", inference {:.2f}x the dense model's speed (TW-GEMM vs oneDNN, {} images)",
            latency["ratio"]["median"].get<double>(), test.count);
      }
      progress(line);
      cases.push_back(record);
    }
  }
  if (c.json) {
    std::cout << nlohmann::json{{"dense_accuracy", dense_accuracy},
                                {"dense_fine_tuned_accuracy", reference.accuracy},
                                {"cases", cases}}
              << "\n";
  }
}

void add_study(CLI::App& parent) {
  auto c = std::make_shared<StudyCommand>();
  CLI::App* study = parent.add_subcommand(
      "study", "Accuracy of each pattern on Fashion-MNIST, and the TW model's inference speed");
  study->add_option("--patterns", c->patterns, "Patterns (ew, vw, bw, tw, tw2d, tew)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  study->add_option("--sparsities", c->sparsities, "Sparsities, comma-separated")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  study->add_option("--epochs", c->options.dense_epochs, "Epochs of dense training")
      ->capture_default_str();
  study->add_option("--steps", c->options.steps, "Gradual pruning steps")->capture_default_str();
  study->add_option("--step-epochs", c->options.epochs_per_step, "Fine-tuning epochs per step")
      ->capture_default_str();
  study->add_option("--lr", c->options.train.learning_rate, "Learning rate of dense training")
      ->capture_default_str();
  study
      ->add_option("--fine-tune-lr", c->options.fine_tune_learning_rate,
                   "Learning rate of the fine-tuning between pruning steps")
      ->capture_default_str();
  study->add_option("--hidden", c->hidden, "Width of the two hidden layers")->capture_default_str();
  study->add_option("-G,--tile-width", c->options.prune.tile_width, "Columns per tile")
      ->capture_default_str();
  study->add_flag("--taylor,!--magnitude", c->options.taylor,
                  "Rank by |w| instead of first-order Taylor scores (grad·w)² (the default)");
  study->add_flag("--order-units,!--keep-unit-order", c->options.order_units,
                  "TW patterns: renumber hidden units by importance before each step (the "
                  "default), or keep their order");
  study->add_option("--budget", c->budget, "Seconds of interleaved latency timing per TW case")
      ->capture_default_str();
  study->add_option("--seed", c->options.train.seed, "Initialisation and shuffling seed")
      ->capture_default_str();
  study->add_flag("--json", c->json, "Print every case as one JSON object");
  study->footer(
      "Needs Debian's dataset-fashion-mnist. Hidden layers are pruned (one global threshold per\n"
      "step, sparsity s·i/steps at step i, fine-tuning between steps); the output layer stays\n"
      "dense. For the TW patterns each hidden layer's units are renumbered by the importance\n"
      "of their outgoing weights before each step (the model's function is unchanged), so\n"
      "that a tile of consecutive units gathers units of like importance. Examples:\n"
      "  tessera tilewise study --patterns tw --sparsities 0.75\n"
      "  tessera tilewise study --magnitude --json > study.json\n"
      "  tessera tilewise study --patterns tw --keep-unit-order");
  study->callback([c] { run_study(*c); });
}

const cli::Registrar kTilewise(
    "tilewise", "Tile-wise sparsity: prune weights to GEMM-tile patterns, pack them for TW-GEMM",
    [](CLI::App& app) {
      app.require_subcommand(1);
      app.footer(
          "Examples:\n"
          "  tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75\n"
          "  tessera tilewise info fc1.tw\n"
          "  tessera tilewise study --patterns tw --sparsities 0.75\n"
          "  tessera tilewise bench --m 128:2048:*4 --sparsity 0.5,0.75,0.9");
      add_prune(app);
      add_info(app);
      add_study(app);
      add_bench(app);
    });

}  // namespace
}  // namespace tessera::tilewise
