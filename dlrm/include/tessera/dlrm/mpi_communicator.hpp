// The communicator of an MPI run (communicator.hpp) over MPI_COMM_WORLD: sizes by MPI_Alltoall,
// then the buffers by MPI_Alltoallv. Available where the build has MPI (TESSERA_DLRM_WITH_MPI).
#pragma once

#include "tessera/dlrm/communicator.hpp"

namespace tessera::dlrm {

class MpiCommunicator final : public Communicator {
 public:
  /// Needs MPI initialised (tessera::mpi::Session).
  MpiCommunicator();

  int rank() const override { return rank_; }
  int size() const override { return size_; }

 protected:
  RankBuffers all_to_all(RankBuffers outgoing) override;

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace tessera::dlrm
