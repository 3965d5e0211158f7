// `tessera dlrm train`: trains DLRM on the synthetic stream (against its oracle) or on a Criteo
// file (chronological train/test split), and reports test AUC, log loss and throughput.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dlrm_commands.hpp"
#include "json_config.hpp"
#include "ranks.hpp"
#include "sample_dump.hpp"
#include "tessera/cli/cli.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/checkpoint.hpp"
#include "tessera/dlrm/criteo.hpp"
#include "tessera/dlrm/distribution.hpp"
#include "tessera/dlrm/metrics.hpp"
#include "tessera/dlrm/sharding.hpp"
#include "tessera/dlrm/synthetic.hpp"
#include "tessera/dlrm/tiered_embedding.hpp"
#include "tessera/dlrm/training.hpp"

namespace tessera::dlrm {
namespace {

// Where the samples come from: a Criteo file, or the synthetic stream.
struct DataOptions {
  std::string criteo;  // a Criteo file; empty: the synthetic stream
  double test_fraction = 0.2;
  std::int64_t criteo_rows = 100'000;
  std::int64_t tables = 8, rows = 100'000, pooling = 20;
  double zipf_alpha = 1.1;
  std::vector<double> teacher{1.0, 0.6, 0.8};  // the teacher's dense, row and pair scales
  std::int64_t train_samples = 200'000, test_samples = 50'000;
  std::uint64_t seed = 1;
};

struct TrainCommand {
  DataOptions data;
  std::vector<std::int64_t> bottom{512, 256, 64}, top{512, 256, 1};
  std::string optimizer = "rowwise-adagrad";
  float learning_rate = 0.01f;
  std::string pooling_kind = "sum";
  std::int64_t batch = 2048;
  int epochs = 1;
  std::string checkpoint, resume;
  std::int64_t checkpoint_every = 0, max_steps = 0;
  std::string dump, config;
  bool json = false;
  // Hybrid parallelism.
  int ranks = 1;
  std::string plan, sharding = "auto";
  std::string comm = "fp32", forward_comm, backward_comm, dense_comm;
  float loss_scale = 1.0f;
  bool invariant = false;
  // Tiered store.
  double cache_fraction = 0;  // 0: the tables all in RAM
  std::string cache_policy = "lru", cache_dir;
};

struct EvalCommand {
  DataOptions data;
  std::string checkpoint;
  std::int64_t batch = 2048;
  bool json = false;
};

// The source, its train and test ranges, and the oracle's evaluation where the data has one.
struct Data {
  SampleSource source;
  std::int64_t dense_features = 0;
  std::vector<std::int64_t> rows;
  double pooling = 1.0;  // mean ids per bag
  std::int64_t train_samples = 0, test_first = 0, test_samples = 0;
  std::optional<Evaluation> oracle;
};

Data synthetic_data(const DataOptions& c) {
  SyntheticConfig config;
  config.seed = c.seed;
  config.rows.assign(static_cast<std::size_t>(c.tables), c.rows);
  config.pooling = c.pooling;
  config.zipf_alpha = c.zipf_alpha;
  if (c.teacher.size() != 3)
    throw usage_error("--teacher", "needs three scales: dense, row and pair");
  config.dense_scale = c.teacher[0];
  config.row_scale = c.teacher[1];
  config.pair_scale = c.teacher[2];
  auto stream = std::make_shared<SyntheticData>(config);
  Data d;
  d.source = [stream](std::int64_t first, std::int64_t count) {
    return stream->batch(first, count);
  };
  d.dense_features = config.dense_features;
  d.rows = config.rows;
  d.pooling = static_cast<double>(c.pooling);
  d.train_samples = c.train_samples;
  d.test_first = c.train_samples;  // the test samples follow the training ones in the stream
  d.test_samples = c.test_samples;
  const Batch test = stream->batch(d.test_first, d.test_samples);
  const std::vector<float> p = stream->probabilities(d.test_first, d.test_samples);
  d.oracle = Evaluation{roc_auc(p, test.labels), log_loss(p, test.labels), d.test_samples};
  return d;
}

Data criteo_data(const DataOptions& c) {
  if (!(c.test_fraction > 0 && c.test_fraction < 1))
    throw usage_error("--test-fraction", "must lie strictly between 0 and 1");
  auto all = std::make_shared<Batch>(read_criteo(c.criteo, {{c.criteo_rows}, 0}));
  Data d;
  d.source = [all](std::int64_t first, std::int64_t count) { return slice(*all, first, count); };
  d.dense_features = all->dense_features;
  d.rows.assign(static_cast<std::size_t>(all->sparse.tables), c.criteo_rows);
  d.test_samples = static_cast<std::int64_t>(static_cast<double>(all->size) * c.test_fraction);
  d.train_samples = all->size - d.test_samples;
  d.test_first = d.train_samples;  // chronological: the last samples are the test set
  if (d.train_samples < 1 || d.test_samples < 1)
    throw Error(c.criteo, fmt::format("{} samples are too few to split", all->size));
  return d;
}

Data data_of(const DataOptions& c) {
  if (!(c.zipf_alpha > 0) || !std::isfinite(c.zipf_alpha))
    throw usage_error("--zipf", "must be positive and finite");
  return c.criteo.empty() ? synthetic_data(c) : criteo_data(c);
}

// The evaluation's lines (or JSON fields), with the oracle's where the data has one.
void report_evaluation(const Evaluation& test, const Data& data, nlohmann::json* json) {
  if (json != nullptr) {
    (*json)["test_samples"] = test.samples;
    (*json)["test_auc"] = test.auc;
    (*json)["test_log_loss"] = test.log_loss;
    if (data.oracle) {
      (*json)["oracle_auc"] = data.oracle->auc;
      (*json)["oracle_log_loss"] = data.oracle->log_loss;
    }
    return;
  }
  std::cout << fmt::format("test ({} samples): AUC {:.4f}, log loss {:.4f}", test.samples, test.auc,
                           test.log_loss);
  if (data.oracle)
    std::cout << fmt::format("; oracle AUC {:.4f} (gap {:.4f}), log loss {:.4f}", data.oracle->auc,
                             data.oracle->auc - test.auc, data.oracle->log_loss);
  std::cout << "\n";
}

// The precisions of the payloads: --comm for all three, each overridden by its own flag.
CommPrecisions comm_precisions(const TrainCommand& c) {
  CommPrecisions p;
  const CommPrecision all = parse_comm_precision(c.comm, "--comm");
  const auto pick = [&](const std::string& flag, const char* name) {
    return flag.empty() ? all : parse_comm_precision(flag, name);
  };
  p.forward = pick(c.forward_comm, "--forward-comm");
  p.backward = pick(c.backward_comm, "--backward-comm");
  p.dense = pick(c.dense_comm, "--dense-comm");
  int exponent = 0;
  if (!(c.loss_scale > 0) || !std::isfinite(c.loss_scale) ||
      std::frexp(c.loss_scale, &exponent) != 0.5f)
    throw usage_error("--loss-scale", "must be a positive power of two (its undoing stays exact)");
  p.loss_scale = c.loss_scale;
  return p;
}

// Where the tables go over the ranks: the plan file, or as --sharding says (place_tables).
std::vector<TablePlan> placement(const TrainCommand& c, const Data& data, const DlrmConfig& config,
                                 Communicator& ranks) {
  if (!c.plan.empty()) {
    const ShardingPlan plan = read_plan(c.plan);
    if (plan.ranks != ranks.size())
      throw usage_error(
          c.plan, fmt::format("plans for {} ranks, the run has {}", plan.ranks, ranks.size()));
    return plan.tables;
  }
  std::vector<TableSpec> tables;
  for (const std::int64_t rows : config.table_rows)
    tables.push_back({rows, config.bottom_mlp.back()});
  return place_tables(ranks, tables, c.sharding, data.pooling, c.batch, config.optimizer.kind,
                      config.pooling);
}

// The tiered store's config, when --cache-fraction asks for one.
std::optional<TierConfig> tier_config(const TrainCommand& c) {
  if (c.cache_fraction == 0) return std::nullopt;
  if (!(c.cache_fraction > 0 && c.cache_fraction <= 1))
    throw usage_error("--cache-fraction", "must lie in (0, 1]");
  TierConfig tier;
  tier.cache_fraction = c.cache_fraction;
  tier.policy = c.cache_policy == "lfu" ? CachePolicy::kLfu : CachePolicy::kLru;
  tier.directory = c.cache_dir;
  return tier;
}

// The train and the test samples in `folder`/train and `folder`/test (write_samples), and
// samples.json: their counts and layout, and the model and training config, for a peer
// (bench/torchrec_criteo.py) to train the same model on the same samples in the same order.
void dump_samples(const std::filesystem::path& folder, const TrainCommand& c, const Data& data,
                  const DlrmConfig& config) {
  const Batch train = data.source(0, data.train_samples);
  const Batch test = data.source(data.test_first, data.test_samples);
  write_samples(folder / "train", std::span(&train, 1));
  write_samples(folder / "test", std::span(&test, 1));
  write_json(folder, "samples.json",
             {{"train_samples", train.size},
              {"test_samples", test.size},
              {"dense_features", data.dense_features},
              {"rows", data.rows},
              {"pooling", static_cast<std::int64_t>(train.sparse.ids.size()) /
                              (train.sparse.tables * train.size)},
              {"bag_pooling", c.pooling_kind},
              {"bottom_mlp", c.bottom},
              {"top_mlp", c.top},
              {"optimizer", to_string(config.optimizer.kind)},
              {"learning_rate", config.optimizer.learning_rate},
              {"eps", config.optimizer.eps},
              {"batch", c.batch},
              {"epochs", c.epochs},
              {"seed", config.seed}});
}

void train_on_ranks(const TrainCommand& c, Communicator& ranks,
                    std::shared_ptr<Communicator> shared) {
  const bool root = ranks.rank() == 0;
  const Data data = data_of(c.data);
  DlrmConfig config;
  config.dense_features = data.dense_features;
  config.bottom_mlp = c.bottom;
  config.top_mlp = c.top;
  config.table_rows = data.rows;
  config.pooling = c.pooling_kind == "mean" ? Pooling::kMean : Pooling::kSum;
  config.optimizer = {parse_optimizer_kind(c.optimizer, "--optimizer"), c.learning_rate};
  config.seed = c.data.seed;
  config.world_size_invariant = c.invariant;
  Distribution distribution{std::move(shared), placement(c, data, config, ranks),
                            comm_precisions(c), tier_config(c)};
  if (c.invariant) {
    const auto [invariant, why] = world_size_invariant(distribution, c.batch, data.train_samples);
    if (!invariant) throw usage_error("--world-size-invariant", why);
  }
  if (root && !c.dump.empty()) dump_samples(c.dump, c, data, config);
  Dlrm model(config, distribution);
  TrainingPosition position;
  if (!c.resume.empty()) position = load_checkpoint(c.resume, model);
  const auto save = [&] {
    if (!c.checkpoint.empty()) save_checkpoint(c.checkpoint, model, position);
  };

  const std::int64_t steps_per_epoch = (data.train_samples + c.batch - 1) / c.batch;
  const std::int64_t all_steps = steps_per_epoch * c.epochs;
  ProgressBar bar(
      "train",
      static_cast<std::uint64_t>(std::max<std::int64_t>(
          std::min(all_steps, c.max_steps > 0 ? c.max_steps : all_steps) - position.steps, 0)),
      stderr, root ? ProgressMode::kAuto : ProgressMode::kNever);
  TrainResult total;
  bool stopped = false;
  while (position.epoch < c.epochs && !stopped) {
    const std::int64_t first = position.next_sample;
    const TrainResult r =
        train(model, data.source,
              {c.batch, first, data.train_samples - first, [&](std::int64_t step, double loss) {
                 position.next_sample = std::min(first + step * c.batch, data.train_samples);
                 ++position.steps;
                 bar.set_status(fmt::format("loss {:.4f}", loss));
                 bar.advance();
                 if (c.checkpoint_every > 0 && position.steps % c.checkpoint_every == 0) save();
                 stopped = c.max_steps > 0 && position.steps >= c.max_steps;
                 return !stopped;
               }});
    total.steps += r.steps;
    total.samples += r.samples;
    total.step_seconds += r.step_seconds;
    total.total_seconds += r.total_seconds;
    total.mean_loss = r.mean_loss;  // the last epoch's
    if (!stopped) ++position.epoch, position.next_sample = 0;
  }
  bar.finish();
  const nlohmann::json traffic = traffic_per_step(ranks, total.steps);
  save();
  const Evaluation test = evaluate(model, data.source, data.test_first, data.test_samples, c.batch);
  const std::optional<TierStats> stats = model.store_stats();
  const std::string sha256 = model.parameters_sha256();
  if (!root) return;
  const double throughput = static_cast<double>(total.samples) / total.total_seconds;
  const CommPrecisions& p = distribution.precision;
  if (c.json) {
    nlohmann::json out{{"cpu", detect_cpu_features().brand},
                       {"threads", thread_count()},
                       {"ranks", ranks.size()},
                       {"comm",
                        {{"forward", to_string(p.forward)},
                         {"backward", to_string(p.backward)},
                         {"dense", to_string(p.dense)}}},
                       {"bytes_per_step", traffic},
                       {"train_samples", total.samples},
                       {"steps", total.steps},
                       {"train_loss", total.mean_loss},
                       {"samples_per_second", throughput},
                       {"step_seconds", total.step_seconds},
                       {"total_seconds", total.total_seconds},
                       {"weights_sha256", sha256}};
    if (stats)
      out["store"] = {{"hit_rate", stats->hit_rate()},
                      {"bytes_read", stats->bytes_read},
                      {"bytes_written", stats->bytes_written}};
    report_evaluation(test, data, &out);
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << fmt::format("trained on {} samples in {} steps, mean loss {:.4f} (last epoch)\n",
                           total.samples, total.steps, total.mean_loss);
  report_evaluation(test, data, nullptr);
  std::cout << fmt::format("weights: sha256 {}\n", sha256);
  if (stats)
    std::cout << fmt::format(
        "tiered store: hit rate {:.3f}, {:.1f} MB read, {:.1f} MB written back\n",
        stats->hit_rate(), static_cast<double>(stats->bytes_read) / 1e6,
        static_cast<double>(stats->bytes_written) / 1e6);
  if (ranks.size() > 1) {
    std::cout << fmt::format(
        "ranks: {}; bytes sent per step ({} / {} / {} payloads):", ranks.size(),
        to_string(p.forward), to_string(p.backward), to_string(p.dense));
    for (const auto& [channel, bytes] : traffic.items())
      std::cout << fmt::format(" {} {:.0f}", channel, bytes.get<double>());
    std::cout << "\n";
  }
  std::cout << fmt::format(
      "throughput: {:.0f} samples/s ({} ranks x {} threads, {}; {:.1f} s in steps of "
      "{:.1f} s)\n",
      throughput, ranks.size(), thread_count(), detect_cpu_features().brand, total.step_seconds,
      total.total_seconds);
}

void run_train(const TrainCommand& c) {
  // The model's own checks name its fields; these name the flags, before any rank starts.
  if (!(c.learning_rate > 0) || !std::isfinite(c.learning_rate))
    throw usage_error("--lr", "must be positive and finite");
  if (c.top.back() != 1) throw usage_error("--top", "the last width must be 1 (the logit)");
  for (const auto* widths : {&c.bottom, &c.top}) {
    if (std::any_of(widths->begin(), widths->end(), [](std::int64_t w) { return w < 1; }))
      throw usage_error(widths == &c.bottom ? "--bottom" : "--top", "widths must be positive");
  }
  comm_precisions(c);
  tier_config(c);
  if (!c.plan.empty()) read_plan(c.plan);
  std::shared_ptr<Communicator> ranks = join_ranks(c.ranks);
  run_on_ranks(*ranks, [&] { train_on_ranks(c, *ranks, ranks); });
}

void run_eval(const EvalCommand& c) {
  const std::unique_ptr<Dlrm> model = load_model(c.checkpoint);
  const Data data = data_of(c.data);
  if (model->config().table_rows != data.rows ||
      model->config().dense_features != data.dense_features)
    throw usage_error(c.checkpoint,
                      fmt::format("its model has {} tables and {} dense features; the data options "
                                  "give {} tables and {} dense features",
                                  model->config().table_rows.size(), model->config().dense_features,
                                  data.rows.size(), data.dense_features));
  const Evaluation test =
      evaluate(*model, data.source, data.test_first, data.test_samples, c.batch);
  nlohmann::json out{{"weights_sha256", model->parameters_sha256()}};
  report_evaluation(test, data, c.json ? &out : nullptr);
  if (c.json) std::cout << out.dump() << "\n";
}

// The options that choose the data, shared by train and eval.
void add_data_options(CLI::App* app, DataOptions& d) {
  app->add_option("--criteo", d.criteo,
                  "Criteo display-ads samples (raw TSV or CSV with a header); the last "
                  "--test-fraction of them is the test set");
  app->add_option("--test-fraction", d.test_fraction, "Share of a Criteo file tested on")
      ->capture_default_str();
  app->add_option("--hash-rows", d.criteo_rows, "Rows of each Criteo categorical's table")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--tables", d.tables, "Synthetic: embedding tables")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--rows", d.rows, "Synthetic: rows per table")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--pooling", d.pooling, "Synthetic: ids per bag")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--zipf", d.zipf_alpha, "Synthetic: Zipf exponent of the ids")
      ->capture_default_str();
  app->add_option("--teacher", d.teacher,
                  "Synthetic: weights of the teacher's dense, per-row and table-pair terms")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--train-samples", d.train_samples, "Synthetic: samples trained on per epoch")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--test-samples", d.test_samples,
                  "Synthetic: samples tested on (the ones after the training samples)")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--seed", d.seed, "Seed of the synthetic data (and of the initial weights)")
      ->capture_default_str();
}

