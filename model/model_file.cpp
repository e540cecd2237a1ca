#include "model/model_file.h"

#include <cstring>
#include <stdexcept>
#include <fstream>
#include <set>

#include "support/hash.h"

namespace cs {
namespace {

template <class T>
void writePod(std::ostream& out, T value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}
template <class T>
bool readPod(std::istream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof(T)));
}
void writeString(std::ostream& out, const std::string& s) {
  writePod<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}
bool readString(std::istream& in, std::string& s, uint32_t limit = 64u << 20) {
  uint32_t size = 0;
  if (!readPod(in, size) || size > limit) return false;
  s.resize(size);
  return static_cast<bool>(in.read(s.data(), size));
}

nlohmann::json configToJson(const NbowConfig& c) {
  return {{"architecture", "nbow-attention"}, {"vocab_size", c.vocab_size},       {"embedding_dim", c.embedding_dim},
          {"output_dim", c.output_dim},       {"tied", c.tied},                   {"max_code_tokens", c.max_code_tokens},
          {"max_query_tokens", c.max_query_tokens}, {"bigram_buckets", c.bigram_buckets},
          {"members", c.members}};
}

NbowConfig configFromJson(const nlohmann::json& j) {
  NbowConfig c;
  c.vocab_size = j.at("vocab_size");
  c.embedding_dim = j.at("embedding_dim");
  c.output_dim = j.at("output_dim");
  c.tied = j.at("tied");
  c.max_code_tokens = j.at("max_code_tokens");
  c.max_query_tokens = j.at("max_query_tokens");
  c.bigram_buckets = j.value("bigram_buckets", 0);  // absent in models written before bigrams
  c.members = j.value("members", 1);                // absent in single-model files written before ensembles
  if (c.members < 1 || c.members > 16) throw std::runtime_error("bad member count " + std::to_string(c.members));
  return c;
}

}  // namespace

Result<std::string> saveModelFile(const std::string& path, NbowModel& model, const Tokenizer& tokenizer,
                                  const nlohmann::json& metadata) {
  try {
    torch::NoGradGuard no_grad;
    // Tensors first, in a buffer, so the id can hash them.
    std::ostringstream tensors;
    auto params = model->named_parameters(/*recurse=*/true);
    writePod<uint32_t>(tensors, static_cast<uint32_t>(params.size()));
    for (const auto& item : params) {
      auto half = item.value().detach().to(torch::kCPU).to(torch::kHalf).contiguous();
      writeString(tensors, item.key());
      writePod<uint32_t>(tensors, static_cast<uint32_t>(half.dim()));
      for (int64_t d : half.sizes()) writePod<uint64_t>(tensors, static_cast<uint64_t>(d));
      tensors.write(static_cast<const char*>(half.data_ptr()), static_cast<std::streamsize>(half.numel() * 2));
    }
    const std::string tensor_bytes = tensors.str();
    char id[32];
    std::snprintf(id, sizeof id, "cs-nbow-%012llx",
                  static_cast<unsigned long long>(fnv1a(tensor_bytes.data(), tensor_bytes.size()) & 0xffffffffffffull));
    nlohmann::json header = {{"model_id", id}, {"config", configToJson(model->config)}, {"metadata", metadata}};

    std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return makeError("cannot write " + tmp);
    out.write(kModelMagic, 4);
    writePod<uint32_t>(out, kModelFormatVersion);
    writeString(out, header.dump());
    writePod<uint32_t>(out, static_cast<uint32_t>(tokenizer.vocabSize()));
    for (int i = 0; i < tokenizer.vocabSize(); ++i) {
      writeString(out, tokenizer.pieceTexts()[static_cast<size_t>(i)]);
      writePod<float>(out, tokenizer.pieceScores()[static_cast<size_t>(i)]);
    }
    out.write(tensor_bytes.data(), static_cast<std::streamsize>(tensor_bytes.size()));
    out.close();
    if (!out) return makeError("writing " + tmp + " failed");
    std::rename(tmp.c_str(), path.c_str());
    return std::string(id);
  } catch (const std::exception& e) {
    return makeError(std::string("saving model: ") + e.what());
  }
}

Result<LoadedModel> loadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError("model file not found: " + path);
  char magic[4];
  if (!in.read(magic, 4) || std::memcmp(magic, kModelMagic, 4) != 0) {
    return makeError(path + " is not a codesearch model file (bad magic)");
  }
  uint32_t version = 0;
  if (!readPod(in, version) || version != kModelFormatVersion) {
    return makeError(path + ": unsupported model format version " + std::to_string(version) + " (expected " +
                     std::to_string(kModelFormatVersion) + ")");
  }
  try {
    std::string header_text;
    if (!readString(in, header_text)) return makeError(path + ": truncated header");
    auto header = nlohmann::json::parse(header_text);
    LoadedModel loaded;
    loaded.model_id = header.at("model_id");
    loaded.metadata = header.value("metadata", nlohmann::json::object());
    NbowConfig config = configFromJson(header.at("config"));

    uint32_t vocab = 0;
    if (!readPod(in, vocab) || vocab > 10'000'000) return makeError(path + ": bad vocabulary size");
    std::vector<std::string> pieces(vocab);
    std::vector<float> scores(vocab);
    for (uint32_t i = 0; i < vocab; ++i) {
      if (!readString(in, pieces[i], 1024) || !readPod(in, scores[i])) return makeError(path + ": truncated vocabulary");
    }
    auto tokenizer = Tokenizer::fromPieces(std::move(pieces), std::move(scores));
    if (!tokenizer.ok()) return tokenizer.error().withContext(path);
    loaded.tokenizer = std::make_unique<Tokenizer>(std::move(tokenizer.value()));

    loaded.model = NbowModel(config);
    auto params = loaded.model->named_parameters(true);
    uint32_t count = 0;
    if (!readPod(in, count)) return makeError(path + ": truncated weights");
    torch::NoGradGuard no_grad;
    std::set<std::string> loaded_names;
    for (uint32_t t = 0; t < count; ++t) {
      std::string name;
      uint32_t dims = 0;
      if (!readString(in, name, 4096) || !readPod(in, dims) || dims > 8) return makeError(path + ": bad tensor header");
      std::vector<int64_t> shape(dims);
      int64_t numel = 1;
      for (uint32_t d = 0; d < dims; ++d) {
        uint64_t size = 0;
        if (!readPod(in, size)) return makeError(path + ": bad tensor shape");
        shape[d] = static_cast<int64_t>(size);
        numel *= shape[d];
      }
      auto half = torch::empty(shape, torch::kHalf);
      if (!in.read(static_cast<char*>(half.data_ptr()), numel * 2)) return makeError(path + ": truncated tensor " + name);
      auto* param = params.find(name);
      if (!param) return makeError(path + ": unexpected tensor " + name);
      if (!loaded_names.insert(name).second) return makeError(path + ": tensor " + name + " appears twice");
      if (param->sizes() != half.sizes()) return makeError(path + ": tensor " + name + " has the wrong shape");
      param->copy_(half.to(torch::kFloat32));
    }
    // Every parameter must come from the file: a missing one would stay randomly initialised.
    if (loaded_names.size() != params.size()) {
      for (const auto& item : params) {
        if (!loaded_names.count(item.key())) return makeError(path + ": missing tensor " + item.key());
      }
    }
    loaded.model->eval();
    return loaded;
  } catch (const std::exception& e) {
    return makeError(path + ": " + e.what());
  }
}

}  // namespace cs
