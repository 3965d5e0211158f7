// How the ranks of a hybrid-parallel run talk: one collective, an all-to-all of byte buffers (each
// rank hands one buffer per rank and gets one from each), on which the embedding exchanges and the
// dense gradient reduction are built; bytes sent to other ranks are counted per channel. A single
// process uses LocalCommunicator; MPI runs use MpiCommunicator (mpi_communicator.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::dlrm {

/// One buffer per rank, by rank.
using RankBuffers = std::vector<std::vector<std::byte>>;

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;

  /// Collective: outgoing[r] (size() buffers) goes to rank r; returns what each rank sent here,
  /// by rank. The bytes sent to other ranks are added to `channel`'s count.
  RankBuffers exchange(std::string_view channel, RankBuffers outgoing);

  /// Bytes this rank sent to other ranks, per channel, since construction.
  const std::map<std::string, std::int64_t, std::less<>>& bytes_sent() const { return sent_; }

 protected:
  /// The all-to-all itself: outgoing has size() buffers.
  virtual RankBuffers all_to_all(RankBuffers outgoing) = 0;

 private:
  std::map<std::string, std::int64_t, std::less<>> sent_;
};

/// The one rank of a single-process run: exchange hands the buffer back.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }

 protected:
  RankBuffers all_to_all(RankBuffers outgoing) override { return outgoing; }
};

/// Collective: bytes_sent() of every channel summed over the ranks.
std::map<std::string, std::int64_t, std::less<>> bytes_sent_by_all(Communicator& communicator);

}  // namespace tessera::dlrm
