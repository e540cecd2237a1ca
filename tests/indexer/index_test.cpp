#include "indexer/index.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "index_fixtures.h"
#include "indexer/embedding_text.h"

namespace cs {
namespace {

// An index without a store, holding `dim`-wide vectors.
std::unique_ptr<Index> inMemoryIndex(int dim) {
  IndexOptions options;
  options.dim = dim;
  return std::move(Index::open(options).value());
}



TEST(Index, LanguageFilterIsAppliedInsideTheSearch) {
  IndexOptions options;
  options.dim = 8;
  options.workspace_root = "/w";
  auto index = std::move(Index::open(options).value());
  // 500 Go chunks score higher for the query than the one Python chunk.
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(index->replaceFile("/w/go/f" + std::to_string(i) + ".go", {}, {make("/w/go/f" + std::to_string(i) + ".go", "retry_backoff_" + std::to_string(i), "go", unit(8, 0))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/py/a.py", {}, {make("/w/py/a.py", "retry_backoff", "python", unit(8, 1))}).ok());
  for (SearchMode mode : {SearchMode::kLexical, SearchMode::kSemantic, SearchMode::kHybrid}) {
    SearchRequest request;
    request.query = "retry backoff";
    request.query_vector = unit(8, 0);
    request.mode = mode;
    request.limit = 5;
    request.filters.languages = {"python"};
    auto hits = index->search(request);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u) << static_cast<int>(mode);
    EXPECT_EQ((*hits)[0].chunk.language, "python");
  }
  SearchRequest by_path;
  by_path.query = "retry backoff";
  by_path.mode = SearchMode::kLexical;
  by_path.filters.path_globs = {"py/**"};
  auto hits = index->search(by_path);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].chunk.path, "/w/py/a.py");
}

TEST(Index, ExcludePathGlobsDropMatchingChunksInsideTheSearch) {
  IndexOptions options;
  options.dim = 8;
  options.workspace_root = "/w";
  auto index = std::move(Index::open(options).value());
  // 500 vendored chunks score as high as the one kept chunk: excluding them after
  // the top-k cut would leave nothing.
  for (int i = 0; i < 500; ++i) {
    const std::string path = "/w/vendor/f" + std::to_string(i) + ".py";
    ASSERT_TRUE(index->replaceFile(path, {}, {make(path, "retry_backoff_" + std::to_string(i), "python", unit(8, 0))}).ok());
  }
  ASSERT_TRUE(index->replaceFile("/w/src/a.py", {}, {make("/w/src/a.py", "retry_backoff", "python", unit(8, 1))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/src/gen/b.py", {}, {make("/w/src/gen/b.py", "retry_backoff_gen", "python", unit(8, 1))}).ok());
  for (SearchMode mode : {SearchMode::kLexical, SearchMode::kSemantic, SearchMode::kHybrid}) {
    SearchRequest request;
    request.query = "retry backoff";
    request.query_vector = unit(8, 0);
    request.mode = mode;
    request.limit = 5;
    request.filters.exclude_path_globs = {"vendor", "src/gen/**"};
    auto hits = index->search(request);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u) << static_cast<int>(mode);
    EXPECT_EQ((*hits)[0].chunk.path, "/w/src/a.py");
  }
  // Combined with an allow-list, and an absolute glob.
  SearchRequest both;
  both.query = "retry backoff";
  both.mode = SearchMode::kLexical;
  both.filters.path_globs = {"src/**"};
  both.filters.exclude_path_globs = {"/w/src/a.py"};
  auto hits = index->search(both);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].chunk.path, "/w/src/gen/b.py");
}

TEST(Index, HybridFusesBothSignalsAndReportsScores) {
  auto index = inMemoryIndex(4);
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {make("/w/a.py", "parse_url", "python", unit(4, 0))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/b.py", {}, {make("/w/b.py", "render_page", "python", unit(4, 1))}).ok());
  SearchRequest request;
  request.query = "parse url";
  request.query_vector = unit(4, 0);
  auto hits = index->search(request).value();
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].chunk.name, "parse_url");
  ASSERT_TRUE(hits[0].dense.has_value());
  ASSERT_TRUE(hits[0].lexical.has_value());
  EXPECT_NEAR(*hits[0].dense, 1.0, 1e-6);
  request.mode = SearchMode::kSemantic;
  request.query_vector.clear();
  EXPECT_FALSE(index->search(request).ok());  // semantic without a vector: an error, not a fake
}

// A search whose caller has given up (an LSP $/cancelRequest) stops between
// stages with ECANCELED instead of finishing its work.
TEST(Index, ACancelledSearchStopsWithECANCELED) {
  auto index = inMemoryIndex(4);
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {make("/w/a.py", "parse_url", "python", unit(4, 0))}).ok());
  std::atomic<bool> cancelled{false};
  SearchRequest request;
  request.query = "parse url";
  request.query_vector = unit(4, 0);
  request.cancelled = &cancelled;
  ASSERT_TRUE(index->search(request).ok());
  cancelled = true;
  auto stopped = index->search(request);
  ASSERT_FALSE(stopped.ok());
  EXPECT_EQ(stopped.error().code, ECANCELED);
}

