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
#include "tessera/cli/validators.hpp"
#include "tessera/core/cpu_features.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/progress.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/model.hpp"
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
};

// `values` as raw little-endian bytes in the file `name` of `folder`.
template <class T>
void write_raw(const std::filesystem::path& folder, const char* name,
               const std::vector<T>& values) {
  write_file(folder / name, std::as_bytes(std::span(values)));
}

// The batches as the peer reads them: dense.f32 (samples, dense features), ids.i64 (tables,
// samples, pooling), labels.f32 (samples), and batches.json saying so.
void dump_batches(const std::filesystem::path& folder, const std::vector<Batch>& batches,
                  const BenchCommand& c) {
  std::filesystem::create_directories(folder);
  std::vector<float> dense, labels;
  std::vector<std::int64_t> ids;
  for (const Batch& b : batches) {
    dense.insert(dense.end(), b.dense.begin(), b.dense.end());
    labels.insert(labels.end(), b.labels.begin(), b.labels.end());
  }
  for (std::int64_t t = 0; t < c.tables; ++t) {
    for (const Batch& b : batches) {
      const auto first = b.sparse.offsets[static_cast<std::size_t>(t * b.size)];
      const auto end = b.sparse.offsets[static_cast<std::size_t>((t + 1) * b.size)];
      ids.insert(ids.end(), b.sparse.ids.begin() + first, b.sparse.ids.begin() + end);
    }
  }
  write_raw(folder, "dense.f32", dense);
  write_raw(folder, "ids.i64", ids);
  write_raw(folder, "labels.f32", labels);
  const nlohmann::json about{{"steps", batches.size()},
                             {"batch", c.batch},
                             {"tables", c.tables},
                             {"rows", c.rows},
                             {"pooling", c.pooling},
                             {"dense_features", batches[0].dense_features},
                             {"bottom_mlp", c.bottom},
                             {"top_mlp", c.top},
                             {"optimizer", "rowwise-adagrad"},
                             {"learning_rate", c.learning_rate},
                             {"warmup", c.warmup}};
  const std::string text = about.dump(2) + "\n";
  write_file(folder / "batches.json", std::as_bytes(std::span(text)));
}

void run_bench(const BenchCommand& c) {
  SyntheticConfig data;
  data.seed = c.seed;
  data.rows.assign(static_cast<std::size_t>(c.tables), c.rows);
  data.pooling = c.pooling;
  const SyntheticData stream(data);
  std::vector<Batch> batches;
  for (std::int64_t s = 0; s < c.warmup + c.steps; ++s)
    batches.push_back(stream.batch(s * c.batch, c.batch));
  if (!c.dump.empty()) dump_batches(c.dump, batches, c);

  DlrmConfig config;
  config.dense_features = data.dense_features;
  config.bottom_mlp = c.bottom;
  config.top_mlp = c.top;
  config.table_rows = data.rows;
  config.optimizer = {OptimizerKind::kRowwiseAdagrad, c.learning_rate};
  config.seed = c.seed;
  Dlrm model(config);
  std::vector<double> seconds, losses;
  ProgressBar bar("bench", static_cast<std::uint64_t>(batches.size()));
  for (const Batch& b : batches) {
    const auto start = std::chrono::steady_clock::now();
    losses.push_back(model.train_step(b));
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    bar.advance();
  }
  bar.finish();
  std::vector<double> timed(seconds.begin() + c.warmup, seconds.end());
  std::sort(timed.begin(), timed.end());
  const double median = timed[timed.size() / 2];
  const double throughput = static_cast<double>(c.batch) / median;
  if (c.json) {
    std::cout << nlohmann::json{{"peer", "tessera"},
                                {"cpu", detect_cpu_features().brand},
                                {"threads", thread_count()},
                                {"median_step_s", median},
                                {"samples_per_second", throughput},
                                {"losses", losses}}
                     .dump()
              << "\n";
    return;
  }
  std::cout << fmt::format(
      "{} steps of {} samples ({} tables x {} rows, pooling {}), {} threads, {}\n"
      "median step {:.2f} ms: {:.0f} samples/s; loss {:.4f} -> {:.4f}\n",
      c.steps, c.batch, c.tables, c.rows, c.pooling, thread_count(), detect_cpu_features().brand,
      median * 1e3, throughput, losses.front(), losses.back());
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
  app->footer(
      "Examples:\n"
      "  tessera --threads 2 dlrm bench\n"
      "  tessera dlrm bench --tables 8 --rows 1000000 --pooling 20 --batch 2048 --dump batches");
  app->callback([c] { run_bench(*c); });
}

}  // namespace tessera::dlrm
