// The daemon with the shipped model: dense retrieval works over LSP, the status
// names the model, and the CLI answers with the same engine.
#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>

#include "lsp_test_client.h"

namespace cs::test {
namespace {

const std::string kModel = std::string(CS_SOURCE_DIR) + "/model/weights/codesearch-model.bin";

void writeFixture(TempWorkspace& ws) {
  ws.write("net/retry.py",
           "import time\n\ndef call_with_backoff(fn, attempts=5):\n    delay = 0.1\n"
           "    for _ in range(attempts):\n        try:\n            return fn()\n"
           "        except IOError:\n            time.sleep(delay)\n            delay *= 2\n"
           "    raise IOError('giving up')\n");
  ws.write("auth/jwt.go",
           "package auth\n\nfunc CheckSignature(token string, key []byte) bool {\n"
           "\tparts := strings.Split(token, \".\")\n\treturn hmac.Equal(sign(parts[0]+parts[1], key), parts[2])\n}\n");
  ws.write("ui/table.ts",
           "export function sortRowsByColumn(rows: Row[], column: string): Row[] {\n"
           "  return [...rows].sort((a, b) => a[column] < b[column] ? -1 : 1);\n}\n");
}

TEST(DaemonWithModel, SemanticSearchAndModelStatus) {
  ASSERT_TRUE(std::filesystem::exists(kModel)) << "the shipped model is missing: " << kModel;
  TempWorkspace ws;
  writeFixture(ws);
  LspTestClient client({"serve", "--no-cache", "--model", kModel, "--index-threads", "1"});
  client.initialize(ws.root());
  Json status = client.waitIdle(std::chrono::seconds(120), 3);
  ASSERT_TRUE(status["model"].is_object()) << status.dump();
  EXPECT_EQ(status["model"]["id"].get<std::string>().rfind("cs-nbow-", 0), 0u);
  EXPECT_GT(status["model"]["dim"].get<int>(), 0);
  EXPECT_EQ(status["model"]["device"], "cpu");

  // Words the code never uses: only the dense signal can connect them.
  auto r = client.request("codeSearch/query", Json{{"query", "retry a failing call with exponential backoff"},
                                                  {"mode", "semantic"}, {"limit", 3}});
  ASSERT_TRUE(r && r->contains("result")) << (r ? r->dump() : "timeout");
  const Json& top = (*r)["result"]["results"][0];
  EXPECT_EQ(top["name"], "call_with_backoff");
  EXPECT_TRUE(top["scores"]["dense"].is_number());
  EXPECT_EQ((*r)["result"]["mode"], "semantic");

  auto hybrid = client.request("codeSearch/query", Json{{"query", "verify a token signature"}, {"limit", 3}});
  EXPECT_EQ((*hybrid)["result"]["results"][0]["name"], "CheckSignature");
  EXPECT_EQ((*hybrid)["result"]["mode"], "hybrid");
  EXPECT_EQ(client.shutdownAndExit(), 0);
}

TEST(CliWithModel, QueryPrintsTheContractJson) {
  ASSERT_TRUE(std::filesystem::exists(kModel));
  TempWorkspace ws;
  writeFixture(ws);
  std::string command = std::string(CS_DAEMON_PATH) + " query " + ws.root() +
                        " 'sort table rows by a column' --json --no-cache --limit 2 --model " + kModel;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0);
  Json result = Json::parse(output);
  ASSERT_FALSE(result["results"].empty());
  EXPECT_EQ(result["results"][0]["name"], "sortRowsByColumn");
  EXPECT_EQ(result["index"]["complete"], true);
  EXPECT_LE(result["results"].size(), 2u);
}

}  // namespace
}  // namespace cs::test
