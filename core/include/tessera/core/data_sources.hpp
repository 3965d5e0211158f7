// Where real data lives: the shared data folder beside the project (../shared/data, or the
// TESSERA_SHARED_DATA environment variable) and the Debian data packages the subsystems read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// The shared data folder when it exists: $TESSERA_SHARED_DATA if set, else the folder configured
/// at build time (../shared/data next to the source tree). Tests skip visibly when it is absent.
std::optional<std::filesystem::path> shared_data_dir();

struct DataSource {
  std::string name;            // "../shared/data" or a Debian package name
  std::string contents;        // what it holds, in a few words
  std::filesystem::path path;  // where it is (or would be) on this machine
  bool present = false;
};

/// Every data source tessera knows, with whether it is present on this machine.
std::vector<DataSource> known_data_sources();

}  // namespace tessera
