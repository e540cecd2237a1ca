#include "indexer/index_store.h"

#include <sqlite3.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string_view>
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "indexer/half_vectors.h"

namespace cs {
namespace {

constexpr const char* kMagic = "CSIX";

// Owns one prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

nlohmann::json pointToJson(const SourcePoint& p) { return {p.line, p.byte_column, p.utf16_column}; }
SourcePoint pointFromJson(const nlohmann::json& j) {
  return SourcePoint{j.at(0).get<uint32_t>(), j.at(1).get<uint32_t>(), j.at(2).get<uint32_t>()};
}

std::string chunkToJson(const Chunk& c) {
  nlohmann::json j = {{"language", c.language}, {"kind", c.kind},           {"name", c.name},
                      {"qualified", c.qualified_name}, {"signature", c.signature}, {"doc", c.doc},
                      {"bytes", {c.start_byte, c.end_byte}},
                      {"start", pointToJson(c.start)}, {"end", pointToJson(c.end)}};
  if (c.part > 0) j["part"] = c.part;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Chunk chunkFromJson(const std::string& path, const std::string& text) {
  auto j = nlohmann::json::parse(text);
  Chunk c;
  c.path = path;
  c.language = j.at("language");
  c.kind = j.at("kind");
  c.name = j.at("name");
  c.qualified_name = j.at("qualified");
  c.signature = j.at("signature");
  c.doc = j.at("doc");
  c.start_byte = j.at("bytes").at(0);
  c.end_byte = j.at("bytes").at(1);
  c.start = pointFromJson(j.at("start"));
  c.end = pointFromJson(j.at("end"));
  c.part = j.value("part", 0u);
  return c;
}

std::string column(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  return text ? reinterpret_cast<const char*>(text) : "";
}

}  // namespace

IndexStore::~IndexStore() {
  if (db_) sqlite3_close(db_);
}

Status IndexStore::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown sqlite error";
    sqlite3_free(error);
    return makeError(std::string("sqlite: ") + message);
  }
  return {};
}

Result<std::unique_ptr<IndexStore>> IndexStore::open(const std::string& path, const std::string& model_id, int dim) {
  std::unique_ptr<IndexStore> store(new IndexStore());
  store->dim_ = dim;
  if (sqlite3_open(path.c_str(), &store->db_) != SQLITE_OK) {
    return makeError("cannot open index store " + path + ": " + sqlite3_errmsg(store->db_));
  }
  sqlite3_busy_timeout(store->db_, 5000);
  if (Status s = store->initialise(model_id, dim); !s.ok()) {
    // A file that is not a database at all: start over.
    sqlite3_close(store->db_);
    store->db_ = nullptr;
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
    if (sqlite3_open(path.c_str(), &store->db_) != SQLITE_OK) return makeError("cannot recreate index store " + path);
    if (Status again = store->initialise(model_id, dim); !again.ok()) return again.error().withContext(path);
  }
  return store;
}

