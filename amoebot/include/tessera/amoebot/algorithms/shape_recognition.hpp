// Shape recognition (Feldmann et al., SSS'21: shapes composed of triangles in O(1) rounds,
// parallelograms with a linear or polynomial side ratio in Θ(log n) w.h.p.). The paper's procedure
// was not available: this is the reconstruction of the reference notes (§2.6, marked [R] there),
// checked against an observer that knows the coordinates (shape_truth.hpp).
//
// Local classifier: an amoebot whose occupied neighbours form one contiguous run of s ports is
// interior (s = 6), on a side (s = 4), an acute corner (s = 2, 60 degrees) or an obtuse one
// (s = 3, 120 degrees); anything else (s = 5, several runs, s <= 1) is "other". Walking a boundary
// turns by (4 - s) · 60 degrees at each amoebot: +360 around the outer boundary, -360 around a
// hole. Without "other" amoebots no turn is negative, so there is no hole and the structure is
// one convex polygon with sides along the grid's axes.
// - Triangle (2 rounds): every corner acute, so three of them (3 · 120 = 360): an equilateral
//   triangle. Obtuse or other amoebots beep on a global circuit; silence accepts.
// - Parallelogram (5 rounds): corners acute or obtuse (120·A + 60·B = 360), and each side runs
//   from an acute corner to an obtuse one. Side amoebots join their two along-side ports into one
//   circuit, corners keep one circuit a side; acute corners beep and obtuse corners count the
//   sides they heard on, then the reverse; a count that is not the shape's is beeped globally.
// - Shapes of equilateral triangles, O(1): the corner counts of their polygon (a trapezoid has its
//   two acute corners side by side, a hexagon none), then beams: every amoebot joins its opposite
//   ports into three axis lines, and each obtuse corner beeps along its bisector (its middle
//   port). A rhombus (2 triangles, 7 rounds): each beam ends at the other obtuse corner. A regular
//   hexagon (6 triangles, 8 rounds): each beam ends at the opposite corner and one amoebot hears
//   all three axes (the diagonals meet; every 120-degree hexagon with sides up to 5 is checked in
//   the tests). A trapezoid of sides l, l, l, 2l (3 triangles, 8 rounds): both beams end at one
//   amoebot of the long side, its middle.
// - Linear side ratio k (b = k·a or a = k·b; k = 1 is a rhombus): chirality agreement first, so
//   that every boundary amoebot knows which way is counter-clockwise (its forward port is the
//   first occupied one after its empty ports). Then PASC on every side from its first corner:
//   in iteration j the last corner of a side hears bit j of its length and sends it back along the
//   side, so every corner holds bit j of both lengths a (sides leaving an acute corner) and b. It
//   multiplies by k with a carry below k, bit-serially, compares, and needs a zero carry at the
//   end; a corner that saw a mismatch either way beeps globally. 3 rounds a PASC iteration.
// - Polynomial side ratio k (b = a^k or a = b^k): as the linear one, but each PASC iteration
//   also lays bit j of a and of b in cell j of every side (2 more rounds: the corner beeps them
//   on the side's straight rails, a token walks one cell on); then k - 1 multiplications
//   P <- P · shorter on the cells (chain_multiplier.hpp, 4 rounds a cycle, a cycle a product
//   bit), each product compared with the longer length at the side's first corner. O(k·log n).
#pragma once

#include <bit>
#include <cstdint>
#include <string>

#include "tessera/amoebot/algorithms/chain_multiplier.hpp"
#include "tessera/amoebot/algorithms/chirality.hpp"
#include "tessera/amoebot/algorithms/pasc.hpp"
#include "tessera/amoebot/local_view.hpp"
#include "tessera/core/error.hpp"

namespace tessera::amoebot {

/// An amoebot's place on the boundary, from its occupancy alone (no frame needed).
struct BoundaryPlace {
  enum Kind : std::uint8_t { kInterior, kSide, kAcute, kObtuse, kOther };
  Kind kind = kOther;
  std::int8_t first = -1;  // the occupied run's first port after the empty ones (own order)
  std::int8_t last = -1;   // and its last one
  bool operator==(const BoundaryPlace&) const = default;

