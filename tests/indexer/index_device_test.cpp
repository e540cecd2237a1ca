// The whole Index with IndexOptions::vector_device set: dense search on the
// device matrix (device_vector_index.h; "cpu" here and in CI, "cuda" where
// libtorch sees a GPU), against an Index searching on the host.
#include <gtest/gtest.h>

#include "index_fixtures.h"
#include "indexer/device_vector_index.h"

namespace cs {
namespace {

// The whole Index with its dense search on the device matrix: the same
// answers as the host's, kept current by edits and removals.
TEST(IndexOnDevice, AnIndexOnADeviceAnswersAsOnTheHostThroughEdits) {
  const int dim = 16;
  const std::string device = cudaAvailable() ? "cuda" : "cpu";
  IndexOptions on_device;
  on_device.dim = dim;
  on_device.vector_device = device;
  IndexOptions on_host;
  on_host.dim = dim;
  auto a = Index::open(on_device);
  auto b = Index::open(on_host);
  ASSERT_TRUE(a.ok() && b.ok());
  RandomUnitVectors vectors(dim, 8);
  for (int f = 0; f < 40; ++f) {
    std::vector<IndexedChunk> chunks;
    for (int c = 0; c < 5; ++c)
      chunks.push_back(make("/w/f" + std::to_string(f) + ".py", "fn_" + std::to_string(f) + "_" + std::to_string(c), "python",
                            vectors.next(), static_cast<uint32_t>(c * 4), static_cast<uint32_t>(c * 4 + 3)));
    ASSERT_TRUE((*a)->replaceFile(chunks.front().chunk.path, {}, chunks).ok());
    ASSERT_TRUE((*b)->replaceFile(chunks.front().chunk.path, {}, chunks).ok());
  }
  EXPECT_EQ((*a)->stats().vector_device, device);
  EXPECT_GT((*a)->stats().vector_device_bytes, 0u);
  EXPECT_EQ((*b)->stats().vector_device, "");
  RandomUnitVectors queries(dim, 9);
  for (int q = 0; q < 10; ++q) {
    const std::vector<float> query = queries.next();
    EXPECT_EQ(topDenseName(**a, query), topDenseName(**b, query));
  }
  // An edit: a new function whose vector is the query must be found at once; a removed file never.
  const std::vector<float> query = queries.next();
  ASSERT_TRUE((*a)->replaceFile("/w/f3.py", {}, {make("/w/f3.py", "fresh", "python", query)}).ok());
  EXPECT_EQ(topDenseName(**a, query), "fresh");
  ASSERT_TRUE((*a)->removeFile("/w/f3.py").ok());
  EXPECT_NE(topDenseName(**a, query), "fresh");
  // A filter runs inside the device search.
  SearchRequest request;
  request.query_vector = query;
  request.mode = SearchMode::kSemantic;
  request.limit = 5;
  request.filters.path_globs = {"f1*.py"};
  auto hits = (*a)->search(request);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 5u);
  for (const SearchHit& hit : *hits) EXPECT_EQ(hit.chunk.path.rfind("/w/f1", 0), 0u) << hit.chunk.path;
}

}  // namespace
}  // namespace cs
