// The strategies by name, for command lines and tuning logs.
#include "tessera/tune/search.hpp"

#include <string>

#include "tessera/core/error.hpp"

namespace tessera::tune {

std::unique_ptr<SearchStrategy> make_search(std::string_view name, const SearchSpace& space,
                                            std::uint64_t seed) {
  if (name == "random") return make_random_search(space, seed);
  if (name == "ga") return make_genetic_search(space, seed);
  if (name == "rl") return make_policy_gradient_search(space, seed);
  throw usage_error("search", "'" + std::string(name) + "' is not random, ga or rl");
}

}  // namespace tessera::tune
