// Consensus on a global circuit in O(1) rounds, deterministic (Feldmann et al., SSS'21, §2.3):
// every amoebot ends with the largest input, found most significant bit first. In the round of
// bit j the amoebots still in the race whose input has bit j set beep; a beep heard sets bit j of
// the result and sends those without the bit out of the race. Binary inputs take 2 rounds, inputs
// of b bits b + 1.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/amoebot/local_view.hpp"
#include "tessera/core/error.hpp"

namespace tessera::amoebot {

struct Consensus {
  static constexpr int kPinsPerEdge = 1;

  struct State {
    std::uint8_t bits = 1;     // inputs are below 2^bits (at most 8 bits)
    std::uint8_t value = 0;    // this amoebot's input
    std::uint8_t decided = 0;  // the result's bits found so far
    std::uint8_t next = 0;     // bits found so far
    bool started = false;      // the global circuit is set and bit bits-1 beeped
    bool racing = true;        // no larger input heard yet
    bool done = false;
    bool operator==(const State&) const = default;
  };

  /// The start state of an amoebot with input `value` of `bits` bits (tessera::Error naming
  /// "consensus input" unless 1 <= bits <= 8 and 0 <= value < 2^bits).
  static State initial(int value, int bits) {
    if (bits < 1 || bits > 8 || value < 0 || value >= 1 << bits)
      throw Error("consensus input", std::to_string(value) + " of " + std::to_string(bits) +
                                         " bits: bits from 1 to 8, the value below 2^bits");
    State s;
    s.value = static_cast<std::uint8_t>(value);
    s.bits = static_cast<std::uint8_t>(bits);
    return s;
  }
  static bool finished(const State& s) { return s.done; }

  static void step(State& s, LocalView& view) {
    if (!s.started) {
      view.connect_all(0);
      s.started = true;
    } else {  // the beeps of bit bits-1-next
      const bool heard = view.heard(0);
      const bool mine = (s.value >> (s.bits - 1 - s.next) & 1) != 0;
      s.decided = static_cast<std::uint8_t>(s.decided << 1 | (heard ? 1 : 0));
      if (heard && !mine) s.racing = false;
      if (++s.next == s.bits) {
        s.done = true;
        return;
      }
    }
    if (s.racing && (s.value >> (s.bits - 1 - s.next) & 1) != 0) view.beep(0);
  }
};

}  // namespace tessera::amoebot
