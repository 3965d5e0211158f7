// Numbers stored a bit an amoebot along a PASC chain (algorithms/pasc.hpp), and their product
// by a serial-parallel multiplier (the chain arithmetic AmoebotSim 2.0 builds on PASC; this
// design is ours). Cell i of the chain (i hops from p0) holds bit i of two stored numbers, of the
// multiplicand P and of the product Q, and a carry-save accumulator (s, c). A token walks one
// cell a cycle. A cycle, 4 rounds:
//   A  (rails straight) the token's cell beeps bit t of the multiplier X on rail 0 and bit t of
//      a number to compare with on rail 1;
//   B  (pins apart) every cell adds P_i · x_t to its accumulator (s + P_i·x + c: the sum bit
//      moves one cell toward p0, the carry stays); p0's sum bit is product bit t; the token
//      moves on;
//   C  (rails straight) the sums arrive; p0 beeps product bit t on rail 0;
//   D  (global circuit) the cell the token left stores it; cells with work left beep.
// Silence after D ends the multiplication: Q = P · X, and p0 has compared it with the other
// number, least significant bit first. Bits that would fall past the chain's end are lost, which
// only happens to products above 2^(cells), larger than any number the chain holds.
#pragma once

#include <cstdint>

#include "tessera/amoebot/algorithms/pasc.hpp"
#include "tessera/amoebot/local_view.hpp"

namespace tessera::amoebot {

struct ChainCell {
  enum Order : std::uint8_t { kEqual, kLess, kGreater };

  bool x_stored = false, y_stored = false;  // bit i of the two stored numbers
  bool p = false, q = false;                // bit i of the multiplicand and of the product
  bool s = false, c = false;                // the accumulator
  bool token = false, left = false, visited = false;
  bool out = false, y_now = false;  // p0: this cycle's product bit, and y's bit
  Order order = kEqual;             // p0: the product against y so far
  bool operator==(const ChainCell&) const = default;

  /// Storing bits one cell a round trip: the cell with the token takes the bits p0 beeps on the
  /// straight rails (rail 0: x, rail 1: y) in the round before, and passes the token on.
  static void offer(const PascLink& link, LocalView& view, bool x, bool y) {
    link.rails(view, true);
    if (x) view.beep(link.rail_set(0));
    if (y) view.beep(link.rail_set(1));
  }
  void take(const PascLink& link, LocalView& view) {  // pins apart
    if (!token) return;
    x_stored = view.heard(link.rail_set(0));
    y_stored = view.heard(link.rail_set(1));
    pass_token(link, view);
  }
  /// The round after a token was passed: whether it arrived here.
  void catch_token(const PascLink& link, const LocalView& view) {
    if (!link.start()) token = token || view.heard(link.pred * 2 + link.pred_pin(0));
  }

  /// A multiplication P · X (X is x_stored when `x_is_x`, else y_stored) compared with the other
  /// stored number, from p0's token; P is the bits already in p.
  void begin(const PascLink& link) {
    s = c = q = left = visited = false;
    token = link.start();
    order = kEqual;
  }
  void cycle_a(const PascLink& link, LocalView& view, bool x_is_x) {
    link.rails(view, true);
    if (!token) return;
    visited = true;
    if (x_is_x ? x_stored : y_stored) view.beep(link.rail_set(0));
    if (x_is_x ? y_stored : x_stored) view.beep(link.rail_set(1));
  }
  void cycle_b(const PascLink& link, LocalView& view) {  // pins apart
    const bool x = view.heard(link.rail_set(0));
    y_now = view.heard(link.rail_set(1));
    const int t = (s ? 1 : 0) + (p && x ? 1 : 0) + (c ? 1 : 0);
    c = t >= 2;
    const bool sum = (t & 1) != 0;
    if (link.start())
      out = sum;
    else if (sum)
      view.beep(link.pred * 2 + link.pred_pin(1));
    if (token) left = true, pass_token(link, view);
  }
  void cycle_c(const PascLink& link, LocalView& view) {
    s = link.succ >= 0 && view.heard(link.succ * 2 + link.succ_pin(1));
    catch_token(link, view);
    link.rails(view, true);
    if (!link.start()) return;
    if (out) view.beep(link.rail_set(0));
    if (out != y_now) order = out ? kGreater : kLess;
  }
  /// Round D's reading (on the rails of C); whether this cell still has work (beep if so).
  bool cycle_d(const PascLink& link, const LocalView& view) {
    if (left) q = view.heard(link.rail_set(0)), left = false;
    return s || c || (!visited && (x_stored || y_stored));
  }
  /// After the multiplication: the product becomes the multiplicand.
  void end() { p = q; }

 private:
  void pass_token(const PascLink& link, LocalView& view) {
    if (link.succ >= 0) view.beep(link.succ * 2 + link.succ_pin(0));
    token = false;
  }
};

}  // namespace tessera::amoebot
