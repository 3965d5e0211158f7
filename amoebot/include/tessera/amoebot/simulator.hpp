// Fully synchronous rounds of an algorithm on a structure (Feldmann et al., SSS'21, §1): every
// amoebot steps on the same frozen state (its own state and the beeps of last round), then the
// circuits of the new configurations carry this round's beeps. An algorithm is a small, trivially
// copyable State and a step that sees only a LocalView; results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/amoebot/engine.hpp"
#include "tessera/amoebot/local_view.hpp"
#include "tessera/amoebot/structure.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::amoebot {

/// Constant memory per amoebot: the bound on an algorithm's State.
inline constexpr std::size_t kMaxStateBytes = 64;

/// An algorithm: pins per edge, a State of constant size, a step on the local view, and whether
/// an amoebot has finished (it then keeps its configuration and stays silent).
template <class A>
concept Algorithm = std::is_trivially_copyable_v<typename A::State> && sizeof(typename A::State) <=
                    kMaxStateBytes&& requires(typename A::State& s, const typename A::State& cs,
                                              LocalView& view) {
  { A::kPinsPerEdge } -> std::convertible_to<int>;
  A::step(s, view);
  { A::finished(cs) } -> std::same_as<bool>;
};

template <Algorithm A>
class Simulator {
 public:
  using State = typename A::State;

  /// Every amoebot starts in `initial` (its input); frames random from `seed` unless given.
  Simulator(const Structure& structure, std::uint64_t seed, State initial,
            std::vector<Frame> frames = {})
      : engine_(structure, A::kPinsPerEdge, seed,
                frames.empty() ? random_frames(structure.size(), seed) : std::move(frames)),
        states_(structure.size(), initial) {}

  /// One state an amoebot (their inputs differ; tessera::Error naming "initial states" unless
  /// there are as many as amoebots).
  Simulator(const Structure& structure, std::uint64_t seed, std::vector<State> initial,
            std::vector<Frame> frames = {})
      : engine_(structure, A::kPinsPerEdge, seed,
                frames.empty() ? random_frames(structure.size(), seed) : std::move(frames)),
        states_(std::move(initial)) {
    if (states_.size() != structure.size())
      throw Error("initial states", std::to_string(states_.size()) + " for " +
                                        std::to_string(structure.size()) + " amoebots");
  }

  /// One round; true when every amoebot has finished.
  bool round() {
    engine_.begin_round();
    parallel_for(states_.size(), 1024, [&](std::size_t, Range r) {
      for (std::size_t i = r.begin; i < r.end; ++i) {
        if (A::finished(states_[i])) continue;
        LocalView view = engine_.view(i);
        A::step(states_[i], view);
      }
    });
    engine_.finish_round();
    return all_finished();
  }

  /// Rounds until every amoebot has finished, at most `max_rounds`: the rounds taken, or nullopt.
  std::optional<std::int64_t> run(std::int64_t max_rounds) {
    while (!all_finished()) {
      if (engine_.round() >= max_rounds) return std::nullopt;
      round();
    }
    return engine_.round();
  }

  bool all_finished() const {
    return std::all_of(states_.begin(), states_.end(),
                       [](const State& s) { return A::finished(s); });
  }
  std::span<const State> states() const { return states_; }
  Engine& engine() { return engine_; }
  const Engine& engine() const { return engine_; }

 private:
  Engine engine_;
  std::vector<State> states_;
};

}  // namespace tessera::amoebot
