// The counted all-to-all of the communicators (communicator.hpp).
#include "tessera/dlrm/communicator.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"
#include "wire.hpp"

namespace tessera::dlrm {

RankBuffers Communicator::exchange(std::string_view channel, RankBuffers outgoing) {
  if (outgoing.size() != static_cast<std::size_t>(size()))
    throw Error("exchange", fmt::format("{} buffers for {} ranks", outgoing.size(), size()));
  std::int64_t bytes = 0;
  for (std::size_t r = 0; r < outgoing.size(); ++r)
    if (static_cast<int>(r) != rank()) bytes += static_cast<std::int64_t>(outgoing[r].size());
  auto it = sent_.find(channel);
  if (it == sent_.end()) it = sent_.emplace(std::string(channel), 0).first;
  it->second += bytes;
  return all_to_all(std::move(outgoing));
}

std::map<std::string, std::int64_t, std::less<>> bytes_sent_by_all(Communicator& communicator) {
  // Every rank took part in the same collectives, so every rank has the same channels.
  auto totals = communicator.bytes_sent();
  std::vector<std::int64_t> mine;
  for (const auto& [channel, bytes] : totals) mine.push_back(bytes);
  RankBuffers outgoing(static_cast<std::size_t>(communicator.size()));
  for (std::vector<std::byte>& buffer : outgoing)
    detail::ByteWriter(buffer).put(std::span<const std::int64_t>(mine));
  for (auto& [channel, bytes] : totals) bytes = 0;
  for (const std::vector<std::byte>& buffer : communicator.exchange("counters", outgoing)) {
    detail::ByteReader reader(buffer);
    for (auto& [channel, bytes] : totals) bytes += reader.get<std::int64_t>();
  }
  return totals;
}

}  // namespace tessera::dlrm
