// RAII over MPI: checked calls, the session, scratch files, requests and the self-relaunch.
#include "tessera/mpi/mpi.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "tessera/core/error.hpp"

namespace tessera::mpi {
namespace {

/// Set for a relaunch under mpiexec, so that a program never relaunches twice.
constexpr const char* kRelaunchedVariable = "TESSERA_MPI_RELAUNCHED";

}  // namespace

void check(int rc, std::string_view what) {
  if (rc == MPI_SUCCESS) return;
  std::array<char, MPI_MAX_ERROR_STRING> text{};
  int length = 0;
  MPI_Error_string(rc, text.data(), &length);
  throw Error(what, std::string(text.data(), static_cast<std::size_t>(length)));
}

int count(std::uint64_t bytes, std::string_view what) {
  if (bytes > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw Error(what, fmt::format("{} bytes exceed the 2 GiB of one MPI transfer", bytes));
  }
  return static_cast<int>(bytes);
}

Session::Session(int& argc, char**& argv) { start(&argc, &argv); }

Session::Session() { start(nullptr, nullptr); }

void Session::start(int* argc, char*** argv) {
  int provided = 0;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &world_.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_.size);
}

Session::~Session() { MPI_Finalize(); }

ScratchFile::ScratchFile(std::string path) : path_(std::move(path)) {
  check(MPI_File_open(MPI_COMM_WORLD, path_.c_str(),
                      MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                      &handle_),
        "MPI_File_open " + path_);
}

ScratchFile::~ScratchFile() {
  if (std::uncaught_exceptions() == 0) MPI_File_close(&handle_);
}

Request::~Request() {
  if (handle_ != MPI_REQUEST_NULL && std::uncaught_exceptions() == 0) {
    MPI_Wait(&handle_, MPI_STATUS_IGNORE);
  }
}

void Request::wait() { check(MPI_Wait(&handle_, MPI_STATUS_IGNORE), "MPI_Wait"); }

bool started_by_mpiexec() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv(kRelaunchedVariable) != nullptr;
}

void relaunch_under_mpiexec(int argc, char** argv, int ranks) {
  if (std::string_view(TESSERA_MPIEXEC).empty())
    throw Error("mpiexec", "the build found no MPI launcher to start ranks with");
  std::vector<std::string> args = {TESSERA_MPIEXEC, TESSERA_MPIEXEC_NUMPROC_FLAG,
                                   std::to_string(ranks)};
#ifdef OMPI_MAJOR_VERSION
  args.emplace_back("--oversubscribe");  // more ranks than cores (Open MPI refuses by default)
#endif
  args.push_back(std::filesystem::read_symlink("/proc/self/exe").string());
  args.insert(args.end(), argv + 1, argv + argc);
  std::vector<char*> pointers;
  for (std::string& arg : args) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  ::setenv(kRelaunchedVariable, "1", 1);
  if (::geteuid() == 0) {
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
    ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
  }
  ::execv(args[0].c_str(), pointers.data());
  throw Error(args[0], fmt::format("cannot start it: {}", std::strerror(errno)));
}

void relaunch_under_mpiexec(int ranks) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> args;
  for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
  if (args.empty()) throw Error("/proc/self/cmdline", "cannot read this process's arguments");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  relaunch_under_mpiexec(static_cast<int>(args.size()), argv.data(), ranks);
}

}  // namespace tessera::mpi
