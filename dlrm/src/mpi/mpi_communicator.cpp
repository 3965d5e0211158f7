// The all-to-all of MPI runs (mpi_communicator.hpp): buffer sizes first, then one MPI_Alltoallv
// over the buffers laid end to end.
#include "tessera/dlrm/mpi_communicator.hpp"

#include <cstdint>
#include <cstring>

#include "tessera/mpi/mpi.hpp"

namespace tessera::dlrm {

MpiCommunicator::MpiCommunicator() {
  mpi::check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  mpi::check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

RankBuffers MpiCommunicator::all_to_all(RankBuffers outgoing) {
  const auto ranks = static_cast<std::size_t>(size_);
  std::vector<std::int64_t> send_sizes(ranks), receive_sizes(ranks);
  for (std::size_t r = 0; r < ranks; ++r)
    send_sizes[r] = static_cast<std::int64_t>(outgoing[r].size());
  mpi::check(MPI_Alltoall(send_sizes.data(), 1, MPI_INT64_T, receive_sizes.data(), 1, MPI_INT64_T,
                          MPI_COMM_WORLD),
             "MPI_Alltoall of the exchange's sizes");
  std::vector<int> send_counts(ranks), send_displacements(ranks), receive_counts(ranks),
      receive_displacements(ranks);
  std::uint64_t send_total = 0, receive_total = 0;
  for (std::size_t r = 0; r < ranks; ++r) {
    send_counts[r] = mpi::count(static_cast<std::uint64_t>(send_sizes[r]), "exchange");
    receive_counts[r] = mpi::count(static_cast<std::uint64_t>(receive_sizes[r]), "exchange");
    send_displacements[r] = mpi::count(send_total, "exchange");
    receive_displacements[r] = mpi::count(receive_total, "exchange");
    send_total += static_cast<std::uint64_t>(send_sizes[r]);
    receive_total += static_cast<std::uint64_t>(receive_sizes[r]);
  }
  std::vector<std::byte> send(send_total), receive(receive_total);
  for (std::size_t r = 0; r < ranks; ++r)
    if (!outgoing[r].empty())
      std::memcpy(send.data() + send_displacements[r], outgoing[r].data(), outgoing[r].size());
  mpi::check(MPI_Alltoallv(send.data(), send_counts.data(), send_displacements.data(), MPI_BYTE,
                           receive.data(), receive_counts.data(), receive_displacements.data(),
                           MPI_BYTE, MPI_COMM_WORLD),
             "MPI_Alltoallv of the exchange");
  RankBuffers incoming(ranks);
  for (std::size_t r = 0; r < ranks; ++r)
    incoming[r].assign(receive.begin() + receive_displacements[r],
                       receive.begin() + receive_displacements[r] + receive_counts[r]);
  return incoming;
}

}  // namespace tessera::dlrm
