#include "protocol/lsp_types.h"

#include <gtest/gtest.h>

namespace cs::protocol {
namespace {

TEST(Uri, RoundTripsPathsWithSpecialCharacters) {
  std::string path = "/tmp/a dir/ü#1.py";
  std::string uri = pathToUri(path);
  EXPECT_EQ(uri.rfind("file:///tmp/a%20dir/", 0), 0u);
  auto back = uriToPath(uri);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, path);
  EXPECT_FALSE(uriToPath("untitled:Untitled-1").has_value());
  EXPECT_EQ(*uriToPath("file://localhost/x/y.go"), "/x/y.go");
}

// Hostile numbers in a position are a clear parse error, never a conversion
// out of range (the fuzzer's 1.2e47 "character").
TEST(LspTypes, PositionNumbersMustBeWholeAndFitAnInt) {
  EXPECT_EQ(Json::parse(R"({"line": 3, "character": 7})").get<Position>().character, 7);
  for (const char* bad : {R"({"line": 0, "character": 122222222222222222222222222222222222222222222})",
                          R"({"line": 0, "character": 1.5})", R"({"line": 4294967296, "character": 0})",
                          R"({"line": -3000000000, "character": 0})", R"({"line": "7", "character": 0})"}) {
    EXPECT_THROW(Json::parse(bad).get<Position>(), nlohmann::json::exception) << bad;
  }
  EXPECT_THROW(Json::parse(R"({"uri": "file:///a", "type": 1e30})").get<FileEvent>(), nlohmann::json::exception);
}

}  // namespace
}  // namespace cs::protocol