Status IndexStore::initialise(const std::string& model_id, int dim) {
  if (Status s = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !s.ok()) return s;
  if (Status s = exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"); !s.ok()) return s;
  std::string magic, version, stored_model, stored_dim;
  {
    Statement read(db_, "SELECT key, value FROM meta");
    if (!read) return makeError("sqlite: cannot read meta");
    while (sqlite3_step(read.get()) == SQLITE_ROW) {
      std::string key = column(read.get(), 0), value = column(read.get(), 1);
      if (key == "magic") magic = value;
      if (key == "format_version") version = value;
      if (key == "model_id") stored_model = value;
      if (key == "dim") stored_dim = value;
    }
  }
  const bool fresh = magic.empty();
  if (!fresh && (magic != kMagic || version != std::to_string(kFormatVersion))) {
    // Another format: never misread it, rebuild.
    if (Status s = exec("DROP TABLE IF EXISTS chunks; DROP TABLE IF EXISTS files; DELETE FROM meta;"); !s.ok()) return s;
  }
  if (Status s = exec("CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER);"
                      "CREATE TABLE IF NOT EXISTS chunks (path TEXT NOT NULL, ord INTEGER NOT NULL, hash INTEGER,"
                      " chunk TEXT NOT NULL, vector BLOB, text TEXT NOT NULL, PRIMARY KEY (path, ord));");
      !s.ok())
    return s;
  if (!fresh && magic == kMagic && (stored_model != model_id || stored_dim != std::to_string(dim))) {
    // Vectors from another model are meaningless here: keep chunks, re-embed.
    if (Status s = exec("UPDATE chunks SET vector = NULL; UPDATE files SET mtime_ns = -1;"); !s.ok()) return s;
  }
  Statement write(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"magic", kMagic}, {"format_version", std::to_string(kFormatVersion)}, {"model_id", model_id},
           {"dim", std::to_string(dim)}}) {
    sqlite3_reset(write.get());
    sqlite3_bind_text(write.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(write.get(), 2, value.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(write.get()) != SQLITE_DONE) return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  // The store's identity: a wiped and rebuilt store counts its generations anew.
  Statement read_id(db_, "SELECT value FROM meta WHERE key = 'store_id'");
  if (read_id && sqlite3_step(read_id.get()) == SQLITE_ROW) id_ = std::strtoull(column(read_id.get(), 0).c_str(), nullptr, 10);
  if (id_ == 0) {
    std::random_device random;
    id_ = (static_cast<uint64_t>(random()) << 32 | random()) | 1;
    const std::string id = std::to_string(id_);
    sqlite3_reset(write.get());
    sqlite3_bind_text(write.get(), 1, "store_id", -1, SQLITE_STATIC);
    sqlite3_bind_text(write.get(), 2, id.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(write.get()) != SQLITE_DONE) return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  own_generation_ = readGenerationLocked().value_or(0);
  return {};
}

Result<std::vector<StoredFile>> IndexStore::storedFiles() {
  std::lock_guard lock(mutex_);
  std::vector<StoredFile> files;
  Statement stmt(db_, "SELECT path, mtime_ns, size FROM files ORDER BY path");
  if (!stmt) return makeError("sqlite: cannot read the stored files");
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    StoredFile f;
    f.path = column(stmt.get(), 0);
    f.stamp = FileStamp{sqlite3_column_int64(stmt.get(), 1), sqlite3_column_int64(stmt.get(), 2)};
    files.push_back(std::move(f));
  }
  return files;
}

Status IndexStore::loadChunks(const std::string& first, const std::string& last, std::vector<StoredFile>& files,
                              bool texts) {
  std::unordered_map<std::string_view, size_t> by_path;
  for (size_t i = 0; i < files.size(); ++i) by_path[files[i].path] = i;
  std::lock_guard lock(mutex_);
  Statement stmt(db_, texts ? "SELECT path, hash, chunk, vector, text FROM chunks WHERE path >= ?1 AND path <= ?2 ORDER BY path, ord"
                            : "SELECT path, hash, chunk, vector FROM chunks WHERE path >= ?1 AND path <= ?2 ORDER BY path, ord");
  if (!stmt) return makeError("sqlite: cannot read chunks");
  sqlite3_bind_text(stmt.get(), 1, first.data(), static_cast<int>(first.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt.get(), 2, last.data(), static_cast<int>(last.size()), SQLITE_TRANSIENT);
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    std::string path = column(stmt.get(), 0);
    auto it = by_path.find(path);
    if (it == by_path.end()) continue;
    IndexedChunk ic;
    try {
      ic.chunk = chunkFromJson(path, column(stmt.get(), 2));
    } catch (const nlohmann::json::exception& e) {
      continue;  // a damaged row: that chunk is re-extracted when the file changes
    }
    ic.content_hash = static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 1));
    const void* blob = sqlite3_column_blob(stmt.get(), 3);
    int bytes = sqlite3_column_bytes(stmt.get(), 3);
    if (blob && dim_ > 0 && bytes == dim_ * static_cast<int>(sizeof(uint16_t))) {
      std::vector<uint16_t> halves(static_cast<size_t>(dim_));
      std::memcpy(halves.data(), blob, static_cast<size_t>(bytes));
      ic.vector.resize(static_cast<size_t>(dim_));
      decodeHalves(halves.data(), halves.size(), ic.vector.data());
    }
    if (texts) ic.chunk.text = column(stmt.get(), 4);
    files[it->second].chunks.push_back(std::move(ic));
  }
  return {};
}

Result<std::vector<StoredFile>> IndexStore::loadAll() {
  auto files = storedFiles();
  if (!files.ok() || files->empty()) return files;
  if (Status s = loadChunks(files->front().path, files->back().path, files.value()); !s.ok())
    return s.error();
  return files;
}

