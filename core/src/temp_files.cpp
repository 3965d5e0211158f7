// The registry of temporary files as fixed slots in static storage, and the signal handler that
// removes them: the handler only reads atomics and calls unlink, sigaction and raise, all
// async-signal-safe.
#include "tessera/core/temp_files.hpp"

#include <fmt/format.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>

#include "tessera/core/error.hpp"

namespace tessera {
namespace {

enum SlotState : int { kFree, kFilling, kReady };

struct Slot {
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads the slot states");

std::array<Slot, kMaxTempFiles> slots;

constexpr std::array<int, 4> kSignals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

extern "C" void remove_temp_files_and_reraise(int signal_number) {
  for (Slot& slot : slots) {
    if (slot.state.load() == kReady) ::unlink(slot.path);
  }
  // SA_RESETHAND restored the default action; the signal is blocked until this handler returns,
  // and then ends the process.
  ::raise(signal_number);
}

}  // namespace

TempFileRegistration::TempFileRegistration(const std::filesystem::path& path) : slot_(-1) {
  const std::string& text = path.native();
  if (text.size() >= PATH_MAX) {
    throw Error(text, fmt::format("temporary file path longer than {} bytes", PATH_MAX - 1));
  }
  for (int i = 0; i < kMaxTempFiles; ++i) {
    int expected = kFree;
    if (slots[i].state.compare_exchange_strong(expected, kFilling)) {
      std::memcpy(slots[i].path, text.c_str(), text.size() + 1);
      slots[i].state.store(kReady);
      slot_ = i;
      return;
    }
  }
  throw Error(text, fmt::format("more than {} temporary files at once", kMaxTempFiles));
}

TempFileRegistration::~TempFileRegistration() { slots[slot_].state.store(kFree); }

void remove_temp_files_on_signals() {
  struct sigaction action {};
  action.sa_handler = remove_temp_files_and_reraise;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int s : kSignals) sigaddset(&action.sa_mask, s);  // one handler at a time
  for (int s : kSignals) {
    struct sigaction previous {};
    if (::sigaction(s, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
    ::sigaction(s, &action, nullptr);
  }
}

}  // namespace tessera