TEST(Index, ScoreFusionWeighsNormalisedScores) {
  auto index = inMemoryIndex(4);
  auto mixed = [](float a, float b) { return std::vector<float>{a, b, 0, 0}; };
  // Dense order: render_page (1.0) > parse_url (0.8) > url_helper (0.0).
  // Lexical order for "parse url": parse_url > url_helper; render_page has no match.
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {make("/w/a.py", "parse_url", "python", mixed(0.8f, 0.6f))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/b.py", {}, {make("/w/b.py", "render_page", "python", unit(4, 0))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/c.py", {}, {make("/w/c.py", "url_helper", "python", unit(4, 1))}).ok());
  SearchRequest request;
  request.query = "parse url";
  request.query_vector = unit(4, 0);
  auto names = [&](FusionOptions fusion) {
    request.fusion = fusion;
    std::vector<std::string> out;
    for (const auto& hit : index->search(request).value()) out.push_back(hit.chunk.name);
    return out;
  };
  FusionOptions dense_only{FusionMethod::kScore, 60, 1.0, 0.0};
  FusionOptions both{FusionMethod::kScore, 60, 1.0, 1.0};
  EXPECT_EQ(names(dense_only).back(), "url_helper");  // dense 0 is the pool's minimum: normalised to 0
  // parse_url: 0.8 dense (normalised 0.8) + 1.0 lexical beats render_page's 1.0 + 0.
  EXPECT_EQ(names(both).front(), "parse_url");
  auto parsed = parseFusion("score:1:2");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->method, FusionMethod::kScore);
  EXPECT_DOUBLE_EQ(parsed->lexical_weight, 2.0);
  EXPECT_EQ(describeFusion(*parsed), "score:1:2");
  auto rrf = parseFusion("1:2:30");
  ASSERT_TRUE(rrf.has_value());
  EXPECT_EQ(rrf->method, FusionMethod::kReciprocalRank);
  EXPECT_EQ(describeFusion(*rrf), "rrf:1:2:30");
  EXPECT_FALSE(parseFusion("score:1").has_value());
  EXPECT_FALSE(parseFusion("fast").has_value());
}

