// Whole-stream reads of stdin with POSIX read, retrying interrupted calls.
#include "tessera/cli/standard_streams.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "tessera/core/error.hpp"

namespace tessera::cli {

std::vector<std::byte> read_standard_input() {
  std::vector<std::byte> bytes;
  std::size_t used = 0;
  for (;;) {
    if (bytes.size() - used < (1u << 16))
      bytes.resize(std::max<std::size_t>(2 * bytes.size(), 1u << 20));
    const ssize_t n = ::read(STDIN_FILENO, bytes.data() + used, bytes.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("stdin", fmt::format("cannot read: {}", std::strerror(errno)));
    }
    used += static_cast<std::size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

}  // namespace tessera::cli
