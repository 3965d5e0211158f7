// Collectives built on a communicator's all-to-all (communicator.hpp): the data-parallel gradient
// sum, reduced in a fixed tree over ranks so that it does not depend on MPI's algorithm choice,
// and gathers of values and of a scalar sum.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "tessera/dlrm/comm_precision.hpp"
#include "tessera/dlrm/communicator.hpp"

namespace tessera::dlrm::detail {

/// Collective: every rank's `values` replaced by their sum over the ranks, as a reduce-scatter
/// (each rank sums one segment, the ranks' parts added up mlp.hpp's tree) then an all-gather,
/// both carrying `precision` values (times `scale` on the wire). Every rank ends with the same
/// bits. Channel "dense".
void tree_allreduce(Communicator& communicator, std::span<float> values, CommPrecision precision,
                    float scale);

/// Collective: every rank's `values` laid end to end in rank order, on every rank (fp32).
std::vector<float> all_gather(Communicator& communicator, std::string_view channel,
                              std::span<const float> values);

/// Collective: the sum of `value` over the ranks (in rank order), on every rank.
double sum_over_ranks(Communicator& communicator, double value);

}  // namespace tessera::dlrm::detail
