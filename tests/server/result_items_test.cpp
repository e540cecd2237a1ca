// The public result JSON (server/result_items.h): field names are a contract
// editors and agents rely on, positions follow the negotiated encoding.
#include "server/result_items.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

SearchHit hitIn(const std::string& path) {
  SearchHit hit;
  hit.id = 7;
  hit.chunk.path = path;
  hit.chunk.name = "send";
  hit.chunk.qualified_name = "HttpClient.send";
  hit.chunk.kind = "method";
  hit.chunk.language = "python";
  hit.chunk.text = "\n   def send(self, request):\n        return 1\n";
  // "é" before the definition on its first line: 2 bytes, 1 UTF-16 unit.
  hit.chunk.start = {3, 6, 5};
  hit.chunk.end = {4, 16, 16};
  hit.score = 0.75;
  hit.dense = 0.5;
  return hit;
}

TEST(ResultItems, AHitCarriesEveryContractFieldInTheNegotiatedEncoding) {
  nlohmann::json utf16 = toResultItem(hitIn("/w/a dir/client.py"), PositionEncoding::kUtf16);
  for (const char* field : {"uri", "range", "name", "qualifiedName", "kind", "language", "score", "scores", "preview"})
    EXPECT_TRUE(utf16.contains(field)) << field << " in " << utf16.dump();
  EXPECT_EQ(utf16["uri"], "file:///w/a%20dir/client.py");
  EXPECT_EQ(utf16["qualifiedName"], "HttpClient.send");
  EXPECT_EQ(utf16["range"]["start"]["line"], 3);
  EXPECT_EQ(utf16["range"]["start"]["character"], 5);
  EXPECT_DOUBLE_EQ(utf16["scores"]["dense"].get<double>(), 0.5);
  EXPECT_TRUE(utf16["scores"]["lexical"].is_null());  // that retriever did not find it
  EXPECT_EQ(utf16["preview"], "def send(self, request):");  // no signature: the first non-blank line

  nlohmann::json utf8 = toResultItem(hitIn("/w/client.py"), PositionEncoding::kUtf8);
  EXPECT_EQ(utf8["range"]["start"]["character"], 6);
}

TEST(ResultItems, PreviewPrefersTheSignatureAndIsCapped) {
  Chunk c;
  c.signature = "fn parse(input: &str) -> Result<Ast>";
  c.text = "/// docs\nfn parse(input: &str) -> Result<Ast> {";
  EXPECT_EQ(previewOf(c), c.signature);
  c.signature = std::string(500, 'x');
  EXPECT_EQ(previewOf(c).size(), 200u);
  EXPECT_EQ(previewOf(c).substr(197), "...");
}

TEST(ResultItems, TheResponseSaysTheModeTheIndexStateAndAnyWarning) {
  QueryAnswer answer;
  answer.hits = {hitIn("/w/client.py")};
  answer.mode_used = SearchMode::kLexical;
  answer.warning = "no model loaded: lexical results only";
  ServiceStatus status;
  status.indexing = true;
  status.stats.files = 3;
  status.stats.chunks = 12;
  status.pending = 2;
  const nlohmann::json out = toSearchResponse(answer, status, PositionEncoding::kUtf16);
  EXPECT_EQ(out["mode"], "lexical");
  EXPECT_EQ(out["warning"], "no model loaded: lexical results only");
  ASSERT_EQ(out["results"].size(), 1u);
  EXPECT_EQ(out["index"]["files"], 3);
  EXPECT_EQ(out["index"]["chunks"], 12);
  EXPECT_EQ(out["index"]["pending"], 2);
  EXPECT_EQ(out["index"]["complete"], false);
}

TEST(ResultItems, ModeNamesRoundTrip) {
  for (SearchMode mode : {SearchMode::kHybrid, SearchMode::kSemantic, SearchMode::kLexical})
    EXPECT_EQ(parseSearchMode(modeName(mode)), mode);
  EXPECT_FALSE(parseSearchMode("fuzzy").has_value());
}

}  // namespace
}  // namespace cs