  static BoundaryPlace of(const LocalView& view) {
    unsigned mask = 0;
    for (int p = 0; p < LocalView::kPorts; ++p) mask |= view.occupied(p) ? 1u << p : 0u;
    BoundaryPlace place;
    if (mask == 0x3f) return {kInterior, -1, -1};
    int runs = 0;
    for (int p = 0; p < LocalView::kPorts; ++p) {
      const bool here = (mask >> p & 1u) != 0, before = (mask >> ((p + 5) % 6) & 1u) != 0;
      const bool after = (mask >> ((p + 1) % 6) & 1u) != 0;
      if (here && !before) place.first = static_cast<std::int8_t>(p), ++runs;
      if (here && !after) place.last = static_cast<std::int8_t>(p);
    }
    const int s = std::popcount(mask);
    if (runs == 1 && s >= 2 && s <= 4) place.kind = s == 2 ? kAcute : s == 3 ? kObtuse : kSide;
    return place;
  }
};

struct ShapeRecognition {
  static constexpr int kPinsPerEdge = 2;
  enum Target : std::uint8_t {
    kTriangle,
    kParallelogram,
    kLinearRatio,
    kPolynomialRatio,
    kRhombus,    // 2 triangles
    kTrapezoid,  // 3 triangles: sides l, l, l, 2l
    kHexagon,    // 6 triangles: regular
  };
  enum Phase : std::uint8_t { kCorners, kChirality, kLengths, kPowers, kVerdict, kDone };

  struct State {
    Target target = kTriangle;
    std::uint8_t ratio = 1;  // k of kLinearRatio (b = k·a) or kPolynomialRatio (b = a^k)
    Phase phase = kCorners;
    std::uint8_t slot = 0;
    BoundaryPlace place;
    bool fine = true;      // no violation seen here
    bool meeting = false;  // beams of the obtuse corners cross here
    ChiralityAgreement::State chirality;
    PascLink through;  // a side amoebot's link; a corner's link as the last amoebot of a side
    PascLink leave;    // a corner's link as the first amoebot of the next side
    bool bit = false;  // a last corner's bit of this iteration
    bool a = false, b = false;       // a corner's bits of both lengths in this iteration
    std::uint8_t carry[2] = {0, 0};  // linear: k·a against b, and k·b against a
    bool mismatch[2] = {false, false};
    ChainCell::Order a_against_b = ChainCell::kEqual;  // polynomial: a corner's comparison
    bool shorter_is_a = false;
    std::uint8_t products = 0;  // multiplications done
    ChainCell cell;
    bool accepted = false;
    bool operator==(const State&) const = default;
  };

  /// The start state for `target`; `ratio` is k of kLinearRatio (tessera::Error naming "ratio"
  /// unless 1 <= k <= 100) or of kPolynomialRatio (tessera::Error naming "power" unless
  /// 2 <= k <= 16).
  static State initial(Target target, int ratio = 1) {
    if (target == kPolynomialRatio && (ratio < 2 || ratio > 16))
      throw Error("power", std::to_string(ratio) + ": from 2 to 16");
    if (ratio < 1 || ratio > 100) throw Error("ratio", std::to_string(ratio) + ": from 1 to 100");
    State s;
    s.target = target;
    s.ratio = static_cast<std::uint8_t>(ratio);
    return s;
  }
  static bool finished(const State& s) { return s.phase == kDone; }

  static void step(State& s, LocalView& view) {
    switch (s.phase) {
      case kCorners:
        corners(s, view);
        return;
      case kChirality:
        ChiralityAgreement::step(s.chirality, view);
        if (ChiralityAgreement::finished(s.chirality)) start_lengths(s, view);
        return;
      case kLengths:
        lengths(s, view);
        return;
      case kPowers:
        powers(s, view);
        return;
      case kVerdict:
        s.accepted = !view.heard(kGlobal);
        s.phase = kDone;
        return;
      case kDone:
        return;
    }
  }

