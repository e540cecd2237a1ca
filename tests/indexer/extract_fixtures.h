// The extraction fixtures (tests/fixtures/extract/, one or more per language)
// as the indexer tests read and parameterise over them. For tests only;
// needs CS_FIXTURES_DIR (set for every test suite by tests/CMakeLists.txt).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cs::test {

inline std::string extractFixturePath(const std::string& name) {
  return std::string(CS_FIXTURES_DIR) + "/extract/" + name;
}

inline std::string readExtractFixture(const std::string& name) {
  std::ifstream in(extractFixturePath(name), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every fixture file, all languages.
inline const std::vector<std::string>& extractFixtures() {
  static const std::vector<std::string> kFixtures = {
      "Sample.java", "flat_map.h", "header_only.hpp", "sample.c",     "sample.cpp", "sample.cs",
      "sample.ex",   "sample.go",  "sample.hs",       "sample.js",    "sample.kt",  "sample.lua",
      "sample.php",  "sample.py",  "sample.rb",       "sample.rs",    "sample.scala", "sample.sh",
      "sample.swift", "sample.ts", "sample.tsx",      "sample.zig"};
  return kFixtures;
}

// A gtest parameter name for a fixture: "sample.py" -> "sample_py".
struct FixtureTestName {
  template <typename ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    std::string name = info.param;
    for (char& c : name)
      if (c == '.') c = '_';
    return name;
  }
};

}  // namespace cs::test
