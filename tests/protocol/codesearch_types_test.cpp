#include "protocol/codesearch_types.h"

#include <gtest/gtest.h>

namespace cs::protocol {
namespace {

TEST(CodeSearchTypes, QueryParamsDefaultsAndFilters) {
  auto p = Json::parse(R"({"query":"retry with backoff","filters":{"languages":["go"],"excludeTests":true}})")
               .get<QueryParams>();
  EXPECT_EQ(p.limit, 20);
  EXPECT_EQ(p.mode, "hybrid");
  EXPECT_EQ(p.filters.languages, std::vector<std::string>{"go"});
  EXPECT_TRUE(p.filters.excludeTests);
  EXPECT_THROW(Json::parse(R"({"limit":3})").get<QueryParams>(), Json::exception);
}

TEST(CodeSearchTypes, ResultItemCarriesContractFields) {
  SearchResultItem item;
  item.uri = "file:///a.py";
  item.name = "f";
  item.dense = 0.5;
  Json j = item;
  for (const char* key : {"uri", "range", "name", "qualifiedName", "kind", "language", "score", "scores", "preview"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["scores"]["dense"], 0.5);
  EXPECT_TRUE(j["scores"]["lexical"].is_null());
}

// The status fields editors and agents read; extensions are only ever added.
TEST(CodeSearchTypes, StatusCarriesContractAndExtensionFields) {
  StatusResult status;
  status.state = "idle";
  status.approximateSearch = true;
  Json j = status;
  for (const char* key : {"state", "files", "chunks", "pending", "model", "version", "roots", "skippedFiles", "load",
                          "approximateSearch", "graphLoaded", "vectorDevice", "vectorDeviceBytes"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(j["model"].is_null());
  EXPECT_EQ(j["approximateSearch"], true);
  EXPECT_EQ(j["graphLoaded"], false);
  EXPECT_EQ(j["vectorDevice"], "host");  // dense search on the host unless a device holds the matrix
  EXPECT_EQ(j["load"]["complete"], true);
}

}  // namespace
}  // namespace cs::protocol
