// `tessera infer check` (conformance: the ONNX backend node tests of Debian's libonnx-testdata,
// the light_* models and mnist-8 of the shared data, run with the reference runtime) and
// `tessera infer run` (a model through the graph passes, on TensorProto inputs, outputs written as
// TensorProto files), `tessera infer optimize` (the passes' graph saved as ONNX), `tessera infer
// zoo` (a generated benchmark model), `compile`, `plan` and `bench` (plans), and `tune` (the
// loop-nest kernels' schedules searched into a tuning log).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "infer_commands.hpp"
#include "tessera/bench/bench.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/infer/conformance.hpp"
#include "tessera/infer/data_manifest.hpp"
#include "tessera/infer/gemm_replay.hpp"
#include "tessera/infer/model_zoo.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/infer/passes.hpp"
#include "tessera/infer/plan.hpp"
#include "tessera/infer/reference.hpp"
#include "tessera/tune/replay_study.hpp"

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
  bool plan = false;
  std::string plan_file;
  std::string print_after;
};

// The plan of `graph`: the saved one in `plan_file` when given (its model must be this graph;
// made on another machine or thread count, it is reported and the plan tuned again), else tuned
// now.
Plan plan_for(const Graph& graph, const std::string& plan_file) {
  if (plan_file.empty()) return Plan::compile(graph, {.progress = ProgressMode::kAuto});
  const std::vector<std::byte> bytes = read_file(plan_file);
  const SavedPlan saved = parse_saved_plan(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), plan_file);
  if (saved.model_checksum != model_checksum(graph)) {
    throw Error(plan_file, "was saved for another model (or the same one with other passes)");
  }
  if (saved.machine != plan_machine()) {
    std::cerr << fmt::format("{}: saved on {}, this is {}: tuning again\n", plan_file,
                             saved.machine, plan_machine());
    return Plan::compile(graph, {.progress = ProgressMode::kAuto});
  }
  return Plan::compile(graph, options_of(saved));
}

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
  const TensorMap outputs = o.plan || !o.plan_file.empty() ? plan_for(g, o.plan_file).run(inputs)
                                                           : run_reference(g, inputs);
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

struct ZooCommandOptions {
  std::string model;
  std::string output;
  ZooOptions zoo;
};

// A generated benchmark model saved as ONNX.
void run_zoo(const ZooCommandOptions& o) {
  const Graph g = make_zoo_model(o.model, o.zoo);
  OutputFile file(o.output);
  file.write(encode_onnx(g));
  file.commit();
  std::cerr << fmt::format("{}: batch {}, {}x{} images, seed {}: {} nodes, {} constants -> {}\n",
                           o.model, o.zoo.batch, o.zoo.image, o.zoo.image, o.zoo.seed,
                           g.nodes.size(), g.constants.size(), o.output);
}

struct CompileOptions {
  std::string model;
  std::string output;
  std::vector<std::string> conv_kernels;
  std::string tuning_log;
};

// A model's plan tuned and saved (the model after the graph passes, as run takes it).
void run_compile(const CompileOptions& o) {
  const Graph g = run_passes(read_onnx(o.model), default_passes());
  Stopwatch watch;
  const Plan plan = Plan::compile(g, {.conv_kernels = o.conv_kernels,
                                      .progress = ProgressMode::kAuto,
                                      .tuning_log = o.tuning_log});
  const double seconds = watch.elapsed();
  OutputFile file(o.output);
  const std::string text = save_plan(plan, g);
  file.write(std::as_bytes(std::span(text.data(), text.size())));
  file.commit();
  std::cerr << fmt::format("{}: {} steps tuned in {:.2f} s -> {}\n", o.model, plan.steps().size(),
                           seconds, o.output);
}

// A step's candidates and their times in ms: on NCHW buffers, and in parentheses in their own
// layouts where they have them ("onednn-blocked 0.612 (0.571)").
std::string candidate_times(const PlanStep& s) {
  std::string out;
  for (const auto& [kernel, seconds] : s.candidates) {
    out += fmt::format("{}{} {:.3f}", out.empty() ? "" : ", ", kernel, seconds * 1e3);
    for (const auto& [own_kernel, own_seconds] : s.own_layout_candidates)
      if (own_kernel == kernel) out += fmt::format(" ({:.3f})", own_seconds * 1e3);
  }
  return out;
}