TEST(Index, ZScoreNormalisationRewardsAPeakedList) {
  // Min-max maps every list's top onto 1; z-scores keep how far the top stands out.
  ListNormaliser peaked = ListNormaliser::of({10, 1, 1, 1}, FusionMethod::kZScore);
  ListNormaliser flat = ListNormaliser::of({4, 3.5, 3, 2.5}, FusionMethod::kZScore);
  EXPECT_NEAR(peaked.mean, 3.25, 1e-9);
  EXPECT_NEAR(peaked.normalise(10), (10 - 3.25) / std::sqrt((6.75 * 6.75 + 3 * 2.25 * 2.25) / 4), 1e-9);
  EXPECT_GT(peaked.normalise(10), flat.normalise(4));
  EXPECT_DOUBLE_EQ(peaked.absent(), peaked.normalise(1));  // absent = the list's lowest score
  ListNormaliser minmax = ListNormaliser::of({4, 3.5, 3, 2.5}, FusionMethod::kScore);
  EXPECT_DOUBLE_EQ(minmax.normalise(4), 1.0);
  EXPECT_DOUBLE_EQ(minmax.absent(), 0.0);
  EXPECT_DOUBLE_EQ(ListNormaliser::of({}, FusionMethod::kZScore).absent(), 0.0);
  EXPECT_DOUBLE_EQ(ListNormaliser::of({2, 2}, FusionMethod::kZScore).normalise(2), 0.0);  // no spread: no signal

  auto parsed = parseFusion("z:1:1.5");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->method, FusionMethod::kZScore);
  EXPECT_DOUBLE_EQ(parsed->lexical_weight, 1.5);
  EXPECT_EQ(describeFusion(*parsed), "z:1:1.5");
  EXPECT_FALSE(parseFusion("z:1").has_value());
}

TEST(Index, CodeQueriesLeanOnTheDenseSignal) {
  // "Find similar": the lexical arm (shared identifiers) counts half as much as
  // the dense one, so a near-copy by meaning beats a chunk that only shares words.
  auto index = inMemoryIndex(4);
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {make("/w/a.py", "merge_sorted", "python", unit(4, 0))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/b.py", {}, {make("/w/b.py", "token_bucket", "python", unit(4, 1))}).ok());
  ASSERT_TRUE(index->replaceFile("/w/c.py", {}, {make("/w/c.py", "render_page", "python", unit(4, 2))}).ok());
  SearchRequest request;
  request.query = "token_bucket(token_bucket)";
  request.query_vector = unit(4, 0);
  request.code_query = true;
  auto hits = index->search(request).value();
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().chunk.name, "merge_sorted");
  request.fusion = FusionOptions{FusionMethod::kReciprocalRank, 60, 1.0, 1.0};  // the old equal-weight RRF
  EXPECT_EQ(index->search(request).value().front().chunk.name, "token_bucket");
}

TEST(Index, ReplaceRemoveChunkAtAndCachedVectors) {
  auto index = inMemoryIndex(4);
  auto outer = make("/w/a.py", "Outer", "python", unit(4, 0), 0, 20);
  outer.chunk.kind = "class";
  auto inner = make("/w/a.py", "method", "python", unit(4, 1), 5, 8);
  ASSERT_TRUE(index->replaceFile("/w/a.py", FileStamp{42, 7}, {outer, inner}).ok());
  EXPECT_EQ(index->stats().chunks, 2u);
  EXPECT_EQ(index->fileStamp("/w/a.py")->mtime_ns, 42);
  auto at = index->chunkAt("/w/a.py", 6);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->second.chunk.name, "method");  // the innermost
  EXPECT_EQ(index->chunkAt("/w/a.py", 15)->second.chunk.name, "Outer");
  ASSERT_TRUE(index->cachedVector(inner.content_hash).has_value());
  // Re-adding the same text without a vector reuses the known one.
  auto again = inner;
  again.vector.clear();
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {again}).ok());
  EXPECT_EQ(index->stats().chunks_with_vectors, 1u);
  ASSERT_TRUE(index->removeFile("/w/a.py").ok());
  EXPECT_EQ(index->stats().chunks, 0u);
  EXPECT_FALSE(index->cachedVector(inner.content_hash).has_value());
}

