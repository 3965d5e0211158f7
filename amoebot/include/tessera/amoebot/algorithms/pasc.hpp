// The primary-and-secondary circuit (PASC) on a chain p0 ... pm (Feldmann et al., SSS'21; the
// iteration as AmoebotSim 2.0's SubPASC runs it): two pins an edge form two rails along the
// chain; passive amoebots pass the rails straight through, active ones cross them. Each iteration
// p0 beeps on the primary rail, so pi hears on the secondary rail iff an odd number of p1 ... pi
// are active; that is bit j of i in iteration j, and the active amoebots that heard a 1 turn
// passive. Rails follow the geometry (pin i of the entry edge joins pin 1 - i of the exit edge:
// the same side of the chain), whatever the frames; one calibration round, in which every amoebot
// passes the rails straight and p0 beeps, tells each amoebot which of its pins is primary.
#pragma once

#include <cstdint>

#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

/// One amoebot's place on a PASC chain (two pins an edge): its port toward p0 (`pred`) and away
/// from it (`succ`), -1 for none; p0 has no pred. Its rails are the partition sets of its home
/// port (pred, or succ on p0): home · 2 + r for rail r. The caller gives every other pin a set of
/// its own (LocalView::separate_all) before rails().
struct PascLink {
  std::int8_t pred = -1, succ = -1;
  std::uint8_t primary = 0;  // the pred pin on the primary rail, from the calibration
  bool active = true;
  bool turned = false;  // turned passive in the last iteration
  bool operator==(const PascLink&) const = default;

  bool start() const { return pred < 0; }
  int home() const { return start() ? succ : pred; }

  /// Rail 0 is the primary one, rail 1 the secondary one (after the calibration): the pin of
  /// each rail on the pred and on the succ port, and the set that holds the rail when straight.
  int pred_pin(int rail) const { return rail == 0 ? primary : 1 - primary; }
  int succ_pin(int rail) const { return start() ? rail : 1 - pred_pin(rail); }
  int rail_set(int rail) const { return home() * 2 + (start() ? rail : pred_pin(rail)); }

  /// The chain's pins into its rails: straight (rail r leaves on succ pin 1 - r) or crossed.
  void rails(LocalView& view, bool straight) const {
    for (int r = 0; r < 2; ++r) {
      if (pred >= 0) view.connect(pred, r, home() * 2 + r);
      if (succ >= 0) view.connect(succ, start() || !straight ? r : 1 - r, home() * 2 + r);
    }
  }
  /// The calibration round: straight rails; p0 beeps on its succ pin 0, the primary rail.
  void calibrate(LocalView& view) const {
    rails(view, true);
    if (start() && succ >= 0) view.beep(succ * 2);
  }
  /// The round after: which pred pin heard the calibration.
  void learn(const LocalView& view) {
    if (!start()) primary = view.heard(pred * 2 + 1) ? 1 : 0;
  }
  /// An iteration's first round: passive amoebots straight, active ones crossed; p0 beeps.
  void send(LocalView& view) {
    turned = false;
    rails(view, start() || !active);
    if (start() && succ >= 0) view.beep(succ * 2);
  }
  /// Its second round: this iteration's bit of the distance to p0 (0 on p0), which is whether
  /// the beep leaves the amoebot on the secondary rail: it came in on the secondary rail, or on
  /// the primary one and the amoebot crosses them. An active amoebot that reads 1 turns passive.
  bool receive(const LocalView& view) {
    if (start()) return false;
    const bool bit = view.heard(pred * 2 + primary) == active;
    if (active && bit) active = false, turned = true;
    return bit;
  }
};

/// Every amoebot of a chain learns its distance to p0, least significant bit first, in
/// 2 · (floor(log2 m) + 3) rounds on a chain of m + 1 amoebots (4 when m = 0). An iteration: send,
/// then receive while the amoebots that turned passive beep on a global circuit; silence after an
/// iteration means no distance has more bits. Amoebots off the chain (`on_chain` false) only
/// carry the global circuit. `distance` is the output, written bit by bit for the observer; an
/// algorithm built on PASC consumes the bits as they arrive instead.
struct ChainDistance {
  static constexpr int kPinsPerEdge = 2;

  struct State {
    PascLink link;
    bool on_chain = true;
    bool done = false;
    std::uint8_t slot = 0;
    std::uint8_t iteration = 0;
    std::uint32_t distance = 0;
    bool operator==(const State&) const = default;
  };

  /// An amoebot of the chain: its ports toward p0 and away from it (-1 for none).
  static State on(int pred, int succ) {
    State s;
    s.link.pred = static_cast<std::int8_t>(pred);
    s.link.succ = static_cast<std::int8_t>(succ);
    return s;
  }
  static bool finished(const State& s) { return s.done; }

  static void step(State& s, LocalView& view) {
    constexpr int kGlobal = 0;
    switch (s.slot) {
      case 0:  // calibration
        view.separate_all();
        if (s.on_chain) s.link.calibrate(view);
        s.slot = 1;
        return;
      case 1:  // the calibration's answer, and the first iteration
        if (s.on_chain) s.link.learn(view);
        break;
      case 2:  // the bits; amoebots that turned passive beep globally
        if (s.on_chain && s.link.receive(view)) s.distance |= std::uint32_t{1} << s.iteration;
        view.connect_all(kGlobal);
        if (s.link.turned) view.beep(kGlobal);
        s.slot = 3;
        return;
      default:  // silence: no longer distance; else the next iteration
        if (!view.heard(kGlobal)) {
          s.done = true;
          return;
        }
        ++s.iteration;
        break;
    }
    view.separate_all();
    if (s.on_chain) s.link.send(view);
    s.slot = 2;
  }
};

}  // namespace tessera::amoebot
