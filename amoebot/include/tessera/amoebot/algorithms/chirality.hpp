// Chirality agreement in O(log n) rounds w.h.p., Las Vegas (Feldmann et al., SSS'21, §2.4; the
// loop as AmoebotSim 2.0 runs it, 6 rounds an iteration here). Each amoebot keeps a logical flag
// that reverses its pin numbering; its effective sense of rotation is its hidden one XOR the flag.
// An iteration: (0) the relative chirality test on every edge (two pins an edge, all separate,
// a beep on pin 0: a neighbour of the same effective sense makes pin 1 hear too); (1) amoebots
// with a disagreeing neighbour beep on a global circuit, and silence ends the run; (2-3) each
// region (neighbours that agree, joined by one partition set) tosses a coin through its
// candidates: heads, tails, or failed when both were heard, and then its tails candidates
// withdraw; (4) amoebots of regions that did not come up tails beep across their region's border;
// (5) a tails amoebot that heard one tells its region, which reverses its flag as a whole and
// withdraws its candidates (read in the next iteration's first round). With two senses only,
// a reversed region agrees with every neighbouring region it disagreed with. The rule that regions
// shrink by a constant factor an iteration in expectation is the notes' reconstruction [R].
#pragma once

#include <cstdint>

#include "tessera/amoebot/algorithms/region_race.hpp"
#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

struct ChiralityAgreement {
  static constexpr int kPinsPerEdge = 2;

  struct State {
    bool flipped = false;  // the logical flag: pin numbering reversed
    bool done = false;
    bool started = false;
    std::uint8_t slot = 0;   // round within the iteration
    std::uint8_t agree = 0;  // ports whose neighbour agrees (this iteration's test)
    RegionRace race;
    bool operator==(const State&) const = default;
  };

  static bool finished(const State& s) { return s.done; }

  static void step(State& s, LocalView& view) {
    constexpr int kGlobal = 0, kRegion = RegionRace::kRegion;
    const auto physical = [&](int pin) { return s.flipped ? 1 - pin : pin; };
    switch (s.slot) {
      case 0:  // a tails region told of a border reverses; then the chirality test
        if (s.started && s.race.outcome == RegionRace::kTails && view.heard(kRegion)) {
          s.flipped = !s.flipped;
          s.race.candidate = false;
        }
        s.started = true;
        view.separate_all();
        for (int p = 0; p < LocalView::kPorts; ++p)
          if (view.occupied(p)) view.beep(p * 2 + physical(0));
        break;
      case 1: {  // the test's answer; those with a disagreeing neighbour beep globally
        s.agree = 0;
        bool border = false;
        for (int p = 0; p < LocalView::kPorts; ++p) {
          if (!view.occupied(p)) continue;
          if (view.heard(p * 2 + physical(1)))
            s.agree |= static_cast<std::uint8_t>(1u << p);
          else
            border = true;
        }
        view.connect_all(kGlobal);
        if (border) view.beep(kGlobal);
        break;
      }
      case 2:  // silence: one region. Else the regions' coins
        if (!view.heard(kGlobal)) {
          s.done = true;
          return;
        }
        s.race.toss(s.agree, view);
        break;
      case 3:
        s.race.tails(view);
        break;
      case 4:
        s.race.decide(s.agree, view);
        break;
      default: {  // a tails amoebot that heard across its border tells its region
        bool told = false;
        for (int p = 0; p < LocalView::kPorts; ++p)
          told = told || (RegionRace::border(s.agree, p, view) && view.heard(p + 1));
        if (s.race.outcome == RegionRace::kTails && told) view.beep(kRegion);
        break;
      }
    }
    s.slot = static_cast<std::uint8_t>((s.slot + 1) % 6);
  }
};

}  // namespace tessera::amoebot
