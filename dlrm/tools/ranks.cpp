// One process or MPI ranks for the dlrm commands (ranks.hpp).
#include "ranks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "tessera/core/error.hpp"
#ifdef TESSERA_DLRM_WITH_MPI
#include "tessera/dlrm/mpi_communicator.hpp"
#include "tessera/mpi/mpi.hpp"
#endif

namespace tessera::dlrm {

std::shared_ptr<Communicator> join_ranks(int ranks) {
#ifdef TESSERA_DLRM_WITH_MPI
  if (ranks > 1 && !mpi::started_by_mpiexec()) mpi::relaunch_under_mpiexec(ranks);
  if (mpi::started_by_mpiexec()) {
    static std::optional<mpi::Session> session;  // MPI until the process ends
    if (!session) session.emplace();
    if (ranks > 1 && session->world().size != ranks)
      throw usage_error("--ranks", fmt::format("{} ranks asked for, mpiexec started {}", ranks,
                                               session->world().size));
    return std::make_shared<MpiCommunicator>();
  }
#else
  if (ranks > 1)
    throw usage_error("--ranks", "this build has no MPI (install libopenmpi-dev openmpi-bin)");
#endif
  return std::make_shared<LocalCommunicator>();
}

void run_on_ranks(const Communicator& communicator, const std::function<void()>& body) {
  if (communicator.size() == 1) return body();
#ifdef TESSERA_DLRM_WITH_MPI
  try {
    body();
  } catch (const Error& e) {
    std::fprintf(stderr, "tessera: rank %d: %s\n", communicator.rank(), e.what());
    MPI_Abort(MPI_COMM_WORLD, static_cast<int>(e.exit_code()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera: rank %d: %s\n", communicator.rank(), e.what());
    MPI_Abort(MPI_COMM_WORLD, static_cast<int>(ExitCode::kFailure));
  }
#endif
}

nlohmann::json traffic_per_step(Communicator& communicator, std::int64_t steps) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [channel, bytes] : bytes_sent_by_all(communicator))
    if (channel == "ids" || channel == "pooled" || channel == "gradients" || channel == "dense")
      out[channel] =
          static_cast<double>(bytes) / static_cast<double>(std::max<std::int64_t>(steps, 1));
  return out;
}

}  // namespace tessera::dlrm
