// The tessera half of the SciPy peer test (scipy_peer_test.py drives it): with
// TESSERA_NPZ_PEER_DIR set, reads every <dir>/in/*.npz that scipy wrote, writes it back to
// <dir>/out/ and records in <dir>/out/<name>.txt what it read, or the error, for scipy to check.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "tessera/sparse/scipy_npz.hpp"
#include "tessera/sparse/traversal.hpp"
#include "tessera/sparse/validate.hpp"

namespace tessera::sparse {
namespace {

namespace fs = std::filesystem;

TEST(PeerScipy, RoundTripFolder) {
  const char* dir = std::getenv("TESSERA_NPZ_PEER_DIR");
  if (dir == nullptr) GTEST_SKIP() << "run by sparse/tests/scipy_peer_test.py";
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "in")) inputs.push_back(e.path());
  std::sort(inputs.begin(), inputs.end());
  ASSERT_FALSE(inputs.empty()) << "no .npz files in " << dir << "/in";
  for (const fs::path& in : inputs) {
    const fs::path out = fs::path(dir) / "out" / in.filename();
    std::ofstream report(fs::path(out).replace_extension(".txt"));
    try {
      const SparseTensor t = read_npz(in);
      check_tensor(t, in.string());
      write_npz(t, out);
      report << t.format.name << ' ' << t.dims[0] << 'x' << t.dims[1] << ' '
             << to_string(t.value_type) << ' ' << entry_count(t) << ' '
             << (t.canonical ? "canonical" : "non-canonical") << '\n';
    } catch (const Error& e) {
      report << "error: " << e.what() << '\n';
    }
    ASSERT_TRUE(report.good()) << "cannot write the report of " << in;
  }
}

}  // namespace
}  // namespace tessera::sparse