// A saved plan, step by step: the kernel, the output's layout and the candidates' times.
void run_show_plan(const std::string& path) {
  const std::vector<std::byte> bytes = read_file(path);
  const SavedPlan saved = parse_saved_plan(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
  std::cout << fmt::format("# {}: saved on {}; this machine: {}\n", path, saved.machine,
                           plan_machine());
  for (const PlanStep& s : saved.steps) {
    const std::string why = s.candidates.empty() ? "not timed: the plan's one kernel for it"
                                                 : candidate_times(s) + " ms";
    std::cout << fmt::format("{:<28} {:<18} {:<24} {:<8} {}\n", s.node, s.op_type, s.kernel,
                             s.own_output_layout.empty() ? "nchw" : s.own_output_layout, why);
  }
}

struct TuneCommandOptions {
  std::string model;
  std::string log = "tuning.jsonl";
  std::string output;  // the saved plan; empty: none
  tune::TuneOptions tuning;
};

// The tasks of a model's convolutions tuned (those the log lacks): the GEMM tasks of the
// generated-GEMM record and the convolution tasks of the blocked records; the log appended, then
// the plan compiled with the tuned kernels among its candidates (and saved when asked).
void run_tune(TuneCommandOptions o) {
  const Graph g = run_passes(read_onnx(o.model), default_passes());
  o.tuning.progress = ProgressMode::kAuto;
  Stopwatch watch;
  const Plan plan =
      Plan::compile(g, {.progress = ProgressMode::kAuto, .tuning_log = o.log, .tuning = o.tuning});
  const double seconds = watch.elapsed();
  std::size_t gemm_tasks = 0;
  for (const auto& [task, source] : plan.kernel_sources()) {
    std::cout << fmt::format("{:<44} {}\n", task, source);
    gemm_tasks += task.rfind("gemm ", 0) == 0 ? 1 : 0;
  }
  std::size_t loop_nests = 0;
  for (const PlanStep& s : plan.steps()) loop_nests += s.schedule.empty() ? 0 : 1;
  std::cout << fmt::format(
      "# {}: {} GEMM and {} convolution tasks, {} trials each at most ({} search); the plan runs "
      "{} of its nodes on loop-nest kernels; {:.1f} s; log {}\n",
      o.model, gemm_tasks, plan.kernel_sources().size() - gemm_tasks, o.tuning.trials,
      o.tuning.search, loop_nests, seconds, o.log);
  if (o.output.empty()) return;
  OutputFile file(o.output);
  const std::string text = save_plan(plan, g);
  file.write(std::as_bytes(std::span(text.data(), text.size())));
  file.commit();
}

struct RecordReplayOptions {
  std::string task;
  std::vector<std::string> values;  // "knob=v1,v2,..."
  std::string output;
};

// A replay table of one GEMM task over the schedule space, restricted by --values.
void run_record_replay(const RecordReplayOptions& o) {
  tune::SearchSpace space = gemm_schedule_space();
  for (const std::string& v : o.values) {
    const std::size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size())
      throw usage_error("--values " + v, "is not knob=value,value,...");
    std::vector<std::int64_t> values;
    std::string rest = v.substr(eq + 1);
    for (std::size_t at = 0; at <= rest.size();) {
      const std::size_t comma = std::min(rest.find(',', at), rest.size());
      const std::string item = rest.substr(at, comma - at);
      std::size_t used = 0;
      try {
        values.push_back(std::stoll(item, &used));
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != item.size())
        throw usage_error("--values " + v, "has '" + item + "', which is no integer");
      at = comma + 1;
    }
    space = space.restricted(v.substr(0, eq), values, "--values " + v);
  }
  Stopwatch watch;
  const tune::ReplayTable table = record_gemm_replay_table(o.task, space, ProgressMode::kAuto);
  OutputFile file(o.output);
  const std::string text = tune::format_replay_table(table);
  file.write(std::as_bytes(std::span(text.data(), text.size())));
  file.commit();
  std::size_t failed = 0;
  double best = std::numeric_limits<double>::infinity();
  for (const double seconds : table.seconds) {
    failed += std::isfinite(seconds) ? 0 : 1;
    best = std::min(best, seconds);
  }
  std::cout << fmt::format(
      "{}: {} schedules timed in {:.1f} s, {} failed their check, fastest {:.3f} ms -> {}\n",
      table.task, table.seconds.size(), watch.elapsed(), failed, best * 1e3, o.output);
}

