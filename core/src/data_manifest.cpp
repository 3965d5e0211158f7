// Data manifests: parsing, resolving sources against this machine, and the list of manifests.
#include "tessera/core/data_manifest.hpp"

#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tessera/core/error.hpp"

namespace tessera {
namespace {

namespace fs = std::filesystem;

struct Enrolled {
  std::mutex mutex;
  std::vector<const DataManifest*> manifests;
};

Enrolled& enrolled() {
  static Enrolled instance;
  return instance;
}

// The string member `key` of `object`; empty when absent, an error naming `where` otherwise.
std::string text(const nlohmann::json& object, const char* key, const std::string& where,
                 bool required) {
  const auto it = object.find(key);
  if (it == object.end()) {
    if (required) throw Error(where, std::string("has no \"") + key + "\"");
    return "";
  }
  if (!it->is_string()) throw Error(where, std::string("\"") + key + "\" is not a string");
  return it->get<std::string>();
}

}  // namespace

std::optional<fs::path> shared_data_dir() {
  const char* from_environment = std::getenv("TESSERA_SHARED_DATA");
  const fs::path dir = (from_environment != nullptr && *from_environment != '\0')
                           ? fs::path(from_environment)
                           : fs::path(TESSERA_DEFAULT_SHARED_DATA);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  return fs::weakly_canonical(dir, ec);
}

std::string DataSource::how_to_get() const {
  if (!package.empty()) return "install Debian's " + package;
  return "needs the shared data folder (../shared/data or $TESSERA_SHARED_DATA)";
}

std::string DataInput::spec() const {
  return variable.empty() ? path.string() : path.string() + ":" + variable;
}

DataManifest DataManifest::parse(std::string_view json, const std::string& origin) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin, std::string("is not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) throw Error(origin, "is not a JSON object");
  DataManifest m;
  m.origin_ = origin;
  m.subsystem_ = text(doc, "subsystem", origin, true);
  const nlohmann::json sources = doc.value("sources", nlohmann::json::array());
  const nlohmann::json inputs = doc.value("inputs", nlohmann::json::object());
  const nlohmann::json sets = doc.value("sets", nlohmann::json::object());
  for (const auto& s : sources) {
    const std::string where = origin + " source";
    Source source{text(s, "name", where, true), text(s, "package", where, false),
                  text(s, "shared", where, false), text(s, "contents", where, true),
                  text(s, "root", where, false)};
    if (source.package.empty() == source.shared_folder.empty()) {
      throw Error(origin, "source '" + source.name + "' needs exactly one of package or shared");
    }
    if (!source.package.empty() && source.root.empty()) {
      throw Error(origin, "source '" + source.name + "' has no root folder");
    }
    m.sources_.push_back(std::move(source));
  }
  for (const auto& [id, i] : inputs.items()) {
    const std::string where = origin + " input " + id;
    Input input{id, text(i, "source", where, true), text(i, "file", where, true),
                text(i, "variable", where, false)};
    bool known = false;
    for (const Source& s : m.sources_) known |= s.name == input.source;
    if (!known) throw Error(where, "names unknown source '" + input.source + "'");
    m.inputs_.push_back(std::move(input));
  }
  for (const auto& [name, ids] : sets.items()) {
    Set set{name, {}};
    for (const auto& id : ids) {
      if (!id.is_string()) throw Error(origin, "set '" + name + "' holds a non-string");
      set.ids.push_back(id.get<std::string>());
      (void)m.input(set.ids.back());  // every id must name an input
    }
    m.sets_.push_back(std::move(set));
  }
  return m;
}

DataSource DataManifest::resolve(const Source& s) const {
  DataSource out{s.name, s.package, s.contents, s.root, false};
  if (s.package.empty()) {
    const auto shared = shared_data_dir();
    out.root = shared.value_or(fs::path(TESSERA_DEFAULT_SHARED_DATA)) / s.shared_folder;
  }
  std::error_code ec;
  out.present = fs::is_directory(out.root, ec);
  return out;
}

std::vector<DataSource> DataManifest::sources() const {
  std::vector<DataSource> out;
  for (const Source& s : sources_) out.push_back(resolve(s));
  return out;
}

DataInput DataManifest::input(std::string_view id) const {
  for (const Input& i : inputs_) {
    if (i.id != id) continue;
    for (const Source& s : sources_) {
      if (s.name != i.source) continue;
      const DataSource source = resolve(s);
      DataInput out{i.id, i.source, source.root / i.file, i.variable, false, ""};
      std::error_code ec;
      out.present = fs::is_regular_file(out.path, ec);
      if (!out.present)
        out.missing_reason = out.path.string() + " is missing: " + source.how_to_get();
      return out;
    }
  }
  throw Error(origin_, "has no input '" + std::string(id) + "'");
}

std::vector<DataInput> DataManifest::set(std::string_view name) const {
  for (const Set& s : sets_) {
    if (s.name != name) continue;
    std::vector<DataInput> out;
    for (const std::string& id : s.ids) out.push_back(input(id));
    return out;
  }
  throw Error(origin_, "has no set '" + std::string(name) + "'");
}

std::vector<const DataManifest*> data_manifests() {
  const std::lock_guard lock(enrolled().mutex);
  return enrolled().manifests;
}

DataManifestEnrollment::DataManifestEnrollment(const DataManifest& manifest) {
  const std::lock_guard lock(enrolled().mutex);
  enrolled().manifests.push_back(&manifest);
}

}  // namespace tessera
