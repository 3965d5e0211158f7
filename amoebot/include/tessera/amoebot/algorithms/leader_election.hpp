// Leader election on a global circuit in Θ(log n) rounds w.h.p. (Feldmann et al., SSS'21, §2.2;
// the two phases as AmoebotSim 2.0 implements them). Phase 1, two rounds an iteration: candidates
// toss coins, heads beep, then tails beep; when both were heard the tails withdraw, when only one
// was, phase 1 ends. Phase 2, four rounds an iteration: the same main tournament (a one-sided
// iteration changes nothing), then an auxiliary tournament of all amoebots, whose tails drop out
// when both sides were heard; a one-sided auxiliary iteration ends a repetition, and after κ
// repetitions (which stand in for knowing n) the candidates left are the leaders.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/amoebot/local_view.hpp"
#include "tessera/core/error.hpp"

namespace tessera::amoebot {

struct LeaderElection {
  static constexpr int kPinsPerEdge = 1;
  enum Phase : std::uint8_t { kFirst, kSecond, kDone };

  struct State {
    std::uint8_t kappa = 3;        // repetitions of the auxiliary tournament (the input)
    std::uint8_t repetitions = 0;  // auxiliary repetitions finished
    Phase phase = kFirst;
    std::uint8_t slot = 0;     // round within the iteration
    bool started = false;      // the global circuit is set
    bool fresh = true;         // no iteration of this phase's tournament to evaluate yet
    bool candidate = true;     // still in the main tournament
    bool participant = true;   // still in this repetition of the auxiliary tournament
    bool heads = false;        // this iteration's main coin
    bool aux_heads = false;    // and auxiliary coin
    bool heard_heads = false;  // heads were heard in this iteration's main tournament
    bool heard_aux_heads = false;
    bool operator==(const State&) const = default;
  };

  /// The start state of every amoebot, with κ repetitions (tessera::Error naming "kappa" unless
  /// 1 <= κ <= 255).
  static State initial(int kappa) {
    if (kappa < 1 || kappa > 255) throw Error("kappa", std::to_string(kappa) + ": from 1 to 255");
    State s;
    s.kappa = static_cast<std::uint8_t>(kappa);
    return s;
  }
  static bool finished(const State& s) { return s.phase == kDone; }
  static bool leader(const State& s) { return s.phase == kDone && s.candidate; }

  static void step(State& s, LocalView& view) {
    if (!s.started) {
      view.connect_all(0);
      s.started = true;
    }
    const bool heard = view.heard(0);
    if (s.phase == kFirst) {
      if (s.slot == 1) {  // heads were beeped last round; now the tails
        s.heard_heads = heard;
        if (s.candidate && !s.heads) view.beep(0);
        s.slot = 0;
        return;
      }
      if (!s.fresh) {  // `heard`: the tails of the last iteration
        if (s.heard_heads && heard) {
          s.candidate = s.candidate && s.heads;
        } else {  // one outcome only: phase 2 starts in this round
          s.phase = kSecond;
          s.fresh = true;
          second_phase(s, view, heard);
          return;
        }
      }
      s.fresh = false;
      toss_main(s, view);
      s.slot = 1;
      return;
    }
    second_phase(s, view, heard);
  }

 private:
  static void toss_main(State& s, LocalView& view) {
    if (!s.candidate) return;
    s.heads = view.coin();
    if (s.heads) view.beep(0);
  }

  static void second_phase(State& s, LocalView& view, bool heard) {
    switch (s.slot) {
      case 0:  // `heard`: the auxiliary tails of the last iteration
        if (!s.fresh) {
          if (s.heard_aux_heads && heard) {
            s.participant = s.participant && s.aux_heads;
          } else if (++s.repetitions == s.kappa) {
            s.phase = kDone;
            return;
          } else {
            s.participant = true;  // the next repetition: every amoebot again
          }
        }
        s.fresh = false;
        toss_main(s, view);
        break;
      case 1:  // main heads were beeped last round; now the tails
        s.heard_heads = heard;
        if (s.candidate && !s.heads) view.beep(0);
        break;
      case 2:  // `heard`: the main tails; then the auxiliary heads
        if (s.heard_heads && heard) s.candidate = s.candidate && s.heads;
        if (s.participant) {
          s.aux_heads = view.coin();
          if (s.aux_heads) view.beep(0);
        }
        break;
      default:  // auxiliary heads were beeped last round; now the tails
        s.heard_aux_heads = heard;
        if (s.participant && !s.aux_heads) view.beep(0);
        break;
    }
    s.slot = static_cast<std::uint8_t>((s.slot + 1) % 4);
  }
};

}  // namespace tessera::amoebot
