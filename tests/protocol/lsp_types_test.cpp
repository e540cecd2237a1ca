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

}  // namespace
}  // namespace cs::protocol