// An edit that changed one function: the file's other chunks keep their ids
// (and postings and vectors: nothing about them is removed or added again),
// move to where they are now, and are still found; the edited one is new.
TEST(Index, ReplacingAFileKeepsTheChunksThatOnlyMoved) {
  auto index = inMemoryIndex(4);
  auto first = make("/w/a.py", "parse_header", "python", unit(4, 0), 0, 3);
  auto second = make("/w/a.py", "render_footer", "python", unit(4, 1), 5, 8);
  auto third = make("/w/a.py", "merge_columns", "python", unit(4, 2), 10, 12);
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {first, second, third}).ok());
  const ChunkId first_id = index->chunkAt("/w/a.py", 1)->first;
  const ChunkId second_id = index->chunkAt("/w/a.py", 6)->first;
  const ChunkId third_id = index->chunkAt("/w/a.py", 11)->first;

  auto edited = make("/w/a.py", "render_footer", "python", unit(4, 3), 5, 10);
  edited.chunk.text = "def render_footer(): return quokka";  // two lines longer
  edited.content_hash = embeddingHash(edited.chunk);
  auto moved = third;
  moved.chunk.start.line = 12;
  moved.chunk.end.line = 14;
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {first, edited, moved}).ok());
  EXPECT_EQ(index->stats().chunks, 3u);
  EXPECT_EQ(index->stats().chunks_with_vectors, 3u);
  EXPECT_EQ(index->chunkAt("/w/a.py", 1)->first, first_id);
  EXPECT_EQ(index->chunkAt("/w/a.py", 13)->first, third_id);
  EXPECT_NE(index->chunkAt("/w/a.py", 6)->first, second_id);
  std::vector<std::string> order;
  for (const Chunk& c : index->chunksOf("/w/a.py")) order.push_back(c.name);
  EXPECT_EQ(order, (std::vector<std::string>{"parse_header", "render_footer", "merge_columns"}));

  SearchRequest request;
  request.mode = SearchMode::kLexical;
  request.query = "merge columns";
  auto hits = index->search(request).value();
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits.front().id, third_id);
  EXPECT_EQ(hits.front().chunk.start.line, 12u);  // where it is now
  request.query = "quokka";
  hits = index->search(request).value();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits.front().chunk.name, "render_footer");
  request.mode = SearchMode::kSemantic;
  request.query_vector = unit(4, 2);
  EXPECT_EQ(index->search(request).value().front().id, third_id);
  request.query_vector = unit(4, 1);  // the old render_footer's vector left with it
  for (const SearchHit& hit : index->search(request).value()) EXPECT_NE(hit.id, second_id);
}

TEST(Index, DuplicateCodeCollapsesToOneResult) {
  IndexOptions options;
  auto index = std::move(Index::open(options).value());
  auto a = make("/w/a.py", "checksum", "python");
  auto b = make("/w/b.py", "checksum", "python");
  ASSERT_TRUE(index->replaceFile("/w/a.py", {}, {a}).ok());
  ASSERT_TRUE(index->replaceFile("/w/b.py", {}, {b}).ok());
  SearchRequest request;
  request.query = "checksum";
  request.mode = SearchMode::kLexical;
  EXPECT_EQ(index->search(request)->size(), 1u);
}

