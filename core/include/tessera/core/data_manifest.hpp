// Where real data lives. Each subsystem lists the real inputs it reads in one manifest (its
// data.json: Debian data packages and folders of the shared data folder, the files and variables
// in them, and named sets of them), which its tests, benchmarks, demo step and `tessera doctor`
// read instead of paths written into code. A missing source is reported, never fatal: tests skip.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera {

/// The shared data folder when it exists: $TESSERA_SHARED_DATA if set, else the folder configured
/// at build time (../shared/data next to the source tree). Tests skip visibly when it is absent.
std::optional<std::filesystem::path> shared_data_dir();

/// A place data comes from: a Debian data package's folder, or a folder of the shared data.
struct DataSource {
  std::string name;            // "ferret-datasets" (a Debian package) or "shared/matrices"
  std::string package;         // the Debian package that installs it; empty for shared data
  std::string contents;        // what it holds, in a few words
  std::filesystem::path root;  // where it is (or would be) on this machine
  bool present = false;

  /// How to get it: "install Debian's ferret-datasets" or "needs the shared data folder ...".
  std::string how_to_get() const;
};

/// One real input: a file of a source, and for container formats the variable inside it.
struct DataInput {
  std::string id;              // the manifest's name for it, e.g. "etopo5"
  std::string source;          // DataSource::name
  std::filesystem::path path;  // root / file
  std::string variable;        // netCDF variable, or empty
  bool present = false;        // the file exists
  std::string missing_reason;  // when absent: "<path> is missing: install Debian's ..."

  /// "path" or "path:VARIABLE", as the command line takes it.
  std::string spec() const;
};

class DataManifest {
 public:
  /// Parses a manifest (JSON text): {"subsystem": name, "sources": [{"name", "package" or
  /// "shared": folder, "root" (packages), "contents"}], "inputs": {id: {"source", "file",
  /// "variable"?}}, "sets": {name: [id, ...]}}. Errors name `origin` and the bad entry.
  static DataManifest parse(std::string_view json, const std::string& origin);

  const std::string& subsystem() const { return subsystem_; }
  /// Every source, with its presence on this machine checked now.
  std::vector<DataSource> sources() const;
  /// The input `id`; tessera::Error naming the manifest for an unknown id.
  DataInput input(std::string_view id) const;
  /// The inputs of set `name`, in the manifest's order; tessera::Error for an unknown set.
  std::vector<DataInput> set(std::string_view name) const;

 private:
  struct Source {
    std::string name, package, shared_folder, contents;
    std::filesystem::path root;  // packages only
  };
  struct Input {
    std::string id, source, file, variable;
  };
  struct Set {
    std::string name;
    std::vector<std::string> ids;
  };

  DataSource resolve(const Source& source) const;

  std::string origin_;
  std::string subsystem_;
  std::vector<Source> sources_;
  std::vector<Input> inputs_;
  std::vector<Set> sets_;
};

/// The manifests linked into this program, in link order: each subsystem's generated manifest
/// file (tessera_add_data_manifest in CMake) enrolls its own.
std::vector<const DataManifest*> data_manifests();

/// Enrolls a manifest in data_manifests() when constructed (at namespace scope).
struct DataManifestEnrollment {
  explicit DataManifestEnrollment(const DataManifest& manifest);
};

}  // namespace tessera
