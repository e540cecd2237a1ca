#include "indexer/lexical_index.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace cs {
namespace {

Chunk chunk(const std::string& name, const std::string& text, const std::string& doc = "") {
  Chunk c;
  c.path = "/w/src/" + name + ".py";
  c.name = name;
  c.qualified_name = name;
  c.text = text;
  c.doc = doc;
  return c;
}

TEST(LexicalIndex, RanksByBm25OverIdentifierWords) {
  LexicalIndex index;
  index.add(0, chunk("parseUrl", "def parseUrl(u): return urlsplit(u)"));
  index.add(1, chunk("load_config", "def load_config(path): return json.load(open(path))", "Load the config file."));
  index.add(2, chunk("render", "def render(t): return t.format()"));
  auto hits = index.search("parse url", 10, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].slot, 0u);
  hits = index.search("load configuration file", 10, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].slot, 1u);
  EXPECT_TRUE(index.search("quantum chromodynamics", 10, {}).empty());
}

TEST(LexicalIndex, RareWordsOutweighCommonOnes) {
  LexicalIndex index;
  for (uint32_t i = 0; i < 20; ++i) index.add(i, chunk("f" + std::to_string(i), "def f(): return value"));
  index.add(20, chunk("g", "def g(): return checksum value"));
  auto hits = index.search("checksum value", 3, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].slot, 20u);
}

TEST(LexicalIndex, RemoveAndFilterBeforeTheCut) {
  LexicalIndex index;
  index.add(0, chunk("retry", "retry retry retry"));
  index.add(1, chunk("retry_once", "retry"));
  EXPECT_EQ(index.documents(), 2u);
  // Only slot 1 allowed: it must still be returned although slot 0 scores higher.
  auto hits = index.search("retry", 1, [](uint32_t slot) { return slot == 1; });
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].slot, 1u);
  index.remove(0);
  EXPECT_EQ(index.documents(), 1u);
  hits = index.search("retry", 10, {});
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].slot, 1u);
}

// Removal swaps a posting with the last of its list instead of erasing it in
// place: after any mix of adds, removes and re-adds of slots the index must
// answer exactly like one built afresh from the documents that are left.
TEST(LexicalIndex, RemovalsAndReaddsAnswerLikeAFreshIndex) {
  const std::vector<std::string> words = {"parse", "value", "token", "retry", "cache", "render", "merge", "queue"};
  std::mt19937 rng(3);
  LexicalIndex index;
  std::map<uint32_t, Chunk> live;
  for (int step = 0; step < 3000; ++step) {
    const uint32_t slot = rng() % 200;
    if (rng() % 3 == 0) {
      index.remove(slot);
      live.erase(slot);
      continue;
    }
    std::string text = "def f():";
    for (int w = 0; w < 6; ++w) text += " " + words[rng() % words.size()];
    Chunk c = chunk("f" + std::to_string(rng() % 50), text);
    index.add(slot, c);  // a taken slot is replaced
    live[slot] = c;
    if (step % 700 == 0) {  // trimming the lists in passes changes no answer
      for (size_t next = 0; next != LexicalIndex::kCompacted;) next = index.compact(next, 7);
    }
  }
  LexicalIndex fresh;
  for (const auto& [slot, c] : live) fresh.add(slot, c);
  EXPECT_EQ(index.documents(), fresh.documents());
  for (const std::string& query : {"parse value", "retry", "cache merge queue", "f7 token", "render render"}) {
    const auto got = index.search(query, 500, {});
    const auto want = fresh.search(query, 500, {});
    ASSERT_EQ(got.size(), want.size()) << query;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].slot, want[i].slot) << query << " #" << i;
      EXPECT_FLOAT_EQ(got[i].score, want[i].score) << query << " #" << i;
    }
  }
}

// Removal is lazy: a removed document's postings stay in their lists until
// purged, yet searches skip them and document frequencies leave them out at
// once; purging in slices (as writes do) changes no answer and empties them.
TEST(LexicalIndex, LazilyRemovedPostingsAreSkippedThenPurged) {
  LexicalIndex index;
  LexicalIndex fresh;
  for (uint32_t slot = 0; slot < 200; ++slot) {
    const Chunk c = chunk("f" + std::to_string(slot), slot % 2 ? "def f(): retry common" : "def f(): parse common");
    index.add(slot, c);
    if (slot >= 60) fresh.add(slot, c);
  }
  for (uint32_t slot = 0; slot < 60; ++slot) index.remove(slot);
  EXPECT_TRUE(index.wantsPurge());  // 60 of 200 documents' postings are dead
  auto same = [&] {
    for (const std::string& query : {"retry", "parse common", "f7", "f70"}) {
      const auto got = index.search(query, 500, {});
      const auto want = fresh.search(query, 500, {});
      ASSERT_EQ(got.size(), want.size()) << query;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].slot, want[i].slot) << query;
        EXPECT_FLOAT_EQ(got[i].score, want[i].score) << query;
      }
    }
  };
  same();
  while (index.wantsPurge()) index.purgeStep(2);
  EXPECT_FALSE(index.wantsPurge());
  same();
  index.add(5, chunk("again", "def again(): retry"));  // a purged slot takes a new document
  EXPECT_EQ(index.search("again", 5, {}).front().slot, 5u);
}

TEST(LexicalIndex, NamesCountMoreThanBodies) {
  auto terms = LexicalIndex::termsOf(chunk("validateToken", "x = 1", "Checks it."));
  EXPECT_GT(terms["validate"], terms["x"]);
  EXPECT_GT(terms["token"], 0);
  EXPECT_GT(terms["checks"], 0);
}

TEST(LexicalIndex, InflectedQueryWordsMeetTheirStems) {
  LexicalIndex index;
  index.add(0, chunk("parse_date", "def parse_date(text): return strptime(text)"));
  index.add(1, chunk("send_users", "def send_users(users): mail(users)", "Sends every user a mail."));
  index.add(2, chunk("render", "def render(t): return t.format()"));
  auto hits = index.search("parsing dates", 10, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].slot, 0u);
  hits = index.search("user sending", 10, {});
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].slot, 1u);

  LexicalIndex::Options exact;
  exact.stem = false;
  LexicalIndex unstemmed(exact);
  unstemmed.add(0, chunk("parse_date", "def parse_date(text): return strptime(text)"));
  EXPECT_TRUE(unstemmed.search("parsing dates", 10, {}).empty());
}

}  // namespace
}  // namespace cs
