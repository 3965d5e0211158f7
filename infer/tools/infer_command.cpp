// `tessera infer check` (conformance: the ONNX backend node tests of Debian's libonnx-testdata,
// the light_* models and mnist-8 of the shared data, run with the reference runtime) and
// `tessera infer run` (a model through the graph passes, on TensorProto inputs, outputs written as
// TensorProto files) and `tessera infer optimize` (the passes' graph saved as ONNX).
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/cli/cli.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/data_manifest.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/passes.hpp"
#include "tessera/infer/reference.hpp"

namespace tessera::infer {
namespace {

struct CheckOptions {
  std::string node_tests;  // folder of node test cases; empty: libonnx-testdata's
  std::string filter;      // only cases whose name contains it
  bool models = true;
  bool json = false;
  bool verbose = false;
};

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "passed";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kUnsupported:
      return "unsupported";
  }
  return "?";
}

std::vector<CaseResult> node_cases(const CheckOptions& o) {
  std::filesystem::path root = o.node_tests;
  if (root.empty()) {
    const DataInput node = data_manifest().input("node-tests");
    if (!node.present) {
      std::cerr << "infer check: skipping the node tests: " << node.missing_reason << "\n";
      return {};
    }
    root = node_test_root(node);
  }
  if (!std::filesystem::is_directory(root))
    throw Error(root.string(), "is not a folder of ONNX test cases");
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (entry.is_directory() &&
        entry.path().filename().string().find(o.filter) != std::string::npos) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  std::vector<CaseResult> results;
  for (const auto& folder : folders) results.push_back(run_test_case(folder));
  return results;
}

std::vector<CaseResult> model_cases(const CheckOptions& o) {
  std::vector<CaseResult> results;
  for (const DataInput& model : data_manifest().set("light")) {
    if (model.id.find(o.filter) == std::string::npos) continue;
    if (!model.present) {
      std::cerr << "infer check: skipping " << model.id << ": " << model.missing_reason << "\n";
      continue;
    }
    auto expected = model.path;
    expected.replace_filename(model.path.stem().string() + "_output_0.pb");
    // densenet121 sums long chains of convolutions: the ONNX repository tests it at rtol 2e-3.
    const double rtol = model.id == "light_densenet121" ? 2e-3 : kDefaultRtol;
    results.push_back(run_light_model(model.path, expected, rtol));
  }
  const DataInput mnist = data_manifest().input("mnist-8");
  if (mnist.id.find(o.filter) != std::string::npos || o.filter.empty()) {
    if (mnist.present) {
      CaseResult r = run_test_case(mnist.path.parent_path());
      r.name = "mnist-8";
      results.push_back(std::move(r));
    } else {
      std::cerr << "infer check: skipping mnist-8: " << mnist.missing_reason << "\n";
    }
  }
  return results;
}

void run_check(const CheckOptions& o) {
  std::vector<CaseResult> results = node_cases(o);
  if (o.models) {
    for (CaseResult& r : model_cases(o)) results.push_back(std::move(r));
  }
  std::map<Outcome, std::size_t> counts;
  for (const CaseResult& r : results) {
    ++counts[r.outcome];
    if (r.outcome == Outcome::kFailed || (o.verbose && r.outcome == Outcome::kUnsupported)) {
      std::cerr << outcome_name(r.outcome) << ": " << r.name << ": " << r.detail << "\n";
    }
  }
  if (o.json) {
    nlohmann::json cases = nlohmann::json::array();
    for (const CaseResult& r : results) {
      cases.push_back(
          {{"case", r.name}, {"outcome", outcome_name(r.outcome)}, {"detail", r.detail}});
    }
    std::cout << nlohmann::json{{"passed", counts[Outcome::kPassed]},
                                {"failed", counts[Outcome::kFailed]},
                                {"unsupported", counts[Outcome::kUnsupported]},
                                {"cases", cases}}
                     .dump()
              << "\n";
  } else {
    std::cout << fmt::format("{} cases: {} passed, {} failed, {} unsupported\n", results.size(),
                             counts[Outcome::kPassed], counts[Outcome::kFailed],
                             counts[Outcome::kUnsupported]);
  }
  if (counts[Outcome::kFailed] > 0) {
    throw Error("infer check", fmt::format("{} cases failed", counts[Outcome::kFailed]),
                ExitCode::kVerification);
  }
}

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  bool passes = true;
  std::string print_after;
};

