// What the sharding planner plans for: per-table statistics, the ranks and their memory, the batch
// and the bandwidths of the cost model (from the input, measured, or documented defaults); read
// from and written to the JSON table-statistics file, or generated (MLPerf DLRMv2, dlrm_datasets).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm {

/// One embedding table as the planner sees it.
struct TableStats {
  std::string name;
  std::int64_t rows = 0;  // hash size
  std::int64_t dim = 0;   // embedding dimension (fp32 columns)
  double pooling = 1.0;   // mean ids per bag
  double skew = 0.0;      // Zipf exponent of the ids, 0 for uniform; carried, not yet modelled
};

/// Bandwidths of the cost model in bytes per second. Unset fields are filled by
/// resolve_bandwidths.
struct BandwidthSpec {
  std::optional<double> memory;      // a rank's embedding lookups (read bandwidth of its memory)
  std::optional<double> alltoall;    // cross-node all-to-all, per rank
  std::optional<double> allreduce;   // cross-node allreduce bus bandwidth, per rank
  std::optional<double> intra_node;  // collectives among one node's ranks
};

/// Bandwidths in bytes per second, all set.
struct Bandwidths {
  double memory = 0.0;
  double alltoall = 0.0;
  double allreduce = 0.0;
  double intra_node = 0.0;
};

/// The network defaults (TorchRec's cross-node default, 12.5 GB/s, for both collectives).
inline constexpr double kDefaultAlltoallBytesPerS = 12.5e9;
inline constexpr double kDefaultAllreduceBytesPerS = 12.5e9;

/// Everything the planner reads.
struct PlannerInput {
  std::vector<TableStats> tables;
  int ranks = 1;
  int ranks_per_node = 0;  // 0: min(8, ranks)
  std::int64_t memory_per_rank_bytes = 0;
  std::int64_t batch_size = 0;  // global samples per step
  BandwidthSpec bandwidths;
  OptimizerKind optimizer = OptimizerKind::kRowwiseAdagrad;
  /// What the trainer that runs the plan can do: column slices (not under row-wise AdaGrad, whose
  /// one accumulator a row needs the whole row) and row blocks (not under mean pooling). Options
  /// it cannot run are not enumerated.
  bool column_slices = true, row_blocks = true;
};

/// Parses table statistics (the JSON text `text` of the file named `source`). Every error is a
/// tessera::Error naming `source` and the bad field, e.g. "tables[3].rows".
PlannerInput parse_planner_input(std::string_view text, const std::string& source);
/// Reads and parses the table-statistics file at `path`.
PlannerInput read_planner_input(const std::filesystem::path& path);
/// The JSON text of `input` (the format parse_planner_input reads), pretty-printed, ending in "\n".
std::string planner_input_json(const PlannerInput& input);

/// Ranks per node: input.ranks_per_node, or min(8, ranks) when 0.
int ranks_per_node(const PlannerInput& input);

/// Where each bandwidth came from: "given", "measured" or "assumed", for the report.
struct BandwidthOrigins {
  std::string memory, alltoall, allreduce, intra_node;
};

/// Fills the unset bandwidths: memory by measure_copy_bandwidth(), the network ones by the
/// defaults above, intra-node by the memory bandwidth. `origins` (optional) says which was which.
Bandwidths resolve_bandwidths(const BandwidthSpec& spec, BandwidthOrigins* origins = nullptr);

/// STREAM-like copy bandwidth of this machine in bytes per second (read + written bytes over the
/// median time of 5 copies of 32 MiB, after one warm-up). Takes a few tens of milliseconds.
double measure_copy_bandwidth();

/// Table-statistics generators.
enum class StatsKind { kMlperf, kDlrmDatasets };

/// "mlperf" or "dlrm-datasets".
std::string to_string(StatsKind kind);
/// The kind named `name`; tessera::Error naming `input` otherwise.
StatsKind parse_stats_kind(std::string_view name, std::string_view input);

/// Options of the generators; ranks, memory and batch are copied into the PlannerInput.
struct GenerateOptions {
  StatsKind kind = StatsKind::kMlperf;
  int tables = 0;  // 0: 26 for MLPerf, 788 for dlrm-datasets; MLPerf takes the first N of its 26
  std::uint64_t seed = 1;
  int ranks = 8;
  std::int64_t memory_per_rank_bytes = std::int64_t{80} << 30;
  std::int64_t batch_size = 65536;
};

/// MLPerf DLRMv2 (Criteo 1TB, synthetic multi-hot): its 26 cardinalities and multi-hot sizes,
/// dim 128, row-wise AdaGrad; or dlrm_datasets-like tables: rows log-uniform in [1e3, 1e8], dim
/// from {32, 64, 128, 256}, pooling log-normal (sigma 1.2, mean 13.6), seeded. Pure function of
/// `options`.
PlannerInput generate_table_stats(const GenerateOptions& options);

}  // namespace tessera::dlrm
