// Realistic table statistics for the planner: MLPerf DLRMv2's 26 Criteo 1TB tables, and seeded
// tables shaped like Meta's dlrm_datasets (facebookresearch/dlrm_datasets, 2022 locality stats).
#include <fmt/format.h>

#include <array>
#include <cmath>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"
#include "tessera/dlrm/sharding_input.hpp"

namespace tessera::dlrm {
namespace {

// MLPerf Training DLRMv2 (DCNv2 on Criteo 1TB with synthetic multi-hot features): the
// --num_embeddings_per_feature and --multi_hot_sizes of mlcommons/training
// recommendation_v2/torchrec_dlrm/README.MD ("Running the MLPerf DLRM v2 benchmark", step 3),
// with --embedding_dim 128 and a global batch of 65536.
constexpr std::array<std::int64_t, 26> kMlperfRows{
    40000000, 39060,    17295,    7424,     20265,  3,     7122, 1543, 63,
    40000000, 3067956,  405282,   10,       2209,   11938, 155,  4,    976,
    14,       40000000, 40000000, 40000000, 590152, 12973, 108,  36};
constexpr std::array<int, 26> kMlperfMultiHot{3, 2, 1, 2, 6, 1, 1,  1,   1,  7,  3, 8, 1,
                                              6, 9, 5, 1, 1, 1, 12, 100, 27, 10, 3, 1, 1};
constexpr std::int64_t kMlperfDim = 128;

// dlrm_datasets' 2022 locality stats: 788 tables, about 1.4e9 ids in a batch of 131072 samples,
// so a mean pooling of about 13.6. The heavy tail is log-normal with sigma 1.2 (our choice); the
// rows are log-uniform in [1e3, 1e8] and the dims drawn from {32, 64, 128, 256} (our choice: the
// trace files give no dims).
constexpr int kDlrmDatasetsTables = 788;
constexpr double kDlrmDatasetsMeanPooling = 13.6;
constexpr double kPoolingSigma = 1.2;
constexpr std::array<std::int64_t, 4> kDlrmDatasetsDims{32, 64, 128, 256};

void mlperf_tables(const GenerateOptions& options, PlannerInput& input) {
  const int n = options.tables == 0 ? static_cast<int>(kMlperfRows.size()) : options.tables;
  if (n > static_cast<int>(kMlperfRows.size()))
    throw Error("tables",
                fmt::format("MLPerf DLRMv2 has {} tables, not {}", kMlperfRows.size(), n));
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    input.tables.push_back({fmt::format("cat_{}", i), kMlperfRows[k], kMlperfDim,
                            static_cast<double>(kMlperfMultiHot[k]), 0.0});
  }
}

void dlrm_datasets_tables(const GenerateOptions& options, PlannerInput& input) {
  const int n = options.tables == 0 ? kDlrmDatasetsTables : options.tables;
  const CounterRng rows_rng(options.seed, 0), dim_rng(options.seed, 1),
      pooling_rng(options.seed, 2);
  // Log-normal with mean exp(mu + sigma^2 / 2) = the mean pooling.
  const double mu = std::log(kDlrmDatasetsMeanPooling) - kPoolingSigma * kPoolingSigma / 2;
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::uint64_t>(i);
    const auto rows = static_cast<std::int64_t>(std::pow(10.0, rows_rng.uniform(k, 3.0, 8.0)));
    const std::int64_t dim = kDlrmDatasetsDims[dim_rng.uniform_int(k, kDlrmDatasetsDims.size())];
    const double pooling = std::max(
        1.0, std::round(std::exp(pooling_rng.normal(k, mu, kPoolingSigma)) * 100.0) / 100.0);
    input.tables.push_back({fmt::format("t{}", i), rows, dim, pooling, 0.0});
  }
}

}  // namespace

std::string to_string(StatsKind kind) {
  return kind == StatsKind::kMlperf ? "mlperf" : "dlrm-datasets";
}

StatsKind parse_stats_kind(std::string_view name, std::string_view input) {
  for (StatsKind kind : {StatsKind::kMlperf, StatsKind::kDlrmDatasets}) {
    if (name == to_string(kind)) return kind;
  }
  throw Error(input, fmt::format("'{}' is not mlperf or dlrm-datasets", name));
}

PlannerInput generate_table_stats(const GenerateOptions& options) {
  if (options.tables < 0) throw Error("tables", "must not be negative");
  PlannerInput input;
  input.ranks = options.ranks;
  input.memory_per_rank_bytes = options.memory_per_rank_bytes;
  input.batch_size = options.batch_size;
  input.optimizer = OptimizerKind::kRowwiseAdagrad;
  if (options.kind == StatsKind::kMlperf) {
    mlperf_tables(options, input);
  } else {
    dlrm_datasets_tables(options, input);
  }
  return input;
}

}  // namespace tessera::dlrm
