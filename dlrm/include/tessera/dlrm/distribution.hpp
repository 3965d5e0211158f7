// How a model is spread over ranks (hybrid parallelism, Neo's "4D parallelism"): the MLPs are
// replicated and trained data-parallel, every table is placed as a sharding plan says (table-wise,
// column-wise, row-wise, table-row-wise, or replicated data-parallel), and the payloads travel in
// the precisions asked for.
//
// A global batch is split over the ranks on chunks of kSampleChunk samples. With the MLPs' sums
// made over chunks (DlrmConfig::world_size_invariant), fp32 payloads and no table split into row
// blocks, the weights after a step are bitwise those of one process when each rank gets the same
// power-of-two number of chunks (e.g. 1, 2 and 4 ranks on batches of 2048): every sum over
// samples is a fixed tree over chunks, and every embedding row is updated once from its gradient
// summed in the batch's order (world-size-invariant training).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/dlrm/comm_precision.hpp"
#include "tessera/dlrm/communicator.hpp"
#include "tessera/dlrm/embedding.hpp"
#include "tessera/dlrm/sharding.hpp"
#include "tessera/dlrm/tiered_embedding.hpp"

namespace tessera::dlrm {

/// How a walk over a model's arrays uses them: to read (over several ranks, the whole arrays are
/// gathered on rank 0 only, the other ranks see zeros) or to write (every rank writes the whole
/// arrays, and each keeps its part of them).
enum class ArrayAccess { kRead, kWrite };

/// Samples per chunk of a batch: the unit of the split over ranks and of the MLPs' gradient sums.
inline constexpr std::int64_t kSampleChunk = 128;

struct Distribution {
  /// The ranks; null for one process.
  std::shared_ptr<Communicator> communicator;
  /// Where each table's shards live (a plan's tables); empty: every table whole on rank 0.
  std::vector<TablePlan> tables;
  CommPrecisions precision;
  /// Where each rank keeps its shards: in RAM (empty), or tiered (a RAM cache over a file on
  /// disk; the same bits either way). Replicated tables stay in RAM.
  std::optional<TierConfig> store;
};

/// Rank `rank`'s samples [first, end) of a batch of `batch` samples split over `ranks` ranks:
/// whole chunks of kSampleChunk samples, as evenly as they go, in rank order.
std::pair<std::int64_t, std::int64_t> rank_samples(std::int64_t batch, int rank, int ranks);

/// Whether a run over `distribution` ends with the weights of one process (see above), given
/// `batch` samples per step and `samples` a pass (whose last batch may be shorter); if not, why
/// (for the error of a run that asks for it).
std::pair<bool, std::string> world_size_invariant(const Distribution& distribution,
                                                  std::int64_t batch, std::int64_t samples);

/// Every table sharded as `type` over `ranks` ranks: table-wise round-robin (table t on rank
/// t mod ranks), column-wise in min(ranks, dim) slices and row-wise (or table-row-wise, one node)
/// in min(ranks, rows) blocks (slice or block i on rank i), or replicated (data-parallel).
std::vector<TablePlan> uniform_plan(const std::vector<TableSpec>& tables, ShardingType type,
                                    int ranks);

/// Collective: where `tables` go over the communicator's ranks. `sharding` names a sharding type
/// for every table (uniform_plan), or is "auto": on one rank every table whole, else the
/// planner's plan ("ours") for bags of `ids_per_bag` ids, `batch` samples a step, `optimizer` and
/// `pooling` (so without column slices under row-wise AdaGrad, nor row blocks under mean
/// pooling), made on rank 0 with the machine's measured memory bandwidth (plan_on_rank_zero).
std::vector<TablePlan> place_tables(Communicator& communicator,
                                    const std::vector<TableSpec>& tables, std::string_view sharding,
                                    double ids_per_bag, std::int64_t batch, OptimizerKind optimizer,
                                    Pooling pooling);

/// Collective: the tables of the plan that `make` returns on rank 0, on every rank (its JSON
/// travels), so that a plan that measures the machine is the same everywhere. An error of `make`
/// is thrown on every rank.
std::vector<TablePlan> plan_on_rank_zero(Communicator& communicator,
                                         const std::function<ShardingPlan()>& make);

}  // namespace tessera::dlrm
