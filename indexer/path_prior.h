// Path conventions that say what kind of code a file holds, for ranking: test,
// example, benchmark, compatibility shims, vendored or amalgamated copies,
// re-export barrels and type-declaration stubs usually answer a search less
// well than the library code they exercise or mirror, unless the query asks
// for them. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

enum PathTrait : uint32_t {
  kTestPath = 1u << 0,        // isTestPath (path_filter.h)
  kExamplePath = 1u << 1,     // examples/, samples/, demo/, docs_src/ ...
  kBenchmarkPath = 1u << 2,   // bench/, benchmarks/, *_benchmark.*, *_bench.*
  kCompatPath = 1u << 3,      // compat/, _compat/, legacy/, polyfills/
  kVendoredPath = 1u << 4,    // vendor/, third_party/, single_include/, node_modules/
  kReexportFile = 1u << 5,    // __init__.py, package-info.java, index.ts/js barrels, mod.rs
  kDeclarationStub = 1u << 6, // *.d.ts, *.pyi
};

// The traits of a workspace-relative path.
uint32_t pathTraits(std::string_view relative_path);

// The multiplier for a chunk of a file with `traits` under a query whose
// lower-case words are `query_words`: a query that mentions tests, examples or
// benchmarks does not demote them. A re-export barrel demotes only its
// top-level remainder (`module_chunk`): a function defined in __init__.py is real code.
double pathPrior(uint32_t traits, bool module_chunk, const std::vector<std::string>& query_words);

// The lower-case words of a file's stem and of its directory's name
// ("src/Illuminate/Session/Store.php" -> store, session): what a concept query
// is matched against as a file name.
std::vector<std::string> fileNameWords(std::string_view relative_path);

}  // namespace cs
