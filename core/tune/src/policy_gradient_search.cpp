// Policy-gradient search (the paper's RL searcher, reconstructed as REINFORCE over knob moves):
// a softmax policy per knob over the moves -1, 0, +1 of its value index, applied to the best
// configuration so far, rewarded by the log speed-up over it against a moving baseline.
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "search_state.hpp"

namespace tessera::tune {
namespace {

constexpr int kMoves = 3;  // index -1, 0, +1

class PolicyGradientSearch final : public SearchStrategy {
 public:
  PolicyGradientSearch(const SearchSpace& space, std::uint64_t seed, PolicyGradientOptions options)
      : state_(space, seed, 2), options_(options), logits_(space.knobs().size()) {
    for (auto& l : logits_) l = {0.0, 1.0, 0.0};  // staying put starts likelier than either move
  }

  std::vector<Config> ask(std::size_t count) override {
    std::vector<Config> out;
    while (out.size() < count) {
      std::optional<Config> c = anchor_ ? moved() : state_.fresh_random();
      if (!c) break;
      out.push_back(std::move(*c));
    }
    return out;
  }

  void tell(std::span<const Trial> trials) override {
    for (const Trial& t : trials) {
      const auto taken = taken_.find(state_.space().index_of(t.config));
      if (taken != taken_.end()) {
        const double reward = std::isfinite(t.seconds)
                                  ? std::log(taken->second.anchor_seconds / t.seconds)
                                  : -1.0;  // a failed configuration: as bad as e times slower
        learn(taken->second.moves, reward - baseline_);
        baseline_ = options_.baseline_decay * baseline_ + (1 - options_.baseline_decay) * reward;
        taken_.erase(taken);
      }
      if (!anchor_ || t.seconds < anchor_->seconds) anchor_ = t;
    }
  }

 private:
  struct Taken {
    std::vector<int> moves;  // per knob, 0..2 for -1, 0, +1
    double anchor_seconds;
  };

  std::array<double, kMoves> policy(std::size_t knob) const {
    std::array<double, kMoves> p{};
    double sum = 0;
    for (int a = 0; a < kMoves; ++a)
      sum += p[a] = std::exp(logits_[knob][a] / options_.temperature);
    for (double& v : p) v /= sum;
    return p;
  }

  void learn(const std::vector<int>& moves, double advantage) {
    for (std::size_t k = 0; k < moves.size(); ++k) {
      const auto p = policy(k);
      for (int a = 0; a < kMoves; ++a)
        logits_[k][a] += options_.learning_rate * advantage * ((a == moves[k] ? 1.0 : 0.0) - p[a]);
    }
  }

  // The anchor moved by the policy, redrawn while proposed before; a random fresh configuration
  // (not learned from) after 16 draws.
  std::optional<Config> moved() {
    const auto& knobs = state_.space().knobs();
    for (int attempt = 0; attempt < 16; ++attempt) {
      Config c = anchor_->config;
      std::vector<int> moves(knobs.size());
      for (std::size_t k = 0; k < knobs.size(); ++k) {
        const auto p = policy(k);
        const double u = state_.uniform();
        moves[k] = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
        const auto n = static_cast<std::int64_t>(knobs[k].values.size());
        c[k] = static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(static_cast<std::int64_t>(c[k]) + moves[k] - 1, 0, n - 1));
      }
      if (state_.propose(c)) {
        taken_[state_.space().index_of(c)] = {std::move(moves), anchor_->seconds};
        return c;
      }
    }
    return state_.fresh_random();
  }

  detail::SearchState state_;
  PolicyGradientOptions options_;
  std::vector<std::array<double, kMoves>> logits_;
  std::optional<Trial> anchor_;  // the best trial so far
  double baseline_ = 0;
  std::unordered_map<std::uint64_t, Taken> taken_;  // proposals awaiting their reward
};

}  // namespace

std::unique_ptr<SearchStrategy> make_policy_gradient_search(const SearchSpace& space,
                                                            std::uint64_t seed,
                                                            PolicyGradientOptions options) {
  return std::make_unique<PolicyGradientSearch>(space, seed, options);
}

}  // namespace tessera::tune
