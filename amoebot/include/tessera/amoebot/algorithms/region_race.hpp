// The regions' coin race that chirality agreement and compass alignment share (Feldmann et al.,
// SSS'21, §2.4-2.5): agreeing neighbours form a region joined by one partition set; its candidates
// toss coins, heads beep then tails beep, and the region's outcome is heads, tails, or failed when
// both were heard (its tails candidates then withdraw); regions not tails then beep across their
// borders, where the pins of each border edge form a set of their own.
#pragma once

#include <cstdint>

#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

struct RegionRace {
  enum Outcome : std::uint8_t { kNone, kHeads, kTails, kFailed };
  /// The region's partition set; a border port p's pins are in set p + 1.
  static constexpr int kRegion = 0;

  bool candidate = true;  // in the region's coin tosses
  bool heads = false;     // this iteration's coin
  bool heard_heads = false;
  Outcome outcome = kNone;
  bool operator==(const RegionRace&) const = default;

  /// Round 1: the regions' circuits over the ports whose neighbours agree (`agree`, a mask of
  /// ports), and the heads beep.
  void toss(std::uint8_t agree, LocalView& view) {
    for (int p = 0; p < LocalView::kPorts; ++p) {
      const int set = (agree >> p & 1u) != 0 ? kRegion : p + 1;
      view.connect(p, 0, set);
      view.connect(p, 1, set);
    }
    if (candidate) {
      heads = view.coin();
      if (heads) view.beep(kRegion);
    }
  }
  /// Round 2: the heads heard, and the tails beep.
  void tails(LocalView& view) {
    heard_heads = view.heard(kRegion);
    if (candidate && !heads) view.beep(kRegion);
  }
  /// Round 3: the outcome; regions not tails beep across their borders.
  void decide(std::uint8_t agree, LocalView& view) {
    const bool heard_tails = view.heard(kRegion);
    outcome = heard_heads ? (heard_tails ? kFailed : kHeads) : (heard_tails ? kTails : kNone);
    if (outcome == kFailed && !heads) candidate = false;
    if (outcome != kTails)
      for (int p = 0; p < LocalView::kPorts; ++p)
        if (border(agree, p, view)) view.beep(p + 1);
  }
  /// Whether port p leads to a neighbour of another region.
  static bool border(std::uint8_t agree, int p, const LocalView& view) {
    return view.occupied(p) && (agree >> p & 1u) == 0;
  }
};

}  // namespace tessera::amoebot
