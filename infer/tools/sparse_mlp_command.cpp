// `tessera infer sparse-mlp`: the sparse-weights candidate shown on a real model. The Fashion-MNIST
// MLP is trained and its hidden layers pruned tile-wise with fine-tuning (tilewise's accuracy
// study), both models are exported to ONNX as Gemm and Relu nodes, and each is planned as any ONNX
// model is: the pruned model's Gemm nodes find their tile pattern in the zeros of their
// initializers and get TW-GEMM as a candidate. The pruned model's plan is checked against the
// reference runtime, then timed against the dense model's plan and against itself on the dense
// model's kernels, interleaved. Built with oneDNN (the trainer's GEMMs).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "infer_commands.hpp"
#include "tessera/bench/bench.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/sweep.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/plan.hpp"
#include "tessera/tilewise/accuracy_study.hpp"

namespace tessera::infer {
namespace {

struct SparseMlpCommand {
  std::string output;
  std::size_t hidden = 1024;
  std::string pattern = "tw";
  double sparsity = 0.75;
  std::string batches = "1,16,256";
  double budget = 1.0;
  bool json = false;
  tilewise::StudyOptions options;
};

// The MLP as ONNX: input (batch, 784) -> Gemm -> Relu -> ... -> Gemm -> logits (batch, 10).
Graph mlp_graph(const learn::Mlp& model, std::int64_t batch, const std::string& name) {
  Graph g;
  g.name = name;
  g.opset = 13;
  const auto& layers = model.layers();
  g.inputs.push_back(
      {"input", DataType::kFloat32, {batch, static_cast<std::int64_t>(layers.front().in)}});
  std::string x = "input";
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const learn::MlpLayer& layer = layers[l];
    const auto in = static_cast<std::int64_t>(layer.in), out = static_cast<std::int64_t>(layer.out);
    Tensor w(DataType::kFloat32, {in, out}), b(DataType::kFloat32, {out});
    std::copy(layer.w.begin(), layer.w.end(), w.data<float>().begin());
    std::copy(layer.b.begin(), layer.b.end(), b.data<float>().begin());
    const std::string fc = fmt::format("fc{}", l);
    g.constants[fc + ".weight"] = std::move(w);
    g.constants[fc + ".bias"] = std::move(b);
    const bool last = l + 1 == layers.size();
    Node gemm;
    gemm.name = fc;
    gemm.op_type = "Gemm";
    gemm.inputs = {x, fc + ".weight", fc + ".bias"};
    gemm.outputs = {last ? "logits" : fc};
    g.nodes.push_back(gemm);
    if (last) break;
    Node relu;
    relu.name = fmt::format("relu{}", l);
    relu.op_type = "Relu";
    relu.inputs = {fc};
    relu.outputs = {relu.name};
    g.nodes.push_back(relu);
    x = relu.name;
  }
  g.outputs.push_back(
      {"logits", DataType::kFloat32, {batch, static_cast<std::int64_t>(layers.back().out)}});
  return g;
}

void write_onnx(const Graph& g, const std::filesystem::path& path) {
  OutputFile file(path);
  file.write(encode_onnx(g));
  file.commit();
}

// The first `batch` test images as the models' input.
TensorMap test_inputs(const learn::ImageSet& test, std::size_t batch) {
  const std::size_t pixels = test.pixels_per_image();
  Tensor t(DataType::kFloat32,
           {static_cast<std::int64_t>(batch), static_cast<std::int64_t>(pixels)});
  std::copy_n(test.pixels.begin(), batch * pixels, t.data<float>().begin());
  return {{"input", std::move(t)}};
}

// The Gemm nodes' kernels of `plan`, "fc0 tilewise-tw-gemm, fc1 ...".
std::string gemm_kernels(const Plan& plan) {
  std::string out;
  for (const PlanStep& s : plan.steps())
    if (s.op_type == "Gemm")
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", s.node, s.kernel);
  return out;
}

void run_sparse_mlp(SparseMlpCommand c) {
  const std::vector<std::size_t> batches = parse_size_sweep(c.batches, "--batches");
  if (c.pattern != "tw" && c.pattern != "tw2d")
    throw usage_error("--pattern", "'" + c.pattern + "' is not tw or tw2d");
  c.options.sizes = {784, c.hidden, c.hidden, 10};
  c.options.prune.pattern = tilewise::parse_pattern(c.pattern);
  c.options.prune.sparsity = c.sparsity;
  tilewise::check_study_options(c.options);
  const std::filesystem::path dir(c.output);
  std::filesystem::create_directories(dir);

  const auto progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const learn::ImageSet train = learn::fashion_mnist(true), test = learn::fashion_mnist(false);
  for (std::size_t b : batches)
    if (b > test.count)
      throw usage_error("--batches",
                        fmt::format("{} is more than the {} test images", b, test.count));
  progress(fmt::format("Fashion-MNIST: {} training and {} test images; MLP 784-{}-{}-10",
                       train.count, test.count, c.hidden, c.hidden));
  const learn::Mlp dense = tilewise::train_dense(train, c.options, progress);
  tilewise::StudyCase pruned_case;
  pruned_case.pattern = c.options.prune.pattern;
  pruned_case.sparsity = c.sparsity;
  const tilewise::PrunedModel pruned =
      tilewise::prune_gradually(dense, train, test, c.options, pruned_case);
  const double dense_accuracy = dense.accuracy(test);
  progress(
      fmt::format("test accuracy: dense {:.2f}%, {} {:.0f}% {:.2f}% (hidden layers {:.1f}% "
                  "sparse)",
                  100 * dense_accuracy, c.pattern, 100 * c.sparsity, 100 * pruned_case.accuracy,
                  100 * pruned_case.achieved));

  const std::string pruned_name = fmt::format("mlp-{}{:.0f}", c.pattern, 100 * c.sparsity);
  nlohmann::json cases = nlohmann::json::array();
  for (const std::size_t batch : batches) {
    const auto b = static_cast<std::int64_t>(batch);
    const Graph dense_graph = mlp_graph(dense, b, "mlp-dense");
    const Graph pruned_graph = mlp_graph(pruned.model, b, pruned_name);
    const std::filesystem::path dense_file = dir / fmt::format("mlp-dense-b{}.onnx", batch),
                                pruned_file = dir / fmt::format("{}-b{}.onnx", pruned_name, batch);
    write_onnx(dense_graph, dense_file);
    write_onnx(pruned_graph, pruned_file);
    Plan dense_plan = Plan::compile(dense_graph);
    Plan pruned_plan = Plan::compile(pruned_graph);
    // The pruned model on the dense model's kernels (the fastest dense ones for these shapes):
    // what the sparse candidate is measured against.
    PlanOptions dense_kernels;
    for (const PlanStep& s : dense_plan.steps())
      if (s.op_type == "Gemm") dense_kernels.chosen[s.node] = s.kernel;
    Plan pruned_dense_plan = Plan::compile(pruned_graph, dense_kernels);

    const TensorMap inputs = test_inputs(test, batch);
    const Tensor want = run_reference(pruned_graph, inputs).at("logits");
    const Tensor got = pruned_plan.run(inputs).at("logits");
    if (const auto problem = compare_tensors(got, want, 1e-4, 1e-5))
      throw Error(pruned_file.string(), "its plan differs from the reference runtime: " + *problem);
    const Tensor on_dense = pruned_dense_plan.run(inputs).at("logits");
    double max_abs = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
      max_abs =
          std::max<double>(max_abs, std::abs(got.data<float>()[i] - on_dense.data<float>()[i]));

    BenchOptions timing;
    timing.budget_seconds = c.budget;
    timing.min_repetitions = 5;
    const Comparison vs_dense = compare_ab(
        "pruned_plan", [&] { pruned_plan.run(inputs); }, "dense_plan",
        [&] { dense_plan.run(inputs); }, timing);
    const Comparison vs_own_dense = compare_ab(
        "pruned_plan", [&] { pruned_plan.run(inputs); }, "pruned_on_dense_kernels",
        [&] { pruned_dense_plan.run(inputs); }, timing);
    std::cout << fmt::format(
        "batch {:>4}: {:.3f} ms, {:.2f}x the dense model's plan ({:.3f} ms), {:.2f}x the pruned "
        "model on the dense one's kernels ({:.3f} ms); max |difference| {:.1e}; {}\n",
        batch, vs_dense.a.median * 1e3, vs_dense.ratio.median, vs_dense.b.median * 1e3,
        vs_own_dense.ratio.median, vs_own_dense.b.median * 1e3, max_abs, gemm_kernels(pruned_plan));
    cases.push_back({{"batch", batch},
                     {"models", {dense_file.string(), pruned_file.string()}},
                     {"kernels", gemm_kernels(pruned_plan)},
                     {"max_abs_difference", max_abs},
                     {"vs_dense_model", to_json(vs_dense)},
                     {"vs_dense_kernels", to_json(vs_own_dense)}});
  }
  if (c.json)
    std::cout << nlohmann::json{{"dense_accuracy", dense_accuracy},
                                {"pruned_accuracy", pruned_case.accuracy},
                                {"achieved_sparsity", pruned_case.achieved},
                                {"cases", cases}}
              << "\n";
}

}  // namespace