 private:
  static constexpr int kGlobal = 0;

  static bool side(const State& s) { return s.place.kind == BoundaryPlace::kSide; }
  static bool corner(const State& s) {
    return s.place.kind == BoundaryPlace::kAcute || s.place.kind == BoundaryPlace::kObtuse;
  }
  static bool acute(const State& s) { return s.place.kind == BoundaryPlace::kAcute; }

  // Every pin its own set, but side amoebots join their along-side ports into one circuit and
  // corners join each of their two along-side ports' pins (sets first · 2 and last · 2).
  static void side_circuits(const State& s, LocalView& view) {
    view.separate_all();
    if (!side(s) && !corner(s)) return;
    for (int pin = 0; pin < 2; ++pin) {
      view.connect(s.place.first, pin, s.place.first * 2);
      view.connect(s.place.last, pin, side(s) ? s.place.first * 2 : s.place.last * 2);
    }
  }
  static bool heard_both_sides(const State& s, const LocalView& view) {
    return view.heard(s.place.first * 2) && view.heard(s.place.last * 2);
  }
  static void beep_both_sides(const State& s, LocalView& view) {
    view.beep(s.place.first * 2);
    view.beep(s.place.last * 2);
  }
  // Ends the run: violators beep on the global circuit, and silence accepts next round.
  static void verdict(State& s, LocalView& view) {
    view.connect_all(kGlobal);
    if (!s.fine) view.beep(kGlobal);
    s.phase = kVerdict;
  }

  static bool parallelogram(Target t) {
    return t == kParallelogram || t == kRhombus || t == kLinearRatio || t == kPolynomialRatio;
  }
  static int count_sides_heard(const State& s, const LocalView& view) {
    return (view.heard(s.place.first * 2) ? 1 : 0) + (view.heard(s.place.last * 2) ? 1 : 0);
  }
  // How many of a corner's two neighbouring corners must be acute: parallelograms alternate
  // acute and obtuse corners, a trapezoid has its two acute corners side by side.
  static int acute_neighbours_wanted(const State& s) {
    if (s.target == kTrapezoid) return 1;
    return acute(s) || s.target == kHexagon ? 0 : 2;
  }

  static void corners(State& s, LocalView& view) {
    switch (s.slot++) {
      case 0: {
        s.place = BoundaryPlace::of(view);
        const bool acute_fine = s.target != kHexagon, obtuse_fine = s.target != kTriangle;
        s.fine = s.place.kind == BoundaryPlace::kInterior || side(s) || (acute(s) && acute_fine) ||
                 (s.place.kind == BoundaryPlace::kObtuse && obtuse_fine);
        if (s.target == kTriangle) return verdict(s, view);
        view.connect_all(kGlobal);
        if (!s.fine) view.beep(kGlobal);
        return;
      }
      case 1:  // a convex polygon; acute corners beep along both their sides
        if (view.heard(kGlobal)) {
          s.phase = kDone;  // accepted stays false
          return;
        }
        side_circuits(s, view);
        if (acute(s)) beep_both_sides(s, view);
        return;
      case 2:  // obtuse corners count acute neighbours; they beep in turn
        if (s.place.kind == BoundaryPlace::kObtuse) {
          s.fine = count_sides_heard(s, view) == acute_neighbours_wanted(s);
          beep_both_sides(s, view);
        }
        side_circuits(s, view);
        return;
      case 3:  // acute corners count obtuse neighbours
        if (acute(s)) s.fine = 2 - count_sides_heard(s, view) == acute_neighbours_wanted(s);
        if (s.target == kParallelogram) return verdict(s, view);
        view.connect_all(kGlobal);
        if (!s.fine) view.beep(kGlobal);
        return;
      case 4:
        if (view.heard(kGlobal)) {
          s.phase = kDone;
          return;
        }
        if (parallelogram(s.target) && s.target != kRhombus) {  // a side ratio: orient the sides
          s.phase = kChirality;
          ChiralityAgreement::step(s.chirality, view);
          return;
        }
        axis_lines(view);  // beams: obtuse corners beep along their bisectors
        if (s.place.kind == BoundaryPlace::kObtuse) view.beep(bisector(s) % 3 * 2);
        return;
      case 5: {  // where the beams end, and where they cross
        int axes = 0, ends = 0;
        for (int k = 0; k < 3; ++k) {
          if (!view.heard(k * 2)) continue;
          ++axes;
          if (view.occupied(k) && view.occupied(k + 3)) continue;  // not an end of this line
          ++ends;
          const bool own = s.place.kind == BoundaryPlace::kObtuse && bisector(s) % 3 == k;
          if (!own && !(s.target == kTrapezoid && side(s))) s.fine = false;
        }
        // A hexagon's three beams cross at its centre; a trapezoid's two end at one amoebot.
        s.meeting = s.target == kHexagon ? axes == 3 : ends == 2;
        view.connect_all(kGlobal);
        if (!s.fine) view.beep(kGlobal);
        return;
      }
      case 6:  // no beam ended astray: a rhombus; a hexagon or a trapezoid needs the beams to meet
        if (view.heard(kGlobal) || s.target == kRhombus) {
          s.accepted = !view.heard(kGlobal);
          s.phase = kDone;
          return;
        }
        view.connect_all(kGlobal);
        if (s.meeting) view.beep(kGlobal);
        return;
      default:
        s.accepted = view.heard(kGlobal);
        s.phase = kDone;
        return;
    }
  }