TEST(Index, ASymbolQueryFindsItsDefinitionEvenWhenNoRetrieverDoes) {
  IndexOptions options;
  options.dim = 8;
  options.workspace_root = "/w";
  auto index = std::move(Index::open(options).value());
  // 400 chunks whose text mentions Container many times, and the class itself, whose text does not.
  for (int i = 0; i < 400; ++i) {
    std::string path = "/w/src/use" + std::to_string(i) + ".php";
    IndexedChunk user = make(path, "resolve" + std::to_string(i), "php", unit(8, 0));
    user.chunk.text = "function resolve() { return Container::getInstance(); } // Container Container container";
    user.content_hash = embeddingHash(user.chunk);
    ASSERT_TRUE(index->replaceFile(path, {}, {user}).ok());
  }
  IndexedChunk definition = make("/w/src/Container/Container.php", "Container", "php", unit(8, 1));
  definition.chunk.kind = "class";
  definition.chunk.text = "class Container implements ArrayAccess { }";
  definition.content_hash = embeddingHash(definition.chunk);
  ASSERT_TRUE(index->replaceFile(definition.chunk.path, {}, {definition}).ok());
  SearchRequest request;
  request.query = "Container";
  request.query_vector = unit(8, 0);  // the dense arm's pool of 300 holds only the users
  request.mode = SearchMode::kSemantic;
  request.limit = 10;
  auto hits = index->search(request);
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits.value().empty());
  EXPECT_EQ(hits.value()[0].chunk.name, "Container");
  EXPECT_EQ(hits.value()[0].chunk.kind, "class");
  EXPECT_FALSE(hits.value()[0].lexical.has_value());  // found through the name index alone
  EXPECT_FALSE(hits.value()[0].dense.has_value());
  // Once the file is gone, so is the definition.
  ASSERT_TRUE(index->removeFile(definition.chunk.path).ok());
  hits = index->search(request);
  ASSERT_TRUE(hits.ok());
  for (const auto& hit : hits.value()) EXPECT_NE(hit.chunk.kind, "class");
}

TEST(Index, ResultsSpreadOverFilesAndDuplicatesCollapse) {
  IndexOptions options;
  options.workspace_root = "/w";
  auto index = std::move(Index::open(options).value());
  std::vector<IndexedChunk> many;
  for (int i = 0; i < 5; ++i) many.push_back(make("/w/big.py", "retry_backoff_" + std::to_string(i), "python", {}, i * 10, i * 10 + 5));
  ASSERT_TRUE(index->replaceFile("/w/big.py", {}, many).ok());
  ASSERT_TRUE(index->replaceFile("/w/other.py", {}, {make("/w/other.py", "retry_backoff_x", "python")}).ok());
  SearchRequest request;
  request.query = "retry backoff";
  request.mode = SearchMode::kLexical;
  request.limit = 3;
  auto hits = index->search(request);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits.value().size(), 3u);
  EXPECT_EQ(hits.value()[0].chunk.path, "/w/big.py");
  EXPECT_EQ(hits.value()[1].chunk.path, "/w/other.py");  // a second file before big.py's second chunk
}

TEST(Index, TheFileLevelRetrieverBringsAFileWhoseDefinitionsMatchTheQuery) {
  auto search_with = [](double boost) {
    IndexOptions options;
    options.dim = 8;
    options.workspace_root = "/w";
    options.shaping.file_evidence_boost = boost;
    auto index = std::move(Index::open(options).value());
    std::vector<IndexedChunk> other;
    for (int i = 0; i < 2; ++i) other.push_back(make("/w/other.py", "helper" + std::to_string(i), "python", unit(8, 0), i * 5, i * 5 + 3));
    EXPECT_TRUE(index->replaceFile("/w/other.py", {}, other).ok());
    IndexedChunk cache = make("/w/lru.py", "Cache", "python", unit(8, 1), 0, 20);
    cache.chunk.kind = "class";
    EXPECT_TRUE(index->replaceFile("/w/lru.py", {}, {cache, make("/w/lru.py", "store_entry", "python", unit(8, 1), 2, 5),
                                                       make("/w/lru.py", "evict_entry", "python", unit(8, 1), 6, 9)})
                    .ok());
    SearchRequest request;
    request.query = "evict store";  // no single chunk's text has both; the file's names do
    request.query_vector = unit(8, 0);
    request.mode = SearchMode::kSemantic;  // the dense arm alone would never reach lru.py
    request.limit = 3;
    return index->search(request).value();
  };
  auto cacheScore = [](const std::vector<SearchHit>& hits) -> std::optional<double> {
    for (const auto& hit : hits) {
      if (hit.chunk.name == "Cache") return hit.score;
    }
    return std::nullopt;
  };
  auto with = cacheScore(search_with(0.35));
  ASSERT_TRUE(with.has_value());  // the file's representative, its class, is in the top 3
  EXPECT_GT(*with, 0.3);          // lifted by the file-level evidence (its own cosine is 0)
  auto without = cacheScore(search_with(0));
  if (without) EXPECT_LT(*without, 0.01);  // without it, nothing lifts the class
}

