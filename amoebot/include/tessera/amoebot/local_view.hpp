// What one amoebot sees and does in one round (Feldmann et al., SSS'21, §1): the occupancy of its
// own ports in its own order, the beeps its partition sets received last round, its pin
// configuration, beeps on its partition sets, and a fair coin. The only simulator header that
// algorithm code includes: no coordinates, global directions, indices, n or neighbours' state.
#pragma once

#include <cstdint>

namespace tessera::amoebot {

class Engine;

/// Ports are the six edges in the amoebot's own rotational order (0-5, from its own port 0, in its
/// own sense of counter-clockwise); each edge carries pins_per_edge() pins, numbered in that same
/// order. A partition set is a label in [0, 6 · pins_per_edge()); every pin is in one set.
class LocalView {
 public:
  static constexpr int kPorts = 6;

  int pins_per_edge() const { return pins_; }
  /// The number of partition set labels: 6 · pins_per_edge().
  int sets() const { return kPorts * pins_; }
  /// Whether the node across `port` holds an amoebot.
  bool occupied(int port) const { return (occupancy_ >> check_port(port) & 1u) != 0; }
  /// Whether partition set `set` (as the configuration of last round labelled it) received a
  /// beep last round.
  bool heard(int set) const { return (heard_ >> check_set(set) & 1u) != 0; }

  /// Puts pin `pin` of port `port` into partition set `set`.
  void connect(int port, int pin, int set) {
    std::uint8_t& label = configuration_[pin_index(port, pin)];
    if (label != check_set(set)) label = static_cast<std::uint8_t>(set), *changed_ = 1;
  }
  /// Every pin into partition set `set`: with every amoebot doing so, one global circuit.
  void connect_all(int set) {
    for (int pin = 0; pin < sets(); ++pin) connect(pin / pins_, pin % pins_, set);
  }
  /// Each pin its own partition set: pin `pin` of port `port` into set port · pins_per_edge() +
  /// pin.
  void separate_all() {
    for (int pin = 0; pin < sets(); ++pin) connect(pin / pins_, pin % pins_, pin);
  }
  /// Beeps on partition set `set`: every set of its circuit hears it next round.
  void beep(int set) { *beeps_ |= std::uint64_t{1} << check_set(set); }
  /// A fair coin, the same for this amoebot in this round however often it is asked.
  bool coin() const;

 private:
  friend class Engine;
  LocalView() = default;
  // Algorithm code that names a port, pin or set outside its amoebot gets tessera::Error naming
  // "algorithm" (refuse), never another amoebot's memory.
  [[noreturn]] static void refuse(const char* what, int value);
  int check_port(int port) const {
    if (port < 0 || port >= kPorts) refuse("port", port);
    return port;
  }
  int check_set(int set) const {
    if (set < 0 || set >= sets()) refuse("partition set", set);
    return set;
  }
  int pin_index(int port, int pin) const {
    if (pin < 0 || pin >= pins_) refuse("pin", pin);
    return check_port(port) * pins_ + pin;
  }
  int pins_ = 1;
  std::uint8_t occupancy_ = 0;
  std::uint64_t heard_ = 0;
  std::uint8_t* configuration_ = nullptr;
  std::uint8_t* changed_ = nullptr;
  std::uint64_t* beeps_ = nullptr;
  const Engine* engine_ = nullptr;
  std::uint32_t amoebot_ = 0;
};

}  // namespace tessera::amoebot
