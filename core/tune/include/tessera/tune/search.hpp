// Ask/tell search strategies over a SearchSpace: a strategy proposes configurations it has not
// proposed before and is told what they cost; measuring them is someone else's job (measure.hpp).
// Every strategy is deterministic for a seed (CounterRng keyed by the seed and its draw count).
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "tessera/tune/search_space.hpp"

namespace tessera::tune {

/// A measured configuration: its seconds, or infinity where it failed (did not build, gave wrong
/// results, or its kernel refused the shape).
struct Trial {
  Config config;
  double seconds = std::numeric_limits<double>::infinity();
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  /// Up to `count` configurations never proposed before; fewer only when the space runs out.
  virtual std::vector<Config> ask(std::size_t count) = 0;
  /// The costs of configurations ask() returned.
  virtual void tell(std::span<const Trial> trials) = 0;
};

/// "random", "ga" (genetic) or "rl" (policy gradient).
inline constexpr std::string_view kSearchNames[] = {"random", "ga", "rl"};

/// The strategy called `name` (one of kSearchNames) over `space`, seeded; tessera::Error (usage)
/// naming "search" for an unknown name.
std::unique_ptr<SearchStrategy> make_search(std::string_view name, const SearchSpace& space,
                                            std::uint64_t seed);

/// Uniform sampling without replacement.
std::unique_ptr<SearchStrategy> make_random_search(const SearchSpace& space, std::uint64_t seed);

struct GeneticOptions {
  std::size_t population = 16;  // the best configurations measured so far, the parents
  std::size_t tournament = 3;   // contestants per parent choice
  double crossover = 0.9;       // probability a child mixes two parents (uniform crossover)
  double mutation = -1;         // per-knob probability of a new random value; < 0: 1 / knobs
};
/// A genetic algorithm whose genome is the knob indices: the first generation is random; each
/// next one is bred from the population by tournament selection, uniform crossover and mutation.
/// The population is the best `population` configurations measured so far ((mu + lambda)
/// selection), so the best are never lost (elitism); a child proposed before is bred again, then
/// replaced by a random configuration (dedup).
std::unique_ptr<SearchStrategy> make_genetic_search(const SearchSpace& space, std::uint64_t seed,
                                                    GeneticOptions options = {});

struct PolicyGradientOptions {
  double learning_rate = 0.5;
  double baseline_decay = 0.8;  // moving average of rewards
  double temperature = 1.0;
};
/// Reinforcement learning over knob moves (REINFORCE): from the best configuration so far, each
/// proposal moves every knob's index by -1, 0 or +1 under a softmax policy per knob; the reward
/// of a move set is log(best seconds / its seconds) against a moving baseline, and the policy's
/// logits follow its gradient. A proposal seen before is redrawn, then replaced by a random one.
std::unique_ptr<SearchStrategy> make_policy_gradient_search(const SearchSpace& space,
                                                            std::uint64_t seed,
                                                            PolicyGradientOptions options = {});

}  // namespace tessera::tune
