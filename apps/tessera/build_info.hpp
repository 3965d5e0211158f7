// Facts fixed when `tessera` was configured: version, revision, build type, compiler, and the
// optional components each subsystem declared (tessera_add_component in CMake).
#pragma once

#include <span>
#include <string_view>

namespace tessera::app {

struct Component {
  std::string_view name;
  bool built;
  std::string_view detail;
};

struct BuildInfo {
  std::string_view version;       // project version, e.g. "0.1.0"
  std::string_view git_revision;  // `git describe` at configure time
  std::string_view build_type;    // Release, Debug, RelWithDebInfo
  std::string_view compiler;      // e.g. "GNU 12.2.0"
  std::string_view sanitizers;    // empty unless a sanitizer build
  std::span<const Component> components;
};

const BuildInfo& build_info();

}  // namespace tessera::app
