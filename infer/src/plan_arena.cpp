// Arena planning (plan_arena.hpp): a greedy assignment of values to buffers by first step.
#include "plan_arena.hpp"

#include <algorithm>
#include <optional>

namespace tessera::infer::detail {

Arena::Arena(std::vector<ArenaValue> values) {
  std::stable_sort(values.begin(), values.end(),
                   [](const ArenaValue& a, const ArenaValue& b) { return a.first < b.first; });
  // Per buffer: its size in floats and the last step of the value it holds now.
  std::vector<std::pair<std::size_t, std::size_t>> use;
  std::map<std::string, std::size_t, std::less<>> buffer_of;
  for (const ArenaValue& v : values) {
    if (!v.inside.empty()) continue;
    const std::size_t floats = (v.bytes + 3) / 4;
    std::optional<std::size_t> chosen;
    const auto previous = buffer_of.find(v.in_place_of);
    if (previous != buffer_of.end() && use[previous->second].second == v.first &&
        use[previous->second].first >= floats)
      chosen = previous->second;
    if (!chosen) {
      for (std::size_t b = 0; b < use.size(); ++b) {
        if (use[b].second < v.first && use[b].first >= floats &&
            (!chosen || use[b].first < use[*chosen].first))
          chosen = b;
      }
    }
    if (!chosen) {
      chosen = buffers_.size();
      buffers_.emplace_back(floats);
      use.emplace_back(floats, 0);
    }
    use[*chosen].second = v.last;
    buffer_of[v.name] = *chosen;
    at_[v.name] = buffers_[*chosen].data();
  }
  for (const ArenaValue& v : values) {
    if (!v.inside.empty()) at_[v.name] = at_.at(v.inside) + v.offset / sizeof(float);
  }
}

float* Arena::find(const std::string& name) const {
  const auto it = at_.find(name);
  return it != at_.end() ? it->second : nullptr;
}

std::size_t Arena::bytes() const {
  std::size_t total = 0;
  for (const AlignedBuffer<float>& b : buffers_) total += b.size() * sizeof(float);
  return total;
}

}  // namespace tessera::infer::detail
