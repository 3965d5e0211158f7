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

#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

struct ChiralityAgreement {
  static constexpr int kPinsPerEdge = 2;
  enum Outcome : std::uint8_t { kNone, kHeads, kTails, kFailed };

  struct State {
    bool flipped = false;   // the logical flag: pin numbering reversed
    bool candidate = true;  // in its region's coin tosses
    bool heads = false;     // this iteration's coin
    bool heard_heads = false;
    bool done = false;
    bool started = false;
    std::uint8_t slot = 0;    // round within the iteration
    std::uint8_t agree = 0;   // ports whose neighbour agrees (this iteration's test)
    Outcome outcome = kNone;  // the region's coin this iteration
    bool operator==(const State&) const = default;
  };

  static bool finished(const State& s) { return s.done; }

  static void step(State& s, LocalView& view) {
    constexpr int kGlobal = 0, kRegion = 0;
    const auto physical = [&](int pin) { return s.flipped ? 1 - pin : pin; };
    switch (s.slot) {
      case 0:  // a tails region told of a border reverses; then the chirality test
        if (s.started && s.outcome == kTails && view.heard(kRegion)) {
          s.flipped = !s.flipped;
          s.candidate = false;
        }
        s.started = true;
        view.separate_all();
        for (int p = 0; p < LocalView::kPorts; ++p)
          if (view.occupied(p)) view.beep(p * 2 + physical(0));
        break;
      case 1:  // the test's answer; those with a disagreeing neighbour beep globally
        s.agree = 0;
        for (int p = 0; p < LocalView::kPorts; ++p)
          if (view.occupied(p) && view.heard(p * 2 + physical(1)))
            s.agree |= static_cast<std::uint8_t>(1u << p);
        view.connect_all(kGlobal);
        if (border(s, view)) view.beep(kGlobal);
        break;
      case 2:  // silence: one region. Else the regions' circuits, and the heads beep
        if (!view.heard(kGlobal)) {
          s.done = true;
          return;
        }
        for (int p = 0; p < LocalView::kPorts; ++p) {
          const int set = (s.agree >> p & 1u) != 0 ? kRegion : p + 1;  // across a border: apart
          view.connect(p, 0, set);
          view.connect(p, 1, set);
        }
        if (s.candidate) {
          s.heads = view.coin();
          if (s.heads) view.beep(kRegion);
        }
        break;
      case 3:
        s.heard_heads = view.heard(kRegion);
        if (s.candidate && !s.heads) view.beep(kRegion);
        break;
      case 4: {  // the region's outcome; regions not tails beep across their borders
        const bool tails = view.heard(kRegion);
        s.outcome = s.heard_heads ? (tails ? kFailed : kHeads) : (tails ? kTails : kNone);
        if (s.outcome == kFailed && !s.heads) s.candidate = false;
        if (s.outcome != kTails)
          for (int p = 0; p < LocalView::kPorts; ++p)
            if (view.occupied(p) && (s.agree >> p & 1u) == 0) view.beep(p + 1);
        break;
      }
      default: {  // a tails amoebot that heard across its border tells its region
        bool told = false;
        for (int p = 0; p < LocalView::kPorts; ++p)
          told = told || (view.occupied(p) && (s.agree >> p & 1u) == 0 && view.heard(p + 1));
        if (s.outcome == kTails && told) view.beep(kRegion);
        break;
      }
    }
    s.slot = static_cast<std::uint8_t>((s.slot + 1) % 6);
  }

 private:
  // Whether a neighbour disagrees.
  static bool border(const State& s, const LocalView& view) {
    for (int p = 0; p < LocalView::kPorts; ++p)
      if (view.occupied(p) && (s.agree >> p & 1u) == 0) return true;
    return false;
  }
};

}  // namespace tessera::amoebot
