// RAII over the MPI C API for the subsystems that run over ranks (compress's MPI I/O, dlrm's
// hybrid-parallel training): the session, shared files, nonblocking requests and checked calls
// whose failures throw tessera::Error naming the call. Built with TESSERA_WITH_MPI.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace tessera::mpi {

/// Throws tessera::Error naming `what` (the call and its object) unless `rc` is MPI_SUCCESS.
void check(int rc, std::string_view what);

/// `bytes` as an MPI count; throws tessera::Error naming `what` past MPI's int range (2 GiB).
int count(std::uint64_t bytes, std::string_view what);

/// This process's place among the ranks of MPI_COMM_WORLD.
struct World {
  int rank = 0;
  int size = 1;
  bool root() const { return rank == 0; }
};

/// MPI from construction to destruction. Funneled: only the main thread calls MPI (worker threads
/// never do). Errors on MPI_COMM_WORLD are returned, and check() throws them.
class Session {
 public:
  Session(int& argc, char**& argv);
  /// MPI without the program's arguments (which MPI-2 and later do not need).
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const World& world() const { return world_; }

 private:
  void start(int* argc, char*** argv);

  World world_;
};

/// A file opened by every rank, closed (and so deleted: MPI_MODE_DELETE_ON_CLOSE) on destruction.
/// While an exception unwinds, the collective close is skipped: the other ranks may never reach
/// it, and the caller aborts the job.
class ScratchFile {
 public:
  explicit ScratchFile(std::string path);
  ~ScratchFile();
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  MPI_File get() const { return handle_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  MPI_File handle_ = MPI_FILE_NULL;
};

/// A nonblocking operation (or none): completed by wait() or, at the latest, on destruction
/// (skipped while an exception unwinds, as for ScratchFile). Its buffers must outlive it.
class Request {
 public:
  Request() = default;
  Request(Request&& other) noexcept : handle_(std::exchange(other.handle_, MPI_REQUEST_NULL)) {}
  Request& operator=(Request&&) = delete;
  ~Request();

  MPI_Request* out() { return &handle_; }
  void wait();

 private:
  MPI_Request handle_ = MPI_REQUEST_NULL;
};

/// The sum of `value` over all ranks (MPI_Allreduce), on every rank.
template <class T>
T sum_over_ranks(T value, MPI_Datatype type) {
  T sum{};
  check(MPI_Allreduce(&value, &sum, 1, type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  return sum;
}

/// True when an MPI launcher started this process (Open MPI's mpiexec sets OMPI_COMM_WORLD_SIZE,
/// MPICH's and Slurm's PMI_SIZE), or when it is a relaunch_under_mpiexec.
bool started_by_mpiexec();

/// Replaces this process by `<mpiexec> <numproc flag> <ranks> [--oversubscribe] <this binary>
/// <arguments>` (the launcher found at configure time; the flag for Open MPI, which otherwise
/// refuses more ranks than cores), so that a program started directly (as
/// `make bench` starts benchmarks) runs over several ranks. As root it also sets the variables with
/// which Open MPI's mpiexec agrees to run as root. Throws tessera::Error if the launcher cannot
/// start.
[[noreturn]] void relaunch_under_mpiexec(int argc, char** argv, int ranks);
/// relaunch_under_mpiexec with this process's own arguments (read from /proc/self/cmdline), for
/// a command that decides to run over ranks after its arguments were parsed.
[[noreturn]] void relaunch_under_mpiexec(int ranks);

}  // namespace tessera::mpi
