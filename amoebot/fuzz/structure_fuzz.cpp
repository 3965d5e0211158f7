// libFuzzer target: parse_structure on arbitrary bytes must either throw tessera::Error or return
// a structure whose nodes are distinct and connected, each neighbour link going both ways.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tessera/amoebot/structure.hpp"
#include "tessera/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tessera::amoebot;
  try {
    const Structure s = parse_structure({reinterpret_cast<const char*>(data), size}, "fuzz.txt");
    if (s.size() == 0) std::abort();
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (int d = 0; d < kDirections; ++d) {
        const std::int32_t j = s.neighbour(i, d);
        if (j < 0) continue;
        if (static_cast<std::size_t>(j) >= s.size() || j == static_cast<std::int32_t>(i) ||
            s.neighbour(static_cast<std::size_t>(j), (d + 3) % 6) != static_cast<std::int32_t>(i) ||
            !(s.nodes()[static_cast<std::size_t>(j)] == neighbour_of(s.nodes()[i], d)))
          std::abort();
      }
    }
  } catch (const tessera::Error&) {
  }
  return 0;
}
