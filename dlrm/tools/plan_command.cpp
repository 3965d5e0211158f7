// `tessera dlrm plan`: plans the sharding of embedding tables over ranks from JSON table
// statistics (or compares every strategy), writes the plan JSON that `train` reads, rates a plan
// made elsewhere (TorchRec's) by the same cost model, and generates realistic table statistics
// (MLPerf DLRMv2, dlrm_datasets-like).
#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dlrm_commands.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/dlrm/sharding_planner.hpp"

namespace tessera::dlrm {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct PlanCommand {
  std::string stats;  // the table-statistics file
  std::string output;
  std::optional<int> ranks, ranks_per_node;
  std::string memory_per_rank;
  std::string strategy = "ours";
  std::string generate;  // a generator's name: write statistics instead of a plan
  std::string rate;      // a plan to re-estimate and rate instead of planning
  int tables = 0;
  std::uint64_t seed = 1;
  std::optional<std::int64_t> batch;
};

// "80GiB", "512 MiB", "1.5e9" or "64GB" as bytes (binary and decimal suffixes; B optional).
std::int64_t parse_byte_size(const std::string& text, const std::string& option) {
  std::size_t used = 0;
  double value = 0.0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw usage_error(option, fmt::format("'{}' is not a size such as 80GiB", text));
  }
  std::string suffix = text.substr(used);
  if (!suffix.empty() && suffix.front() == ' ') suffix.erase(0, 1);
  const std::vector<std::pair<std::string, double>> units{
      {"", 1},         {"B", 1},    {"KiB", 0x1p10}, {"MiB", 0x1p20}, {"GiB", 0x1p30},
      {"TiB", 0x1p40}, {"KB", 1e3}, {"MB", 1e6},     {"GB", 1e9},     {"TB", 1e12}};
  for (const auto& [name, scale] : units) {
    const double bytes = std::round(value * scale);
    if (suffix == name && bytes >= 1 && bytes < 0x1p61) return static_cast<std::int64_t>(bytes);
  }
  throw usage_error(option, fmt::format("'{}' is not a positive size such as 80GiB", text));
}

// Writes `text` to `path` (- for standard output) through an OutputFile.
void write_text(const std::string& path, const std::string& text) {
  write_file(path, std::as_bytes(std::span(text.data(), text.size())));
}

void run_generate(const PlanCommand& c) {
  if (!c.stats.empty())
    throw usage_error("--generate", "writes table statistics; give no statistics file");
  GenerateOptions g;
  g.kind = parse_stats_kind(c.generate, "--generate");
  g.tables = c.tables;
  g.seed = c.seed;
  if (c.ranks) g.ranks = *c.ranks;
  if (!c.memory_per_rank.empty())
    g.memory_per_rank_bytes = parse_byte_size(c.memory_per_rank, "--memory-per-rank");
  if (c.batch) g.batch_size = *c.batch;
  PlannerInput input = generate_table_stats(g);
  if (c.ranks_per_node) input.ranks_per_node = *c.ranks_per_node;
  write_text(c.output.empty() ? "-" : c.output, planner_input_json(input));
}

std::string gb_per_s(double bytes_per_s) { return fmt::format("{:.1f} GB/s", bytes_per_s / 1e9); }

// One line of the `--strategy all` table: the plan's rating, or why the strategy found none.
std::string comparison_row(Strategy s, const std::optional<ShardingPlan>& plan,
                           const std::string& failure, double greedy_makespan_s) {
  if (!plan) return fmt::format("{:<12} infeasible: {}\n", to_string(s), failure);
  const PlanRating& r = plan->rating;
  return fmt::format("{:<12} {:12.3f} {:10.3f} {:16.2f} {:>10}\n", to_string(s), r.makespan_s * 1e3,
                     r.imbalance, static_cast<double>(r.peak_memory_bytes) / kGiB,
                     greedy_makespan_s > 0
                         ? fmt::format("{:.3f}x", greedy_makespan_s / r.makespan_s)
                         : std::string("-"));
}

