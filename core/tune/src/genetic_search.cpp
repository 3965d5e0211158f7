// Genetic search (the paper's GA, Woodpecker-DL section 3): the genome is the knob indices;
// tournament selection, uniform crossover, per-knob mutation, (mu + lambda) elitism and dedup.
#include <algorithm>

#include "search_state.hpp"

namespace tessera::tune {
namespace {

class GeneticSearch final : public SearchStrategy {
 public:
  GeneticSearch(const SearchSpace& space, std::uint64_t seed, GeneticOptions options)
      : state_(space, seed, 1), options_(options) {
    options_.population = std::max<std::size_t>(options_.population, 2);
    options_.tournament = std::max<std::size_t>(options_.tournament, 1);
    if (options_.mutation < 0) options_.mutation = 1.0 / static_cast<double>(space.knobs().size());
  }

  std::vector<Config> ask(std::size_t count) override {
    std::vector<Config> out;
    while (out.size() < count) {
      std::optional<Config> c =
          members_.size() < options_.population ? state_.fresh_random() : child();
      if (!c) break;
      out.push_back(std::move(*c));
    }
    return out;
  }

  void tell(std::span<const Trial> trials) override {
    for (const Trial& t : trials) members_.push_back(t);
    std::stable_sort(members_.begin(), members_.end(),
                     [](const Trial& a, const Trial& b) { return a.seconds < b.seconds; });
    if (members_.size() > options_.population) members_.resize(options_.population);
  }

 private:
  const Config& tournament() {
    std::size_t best = state_.uniform_int(members_.size());
    for (std::size_t i = 1; i < options_.tournament; ++i)
      best =
          std::min<std::size_t>(best, state_.uniform_int(members_.size()));  // sorted: lower wins
    return members_[best].config;
  }

  // A child not proposed before (marked proposed), or a random configuration after 32 tries.
  std::optional<Config> child() {
    const auto& knobs = state_.space().knobs();
    for (int attempt = 0; attempt < 32; ++attempt) {
      Config c = tournament();
      if (state_.uniform() < options_.crossover) {
        const Config& other = tournament();
        for (std::size_t k = 0; k < c.size(); ++k) {
          if (state_.uniform() < 0.5) c[k] = other[k];
        }
      }
      for (std::size_t k = 0; k < c.size(); ++k) {
        const std::size_t n = knobs[k].values.size();
        if (n > 1 && state_.uniform() < options_.mutation)  // a value other than the current one
          c[k] = static_cast<std::uint32_t>((c[k] + 1 + state_.uniform_int(n - 1)) % n);
      }
      if (state_.propose(c)) return c;
    }
    return state_.fresh_random();
  }

  detail::SearchState state_;
  GeneticOptions options_;
  std::vector<Trial> members_;  // sorted by seconds, at most options_.population
};

}  // namespace

std::unique_ptr<SearchStrategy> make_genetic_search(const SearchSpace& space, std::uint64_t seed,
                                                    GeneticOptions options) {
  return std::make_unique<GeneticSearch>(space, seed, options);
}

}  // namespace tessera::tune
