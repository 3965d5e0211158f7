// `tessera tilewise bench`: TW-GEMM against oneDNN sgemm on the dense weights (kernel_bench.hpp)
// over every combination of the swept sizes, sparsities, tile widths, thread counts and precisions
// (bf16: TW-GEMM in bf16 against oneDNN's bf16 matmul, skipped where it does not run), with the
// schedule of the tuning log or tuned first (tw_tuning.hpp; fp32); one table line or one JSON
// object per case.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tessera/bench/bench.hpp"
#include "tessera/cli/flag_names.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/sweep.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/tilewise/kernel_bench.hpp"
#include "tessera/tilewise/tw_tuning.hpp"
#include "tessera/tune/tuning_log.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {
namespace {

struct BenchCommand {
  std::string n = "768";
  std::string k = "768";
  std::string m = "512";
  std::string sparsity = "0.5,0.75,0.9";
  std::string tile_width = "128";
  std::string thread_sweep = "1";
  std::string delta = "0";
  std::string kernel = "auto";
  std::vector<std::string> precisions{"fp32"};
  double budget = 0.5;
  std::uint64_t seed = 1;
  bool json = false;
  bool tune = false;       // tune each case's schedule before timing it
  std::string tuning_log;  // read (and, with --tune, appended to); empty: none
  std::string search = "ga";
  std::size_t trials = 40;  // of the 96 configurations
};

// The schedule of a case: tuned (warm from the log where it holds the case), else the log's,
// else the defaults from the caches; and how it was found, for the table.
std::pair<TwSchedule, std::string> schedule_for(const BenchCommand& c, const KernelCase& kc,
                                                KernelBench& bench, const TwKernel& kernel,
                                                tune::TuningLog* log) {
  if (kc.precision == Precision::kBf16) return {TwSchedule{}, "default"};  // logs are fp32's
  const ThreadCountScope scope(kc.threads);  // the thread count is part of the task
  if (c.tune) {
    tune::TuneOptions options;
    options.search = c.search;
    options.trials = c.trials;
    const tune::TuneResult r = tune_tw_schedule(
        View<const float, 2>(bench.a().data(), {kc.m, kc.k}), bench.tw(), kernel, options, log);
    return {tw_schedule_of(r.best), r.warm_start
                                        ? "tuned, from the log"
                                        : fmt::format("tuned, {} trials", r.trials.size())};
  }
  if (log) {
    const TwSchedule logged = logged_tw_schedule(*log, kc.m, bench.tw(), kernel);
    if (logged.w_budget != 0) return {logged, "from the log"};
  }
  return {TwSchedule{}, "default"};
}

// Calls `body(case)` for every combination of the sweeps, in the order the table lists them.
template <class Body>
void for_each_case(const BenchCommand& c, Body&& body) {
  const auto ns = parse_size_sweep(c.n, "--n");
  const auto ks = parse_size_sweep(c.k, "--k");
  const auto ms = parse_size_sweep(c.m, "--m");
  const auto gs = parse_size_sweep(c.tile_width, "-G");
  const auto threads = parse_size_sweep(c.thread_sweep, "--thread-sweep");
  const auto sparsities = parse_sweep(c.sparsity, "--sparsity");
  const auto deltas = parse_sweep(c.delta, "--delta");
  std::vector<Precision> precisions;
  for (const std::string& p : c.precisions) {
    precisions.push_back(p == "bf16" ? Precision::kBf16 : Precision::kFp32);
  }
  for (std::size_t n : ns) {
    for (std::size_t k : ks) {
      for (std::size_t m : ms) {
        for (std::size_t g : gs) {
          for (std::size_t t : threads) {
            for (double s : sparsities) {
              for (double delta : deltas) {
                for (Precision precision : precisions) {
                  const int thread_count =
                      static_cast<int>(std::min<std::size_t>(t, std::size_t{kMaxThreads} + 1));
                  body(KernelCase{n, k, m, g, s, thread_count, c.seed, delta, precision});
                }
              }
            }
          }
        }
      }
    }
  }
}

void run_bench(BenchCommand c) {
  const auto wanted = [&c](const char* precision) {
    return std::ranges::find(c.precisions, precision) != c.precisions.end();
  };
  const bool fp32 = wanted("fp32"), bf16 = wanted("bf16");
  if (bf16 && c.tune) throw usage_error("--tune", "tunes the fp32 kernel; time bf16 without it");
  c.precisions.clear();  // each once, fp32 first; bf16 only where it runs
  if (fp32) c.precisions.emplace_back("fp32");
  if (bf16 && !tw_gemm_bf16_runs_here()) {
    std::cerr << "tilewise bench: skipping the bf16 cases: TW-GEMM in bf16 "
              << tw_gemm_bf16_unavailable() << "\n";
  } else if (bf16) {
    c.precisions.emplace_back("bf16");
  }
  if (c.precisions.empty()) return;
  std::size_t total = 0;
  for_each_case(c, [&](const KernelCase& kc) {  // every case is checked before any runs
    if (!(kc.sparsity >= 0 && kc.sparsity < 1)) {
      throw usage_error("--sparsity", fmt::format("{:g} is not in [0, 1)", kc.sparsity));
    }
    check_kernel_case(kc);
    ++total;
  });
  if (!(c.budget >= 0)) throw usage_error("--budget", "must be at least 0 seconds");
  const TwKernel& kernel = tw_kernel(c.kernel);
  std::vector<std::string> sides;
  if (wanted("fp32")) sides.push_back(fmt::format("TW-GEMM ({}) vs oneDNN sgemm", kernel.name));
  if (wanted("bf16")) {
    sides.push_back(fmt::format("TW-GEMM in bf16 ({}) vs oneDNN's bf16 matmul",
                                tw_gemm_bf16_kernels().kernels().front().name));
  }
  std::cerr << fmt::format("{} on the dense weights: {} case(s)\n", fmt::join(sides, "; "), total);
  BenchOptions base;
  base.budget_seconds = c.budget;
  std::optional<tune::TuningLog> log;
  if (!c.tuning_log.empty()) log = tune::TuningLog::open(c.tuning_log);
  std::size_t done = 0;
  for_each_case(c, [&](const KernelCase& kc) {
    KernelBench bench(kc, kernel);
    const auto [schedule, source] = schedule_for(c, kc, bench, kernel, log ? &*log : nullptr);
    bench.set_schedule(schedule);
    const Comparison r = bench.against_onednn(base);
    ++done;
    if (c.json) {
      write_json_line(std::cout, to_json(r));
      std::cerr << fmt::format("\r{}/{} cases", done, total) << std::flush;
      return;
    }
    const double s = kc.sparsity;
    std::cout << fmt::format(
        "{}x{} (N x K) M={} s={:.2f}{} G={} threads={}{}: TW {:.3f} ms, oneDNN dense "
        "{:.3f} ms: {:.2f}x ({:.0f}% of the ideal {:.1f}x); schedule {}\n",
        kc.n, kc.k, kc.m, s,
        kc.restored > 0 ? fmt::format(" (TEW, {:.2f} restored)", kc.restored) : "", kc.g,
        kc.threads, kc.precision == Precision::kBf16 ? " bf16" : "", 1e3 * r.a.median,
        1e3 * r.b.median, r.ratio.median, 100 * r.ratio.median * (1 - s), 1 / (1 - s), source);
  });
  if (c.json) std::cerr << "\n";
}

// The benchmark's errors name the fields of KernelCase (and tw_kernel's name); these flags set
// them.
constexpr std::array<cli::FlagOfField, 9> kFlagOfField = {{
    {"KernelCase::precision", "--precision"},
    {"tw_kernel(name)", "--kernel"},
    {"KernelCase::n", "--n"},
    {"KernelCase::k", "--k"},
    {"KernelCase::m", "--m"},
    {"KernelCase::threads", "--thread-sweep"},
    {"KernelCase::restored", "--delta"},
    {"KernelCase::g", "-G"},
    {"KernelCase::sparsity", "--sparsity"},
}};

}  // namespace