  // Lines along the three axes through every amoebot: ports k and k + 3 in set 2k.
  static void axis_lines(LocalView& view) {
    for (int port = 0; port < LocalView::kPorts; ++port)
      for (int pin = 0; pin < 2; ++pin) view.connect(port, pin, port % 3 * 2);
  }
  // An obtuse corner's port into the interior, halfway between its sides.
  static int bisector(const State& s) { return (s.place.first + 1) % LocalView::kPorts; }

  // After chirality agreement, in the round it ended: PASC's links along the sides, each side
  // from its first corner counter-clockwise (in the agreed sense: an amoebot's forward port is the
  // first occupied one after its empty ports), and the calibration round.
  static void start_lengths(State& s, LocalView& view) {
    const bool flipped = s.chirality.flipped;
    const std::int8_t forward = flipped ? s.place.last : s.place.first;
    const std::int8_t backward = flipped ? s.place.first : s.place.last;
    if (side(s) || corner(s))
      s.through = {.pred = backward, .succ = side(s) ? forward : std::int8_t{-1}};
    if (corner(s)) s.leave = {.pred = -1, .succ = forward};
    s.cell.token = corner(s);
    view.separate_all();
    if (side(s) || corner(s)) s.through.calibrate(view);
    if (corner(s)) s.leave.calibrate(view);
    s.phase = kLengths;
    s.slot = 1;
  }

  // The side an amoebot holds cells of: a side amoebot its own, a corner the side it starts.
  static const PascLink* chain(const State& s) {
    return corner(s) ? &s.leave : side(s) ? &s.through : nullptr;
  }

  static void send(State& s, LocalView& view) {
    view.separate_all();
    if (side(s) || corner(s)) s.through.send(view);
    if (corner(s)) s.leave.send(view);
  }

  // Bit j of both lengths at a corner: `own` of the side it ends, `next` of the side it starts.
  static void compare(State& s, bool own, bool next) {
    const bool obtuse = s.place.kind == BoundaryPlace::kObtuse;
    s.a = obtuse ? own : next, s.b = obtuse ? next : own;  // a: sides leaving acute corners
    if (s.a != s.b) s.a_against_b = s.a ? ChainCell::kGreater : ChainCell::kLess;
    const bool x[2] = {s.a, s.b}, y[2] = {s.b, s.a};
    for (int i = 0; i < 2; ++i) {
      const int t = s.ratio * (x[i] ? 1 : 0) + s.carry[i];
      s.mismatch[i] = s.mismatch[i] || ((t & 1) != 0) != y[i];
      s.carry[i] = static_cast<std::uint8_t>(t >> 1);
    }
  }