struct ReplayStudyOptions {
  std::vector<std::string> tables;
  std::uint64_t seeds = 9;
  double fraction = 0.95;
};

// Each search replayed on the tables: the median trials to come within the fraction of the
// fastest, and GA's and RL's against random search's.
void run_replay_study(const ReplayStudyOptions& o) {
  std::vector<tune::ReplayTable> tables;
  for (const std::string& path : o.tables) {
    const std::vector<std::byte> bytes = read_file(path);
    tables.push_back(tune::parse_replay_table(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path));
  }
  std::cout << fmt::format(
      "# {} tables x {} seeds: median trials to come within {:.0f}% of each table's fastest\n"
      "{:<40} {:>8} {:>11} {:>8} {:>8} {:>8}\n",
      tables.size(), o.seeds, o.fraction * 100, "task", "configs", "fastest ms", "random", "ga",
      "rl");
  const auto medians = [&](std::span<const tune::ReplayTable> of) {
    std::map<std::string, double, std::less<>> median;
    for (const std::string_view search : tune::kSearchNames)
      median[std::string(search)] =
          tune::replay_study(of, std::string(search), o.seeds, o.fraction).median;
    return median;
  };
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const auto m = medians(std::span(tables).subspan(t, 1));
    const double fastest = *std::min_element(tables[t].seconds.begin(), tables[t].seconds.end());
    std::cout << fmt::format("{:<40} {:>8} {:>11.3f} {:>8.1f} {:>8.1f} {:>8.1f}\n", tables[t].task,
                             tables[t].space.size(), fastest * 1e3, m.at("random"), m.at("ga"),
                             m.at("rl"));
  }
  const auto all = medians(tables);
  std::cout << fmt::format("{:<40} {:>8} {:>11} {:>8.1f} {:>8.1f} {:>8.1f}\n", "all", "", "",
                           all.at("random"), all.at("ga"), all.at("rl"))
            << fmt::format("ga / random {:.2f}, rl / random {:.2f}\n",
                           all.at("ga") / all.at("random"), all.at("rl") / all.at("random"));
}

struct BenchOptions {
  std::string model;
  int runs = 20;
  bool passes = true;
  bool steps = false;
  std::string tuning_log;
};

// The plans `tessera infer bench` times side by side: the mixed one (every conv kernel) and one
// per library (oneDNN's records only; OpenBLAS only), where the build has them, and the project's
// own kernels only.
std::vector<std::pair<std::string, PlanOptions>> bench_plans() {
  std::vector<std::pair<std::string, PlanOptions>> plans{{"mixed", {}}};
  std::vector<std::string> onednn, own;
  for (const KernelListing* listing : kernel_catalog()) {
    if (listing->operation() != "infer.conv") continue;
    for (const KernelSummary& k : listing->summaries()) {
      if (k.runs_here && k.name.rfind("onednn", 0) == 0) onednn.push_back(k.name);
      if (k.runs_here && k.backend == KernelBackend::kCpu) own.push_back(k.name);
    }
  }
  if (!onednn.empty()) plans.push_back({"onednn-only", {.conv_kernels = onednn}});
  plans.push_back({"openblas-only", {.conv_kernels = {"im2col-openblas"}}});
  plans.push_back({"tessera-only", {.conv_kernels = own}});
  return plans;
}