void add_bench(CLI::App& parent) {
  auto c = std::make_shared<BenchCommand>();
  CLI::App* bench = parent.add_subcommand(
      "bench", "Time TW-GEMM against oneDNN's dense sgemm over a sweep of shapes and sparsities");
  bench->add_option("--n", c->n, "Output features N (sweep)")->capture_default_str();
  bench->add_option("--k", c->k, "Input features K (sweep)")->capture_default_str();
  bench->add_option("--m", c->m, "Rows of A, tokens x batch (sweep)")->capture_default_str();
  bench->add_option("--sparsity", c->sparsity, "Fractions of W pruned, in [0, 1) (sweep)")
      ->capture_default_str();
  bench->add_option("-G,--tile-width", c->tile_width, "Columns per tile (sweep)")
      ->capture_default_str();
  bench
      ->add_option("--thread-sweep", c->thread_sweep,
                   "Thread counts of TW-GEMM and oneDNN, one case each (sweep)")
      ->capture_default_str();
  bench
      ->add_option("--delta", c->delta,
                   "TEW: fractions of all weights restored element-wise; the tiles are pruned to "
                   "sparsity + delta (sweep)")
      ->capture_default_str();
  bench->add_option("--kernel", c->kernel, "fp32 TW-GEMM kernel: auto, avx512, avx2 or scalar")
      ->capture_default_str();
  bench
      ->add_option("--precision", c->precisions,
                   "fp32, and/or bf16: A and W in bf16 with fp32 sums, against oneDNN's bf16 "
                   "matmul (needs AVX512_BF16; skipped, saying so, elsewhere)")
      ->delimiter(',')
      ->check(CLI::IsMember({"fp32", "bf16"}))
      ->capture_default_str();
  bench->add_flag("--tune", c->tune,
                  "Tune each case's schedule first (W block, row block and prefetch distance; "
                  "warm from --tuning-log where it holds the case on this machine)");
  bench->add_option("--tuning-log", c->tuning_log,
                    "Tuning log (JSON lines): its schedules are used, and --tune appends to it");
  bench->add_option("--search", c->search, "--tune's search: ga, rl or random")
      ->check(CLI::IsMember({"ga", "rl", "random"}))
      ->capture_default_str();
  bench->add_option("--trials", c->trials, "--tune's configurations measured at most")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  bench->add_option("--budget", c->budget, "Seconds of interleaved timing per case")
      ->capture_default_str();
  bench->add_option("--seed", c->seed, "Seed of the random data and tile pattern")
      ->capture_default_str();
  bench->add_flag("--json", c->json, "Print one JSON object per case (JSON lines)");
  bench->footer(
      "A sweep is a comma-separated list of values and inclusive ranges start:stop:step or\n"
      "start:stop:*factor. Each case prunes random weights to a random TW pattern, checks TW-GEMM\n"
      "against oneDNN on the pruned weights, then times both interleaved (medians), on as many\n"
      "threads as --thread-sweep gives the case. Examples:\n"
      "  tessera tilewise bench\n"
      "  tessera tilewise bench --n 768,3072 --k 768 --m 128:2048:*4 --sparsity 0.5:0.9:0.1\n"
      "  tessera tilewise bench -G 32,64,128 --thread-sweep 1,2 --json > tw.jsonl\n"
      "  tessera tilewise bench --sparsity 0.75 --delta 0,0.01,0.05\n"
      "  tessera tilewise bench --n 4096 --k 1024 --sparsity 0.75 --precision fp32,bf16\n"
      "  tessera tilewise bench --n 11008 --k 4096 --tune --tuning-log tw-tuning.jsonl");
  bench->callback([c] { cli::with_flag_names(kFlagOfField, [&] { run_bench(*c); }); });
}

}  // namespace tessera::tilewise
