// Random search: uniform sampling of the space without replacement, the baseline the other
// strategies are compared with.
#include "search_state.hpp"

namespace tessera::tune {
namespace {

class RandomSearch final : public SearchStrategy {
 public:
  RandomSearch(const SearchSpace& space, std::uint64_t seed) : state_(space, seed, 0) {}
  std::vector<Config> ask(std::size_t count) override {
    std::vector<Config> out;
    while (out.size() < count) {
      std::optional<Config> c = state_.fresh_random();
      if (!c) break;
      out.push_back(std::move(*c));
    }
    return out;
  }
  void tell(std::span<const Trial>) override {}

 private:
  detail::SearchState state_;
};

}  // namespace

std::unique_ptr<SearchStrategy> make_random_search(const SearchSpace& space, std::uint64_t seed) {
  return std::make_unique<RandomSearch>(space, seed);
}

}  // namespace tessera::tune