void add_train(CLI::App& parent) {
  auto c = std::make_shared<TrainCommand>();
  CLI::App* app = parent.add_subcommand(
      "train", "Train DLRM on synthetic data with a known oracle, or on a Criteo file");
  add_json_config(app, c->config);
  add_data_options(app, c->data);
  app->add_option("--bottom", c->bottom, "Bottom MLP widths; the last is the embedding dim")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--top", c->top, "Top MLP widths; the last must be 1")
      ->delimiter(',')
      ->capture_default_str();
  app->add_option("--optimizer", c->optimizer, "Optimizer of the tables and the MLPs")
      ->check(CLI::IsMember({"sgd", "adagrad", "rowwise-adagrad"}))
      ->capture_default_str();
  app->add_option("--lr", c->learning_rate, "Learning rate")->capture_default_str();
  app->add_option("--bag-pooling", c->pooling_kind, "sum or mean")
      ->check(CLI::IsMember({"sum", "mean"}))
      ->capture_default_str();
  app->add_option("--batch", c->batch, "Samples per step")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--epochs", c->epochs, "Passes over the training samples")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--checkpoint", c->checkpoint,
                  "Save weights, optimizer state and data position here at the end (and every "
                  "--checkpoint-every steps)");
  app->add_option("--checkpoint-every", c->checkpoint_every, "Steps between checkpoints")
      ->check(cli::whole_number());
  app->add_option("--resume", c->resume,
                  "Continue from this checkpoint (of the same model and data options)");
  app->add_option("--max-steps", c->max_steps, "Stop after this many steps in all")
      ->check(cli::whole_number());
  app->add_option("--dump", c->dump,
                  "First write the train and test samples and the config here (train/ and test/: "
                  "dense.f32, ids.i64, labels.f32; samples.json), for a peer to train on");
  app->add_flag("--json", c->json, "Print the result as one JSON object");
  app->add_option("--ranks", c->ranks,
                  "MPI ranks to train over (hybrid parallel: MLPs data-parallel, tables sharded); "
                  "the command starts them under mpiexec")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_option("--plan", c->plan, "Sharding plan for the ranks, from `tessera dlrm plan`");
  app->add_option("--sharding", c->sharding,
                  "Without --plan: auto (the planner's plan) or one type for every table")
      ->check(CLI::IsMember(
          {"auto", "table_wise", "column_wise", "row_wise", "table_row_wise", "data_parallel"}))
      ->capture_default_str();
  app->add_option("--comm", c->comm, "Precision of every payload between ranks: fp32, fp16, bf16")
      ->capture_default_str();
  app->add_option("--forward-comm", c->forward_comm, "Precision of the pooled embeddings sent");
  app->add_option("--backward-comm", c->backward_comm, "Precision of their gradients sent back");
  app->add_option("--dense-comm", c->dense_comm, "Precision of the MLPs' gradient reduction");
  app->add_option("--loss-scale", c->loss_scale,
                  "Factor on gradients sent as fp16 (against underflow; a power of two)")
      ->capture_default_str();
  app->add_option("--cache-fraction", c->cache_fraction,
                  "Keep each rank's tables tiered: this share of each table's rows in a RAM "
                  "cache, the rest in a file on disk (the same weights as all in RAM)");
  app->add_option("--cache-policy", c->cache_policy, "Tiered store's eviction: lru or lfu")
      ->check(CLI::IsMember({"lru", "lfu"}))
      ->capture_default_str();
  app->add_option("--cache-dir", c->cache_dir,
                  "Folder of the tiered store's file (default: the temporary folder)");
  app->add_flag("--world-size-invariant", c->invariant,
                "Sum the MLPs' gradients over chunks of 128 samples, so that the weights are one "
                "process's on any number of ranks (a few percent slower); refuse a run where they "
                "cannot be (16-bit payloads, row-blocked tables, batches that do not split "
                "evenly)");
  app->footer(
      "Examples:\n"
      "  tessera dlrm train --tables 8 --rows 100000 --pooling 20\n"
      "  tessera dlrm train --config run.json --epochs 2\n"
      "  tessera dlrm train --ranks 2 --comm bf16 --tables 8 --rows 100000\n"
      "  tessera dlrm train --ranks 4 --sharding table_wise --world-size-invariant --json\n"
      "  tessera dlrm train --rows 1000000 --cache-fraction 0.05 --cache-policy lfu\n"
      "  tessera dlrm train --criteo criteo_sample_10k.csv --bottom 64,16 --top 64,1 --epochs 2\n"
      "  tessera dlrm train --criteo criteo_sample_10k.csv --dump samples  # for a peer\n"
      "  tessera --threads 2 dlrm train --batch 2048 --train-samples 1000000 --json\n"
      "  tessera dlrm train --checkpoint run.ckpt --checkpoint-every 100 && "
      "tessera dlrm train --resume run.ckpt");
  app->callback([c, app] {
    apply_json_config(*app, c->config);
    run_train(*c);
  });
}

