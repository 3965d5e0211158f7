// Whole-stream reads of stdin and writes to stdout with POSIX read/write, retrying short and
// interrupted calls.
#include "tessera/cli/standard_streams.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

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

void write_standard_output(std::span<const std::byte> bytes) {
  std::cout.flush();  // anything printed before stays in order
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("stdout", fmt::format("cannot write: {}", std::strerror(errno)));
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
}

}  // namespace tessera::cli
