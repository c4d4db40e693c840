#pragma once
// For the tests that read the project's own code (layering, SQL placement): every
// line of every .cpp and .hpp under some top directories of the source tree.
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace sbtest {

// Calls on_line(relative path, line number, text) for each line of each source
// file under `tops` (relative to the source tree) whose relative path `wanted`
// accepts; returns how many files were read, so a test can tell a missing tree.
inline int for_each_source_line(const std::vector<std::string>& tops,
                                const std::function<bool(const std::string& rel)>& wanted,
                                const std::function<void(const std::string& rel, int n, const std::string& line)>& on_line) {
  namespace fs = std::filesystem;
  const fs::path root = SWITCHBOARD_SOURCE_DIR;
  int files = 0;
  for (auto& top : tops) {
    if (!fs::exists(root / top)) continue;
    for (auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      auto rel = fs::relative(entry.path(), root).generic_string();
      if (!wanted(rel)) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) on_line(rel, n, line);
    }
  }
  return files;
}

}  // namespace sbtest