// Latency of a model's plans, timed in turns: each round runs every plan (the order rotating) for
// a block of untimed runs, then a block of timed ones; medians. A plan reaches its steady state,
// the one a model served run after run is in, only some runs after another plan ran.
void run_bench(const BenchOptions& o) {
  Graph g = read_onnx(o.model);
  if (o.passes) g = run_passes(std::move(g), default_passes());
  const TensorMap inputs = random_inputs(g, 7);
  std::vector<std::pair<std::string, Plan>> plans;
  for (auto& [name, options] : bench_plans()) {
    options.progress = ProgressMode::kAuto;
    options.tuning_log = o.tuning_log;
    Stopwatch compile;
    plans.emplace_back(name, Plan::compile(g, options));
    std::cerr << fmt::format("{}: compiled and tuned in {:.2f} s\n", name, compile.elapsed());
  }
  std::vector<std::vector<double>> seconds(plans.size());
  for (auto& [name, plan] : plans) plan.run(inputs);  // warm-up
  constexpr int kBlock = 4;
  for (int r = 0; r * kBlock < o.runs; ++r) {
    // Each round starts with the next plan: none always follows the one that used the caches most.
    for (std::size_t k = 0; k < plans.size(); ++k) {
      const std::size_t p = (k + static_cast<std::size_t>(r)) % plans.size();
      for (int i = 0; i < kBlock; ++i) plans[p].second.run(inputs);
      for (int i = 0; i < std::min(kBlock, o.runs - r * kBlock); ++i) {
        Stopwatch watch;
        plans[p].second.run(inputs);
        seconds[p].push_back(watch.elapsed());
      }
    }
  }
  const CpuFeatures cpu = detect_cpu_features();
  std::cout << fmt::format("# {} ({} nodes after passes), {} runs each, {} threads, {}\n", o.model,
                           g.nodes.size(), o.runs, thread_count(), cpu.brand);
  const double mixed = summarize(seconds[0]).median;
  for (std::size_t p = 0; p < plans.size(); ++p) {
    const Summary s = summarize(seconds[p]);
    std::cout << fmt::format(
        "{:<14} median {:8.3f} ms  (min {:.3f}, max {:.3f})  mixed / this {:.2f}\n", plans[p].first,
        s.median * 1e3, s.min * 1e3, s.max * 1e3, mixed / s.median);
  }
  if (!o.steps) return;
  // Each step of the mixed plan in the run (median), beside its candidates timed alone.
  const std::vector<double> step_seconds = plans[0].second.profile(inputs, o.runs);
  const std::vector<PlanStep>& steps = plans[0].second.steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::cout << fmt::format(
        "{:<28} {:<18} {:<24} {:8.3f} ms  {:<8} {}\n", steps[i].node, steps[i].op_type,
        steps[i].kernel, step_seconds[i] * 1e3,
        steps[i].own_output_layout.empty() ? "nchw" : steps[i].own_output_layout,
        candidate_times(steps[i]));
  }
}