// Every strategy side by side; returns ours.
ShardingPlan compare_strategies(const PlannerInput& input, const Bandwidths& bandwidths,
                                std::ostream& out) {
  std::string table = fmt::format("{:<12} {:>12} {:>10} {:>16} {:>10}\n", "strategy", "makespan ms",
                                  "imbalance", "peak memory GiB", "vs greedy");
  double greedy_makespan_s = 0.0;
  std::optional<ShardingPlan> ours;
  for (Strategy s : all_strategies()) {
    std::optional<ShardingPlan> plan;
    std::string failure;
    try {
      plan = plan_sharding(input, bandwidths, s);
    } catch (const Error& e) {
      if (s == Strategy::kOurs) throw;
      failure = e.what();
    }
    if (s == Strategy::kGreedy && plan) greedy_makespan_s = plan->rating.makespan_s;
    table += comparison_row(s, plan, failure, greedy_makespan_s);
    if (s == Strategy::kOurs) ours = std::move(plan);
  }
  out << table;
  if (greedy_makespan_s > 0)
    out << fmt::format(
        "ours: modelled step {:.3f} ms, {:.3f}x faster than greedy (TorchRec's default)\n",
        ours->rating.makespan_s * 1e3, greedy_makespan_s / ours->rating.makespan_s);
  return *ours;
}

// The plan `c.rate` re-estimated by the cost model with the pooling of the statistics' tables and
// the plan's own topology and bandwidths: its report, and its JSON where -o says.
void run_rate(const PlanCommand& c) {
  if (c.stats.empty()) throw usage_error("stats", "give the statistics of the plan's tables");
  const PlannerInput input = read_planner_input(c.stats);
  ShardingPlan plan = read_plan(c.rate);
  estimate_plan(plan, input.tables, c.stats);
  const Bandwidths& bw = plan.bandwidths;
  std::cerr << fmt::format(
      "rating plan '{}' of {} by the cost model; the plan's bandwidths: memory {}, all-to-all {}, "
      "allreduce {}, intra-node {}\n",
      plan.strategy, c.rate, gb_per_s(bw.memory), gb_per_s(bw.alltoall), gb_per_s(bw.allreduce),
      gb_per_s(bw.intra_node));
  int over = 0;
  for (const RankLoad& load : plan.rating.ranks)
    over += load.memory_bytes > plan.memory_per_rank_bytes;
  std::ostream& report = c.output == "-" ? std::cerr : std::cout;
  report << format_plan(plan)
         << (over == 0 ? std::string("memory: every rank within its cap\n")
                       : fmt::format("memory: over the cap on {} of {} ranks\n", over, plan.ranks));
  if (!c.output.empty()) write_text(c.output, plan_json(plan));
}

void run_plan(const PlanCommand& c) {
  if (!c.generate.empty()) return run_generate(c);
  if (!c.rate.empty()) return run_rate(c);
  if (c.stats.empty())
    throw usage_error("stats", "give a table-statistics file (or --generate mlperf)");
  PlannerInput input = read_planner_input(c.stats);
  if (c.ranks) input.ranks = *c.ranks;
  if (c.ranks_per_node) input.ranks_per_node = *c.ranks_per_node;
  if (!c.memory_per_rank.empty())
    input.memory_per_rank_bytes = parse_byte_size(c.memory_per_rank, "--memory-per-rank");
  if (c.batch) input.batch_size = *c.batch;
  const bool all = c.strategy == "all";
  const Strategy strategy = all ? Strategy::kOurs : parse_strategy(c.strategy, "--strategy");

  BandwidthOrigins origins;
  const Bandwidths bw = resolve_bandwidths(input.bandwidths, &origins);
  std::cerr << fmt::format(
      "bandwidths: memory {} ({}), all-to-all {} ({}), allreduce {} ({}), intra-node {} ({})\n",
      gb_per_s(bw.memory), origins.memory, gb_per_s(bw.alltoall), origins.alltoall,
      gb_per_s(bw.allreduce), origins.allreduce, gb_per_s(bw.intra_node), origins.intra_node);

  // The readable report goes to standard output unless the plan itself does.
  std::ostream& report = c.output == "-" ? std::cerr : std::cout;
  const ShardingPlan plan =
      all ? compare_strategies(input, bw, report) : plan_sharding(input, bw, strategy);
  if (!all) report << format_plan(plan);
  if (!c.output.empty()) write_text(c.output, plan_json(plan));
}

}  // namespace

