// The ranks a `tessera dlrm` command runs over: one process, or MPI ranks (the command relaunches
// itself under mpiexec when asked for several and not started by it), and how errors end a run
// over several ranks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "tessera/dlrm/communicator.hpp"

namespace tessera::dlrm {

/// A LocalCommunicator when `ranks` is 1 and no MPI launcher started this process; else MPI (a
/// relaunch under mpiexec with `ranks` ranks first, when not started by it), initialised until
/// the process ends. tessera::Error for several ranks in a build without MPI.
std::shared_ptr<Communicator> join_ranks(int ranks);

/// Runs `body`. Over several ranks an error is printed with its rank and ends every rank (MPI_Abort
/// with its exit code): the others may be waiting for it in a collective.
void run_on_ranks(const Communicator& communicator, const std::function<void()>& body);

/// Collective: the bytes a step's exchanges (ids, pooled, gradients, dense) sent between ranks, per
/// step of `steps`, summed over the ranks, as a JSON object by channel.
nlohmann::json traffic_per_step(Communicator& communicator, std::int64_t steps);

}  // namespace tessera::dlrm