  static void lengths(State& s, LocalView& view) {
    const bool power = s.target == kPolynomialRatio;
    switch (s.slot) {
      case 1:  // the calibration's answer; the first iteration
        if (side(s) || corner(s)) s.through.learn(view);
        send(s, view);
        s.slot = 2;
        return;
      case 2:  // the bits; the last corner of each side sends its bit back along it
        if (side(s)) s.through.receive(view);
        if (corner(s)) s.bit = s.through.receive(view);
        side_circuits(s, view);
        if (corner(s) && s.bit) view.beep(s.through.pred * 2);
        s.slot = 3;
        return;
      case 3:  // corners compare; amoebots that turned passive beep globally
        if (corner(s)) compare(s, s.bit, view.heard(s.leave.succ * 2));
        view.connect_all(kGlobal);
        if (s.through.turned) view.beep(kGlobal);
        s.slot = 4;
        return;
      case 4:  // silence: the lengths have no more bits; else the next iteration
        if (!view.heard(kGlobal)) {
          if (power) return start_powers(s, view);
          if (corner(s))
            s.fine = (!s.mismatch[0] && s.carry[0] == 0) || (!s.mismatch[1] && s.carry[1] == 0);
          return verdict(s, view);
        }
        if (!power) break;
        view.separate_all();  // a power: every corner lays bit j of a and b in cell j of its side
        if (const PascLink* link = chain(s))
          ChainCell::offer(*link, view, s.a && corner(s), s.b && corner(s));
        s.slot = 5;
        return;
      case 5:
        view.separate_all();
        if (const PascLink* link = chain(s)) s.cell.take(*link, view);
        s.slot = 6;
        return;
      default:
        if (const PascLink* link = chain(s)) s.cell.catch_token(*link, view);
        break;
    }
    send(s, view);
    s.slot = 2;
  }

  // Polynomial ratio: each corner tells its side which length is the shorter one (x: a, y: b in
  // the cells), and the cells start P = the shorter length.
  static void start_powers(State& s, LocalView& view) {
    side_circuits(s, view);
    if (corner(s) && s.a_against_b != ChainCell::kGreater) view.beep(s.leave.succ * 2);
    s.phase = kPowers;
    s.slot = 0;
  }

  // k - 1 multiplications P <- P · shorter, each compared with the longer length at the corner
  // that starts the side; after the last, a corner whose side is the longer one (or as long)
  // needs P equal to it, and to have never exceeded it.
  static void powers(State& s, LocalView& view) {
    const PascLink* link = chain(s);
    view.separate_all();
    switch (s.slot) {
      case 0:
        if (link) {
          s.shorter_is_a = view.heard(corner(s) ? s.leave.succ * 2 : s.place.first * 2);
          s.cell.p = s.shorter_is_a ? s.cell.x_stored : s.cell.y_stored;
          s.cell.begin(*link);
        }
        break;
      case 1:
        if (link) s.cell.cycle_b(*link, view);
        s.slot = 2;
        return;
      case 2:
        if (link) s.cell.cycle_c(*link, view);
        s.slot = 3;
        return;
      case 3: {
        const bool busy = link && s.cell.cycle_d(*link, view);
        view.connect_all(kGlobal);
        if (busy) view.beep(kGlobal);
        s.slot = 4;
        return;
      }
      default:
        if (view.heard(kGlobal)) break;  // the next cycle
        if (corner(s) && s.cell.order == ChainCell::kGreater) s.fine = false;
        s.cell.end();
        if (++s.products + 1 == s.ratio) {
          const bool longer =
              acute(s) ? s.a_against_b != ChainCell::kLess : s.a_against_b != ChainCell::kGreater;
          if (corner(s) && longer && s.cell.order != ChainCell::kEqual) s.fine = false;
          if (corner(s) && !longer) s.fine = true;
          return verdict(s, view);
        }
        if (link) s.cell.begin(*link);
        break;
    }
    if (link) s.cell.cycle_a(*link, view, s.shorter_is_a);
    s.slot = 1;
  }
};

}  // namespace tessera::amoebot