Status IndexStore::replaceFile(const std::string& path, const FileStamp& stamp, const std::vector<IndexedChunk>& chunks) {
  std::lock_guard lock(mutex_);
  if (Status s = exec("BEGIN"); !s.ok()) return s;
  {
    Statement del(db_, "DELETE FROM chunks WHERE path = ?");
    sqlite3_bind_text(del.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(del.get());
    Statement file(db_, "INSERT OR REPLACE INTO files (path, mtime_ns, size) VALUES (?, ?, ?)");
    sqlite3_bind_text(file.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(file.get(), 2, stamp.mtime_ns);
    sqlite3_bind_int64(file.get(), 3, stamp.size);
    if (sqlite3_step(file.get()) != SQLITE_DONE) {
      (void)exec("ROLLBACK");
      return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    Statement insert(db_, "INSERT INTO chunks (path, ord, hash, chunk, vector, text) VALUES (?, ?, ?, ?, ?, ?)");
    std::vector<uint16_t> halves;
    for (size_t i = 0; i < chunks.size(); ++i) {
      const IndexedChunk& ic = chunks[i];
      std::string json = chunkToJson(ic.chunk);
      sqlite3_reset(insert.get());
      sqlite3_bind_text(insert.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert.get(), 2, static_cast<int64_t>(i));
      sqlite3_bind_int64(insert.get(), 3, static_cast<int64_t>(ic.content_hash));
      sqlite3_bind_text(insert.get(), 4, json.c_str(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
      if (ic.vector.empty()) {
        sqlite3_bind_null(insert.get(), 5);
      } else {
        halves.resize(ic.vector.size());
        encodeHalves(ic.vector.data(), ic.vector.size(), halves.data());
        sqlite3_bind_blob(insert.get(), 5, halves.data(), static_cast<int>(halves.size() * sizeof(uint16_t)),
                          SQLITE_TRANSIENT);
      }
      sqlite3_bind_text(insert.get(), 6, ic.chunk.text.data(), static_cast<int>(ic.chunk.text.size()), SQLITE_TRANSIENT);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) {
        (void)exec("ROLLBACK");
        return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
      }
    }
  }
  if (Status s = bumpGenerationLocked(); !s.ok()) {
    (void)exec("ROLLBACK");
    return s;
  }
  return exec("COMMIT");
}

std::vector<std::optional<std::string>> IndexStore::chunkTexts(const std::vector<StoredChunkKey>& keys) {
  std::vector<std::optional<std::string>> texts(keys.size());
  std::lock_guard lock(mutex_);
  Statement exact(db_, "SELECT text FROM chunks WHERE path = ?1 AND ord = ?2 AND hash = ?3");
  Statement moved(db_, "SELECT text FROM chunks WHERE path = ?1 AND hash = ?2 ORDER BY ord LIMIT 1");
  if (!exact || !moved) return texts;
  for (size_t i = 0; i < keys.size(); ++i) {
    const StoredChunkKey& key = keys[i];
    sqlite3_reset(exact.get());
    sqlite3_bind_text(exact.get(), 1, key.path.data(), static_cast<int>(key.path.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(exact.get(), 2, static_cast<int64_t>(key.ord));
    sqlite3_bind_int64(exact.get(), 3, static_cast<int64_t>(key.content_hash));
    if (sqlite3_step(exact.get()) == SQLITE_ROW) {
      texts[i] = column(exact.get(), 0);
      continue;
    }
    // The file was rewritten since (the store is written first, the index after).
    sqlite3_reset(moved.get());
    sqlite3_bind_text(moved.get(), 1, key.path.data(), static_cast<int>(key.path.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(moved.get(), 2, static_cast<int64_t>(key.content_hash));
    if (sqlite3_step(moved.get()) == SQLITE_ROW) texts[i] = column(moved.get(), 0);
  }
  return texts;
}

Status IndexStore::removeFile(const std::string& path) {
  std::lock_guard lock(mutex_);
  if (Status s = exec("BEGIN"); !s.ok()) return s;
  Statement chunks(db_, "DELETE FROM chunks WHERE path = ?");
  sqlite3_bind_text(chunks.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(chunks.get());
  Statement file(db_, "DELETE FROM files WHERE path = ?");
  sqlite3_bind_text(file.get(), 1, path.c_str(), -1, SQLITE_TRANSIENT);
  Status done = sqlite3_step(file.get()) == SQLITE_DONE ? bumpGenerationLocked()
                                                        : Status(makeError(std::string("sqlite: ") + sqlite3_errmsg(db_)));
  if (!done.ok()) {
    (void)exec("ROLLBACK");
    return done;
  }
  return exec("COMMIT");
}

std::optional<uint64_t> IndexStore::readGenerationLocked() {
  Statement read(db_, "SELECT value FROM meta WHERE key = 'generation'");
  if (!read) return std::nullopt;
  if (sqlite3_step(read.get()) != SQLITE_ROW) return 0;  // never written
  return static_cast<uint64_t>(std::strtoull(column(read.get(), 0).c_str(), nullptr, 10));
}

Status IndexStore::bumpGenerationLocked() {
  const std::optional<uint64_t> current = readGenerationLocked();
  if (!current) return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  if (*current != own_generation_) foreign_writes_ = true;
  Statement write(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)");
  const std::string next = std::to_string(*current + 1);
  sqlite3_bind_text(write.get(), 1, next.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(write.get()) != SQLITE_DONE) return makeError(std::string("sqlite: ") + sqlite3_errmsg(db_));
  own_generation_ = *current + 1;
  return {};
}

std::optional<IndexStore::Version> IndexStore::soleWriterVersion() {
  std::lock_guard lock(mutex_);
  const std::optional<uint64_t> current = readGenerationLocked();
  if (!current || foreign_writes_ || *current != own_generation_ || id_ == 0) return std::nullopt;
  return Version{id_, *current};
}

}  // namespace cs