void run_model(const RunOptions& o) {
  check_print_after(default_passes(), o.print_after);
  Graph g = read_onnx(o.model);
  if (o.passes) g = run_passes(std::move(g), default_passes(), o.print_after, &std::cerr);
  if (o.inputs.size() != g.inputs.size()) {
    throw Error(o.model,
                fmt::format("takes {} inputs; -i gave {}", g.inputs.size(), o.inputs.size()));
  }
  TensorMap inputs;
  for (std::size_t i = 0; i < o.inputs.size(); ++i) {
    inputs[g.inputs[i].name] = read_tensor_file(o.inputs[i]);
  }
  const TensorMap outputs = run_reference(g, inputs);
  // One output goes to -o itself; several to <-o without its extension>_<k>.pb (or .npy).
  std::deque<OutputFile> files;  // opened before any is written; not movable
  std::vector<std::filesystem::path> paths;
  if (g.outputs.size() == 1) {
    paths.push_back(o.output);
  } else {
    std::filesystem::path stem = o.output;
    const std::string extension = stem.extension() == ".npy" ? ".npy" : ".pb";
    if (stem.extension() == extension) stem.replace_extension();
    for (std::size_t k = 0; k < g.outputs.size(); ++k) {
      paths.push_back(fmt::format("{}_{}{}", stem.string(), k, extension));
    }
  }
  for (const auto& path : paths) files.emplace_back(path);
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    files[k].write(encode_tensor_file(outputs.at(g.outputs[k].name), g.outputs[k].name, paths[k]));
  }
  for (OutputFile& f : files) f.commit();
  for (std::size_t k = 0; k < g.outputs.size(); ++k) {
    const Tensor& t = outputs.at(g.outputs[k].name);
    std::cerr << fmt::format("{}: {} {} -> {}\n", g.outputs[k].name, to_string(t.type),
                             shape_string(t.shape), paths[k].string());
  }
}

struct OptimizeOptions {
  std::string model;
  std::string output;
  std::string print_after;
};

// The model through the graph passes, saved as ONNX (a saved model runs without them).
void run_optimize(const OptimizeOptions& o) {
  check_print_after(default_passes(), o.print_after);
  const Graph before = read_onnx(o.model);
  const Graph after = run_passes(before, default_passes(), o.print_after, &std::cerr);
  OutputFile file(o.output);
  file.write(encode_onnx(after));
  file.commit();
  std::cerr << fmt::format("{}: {} nodes, {} constants -> {}: {} nodes, {} constants\n", o.model,
                           before.nodes.size(), before.constants.size(), o.output,
                           after.nodes.size(), after.constants.size());
}

const cli::Registrar kInfer(
    "infer", "ONNX inference: import a model, run it, check conformance with the ONNX test data",
    [](CLI::App& app) {
      app.require_subcommand(1);
      app.footer(
          "Examples:\n"
          "  tessera infer check\n"
          "  tessera infer optimize model.onnx -o optimized.onnx\n"
          "  tessera infer run model.onnx -i input_0.pb -o output.pb");

      auto check = std::make_shared<CheckOptions>();
      CLI::App* check_app = app.add_subcommand(
          "check",
          "Run the ONNX backend node tests, the light_* models and mnist-8 with the reference "
          "runtime; counts of passed, failed and unsupported cases (exit 3 if any failed)");
      check_app->add_option("--node-tests", check->node_tests,
                            "Folder of ONNX node test cases (default: libonnx-testdata's)");
      check_app->add_option("--filter", check->filter, "Only cases whose name contains this text");
      check_app->add_flag("!--no-models", check->models, "Skip the light_* models and mnist-8");
      check_app->add_flag("--json", check->json,
                          "Print the counts and every case as one JSON object");
      check_app->add_flag("-v,--verbose", check->verbose, "Also say why each unsupported case is");
      check_app->footer(
          "Examples:\n"
          "  tessera infer check\n"
          "  tessera infer check --filter conv -v\n"
          "  tessera infer check --json --no-models > conformance.json");
      check_app->callback([check] { run_check(*check); });

      auto run = std::make_shared<RunOptions>();
      CLI::App* run_app = app.add_subcommand(
          "run", "Run a model on TensorProto (.pb) or NumPy (.npy, float32) inputs");
      run_app->add_option("model", run->model, "The .onnx model")->required();
      run_app
          ->add_option("-i,--input", run->inputs,
                       "Input tensors (.pb or .npy), in the model's input order")
          ->required();
      run_app
          ->add_option(
              "-o,--output", run->output,
              "Output tensor (.pb, or .npy for float32); a model of several outputs writes "
              "<name>_<k>.pb")
          ->required();
      run_app->add_flag("!--no-passes", run->passes,
                        "Run the graph as imported, without the graph passes");
      run_app->add_option("--print-after", run->print_after,
                          "Print the graph (stderr) after this pass: remove-pass-throughs, "
                          "fold-constants, fold-batch-norm, eliminate-dead-code, or all");
      run_app->footer(
          "Examples:\n"
          "  tessera infer run mnist-8/model.onnx -i test_data_set_0/input_0.pb -o digits.pb\n"
          "  tessera infer run mnist-8/model.onnx -i image.npy -o digits.npy\n"
          "  tessera infer run model.onnx -i input_0.pb -o out.pb --print-after=fold-batch-norm");
      run_app->callback([run] { run_model(*run); });

      auto optimize = std::make_shared<OptimizeOptions>();
      CLI::App* optimize_app =
          app.add_subcommand("optimize", "Run the graph passes on a model and save it as ONNX");
      optimize_app->add_option("model", optimize->model, "The .onnx model")->required();
      optimize_app->add_option("-o,--output", optimize->output, "The optimized .onnx model")
          ->required();
      optimize_app->add_option("--print-after", optimize->print_after,
                               "Print the graph (stderr) after this pass, or all");
      optimize_app->footer(
          "Examples:\n"
          "  tessera infer optimize resnet50.onnx -o resnet50-folded.onnx\n"
          "  tessera infer optimize model.onnx -o out.onnx --print-after=fold-batch-norm");
      optimize_app->callback([optimize] { run_optimize(*optimize); });
    });

}  // namespace
}  // namespace tessera::infer
