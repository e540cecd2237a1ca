// hnswlib behind HnswGraph. Under ASan this file alone is built without read
// checks (indexer/CMakeLists.txt): hnswlib 0.6's graph walk while inserting
// (HierarchicalNSW::searchBaseLayer, from addPoint) prefetches the next
// neighbour as it visits neighbour j, so at the last one it loads the 4-byte
// id after the list, *(datal + size), and hands it to _mm_prefetch only
// (nmslib/hnswlib#107 and #578, open upstream; the fix in PR #459 was declined
// for its cost). ASan reports that load; it is benign:
// - it stays inside the allocation in practice: a level-0 list is followed by
//   its element's vector in the same block, and an upper level's block,
//   malloc(size_links_per_element_ * level + 1) with size_links_per_element_
//   = 4 * maxM_ + 4, is 1 mod 4 bytes long, so glibc's usable size (the
//   smallest n >= the request with n = 8 mod 16) always has the 3 bytes more
//   that the load needs (ASan counts the requested size only);
// - the value is only a prefetch address, a hint that never faults and changes
//   no result: no neighbour is read through it.
// gcc has no per-function ignore list and clang 14 cannot compile libtorch's
// headers as C++20, so the exemption is this translation unit's reads; writes,
// and every read in HnswVectorIndex, stay checked.
//
// The data hnswlib keeps inline per element is an 8-byte handle, not the
// vector: (slot << 1) | 1 for a stored row, or the address of a query's floats
// (even, being float-aligned), or kTombstone for an element of a loaded graph
// whose vector is gone (relabel). The distance function resolves both through the
// store and scores them as hnswlib's InnerProductSpace would (1 - inner
// product), with the store's int8 kernels (int8_vectors.h).
#include "indexer/hnsw_graph.h"

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <hnswlib/hnswlib.h>

namespace cs {
namespace {

using Handle = uint64_t;
constexpr Handle kTombstone = 0;
// Labels of deleted elements of a loaded graph: above every slot, one per element.
constexpr hnswlib::labeltype kOrphanLabels = hnswlib::labeltype{1} << 40;

Handle slotHandle(uint32_t slot) { return (static_cast<Handle>(slot) << 1) | 1u; }
Handle queryHandle(const float* query) { return reinterpret_cast<Handle>(query); }

// A space whose points are handles into a VectorStore.
class StoreSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit StoreSpace(const VectorStore& store) { param_.store = &store; }
  size_t get_data_size() override { return sizeof(Handle); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return &param_; }

 private:
  struct Param {
    const VectorStore* store = nullptr;
  };
  static Handle handleAt(const void* point) {
    Handle h;
    std::memcpy(&h, point, sizeof h);
    return h;
  }
  // 1 - inner product, as hnswlib's InnerProductSpace: a stored row (int8)
  // against another or against a query's floats.
  static float distance(const void* a, const void* b, const void* param) {
    const VectorStore& store = *static_cast<const Param*>(param)->store;
    const Handle ha = handleAt(a), hb = handleAt(b);
    if (ha == kTombstone || hb == kTombstone) return 1.0f;  // orthogonal to everything
    const bool a_stored = ha & 1u, b_stored = hb & 1u;
    if (a_stored && b_stored) return 1.0f - store.dotRows(static_cast<uint32_t>(ha >> 1), static_cast<uint32_t>(hb >> 1));
    if (a_stored) return 1.0f - store.dot(static_cast<uint32_t>(ha >> 1), reinterpret_cast<const float*>(hb));
    if (b_stored) return 1.0f - store.dot(static_cast<uint32_t>(hb >> 1), reinterpret_cast<const float*>(ha));
    const auto* qa = reinterpret_cast<const float*>(ha);
    const auto* qb = reinterpret_cast<const float*>(hb);
    float dot = 0;
    for (int i = 0; i < store.dim(); ++i) dot += qa[i] * qb[i];
    return 1.0f - dot;
  }

  Param param_;
};

}  // namespace

struct HnswGraph::Impl {
  Impl(const VectorStore& store, size_t max_elements, int m, int ef_construction)
      : space(store), graph(&space, max_elements, static_cast<size_t>(m), static_cast<size_t>(ef_construction)) {}
  Impl(const VectorStore& store, const std::string& path, size_t max_elements)
      : space(store), graph(&space, path, false, max_elements) {}
  StoreSpace space;
  hnswlib::HierarchicalNSW<float> graph;
};

namespace {

// hnswlib checks that a file's sections add up to its size, not what is in
// them: every header field and link is checked here before the graph is used.
bool soundGraph(const hnswlib::HierarchicalNSW<float>& g, size_t m) {
  using hnswlib::tableint;
  const size_t links0 = g.maxM0_ * sizeof(tableint) + sizeof(hnswlib::linklistsizeint);
  if (g.M_ != m || g.maxM_ != m || g.maxM0_ != 2 * m || g.offsetLevel0_ != 0 || g.size_links_level0_ != links0 ||
      g.offsetData_ != links0 || g.label_offset_ != links0 + sizeof(Handle) ||
      g.size_data_per_element_ != links0 + sizeof(Handle) + sizeof(hnswlib::labeltype))
    return false;
  const size_t n = g.cur_element_count;
  if (n > g.max_elements_) return false;
  if (n == 0) return true;
  if (g.enterpoint_node_ >= n || g.maxlevel_ < 0 || g.element_levels_[g.enterpoint_node_] != g.maxlevel_) return false;
  auto linksOk = [&](hnswlib::linklistsizeint* list, size_t max_links) {
    const size_t count = g.getListCount(list);
    if (count > max_links) return false;
    const auto* ids = reinterpret_cast<const tableint*>(list + 1);
    for (size_t j = 0; j < count; ++j)
      if (ids[j] >= n) return false;
    return true;
  };
  for (tableint i = 0; i < n; ++i) {
    const int levels = g.element_levels_[i];
    if (levels < 0 || levels > g.maxlevel_) return false;
    if (!linksOk(g.get_linklist0(i), g.maxM0_)) return false;
    for (int level = 1; level <= levels; ++level)
      if (!linksOk(g.get_linklist(i, level), g.maxM_)) return false;
  }
  return true;
}

}  // namespace

