// The hidden side of a round (Feldmann et al., SSS'21, §1): each amoebot's frame (its port 0's
// global direction and its sense of rotation), the links between neighbours' pins by the model's
// matching rule, circuits as connected components of partition sets (union-find, recomputed only
// when a configuration changed), and beeps delivered to every set of a circuit. For drivers and
// observers, never for algorithm code (which sees a LocalView).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "tessera/amoebot/local_view.hpp"
#include "tessera/amoebot/structure.hpp"

namespace tessera::amoebot {

/// An amoebot's hidden frame: local port l lies in global direction compass + l (mod 6), or
/// compass - l when mirrored (its "counter-clockwise" is the grid's clockwise).
struct Frame {
  std::uint8_t compass = 0;
  bool mirrored = false;
  bool operator==(const Frame&) const = default;
};

/// The local port of an amoebot with frame `f` that points in global direction `direction`.
inline int local_port(Frame f, int direction) {
  return f.mirrored ? (f.compass - direction + 12) % 6 : (direction - f.compass + 12) % 6;
}

/// n frames drawn from `seed`, uniform over the 12 (compass, mirrored) pairs.
std::vector<Frame> random_frames(std::size_t n, std::uint64_t seed);

class Engine {
 public:
  /// Up to 10 pins an edge (60 partition sets); frames one an amoebot (tessera::Error naming
  /// "pins per edge" or "frames" otherwise). Every pin starts in its own partition set.
  Engine(const Structure& structure, int pins_per_edge, std::uint64_t seed,
         std::vector<Frame> frames);

  std::size_t size() const { return frames_.size(); }
  int pins_per_edge() const { return pins_; }
  std::int64_t round() const { return round_; }
  std::span<const Frame> frames() const { return frames_; }

  /// Starts a round: no amoebot has beeped yet.
  void begin_round();
  /// Amoebot i's view for this round (its configuration and beeps written through it).
  LocalView view(std::size_t i);
  /// Ends the round: circuits of the new configurations (recomputed only when one changed, unless
  /// reuse is off), each beep delivered to every set of its circuit for the next round.
  void finish_round();

  /// Whether finish_round may keep the circuits when no configuration changed (default on).
  void set_circuit_reuse(bool on) { reuse_ = on; }
  /// Rounds whose circuits were computed (the others reused them).
  std::int64_t circuit_computations() const { return computations_; }

  /// Observers, valid after finish_round: the sets amoebot i beeped on in the round that ended,
  /// the sets that heard a beep, its configuration (local pin -> set) and its sets' circuits
  /// (one number a circuit, the same on every amoebot of it).
  std::uint64_t beeps(std::size_t i) const { return beeps_[i]; }
  std::uint64_t heard(std::size_t i) const { return heard_[i]; }
  std::span<const std::uint8_t> configuration(std::size_t i) const;
  std::uint32_t circuit(std::size_t i, int set) const;
  /// Whether this round's coin of amoebot i is heads (LocalView::coin).
  bool coin(std::size_t i) const;

 private:
  void split_in_halves(const Structure& structure);
  void compute_circuits();
  void link_edge(std::size_t u, int g);   // unions the pins of u's edge in global direction g
  void mark_beeping(std::uint8_t value);  // beeping_ of every beeped set's circuit root
  std::uint32_t find(std::uint32_t node);

  static constexpr std::size_t kHalves = 2;

  int pins_;
  std::size_t sets_;  // per amoebot: 6 · pins
  std::uint64_t seed_;
  std::vector<Frame> frames_;
  std::vector<std::int32_t> neighbours_;     // (n, 6) by global direction
  std::vector<std::uint8_t> occupancy_;      // per amoebot, in its local port order
  std::vector<std::uint8_t> local_port_;     // (n, 6): global direction -> local port
  std::vector<std::uint8_t> configuration_;  // (n, sets): local pin -> partition set
  std::vector<std::uint8_t> changed_;        // per amoebot, this round
  std::vector<std::uint64_t> beeps_, heard_;
  std::vector<std::uint8_t> half_of_;                 // per amoebot: 0 or 1
  std::vector<std::uint32_t> halves_[kHalves];        // the amoebots of each half
  std::vector<std::pair<std::uint32_t, int>> seams_;  // edges (amoebot, direction) across them
  std::vector<std::uint32_t> parent_;  // union-find over (amoebot, set); roots after compute
  std::vector<std::uint8_t> beeping_;  // per circuit root, this round
  std::int64_t round_ = 0;
  std::int64_t computations_ = 0;
  bool reuse_ = true;
  bool computed_ = false;
};

}  // namespace tessera::amoebot
