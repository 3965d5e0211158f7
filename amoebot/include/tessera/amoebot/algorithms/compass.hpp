// Chirality agreement, then compass alignment, in O(log n) rounds w.h.p., Las Vegas (Feldmann et
// al., SSS'21, §2.4-2.5; the loop as AmoebotSim 2.0 runs it, 10 rounds an iteration here where it
// takes 11). With one sense of rotation, each amoebot keeps a rotation r: its logical port of
// physical port l is (±l + r) mod 6. An iteration: (0-3) every amoebot sends each neighbour its
// logical label of their shared edge, one bit a round (a beep on logical pin 0 reaches the
// neighbour's logical pin 1 when they agree on chirality), so each knows the offset
// δ = (b - a - 3) mod 6 of each neighbour, 0 meaning agreement; amoebots with an offset beep on a
// global circuit, and silence ends the run; (4-5) the regions of agreeing neighbours toss coins
// through their candidates as in chirality agreement; (6) regions not tails beep across their
// borders; (7-9) a tails region finds the smallest offset of a border that heard, most significant
// bit first, and (next iteration's round 0) rotates by it and withdraws its candidates, which
// aligns it with every region of that offset it borders. The "smallest δ" rule is the notes'; the
// bitwise minimum in 3 rounds replaces their reserved round per δ.
#pragma once

#include <cstdint>

#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/region_race.hpp"
#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

struct CompassAlignment {
  static constexpr int kPinsPerEdge = 2;

  struct State {
    ChiralityAgreement::State chirality;  // first this, to its end
    std::uint8_t rotation = 0;            // added to the logical port labels
    std::uint8_t slot = 0;
    std::uint8_t agree = 0;         // ports whose neighbour's offset is 0
    std::uint8_t received[6] = {};  // each port's neighbour's label, bit by bit
    std::uint8_t offer = 0;         // the smallest offset of a border that heard (tails)
    std::uint8_t found = 0;         // the region's smallest offset, bit by bit
    bool racing = false;            // still in the region's race for the smallest offset
    bool started = false;
    bool done = false;
    RegionRace race;
    bool operator==(const State&) const = default;
  };

  static bool finished(const State& s) { return s.done; }

  /// The logical label of physical port `port`.
  static int label(const State& s, int port) {
    return ((s.chirality.flipped ? 6 - port : port) + s.rotation) % 6;
  }

  static void step(State& s, LocalView& view) {
    if (!ChiralityAgreement::finished(s.chirality)) {  // compass alignment starts the round after
      ChiralityAgreement::step(s.chirality, view);
      return;
    }
    constexpr int kGlobal = 0, kRegion = RegionRace::kRegion;
    const auto border = [&](int p) { return RegionRace::border(s.agree, p, view); };
    switch (s.slot) {
      case 0:  // the race's last bit: a tails region rotates by its smallest offset (none when
               // no border heard: all bits 1); then bit 0 of the labels
        if (s.started) {
          s.found = static_cast<std::uint8_t>(s.found << 1 | (view.heard(kRegion) ? 0 : 1));
          if (s.race.outcome == RegionRace::kTails && s.found >= 1 && s.found <= 5) {
            s.rotation = static_cast<std::uint8_t>((s.rotation + s.found) % 6);
            s.race.candidate = false;
          }
        }
        s.started = true;
        view.separate_all();
        send_bit(s, view, 0);
        break;
      case 1:
      case 2:  // bit slot - 1 received, bit slot sent
        receive_bit(s, view, s.slot - 1);
        send_bit(s, view, s.slot);
        break;
      case 3: {  // bit 2 received: the offsets; those with one beep globally
        receive_bit(s, view, 2);
        s.agree = 0;
        for (int p = 0; p < LocalView::kPorts; ++p)
          if (view.occupied(p) && offset(s, p) == 0) s.agree |= static_cast<std::uint8_t>(1u << p);
        view.connect_all(kGlobal);
        for (int p = 0; p < LocalView::kPorts; ++p)
          if (border(p)) {
            view.beep(kGlobal);
            break;
          }
        break;
      }
      case 4:  // silence: one compass. Else the regions' coins
        if (!view.heard(kGlobal)) {
          s.done = true;
          return;
        }
        s.race.toss(s.agree, view);
        break;
      case 5:
        s.race.tails(view);
        break;
      case 6:
        s.race.decide(s.agree, view);
        break;
      default: {  // 7-9: the tails region's smallest offset of a border that heard, bit 2 first
        const int bit = 9 - s.slot;  // 2, 1, 0
        if (s.slot == 7) {
          s.offer = 0;
          for (int p = 0; p < LocalView::kPorts; ++p)
            if (border(p) && view.heard(p + 1) && (s.offer == 0 || offset(s, p) < s.offer))
              s.offer = static_cast<std::uint8_t>(offset(s, p));
          s.racing = s.race.outcome == RegionRace::kTails && s.offer != 0;
          s.found = 0;
        } else {  // last round's beeps: some racer has a 0 at bit + 1
          const bool zero = view.heard(kRegion);
          s.found = static_cast<std::uint8_t>(s.found << 1 | (zero ? 0 : 1));
          if (zero && (s.offer >> (bit + 1) & 1u) != 0) s.racing = false;
        }
        if (s.racing && (s.offer >> bit & 1u) == 0) view.beep(kRegion);
        break;
      }
    }
    s.slot = static_cast<std::uint8_t>((s.slot + 1) % 10);
  }

 private:
  // The offset of the neighbour across port p: its label minus the opposite of ours.
  static int offset(const State& s, int p) { return (s.received[p] - label(s, p) - 3 + 12) % 6; }

  static void send_bit(const State& s, LocalView& view, int bit) {
    for (int p = 0; p < LocalView::kPorts; ++p)
      if (view.occupied(p) && (label(s, p) >> bit & 1) != 0)
        view.beep(p * 2 + (s.chirality.flipped ? 1 : 0));
  }

  static void receive_bit(State& s, const LocalView& view, int bit) {
    for (int p = 0; p < LocalView::kPorts; ++p) {
      if (bit == 0) s.received[p] = 0;
      if (view.occupied(p) && view.heard(p * 2 + (s.chirality.flipped ? 0 : 1)))
        s.received[p] = static_cast<std::uint8_t>(s.received[p] | 1u << bit);
    }
  }
};

}  // namespace tessera::amoebot
