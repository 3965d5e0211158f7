// `tessera dlrm bench`: DLRM training throughput on batches of the synthetic stream, step by step
// (the batches made beforehand, so only training is timed), and the batches written out with
// `--dump` for a peer (bench/torchrec_peer.py) to train on the same data.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dlrm_commands.hpp"
#include "ranks.hpp"
#include "sample_dump.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/distribution.hpp"
#include "tessera/dlrm/model.hpp"
#include "tessera/dlrm/step_model.hpp"
#include "tessera/dlrm/synthetic.hpp"

namespace tessera::dlrm {
namespace {

struct BenchCommand {
  std::int64_t tables = 8, rows = 1'000'000, pooling = 20, batch = 2048, steps = 30, warmup = 3;
  std::vector<std::int64_t> bottom{512, 256, 64}, top{512, 256, 1};
  float learning_rate = 0.01f;
  std::uint64_t seed = 1;
  std::string dump;
  bool json = false;
  int ranks = 1;
  std::string sharding = "auto", comm = "fp32";
  std::vector<int> model_ranks;
  bool weak = false;  // model a batch of --batch samples a rank, not in all
  bool invariant = false;
  double network = kDefaultAlltoallBytesPerS / 1e9;  // GB/s
};

// The median of `values` (not empty).
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The batches as the peer reads them (write_samples), and batches.json saying so.
void dump_batches(const std::filesystem::path& folder, const std::vector<Batch>& batches,
                  const BenchCommand& c) {
  write_samples(folder, batches);
  write_json(folder, "batches.json",
             {{"steps", batches.size()},
              {"batch", c.batch},
              {"tables", c.tables},
              {"rows", c.rows},
              {"pooling", c.pooling},
              {"dense_features", batches[0].dense_features},
              {"bottom_mlp", c.bottom},
              {"top_mlp", c.top},
              {"optimizer", "rowwise-adagrad"},
              {"learning_rate", c.learning_rate},
              {"warmup", c.warmup}});
}

// Per-part medians of the timed steps, in seconds.
struct Medians {
  double step = 0;
  StepTimes parts;
};

Medians medians(const std::vector<double>& steps, const std::vector<StepTimes>& parts) {
  const auto of = [&](double StepTimes::*part) {
    std::vector<double> values;
    for (const StepTimes& t : parts) values.push_back(t.*part);
    return median(values);
  };
  return {median(steps),
          {of(&StepTimes::embedding_forward), of(&StepTimes::embedding_backward),
           of(&StepTimes::dense), of(&StepTimes::dense_reduction)}};
}

// The step model fed with this run's measured parts (one rank): the dense time per sample, and
// the lookup bandwidth that gives the measured embedding time (calibrated_memory_bandwidth).
// Per rank count, the modelled step on this machine (ranks sharing its cores and its memory,
// talking through the machine's copy bandwidth) and on one such machine a rank over the network.
nlohmann::json model_table(const BenchCommand& c, const Medians& m, const Dlrm& model) {
  StepModelInput input;
  for (std::int64_t t = 0; t < c.tables; ++t)
    input.tables.push_back(
        {fmt::format("table{}", t), c.rows, c.bottom.back(), static_cast<double>(c.pooling), 0.0});
  input.batch = c.batch;
  input.dense_seconds_per_sample = m.parts.dense / static_cast<double>(c.batch);
  input.dense_parameters = static_cast<std::int64_t>(model.dense_parameter_count());
  const double copy = resolve_bandwidths({}).memory, network = c.network * 1e9;
  input.bandwidths = {copy, network, network, copy};
  const double lookup =
      calibrated_memory_bandwidth(input, m.parts.embedding_forward + m.parts.embedding_backward);
  nlohmann::json rows = nlohmann::json::array();
  for (const int ranks : c.model_ranks) {
    StepModelInput here = input, apart = input;
    if (c.weak) here.batch = apart.batch = c.batch * ranks;
    here.bandwidths = {lookup, copy / ranks, copy / ranks, lookup};
    here.ranks_per_machine = ranks;
    apart.bandwidths = {lookup, network, network, lookup};
    const StepEstimate h = model_step(here, ranks), a = model_step(apart, ranks);
    rows.push_back({{"ranks", ranks},
                    {"batch", apart.batch},
                    {"lookup_bytes_per_s", lookup},
                    {"copy_bytes_per_s", copy},
                    {"this_machine_step_s", h.total_s()},
                    {"networked_step_s", a.total_s()},
                    {"networked_embedding_s", a.embedding_s},
                    {"networked_dense_s", a.dense_s},
                    {"networked_reduction_s", a.reduction_s}});
  }
  return rows;
}

void bench_on_ranks(const BenchCommand& c, Communicator& ranks,
                    std::shared_ptr<Communicator> shared) {
  SyntheticConfig data;
  data.seed = c.seed;
  data.rows.assign(static_cast<std::size_t>(c.tables), c.rows);
  data.pooling = c.pooling;
  const SyntheticData stream(data);
  const auto [begin, end] = rank_samples(c.batch, ranks.rank(), ranks.size());
  std::vector<Batch> batches;
  for (std::int64_t s = 0; s < c.warmup + c.steps; ++s)
    batches.push_back(stream.batch(s * c.batch + begin, end - begin));
  if (!c.dump.empty()) dump_batches(c.dump, batches, c);

  DlrmConfig config;
  config.dense_features = data.dense_features;
  config.bottom_mlp = c.bottom;
  config.top_mlp = c.top;
  config.table_rows = data.rows;
  config.optimizer = {OptimizerKind::kRowwiseAdagrad, c.learning_rate};
  config.seed = c.seed;
  config.world_size_invariant = c.invariant;
  std::vector<TableSpec> tables(data.rows.size(), TableSpec{c.rows, c.bottom.back()});
  const CommPrecision comm = parse_comm_precision(c.comm, "--comm");
  Dlrm model(config, {std::move(shared),
                      place_tables(ranks, tables, c.sharding, static_cast<double>(c.pooling),
                                   c.batch, config.optimizer.kind, config.pooling),
                      {comm, comm, comm, 1.0f},
                      std::nullopt});
  std::vector<double> seconds, losses;
  std::vector<StepTimes> parts;
  ProgressBar bar("bench", static_cast<std::uint64_t>(batches.size()), stderr,
                  ranks.rank() == 0 ? ProgressMode::kAuto : ProgressMode::kNever);
  for (const Batch& b : batches) {
    const auto start = std::chrono::steady_clock::now();
    losses.push_back(model.train_step(b));
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    parts.push_back(model.step_times());
    bar.advance();
  }
  bar.finish();
  const Medians m =
      medians({seconds.begin() + c.warmup, seconds.end()}, {parts.begin() + c.warmup, parts.end()});
  const nlohmann::json traffic = traffic_per_step(ranks, static_cast<std::int64_t>(batches.size()));
  if (ranks.rank() != 0) return;
  const double throughput = static_cast<double>(c.batch) / m.step;
  const nlohmann::json modelled =
      c.model_ranks.empty() ? nlohmann::json::array() : model_table(c, m, model);
  if (c.json) {
    std::cout << nlohmann::json{{"peer", "tessera"},
                                {"cpu", detect_cpu_features().brand},
                                {"threads", thread_count()},
                                {"ranks", ranks.size()},
                                {"median_step_s", m.step},
                                {"median_parts_s",
                                 {{"embedding_forward", m.parts.embedding_forward},
                                  {"embedding_backward", m.parts.embedding_backward},
                                  {"dense", m.parts.dense},
                                  {"dense_reduction", m.parts.dense_reduction}}},
                                {"bytes_per_step", traffic},
                                {"samples_per_second", throughput},
                                {"modelled", modelled},
                                {"losses", losses}}
                     .dump()
              << "\n";
    return;
  }
  std::cout << fmt::format(
      "{} steps of {} samples ({} tables x {} rows, pooling {}), {} ranks x {} threads, {}\n"
      "median step {:.2f} ms: {:.0f} samples/s; loss {:.4f} -> {:.4f}\n"
      "  embeddings forward {:.2f} ms, backward {:.2f} ms; dense {:.2f} ms; reduction {:.2f} ms\n",
      c.steps, c.batch, c.tables, c.rows, c.pooling, ranks.size(), thread_count(),
      detect_cpu_features().brand, m.step * 1e3, throughput, losses.front(), losses.back(),
      m.parts.embedding_forward * 1e3, m.parts.embedding_backward * 1e3, m.parts.dense * 1e3,
      m.parts.dense_reduction * 1e3);
  if (!modelled.empty())
    std::cout << fmt::format(
        "modelled step (ms; lookups calibrated to {:.1f} GB/s, copies {:.1f} GB/s): ranks, this "
        "machine shared, one machine a rank over {} GB/s\n",
        modelled[0]["lookup_bytes_per_s"].get<double>() / 1e9,
        modelled[0]["copy_bytes_per_s"].get<double>() / 1e9, c.network);
  for (const auto& row : modelled)
    std::cout << fmt::format(
        "  {:5} {:10.2f} {:10.2f}  (batch {}: {:.0f} samples/s)\n", row["ranks"].get<int>(),
        row["this_machine_step_s"].get<double>() * 1e3, row["networked_step_s"].get<double>() * 1e3,
        row["batch"].get<std::int64_t>(),
        static_cast<double>(row["batch"].get<std::int64_t>()) /
            row["networked_step_s"].get<double>());
}

void run_bench(const BenchCommand& c) {
  parse_comm_precision(c.comm, "--comm");
  if (!(c.network > 0)) throw usage_error("--network", "must be positive");
  if (c.ranks > 1 && !c.dump.empty()) throw usage_error("--dump", "needs one rank");
  if (c.ranks > 1 && !c.model_ranks.empty())
    throw usage_error("--model-ranks", "models from a one-rank run's parts: leave out --ranks");
  if (std::any_of(c.model_ranks.begin(), c.model_ranks.end(), [](int r) { return r < 1; }))
    throw usage_error("--model-ranks", "rank counts must be at least 1");
  std::shared_ptr<Communicator> ranks = join_ranks(c.ranks);
  run_on_ranks(*ranks, [&] { bench_on_ranks(c, *ranks, ranks); });
}

}  // namespace

void add_bench(CLI::App& parent) {
  auto c = std::make_shared<BenchCommand>();
  CLI::App* app = parent.add_subcommand(
      "bench", "Time DLRM training steps on synthetic batches (and write them for a peer)");
  app->add_option("--tables", c->tables, "Embedding tables")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--rows", c->rows, "Rows per table")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--pooling", c->pooling, "Ids per bag")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--batch", c->batch, "Samples per step")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--steps", c->steps, "Timed steps")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--warmup", c->warmup, "Untimed steps first")
      ->check(cli::whole_number(0))
      ->capture_default_str();
  app->add_option("--bottom", c->bottom, "Bottom MLP widths")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--top", c->top, "Top MLP widths (the last 1)")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--lr", c->learning_rate, "Row-wise AdaGrad's learning rate")
      ->capture_default_str();
  app->add_option("--seed", c->seed, "Seed of the data and the weights")->capture_default_str();
  app->add_option("--dump", c->dump,
                  "Write the batches here (dense.f32, ids.i64, labels.f32, batches.json)");
  app->add_flag("--json", c->json, "Print the result, and every step's loss, as JSON");
  app->add_option("--ranks", c->ranks,
                  "MPI ranks (started under mpiexec), each its part of a batch")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--sharding", c->sharding,
                  "Over several ranks: auto (the planner's plan) or one type for every table")
      ->check(CLI::IsMember(
          {"auto", "table_wise", "column_wise", "row_wise", "table_row_wise", "data_parallel"}))
      ->capture_default_str();
  app->add_option("--comm", c->comm, "Payload precision between ranks: fp32, fp16, bf16")
      ->capture_default_str();
  app->add_option("--model-ranks", c->model_ranks,
                  "Also model the step over these rank counts (step_model.hpp), from this run's "
                  "dense time")
      ->delimiter(',');
  app->add_option("--network", c->network, "The modelled network's bandwidth, GB/s")
      ->capture_default_str();
  app->add_flag("--weak", c->weak,
                "Model weak scaling: --batch samples on every rank (else --batch in all)");
  app->add_flag("--world-size-invariant", c->invariant,
                "Time the MLPs with their world-size-invariant sums (over chunks of 128 samples)");
  app->footer(
      "Examples:\n"
      "  tessera --threads 2 dlrm bench\n"
      "  tessera --threads 1 dlrm bench --ranks 2 --sharding table_wise\n"
      "  tessera dlrm bench --model-ranks 2,4,8,64,1024 --network 12.5\n"
      "  tessera dlrm bench --tables 8 --rows 1000000 --pooling 20 --batch 2048 --dump batches");
  app->callback([c] { run_bench(*c); });
}

}  // namespace tessera::dlrm
