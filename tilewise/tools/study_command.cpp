// `tessera tilewise study`: the accuracy of each pattern on Fashion-MNIST (accuracy_study.hpp) and
// the inference speed of the TW models against the dense one; built with oneDNN.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/cli/flag_names.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/sweep.hpp"
#include "tessera/tilewise/accuracy_study.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {
namespace {

struct StudyCommand {
  std::vector<std::string> patterns{"ew", "vw", "bw", "tw", "tw2d", "tew"};
  std::string sparsities = "0.5,0.75,0.9";
  StudyOptions options;
  std::size_t hidden = 1024;
  double budget = 1.0;
  bool json = false;
};

// Inference on the test set: the pruned model with TW-GEMM against the dense model with oneDNN,
// interleaved; both checked first (TW's predictions equal the pruned model's own).
nlohmann::json compare_latency(const learn::Mlp& dense, const PrunedModel& pruned,
                               const learn::ImageSet& test, double budget) {
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
      if (learn::argmax(tw_logits.span().subspan(i * classes, classes)) !=
          learn::argmax(masked_logits.span().subspan(i * classes, classes))) {
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

// The pruned model's test accuracy with its hidden layers in bf16 (TW-GEMM in bf16); null where
// this machine does not run it.
nlohmann::json bf16_accuracy(const PrunedModel& pruned, const learn::ImageSet& test) {
  if (!tw_gemm_bf16_runs_here()) return nullptr;
  std::vector<TwMatrixBf16> packed;
  for (const TwMatrix& w : pack_hidden_layers(pruned)) packed.emplace_back(w);
  AlignedBuffer<float> logits(test.count * pruned.model.layers().back().out);
  tw_forward(pruned.model, packed, test.pixels.span(), test.count, logits.span());
  return accuracy_of(logits.span(), test);
}

void run_study(const StudyCommand& c) {
  const std::vector<double> sparsities = parse_sweep(c.sparsities, "--sparsities");
  for (double s : sparsities) {
    if (!(s >= 0 && s <= 1)) {
      throw usage_error("--sparsities", fmt::format("{:g} is not in [0, 1]", s));
    }
  }
  std::vector<PatternKind> patterns;
  for (const std::string& name : c.patterns) patterns.push_back(parse_pattern(name));
  StudyOptions options = c.options;
  options.sizes = {784, c.hidden, c.hidden, 10};
  for (PatternKind pattern : patterns) {  // every case is checked before the training starts
    for (double s : sparsities) {
      StudyOptions case_options = options;
      case_options.prune.pattern = pattern;
      case_options.prune.sparsity = s;
      check_study_options(case_options);
    }
  }
  const auto progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const learn::ImageSet train = learn::fashion_mnist(true);
  const learn::ImageSet test = learn::fashion_mnist(false);
  progress(fmt::format("Fashion-MNIST: {} training and {} test images; MLP 784-{}-{}-10",
                       train.count, test.count, c.hidden, c.hidden));
  const learn::Mlp dense = train_dense(train, options, progress);
  const double dense_accuracy = dense.accuracy(test);
  // The fair reference: the dense model fine-tuned exactly as the pruned ones, without pruning.
  StudyCase reference;
  reference.pattern = PatternKind::kElementWise;
  reference.sparsity = 0;
  prune_gradually(dense, train, test, options, reference);
  progress(fmt::format("dense: test accuracy {:.2f}%; fine-tuned as the pruned models: {:.2f}%",
                       100 * dense_accuracy, 100 * reference.accuracy));
  nlohmann::json cases = nlohmann::json::array();
  for (std::size_t p = 0; p < patterns.size(); ++p) {
    const PatternKind pattern = patterns[p];
    const std::string& name = c.patterns[p];
    for (double s : sparsities) {
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
        record["bf16_accuracy"] = bf16_accuracy(pruned, test);
        line += record["bf16_accuracy"].is_null()
                    ? ", bf16 skipped (TW-GEMM in bf16 " + tw_gemm_bf16_unavailable() + ")"
                    : fmt::format(", in bf16 {:.2f}% ({:+.2f} points)",
                                  100 * record["bf16_accuracy"].get<double>(),
                                  100 * (record["bf16_accuracy"].get<double>() - result.accuracy));
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

// The library's errors name the fields of StudyOptions and PruneOptions; these flags set them.
constexpr std::array<cli::FlagOfField, 7> kFlagOfField = {{
    {"PruneOptions::pattern", "--patterns"},
    {"PruneOptions::sparsity", "--sparsities"},
    {"PruneOptions::tile_width", "-G"},
    {"StudyOptions::sizes", "--hidden"},
    {"StudyOptions::steps", "--steps"},
    {"TrainOptions::learning_rate", "--lr"},
    {"StudyOptions::fine_tune_learning_rate", "--fine-tune-lr"},
}};

}  // namespace

void add_study(CLI::App& parent) {
  auto c = std::make_shared<StudyCommand>();
  CLI::App* study = parent.add_subcommand(
      "study", "Accuracy of each pattern on Fashion-MNIST, and the TW model's inference speed");
  study->add_option("--patterns", c->patterns, "Patterns (ew, vw, bw, tw, tw2d, tew)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->capture_default_str();
  study->add_option("--sparsities", c->sparsities, "Sparsities in [0, 1] (sweep)")
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
      ->capture_default_str()
      ->check(cli::whole_number());
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
      "  tessera tilewise study --patterns tw,tew --sparsities 0.5:0.9:0.2\n"
      "  tessera tilewise study --magnitude --json > study.json\n"
      "  tessera tilewise study --patterns tw --keep-unit-order");
  study->callback([c] { cli::with_flag_names(kFlagOfField, [&] { run_study(*c); }); });
}

}  // namespace tessera::tilewise