void add_eval(CLI::App& parent) {
  auto c = std::make_shared<EvalCommand>();
  CLI::App* app = parent.add_subcommand(
      "eval", "Evaluate a checkpoint's model on the test samples of the data options");
  app->add_option("checkpoint", c->checkpoint, "A checkpoint `tessera dlrm train` saved")
      ->required();
  add_data_options(app, c->data);
  app->add_option("--batch", c->batch, "Samples per prediction batch")
      ->check(cli::whole_number())
      ->capture_default_str();
  app->add_flag("--json", c->json, "Print the result as one JSON object");
  app->footer(
      "Examples:\n"
      "  tessera dlrm train --tables 4 --rows 10000 --checkpoint m.ckpt && "
      "tessera dlrm eval m.ckpt --tables 4 --rows 10000\n"
      "  tessera dlrm eval criteo.ckpt --criteo criteo_sample_10k.csv");
  app->callback([c] { run_eval(*c); });
}

const cli::Registrar kDlrm("dlrm",
                           "DLRM training: table-batched embeddings with exact fused optimizers, "
                           "synthetic data with an oracle, Criteo",
                           [](CLI::App& app) {
                             app.require_subcommand(1);
                             app.footer(
                                 "Examples:\n"
                                 "  tessera dlrm train --tables 8 --rows 100000 --pooling 20\n"
                                 "  tessera dlrm train --criteo criteo_sample_10k.csv");
                             add_train(app);
                             add_eval(app);
                             add_bench(app);
                             add_plan(app);
                           });

}  // namespace
}  // namespace tessera::dlrm