HnswGraph::HnswGraph(const VectorStore& store, size_t max_elements, int m, int ef_construction)
    : impl_(std::make_unique<Impl>(store, max_elements, m, ef_construction)) {}

HnswGraph::HnswGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<HnswGraph>> HnswGraph::load(const VectorStore& store, const std::string& path,
                                                    size_t max_elements, int m) {
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(store, path, max_elements);
  } catch (const std::exception& e) {
    return makeError("cannot load the graph " + path + ": " + e.what());
  }
  if (!soundGraph(impl->graph, static_cast<size_t>(m))) return makeError("the graph " + path + " is not sound");
  return std::unique_ptr<HnswGraph>(new HnswGraph(std::move(impl)));
}

std::vector<uint32_t> HnswGraph::relabel(const std::function<std::optional<uint32_t>(uint32_t)>& renamed) {
  auto& g = impl_->graph;
  std::vector<uint32_t> present;
  std::vector<uint8_t> claimed;
  g.label_lookup_.clear();
  for (hnswlib::tableint i = 0; i < g.cur_element_count; ++i) {
    const hnswlib::labeltype saved = g.getExternalLabel(i);
    std::optional<uint32_t> slot;
    if (!g.isMarkedDeleted(i) && saved < kOrphanLabels) slot = renamed(static_cast<uint32_t>(saved));
    if (slot && *slot < claimed.size() && claimed[*slot]) slot.reset();  // a slot is one element
    Handle handle = kTombstone;
    hnswlib::labeltype label = kOrphanLabels + i;
    if (slot) {
      if (*slot >= claimed.size()) claimed.resize(*slot + 1, 0);
      claimed[*slot] = 1;
      handle = slotHandle(*slot);
      label = *slot;
      present.push_back(*slot);
    } else if (!g.isMarkedDeleted(i)) {
      g.markDeletedInternal(i);
    }
    std::memcpy(g.getDataByInternalId(i), &handle, sizeof handle);
    g.setExternalLabel(i, label);
    g.label_lookup_[label] = i;
  }
  g.num_deleted_ = g.cur_element_count - present.size();  // hnswlib's loading constructor leaves it unset
  return present;
}

Result<uint64_t> HnswGraph::save(const std::string& path) const {
  const std::string partial = path + ".partial";
  try {
    impl_->graph.saveIndex(partial);
  } catch (const std::exception& e) {
    return makeError("cannot write " + partial + ": " + e.what());
  }
  std::error_code error;
  const uint64_t bytes = std::filesystem::file_size(partial, error);
  const auto& g = impl_->graph;
  uint64_t expected = sizeof g.offsetLevel0_ + sizeof g.max_elements_ + sizeof g.cur_element_count +
                      sizeof g.size_data_per_element_ + sizeof g.label_offset_ + sizeof g.offsetData_ +
                      sizeof g.maxlevel_ + sizeof g.enterpoint_node_ + sizeof g.maxM_ + sizeof g.maxM0_ + sizeof g.M_ +
                      sizeof g.mult_ + sizeof g.ef_construction_ + g.cur_element_count * (g.size_data_per_element_ + sizeof(unsigned));
  for (hnswlib::tableint i = 0; i < g.cur_element_count; ++i)
    expected += g.element_levels_[i] > 0 ? g.size_links_per_element_ * static_cast<size_t>(g.element_levels_[i]) : 0;
  if (error || bytes != expected) {
    std::filesystem::remove(partial, error);
    return makeError("cannot write " + partial + " (disk full?)");
  }
  std::filesystem::rename(partial, path, error);
  if (error) return makeError("cannot rename " + partial + ": " + error.message());
  return bytes;
}

HnswGraph::~HnswGraph() = default;

void HnswGraph::reserve(size_t more) {
  auto& graph = impl_->graph;
  size_t capacity = graph.max_elements_;
  // A quarter more at a time: each element's links are allocated up front, so
  // doubling a kernel-sized graph would reserve a hundred megabytes unused.
  while (graph.cur_element_count + more > capacity) capacity += capacity / 4 + 1024;
  if (capacity != graph.max_elements_) graph.resizeIndex(capacity);
}

void HnswGraph::add(uint32_t slot) {
  const Handle handle = slotHandle(slot);
  impl_->graph.addPoint(&handle, slot);
}

void HnswGraph::markDeleted(uint32_t slot) { impl_->graph.markDelete(slot); }

std::vector<std::pair<float, uint32_t>> HnswGraph::search(const float* query, size_t n) const {
  const Handle handle = queryHandle(query);
  auto queue = impl_->graph.searchKnn(&handle, n);
  std::vector<std::pair<float, uint32_t>> nearest;
  nearest.reserve(queue.size());
  while (!queue.empty()) {
    nearest.emplace_back(queue.top().first, static_cast<uint32_t>(queue.top().second));
    queue.pop();
  }
  return nearest;
}

}  // namespace cs