void add_sparse_mlp(CLI::App& parent) {
  auto c = std::make_shared<SparseMlpCommand>();
  c->options.dense_epochs = 4;
  c->options.steps = 3;
  CLI::App* app = parent.add_subcommand(
      "sparse-mlp",
      "Train the Fashion-MNIST MLP, prune it tile-wise, export both models to ONNX and run the "
      "pruned one's plan against the dense one's");
  app->add_option("-o,--output", c->output, "Folder for the ONNX models")->required();
  app->add_option("--hidden", c->hidden, "Width of the two hidden layers")->capture_default_str();
  app->add_option("--pattern", c->pattern, "tw or tw2d")->capture_default_str();
  app->add_option("--sparsity", c->sparsity, "Fraction of the hidden layers' weights removed")
      ->capture_default_str();
  app->add_option("-G,--tile-width", c->options.prune.tile_width,
                  "Columns per tile (the plan finds tiles of 32, 64, 128 or 256 columns)")
      ->capture_default_str()
      ->check(cli::whole_number());
  app->add_option("--epochs", c->options.dense_epochs, "Epochs of dense training")
      ->capture_default_str();
  app->add_option("--steps", c->options.steps,
                  "Gradual pruning steps (one epoch of fine-tuning each)")
      ->capture_default_str();
  app->add_option("--batches", c->batches, "Images per run (sweep)")->capture_default_str();
  app->add_option("--budget", c->budget, "Seconds of interleaved timing per comparison")
      ->capture_default_str();
  app->add_option("--seed", c->options.train.seed, "Initialisation and shuffling seed")
      ->capture_default_str();
  app->add_flag("--json", c->json, "Also print every case as one JSON object");
  app->footer(
      "Needs Debian's dataset-fashion-mnist. Writes mlp-dense-b<B>.onnx and\n"
      "mlp-<pattern><percent>-b<B>.onnx per batch; `tessera infer run --plan` runs them like any\n"
      "model, the pruned one's Gemm nodes on TW-GEMM where it is measured faster. Examples:\n"
      "  tessera infer sparse-mlp -o mlp\n"
      "  tessera infer sparse-mlp -o mlp --pattern tw2d --sparsity 0.9 --batches 64,256\n"
      "  tessera infer run --plan mlp/mlp-tw75-b16.onnx -i images.npy -o logits.npy");
  app->callback([c] { run_sparse_mlp(*c); });
}

}  // namespace tessera::infer