// Above the threshold the HNSW graph is built on its own thread while the index
// keeps answering (exactly) and taking writes; what was written meanwhile is
// in the graph once it goes live.
TEST(Index, TheApproximateGraphIsBuiltInTheBackgroundAndKeepsWritesMadeMeanwhile) {
  const int dim = 32;
  IndexOptions options;
  options.dim = dim;
  options.hnsw_threshold = 3000;
  auto index = std::move(Index::open(options).value());
  RandomUnitVectors random(dim, 21);
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < 6000; ++i) {
    vectors.push_back(random.next());
    const std::string path = "/w/f" + std::to_string(i) + ".py";
    ASSERT_TRUE(index->replaceFile(path, {}, {make(path, "fn" + std::to_string(i), "python", vectors.back())}).ok());
  }
  // Written while the graph is (probably) still being built.
  const std::vector<float> moved = random.next();
  ASSERT_TRUE(index->replaceFile("/w/f10.py", {}, {make("/w/f10.py", "fn10", "python", moved)}).ok());
  ASSERT_TRUE(index->removeFile("/w/f11.py").ok());
  const std::vector<float> late = random.next();
  ASSERT_TRUE(index->replaceFile("/w/late.py", {}, {make("/w/late.py", "late", "python", late)}).ok());

  auto top = [&](const std::vector<float>& query) { return topDenseName(*index, query); };
  EXPECT_EQ(top(late), "late");  // answered whether or not the graph is live yet
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!index->stats().approximate_search && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(index->stats().approximate_search);
  EXPECT_EQ(top(late), "late");
  EXPECT_EQ(top(moved), "fn10");
  EXPECT_NE(top(vectors[10]), "fn10");  // its old vector is gone
  EXPECT_NE(top(vectors[11]), "fn11");  // removed
  int found = 0;
  for (int i = 100; i < 200; ++i) found += top(vectors[i]) == "fn" + std::to_string(i);
  EXPECT_GE(found, 97);
}

// During a bulk of writes (a cold scan) the graph is not started, however far
// past the threshold the index grows, so no write inserts into it under the
// lock; the bulk's end starts it, and searches are right throughout.
TEST(Index, BulkWritesStartTheGraphOnlyWhenTheyEnd) {
  const int dim = 16;
  IndexOptions options;
  options.dim = dim;
  options.hnsw_threshold = 200;
  options.build_graph_in_background = false;  // built inside the call that starts it
  auto index = std::move(Index::open(options).value());
  RandomUnitVectors random(dim, 5);
  auto top = [&](const std::vector<float>& query) { return topDenseName(*index, query); };
  std::vector<std::vector<float>> vectors;
  auto add = [&](int i) {
    vectors.push_back(random.next());
    const std::string path = "/w/f" + std::to_string(i) + ".py";
    ASSERT_TRUE(index->replaceFile(path, {}, {make(path, "fn" + std::to_string(i), "python", vectors.back())}).ok());
  };
  index->beginBulkWrites();
  index->beginBulkWrites();  // pairs nest
  for (int i = 0; i < 600; ++i) add(i);
  EXPECT_FALSE(index->stats().approximate_search);
  EXPECT_EQ(top(vectors[123]), "fn123");  // exact meanwhile
  index->endBulkWrites();
  EXPECT_FALSE(index->stats().approximate_search);  // one bulk still open
  index->endBulkWrites();
  EXPECT_TRUE(index->stats().approximate_search);
  for (int i = 600; i < 650; ++i) add(i);  // a live graph takes writes as before
  int found = 0;
  for (int i : {0, 123, 599, 600, 649}) found += top(vectors[i]) == "fn" + std::to_string(i);
  EXPECT_EQ(found, 5);
}

}  // namespace
}  // namespace cs