const cli::Registrar kInfer(
    "infer",
    "ONNX inference: import a model, optimize it, plan and time it, check conformance with the "
    "ONNX test data",
    [](CLI::App& app) {
      app.require_subcommand(1);
      app.footer(
          "Examples:\n"
          "  tessera infer check\n"
          "  tessera infer optimize model.onnx -o optimized.onnx\n"
          "  tessera infer zoo resnet18 -o resnet18.onnx\n"
          "  tessera infer compile resnet18.onnx -o resnet18.plan\n"
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
      run_app->add_flag("--plan", run->plan,
                        "Run the optimized plan (conv kernels timed per node, the fastest kept) "
                        "instead of the reference kernels");
      run_app->add_option("--plan-file", run->plan_file,
                          "Run the plan `tessera infer compile` saved (no tuning)");
      run_app->add_option("--print-after", run->print_after,
                          "Print the graph (stderr) after this pass: remove-pass-throughs, "
                          "fold-constants, fold-batch-norm, fuse-epilogues, eliminate-dead-code, "
                          "or all");
      run_app->footer(
          "Examples:\n"
          "  tessera infer run mnist-8/model.onnx -i test_data_set_0/input_0.pb -o digits.pb\n"
          "  tessera infer run mnist-8/model.onnx -i image.npy -o digits.npy\n"
          "  tessera infer run resnet18.onnx -i image.npy -o logits.npy --plan\n"
          "  tessera infer run resnet18.onnx -i image.npy -o logits.npy --plan-file r18.plan\n"
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

      auto compile = std::make_shared<CompileOptions>();
      CLI::App* compile_app = app.add_subcommand(
          "compile",
          "Tune a model's plan (every conv kernel timed per node, the reorders counted) and "
          "save it, so that `run --plan-file` runs it without tuning");
      compile_app->add_option("model", compile->model, "The .onnx model")->required();
      compile_app->add_option("-o,--output", compile->output, "The saved plan (JSON)")->required();
      compile_app
          ->add_option("--conv-kernels", compile->conv_kernels,
                       "Only these conv kernels (the infer.conv records `tessera doctor` lists)")
          ->delimiter(',');
      compile_app->add_option("--tuning-log", compile->tuning_log,
                              "Schedules of the loop-nest kernels, from `tessera infer tune`");
      compile_app->footer(
          "Examples:\n"
          "  tessera infer compile resnet18.onnx -o resnet18.plan\n"
          "  tessera infer compile resnet18.onnx -o tuned.plan --tuning-log tuning.jsonl\n"
          "  tessera infer compile resnet18.onnx -o dnnl.plan --conv-kernels "
          "onednn-nchw,onednn-blocked");
      compile_app->callback([compile] { run_compile(*compile); });

      auto plan_path = std::make_shared<std::string>();
      CLI::App* plan_app = app.add_subcommand(
          "plan", "Print a saved plan: the kernel of each node, its output's layout and why");
      plan_app->add_option("plan", *plan_path, "A plan `tessera infer compile` saved")->required();
      plan_app->footer("Examples:\n  tessera infer plan resnet18.plan");
      plan_app->callback([plan_path] { run_show_plan(*plan_path); });

      auto bench = std::make_shared<BenchOptions>();
      CLI::App* bench_app = app.add_subcommand(
          "bench",
          "Time a model's plan (every conv kernel timed per node, the fastest kept) beside the "
          "oneDNN-only, OpenBLAS-only and tessera-only plans");
      bench_app->add_option("model", bench->model, "The .onnx model")->required();
      bench_app
          ->add_option("--runs", bench->runs,
                       "Timed runs of each plan, taken in turns by blocks of 4, each block after 4 "
                       "untimed runs")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
      bench_app->add_flag("!--no-passes", bench->passes, "Plan the graph as imported");
      bench_app->add_flag(
          "--steps", bench->steps,
          "Also print the mixed plan's kernel per node, its time in the plan, its "
          "output's layout and its candidates' times alone (ms; in parentheses, in their own "
          "layouts)");
      bench_app->add_option("--tuning-log", bench->tuning_log,
                            "Schedules of the loop-nest kernels, from `tessera infer tune`");
      bench_app->footer(
          "Examples:\n"
          "  tessera infer zoo resnet18 -o resnet18.onnx && tessera infer bench resnet18.onnx\n"
          "  tessera infer bench mobilenetv2.onnx --runs 50 --steps\n"
          "  tessera --threads 1 infer bench squeezenet1.1.onnx");
      bench_app->callback([bench] { run_bench(*bench); });

      auto record = std::make_shared<RecordReplayOptions>();
      CLI::App* record_app = app.add_subcommand(
          "record-replay",
          "Time every schedule of the generated GEMM kernel's search space (or of the part "
          "--values keeps) on one GEMM task, into a replay table for `replay-study`");
      record_app
          ->add_option("--task", record->task,
                       "The GEMM task, as `tessera infer tune` prints it (its thread count must "
                       "be tessera's)")
          ->required();
      record_app->add_option("--values", record->values,
                             "knob=value,value,...: keep these values of a knob (repeatable)");
      record_app->add_option("-o,--output", record->output, "The replay table (JSON)")->required();
      record_app->footer(
          "Examples:\n"
          "  tessera infer record-replay --task \"gemm m=64 n=3136 k=576 threads=2\" -o t1.json\n"
          "  tessera infer record-replay --task \"gemm m=128 n=784 k=1152 threads=2\" \\\n"
          "      --values mr=4,6,8 --values kc=128,256,512 -o t2.json");
      record_app->callback([record] { run_record_replay(*record); });

      auto study = std::make_shared<ReplayStudyOptions>();
      CLI::App* study_app = app.add_subcommand(
          "replay-study",
          "Replay random, GA and RL search on recorded tables: the median trials each needs to "
          "come within a fraction of the fastest schedule");
      study_app->add_option("tables", study->tables, "Replay tables from `record-replay`")
          ->required();
      study_app->add_option("--seeds", study->seeds, "Seeds per search and table")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
      study_app->add_option("--fraction", study->fraction, "How close to the fastest counts")
          ->capture_default_str()
          ->check(CLI::Range(0.01, 1.0));
      study_app->footer("Examples:\n  tessera infer replay-study t1.json t2.json --seeds 9");
      study_app->callback([study] { run_replay_study(*study); });

      auto tuning = std::make_shared<TuneCommandOptions>();
      CLI::App* tune_app = app.add_subcommand(
          "tune",
          "Tune the loop-nest kernels of a model's convolutions, the GEMM of the generated-gemm "
          "record and the blocked direct and depthwise convolutions (schedules searched, each "
          "generated, compiled, checked against a reference and timed), append them to a tuning "
          "log, and plan the model with them among the candidates");
      tune_app->add_option("model", tuning->model, "The .onnx model")->required();
      tune_app->add_option("--search", tuning->tuning.search, "random, ga or rl")
          ->capture_default_str()
          ->check(CLI::IsMember({"random", "ga", "rl"}));
      tune_app->add_option("--trials", tuning->tuning.trials, "Schedules measured per task at most")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
      tune_app->add_option("--seed", tuning->tuning.seed, "Seed of the search")
          ->capture_default_str();
      tune_app
          ->add_option("--log", tuning->log,
                       "The tuning log (JSON lines): tasks it holds for this hardware are not "
                       "tuned again")
          ->capture_default_str();
      tune_app->add_option("-o,--output", tuning->output, "Also save the plan (JSON)");
      tune_app->footer(
          "Examples:\n"
          "  tessera infer tune resnet18.onnx --search ga --trials 200\n"
          "  tessera infer tune mobilenetv2.onnx --search rl --log mnv2.jsonl -o mnv2.plan\n"
          "  tessera infer bench resnet18.onnx --tuning-log tuning.jsonl");
      tune_app->callback([tuning] { run_tune(*tuning); });

      auto zoo = std::make_shared<ZooCommandOptions>();
      CLI::App* zoo_app = app.add_subcommand(
          "zoo",
          "Write a benchmark model (resnet18, mobilenetv2, squeezenet1.1) with seeded random "
          "weights as ONNX, its weights named as torchvision's state_dict keys");
      zoo_app->add_option("model", zoo->model, "resnet18, mobilenetv2 or squeezenet1.1")
          ->required();
      zoo_app->add_option("-o,--output", zoo->output, "The .onnx file to write")->required();
      zoo_app->add_option("--batch", zoo->zoo.batch, "Images per run")
          ->capture_default_str()
          ->check(CLI::PositiveNumber);
      zoo_app->add_option("--image", zoo->zoo.image, "Image height and width")
          ->capture_default_str()
          ->check(CLI::Range(32, 4096));
      zoo_app->add_option("--seed", zoo->zoo.seed, "Seed of the weights")->capture_default_str();
      zoo_app->footer(
          "Examples:\n"
          "  tessera infer zoo resnet18 -o resnet18.onnx\n"
          "  tessera infer zoo mobilenetv2 --batch 8 -o mobilenetv2-b8.onnx\n"
          "  tessera infer zoo squeezenet1.1 --image 64 --seed 7 -o small.onnx");
      zoo_app->callback([zoo] { run_zoo(*zoo); });

      add_weights_commands(app);
      add_sparse_mlp(app);
    });

}  // namespace
}  // namespace tessera::infer
