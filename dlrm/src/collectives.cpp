// The tree-ordered allreduce and the gathers (collectives.hpp).
#include "collectives.hpp"

#include "mlp.hpp"
#include "tessera/core/threads.hpp"
#include "wire.hpp"

namespace tessera::dlrm::detail {

void tree_allreduce(Communicator& communicator, std::span<float> values, CommPrecision precision,
                    float scale) {
  const auto ranks = static_cast<std::size_t>(communicator.size());
  if (ranks == 1) return;
  const auto me = static_cast<std::size_t>(communicator.rank());
  RankBuffers outgoing(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    const Range segment = partition_range(values.size(), ranks, r);
    ByteWriter(outgoing[r])
        .put_floats(values.subspan(segment.begin, segment.size()), precision, scale);
  }
  RankBuffers incoming = communicator.exchange("dense", std::move(outgoing));
  const Range mine = partition_range(values.size(), ranks, me);
  std::vector<float> parts(ranks * mine.size());
  for (std::size_t r = 0; r < ranks; ++r)
    ByteReader(incoming[r])
        .get_floats(std::span(parts).subspan(r * mine.size(), mine.size()), precision,
                    1.0f / scale);
  tree_sum(parts, mine.size());
  outgoing.assign(ranks, {});
  for (std::size_t r = 0; r < ranks; ++r)
    ByteWriter(outgoing[r]).put_floats(std::span(parts).first(mine.size()), precision, scale);
  incoming = communicator.exchange("dense", std::move(outgoing));
  for (std::size_t r = 0; r < ranks; ++r) {
    const Range segment = partition_range(values.size(), ranks, r);
    ByteReader(incoming[r])
        .get_floats(values.subspan(segment.begin, segment.size()), precision, 1.0f / scale);
  }
}

std::vector<float> all_gather(Communicator& communicator, std::string_view channel,
                              std::span<const float> values) {
  const auto ranks = static_cast<std::size_t>(communicator.size());
  RankBuffers outgoing(ranks);
  for (std::vector<std::byte>& buffer : outgoing) ByteWriter(buffer).put(values);
  const RankBuffers incoming = communicator.exchange(channel, std::move(outgoing));
  std::vector<float> all;
  for (const std::vector<std::byte>& buffer : incoming) {
    const std::size_t at = all.size();
    all.resize(at + buffer.size() / sizeof(float));
    ByteReader(buffer).get(std::span(all).subspan(at));
  }
  return all;
}

double sum_over_ranks(Communicator& communicator, double value) {
  const auto ranks = static_cast<std::size_t>(communicator.size());
  if (ranks == 1) return value;
  RankBuffers outgoing(ranks);
  for (std::vector<std::byte>& buffer : outgoing) ByteWriter(buffer).put(value);
  double sum = 0.0;
  for (const std::vector<std::byte>& buffer : communicator.exchange("scalars", std::move(outgoing)))
    sum += ByteReader(buffer).get<double>();
  return sum;
}

}  // namespace tessera::dlrm::detail