void add_plan(CLI::App& parent) {
  auto c = std::make_shared<PlanCommand>();
  CLI::App* app = parent.add_subcommand(
      "plan",
      "Shard embedding tables over ranks (TW/RW/CW/DP/TWRW) by a cost model: TorchRec's greedy, "
      "DreamShard's heuristics, LPT, Karmarkar-Karp and ours (best of all and of target-time "
      "proposals, + local search)");
  app->add_option("stats", c->stats,
                  "Table statistics (JSON: tables [{name, rows, dim, pooling}], ranks, "
                  "memory_per_rank_bytes, batch_size, optional bandwidths and optimizer)");
  app->add_option("-o,--output", c->output,
                  "Write the plan JSON here (with --generate: the statistics; with --rate: the "
                  "plan re-estimated); - for standard output");
  CLI::Option* ranks =
      app->add_option("--ranks", c->ranks, "Ranks to plan for (instead of the file's)")
          ->check(cli::whole_number());
  CLI::Option* ranks_per_node =
      app->add_option("--ranks-per-node", c->ranks_per_node, "Ranks per node (TWRW); default 8")
          ->check(cli::whole_number());
  CLI::Option* memory =
      app->add_option("--memory-per-rank", c->memory_per_rank,
                      "Memory a rank may use for tables and optimizer state: bytes or 80GiB, 64GB");
  CLI::Option* batch =
      app->add_option("--batch", c->batch, "Global batch size (instead of the file's)")
          ->check(cli::whole_number());
  CLI::Option* strategy =
      app->add_option("--strategy", c->strategy,
                      "ours, greedy (TorchRec's default), dim, size, lookup, size_lookup "
                      "(DreamShard's), lpt, kk, or all to compare them")
          ->check(CLI::IsMember(
              {"ours", "greedy", "dim", "size", "lookup", "size_lookup", "lpt", "kk", "all"}))
          ->capture_default_str();
  CLI::Option* generate =
      app->add_option("--generate", c->generate,
                      "Write table statistics instead: mlperf (DLRMv2's 26 tables) or "
                      "dlrm-datasets")
          ->check(CLI::IsMember({"mlperf", "dlrm-datasets"}));
  app->add_option("--rate", c->rate,
                  "Rate this plan JSON (e.g. TorchRec's, dlrm/bench/torchrec_planner.py) instead: "
                  "every shard re-estimated by the cost model with the statistics' pooling and "
                  "the plan's ranks, batch and bandwidths")
      ->excludes(ranks, ranks_per_node, memory, batch, strategy, generate);
  app->add_option("--tables", c->tables,
                  "With --generate: tables (MLPerf: the first N of 26; dlrm-datasets: 788)")
      ->check(cli::whole_number());
  app->add_option("--seed", c->seed, "With --generate dlrm-datasets: the seed")
      ->capture_default_str();
  app->footer(
      "Examples:\n"
      "  tessera dlrm plan --generate mlperf --ranks 8 --memory-per-rank 64GiB -o mlperf.json\n"
      "  tessera dlrm plan mlperf.json -o plan.json\n"
      "  tessera dlrm plan mlperf.json --ranks 64 --strategy all\n"
      "  tessera dlrm plan mlperf.json --rate torchrec-plan.json\n"
      "  tessera dlrm plan --generate dlrm-datasets --tables 200 --seed 3 -o tables.json");
  app->callback([c] { run_plan(*c); });
}

}  // namespace tessera::dlrm
