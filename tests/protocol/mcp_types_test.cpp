#include "protocol/mcp_types.h"

#include <gtest/gtest.h>

namespace cs::protocol::mcp {
namespace {

TEST(McpVersion, KnownVersionsAreEchoedAndUnknownOnesGetTheNewest) {
  EXPECT_EQ(negotiateProtocolVersion("2025-11-25"), "2025-11-25");
  EXPECT_EQ(negotiateProtocolVersion("2025-06-18"), "2025-06-18");
  EXPECT_EQ(negotiateProtocolVersion("2025-03-26"), "2025-03-26");
  EXPECT_EQ(negotiateProtocolVersion("2024-11-05"), "2024-11-05");
  EXPECT_EQ(negotiateProtocolVersion("2099-01-01"), "2025-11-25");
  EXPECT_EQ(negotiateProtocolVersion(""), "2025-11-25");
  EXPECT_TRUE(supportsStructuredContent("2025-06-18"));
  EXPECT_TRUE(supportsStructuredContent("2025-11-25"));
  EXPECT_FALSE(supportsStructuredContent("2025-03-26"));
}

TEST(McpSearchArgs, DefaultsAndAllFields) {
  auto minimal = decodeSearchCodeArgs(Json{{"query", "parse a url"}});
  ASSERT_TRUE(minimal.ok()) << minimal.error().message;
  EXPECT_EQ(minimal->query, "parse a url");
  EXPECT_EQ(minimal->limit, 10);
  EXPECT_EQ(minimal->mode, "hybrid");
  EXPECT_EQ(minimal->max_tokens, 2000);
  EXPECT_FALSE(minimal->filters.exclude_tests);

  auto full = decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", 25.0}, {"mode", "lexical"},
                                        {"languages", {"python"}}, {"paths", "src/**"}, {"kinds", {"function"}},
                                        {"exclude_tests", true}, {"max_tokens", 500}});
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->limit, 25);
  EXPECT_EQ(full->mode, "lexical");
  EXPECT_EQ(full->filters.languages, std::vector<std::string>{"python"});
  EXPECT_EQ(full->filters.paths, std::vector<std::string>{"src/**"});  // a lone string is a list of one
  EXPECT_EQ(full->filters.kinds, std::vector<std::string>{"function"});
  EXPECT_TRUE(full->filters.exclude_tests);
  EXPECT_EQ(full->max_tokens, 500);
}

std::string errorOf(const Result<SearchCodeArgs>& r) { return r.ok() ? "(ok)" : r.error().message; }

TEST(McpSearchArgs, BadArgumentsSayWhatIsWrong) {
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json::object())).find("missing required argument 'query'"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(nullptr)).find("'query'"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json::array())).find("must be an object"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", 3}})).find("'query' must be a string"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "  \n"}})).find("must not be empty"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", std::string(4097, 'a')}})).find("longer than 4096"),
            std::string::npos);
  EXPECT_TRUE(decodeSearchCodeArgs(Json{{"query", std::string(4096, 'a')}}).ok());
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", 0}})).find("from 1 to 100 (got 0)"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", 101}})).find("(got 101)"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", 2.5}})).find("'limit' must be an integer"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", "5"}})).find("'limit'"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"limit", 1e300}})).find("'limit'"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"mode", "fuzzy"}})).find("'mode'"), std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"paths", {1}}})).find("array of strings"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"paths", std::vector<std::string>(65, "a")}}))
                .find("at most 64"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"paths", {std::string(257, 'a')}}})).find("256 bytes"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"exclude_tests", "yes"}})).find("true or false"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"max_tokens", 10}})).find("'max_tokens'"),
            std::string::npos);
  EXPECT_NE(errorOf(decodeSearchCodeArgs(Json{{"query", "q"}, {"qurey", "x"}})).find("unknown argument 'qurey'"),
            std::string::npos);
}

TEST(McpSimilarArgs, FileAndLineOrCode) {
  auto at = decodeFindSimilarArgs(Json{{"file", "src/a.py"}, {"line", 3}, {"limit", 5}, {"languages", {"python"}}});
  ASSERT_TRUE(at.ok()) << at.error().message;
  EXPECT_EQ(*at->file, "src/a.py");
  EXPECT_EQ(*at->line, 3);
  EXPECT_EQ(at->limit, 5);
  EXPECT_FALSE(at->code);
  auto code = decodeFindSimilarArgs(Json{{"code", "def f(): pass"}});
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(*code->code, "def f(): pass");
  EXPECT_FALSE(code->file);

  auto message = [](const Json& j) {
    auto r = decodeFindSimilarArgs(j);
    return r.ok() ? std::string("(ok)") : r.error().message;
  };
  EXPECT_NE(message(Json::object()).find("give 'file' and 'line'"), std::string::npos);
  EXPECT_NE(message(Json{{"file", "a.py"}}).find("missing argument 'line'"), std::string::npos);
  EXPECT_NE(message(Json{{"line", 2}}).find("missing argument 'file'"), std::string::npos);
  EXPECT_NE(message(Json{{"file", "a.py"}, {"line", 0}}).find("'line' must be an integer from 1"), std::string::npos);
  EXPECT_NE(message(Json{{"file", "a.py"}, {"line", 1}, {"code", "x"}}).find("not both"), std::string::npos);
  EXPECT_NE(message(Json{{"code", ""}}).find("must not be empty"), std::string::npos);
  EXPECT_NE(message(Json{{"code", std::string(kMaxCodeBytes + 1, 'x')}}).find("longer than"), std::string::npos);
}

TEST(McpDefinitionArgs, SymbolIsRequired) {
  auto ok = decodeFindDefinitionArgs(Json{{"symbol", "Rails::Engine"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->symbol, "Rails::Engine");
  EXPECT_EQ(ok->limit, 5);
  auto missing = decodeFindDefinitionArgs(Json::object());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'symbol'"), std::string::npos);
}

TEST(McpTools, FourToolsWithSchemas) {
  Json tools = toolDefinitions(true);
  ASSERT_EQ(tools.size(), 4u);
  std::vector<std::string> names;
  for (const auto& t : tools) {
    names.push_back(t["name"]);
    EXPECT_EQ(t["inputSchema"]["type"], "object");
    EXPECT_EQ(t["outputSchema"]["type"], "object");
    EXPECT_FALSE(t["description"].get<std::string>().empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"search_code", "find_similar", "find_definition", "index_status"}));
  EXPECT_EQ(tools[0]["inputSchema"]["required"], Json::array({"query"}));
  EXPECT_EQ(tools[0]["inputSchema"]["properties"]["limit"]["maximum"], 100);
  // Before 2025-06-18 there are no output schemas.
  for (const auto& t : toolDefinitions(false)) EXPECT_FALSE(t.contains("outputSchema"));
}

SearchResult sample(size_t n, bool complete = true) {
  SearchResult r;
  for (size_t i = 0; i < n; ++i) {
    ResultItem item;
    item.path = "src/file" + std::to_string(i) + ".py";
    item.start_line = 10 + static_cast<int>(i);
    item.end_line = 20 + static_cast<int>(i);
    item.name = "handler" + std::to_string(i);
    item.qualified_name = "Server.handler" + std::to_string(i);
    item.kind = "method";
    item.language = "python";
    item.score = 1.0 / (i + 1);
    item.preview = "def handler(self, request):";
    item.start_column = 4;  // a method: its body is indented 8
    item.code = "def handler(self, request):\n        x = 1\n        y = 2\n        z = 3\n        w = 4\n"
                "        v = 5\n        u = 6\n        return x\n";
    r.results.push_back(item);
  }
  r.index = IndexInfo{3, 40, complete ? 0u : 7u, complete};
  r.mode = "hybrid";
  return r;
}

TEST(McpRender, TitleLineThenCodeIndentedFromTheDefinition) {
  std::string text = renderText(sample(1), "1 result for \"handler\" (hybrid)", 2000);
  EXPECT_EQ(text,
            "1 result for \"handler\" (hybrid)\n"
            "\n"
            "src/file0.py:10  method Server.handler0\n"
            "    def handler(self, request):\n"
            "        x = 1\n"
            "        y = 2\n"
            "        z = 3\n"
            "        w = 4\n"
            "        v = 5\n"
            "    …\n");
}

TEST(McpRender, BlankLinesCarryNoIndentation) {
  SearchResult r = sample(1);
  r.results[0].code = "class A:\n    x = 1\n\n    def f(self):\n        pass\n";
  r.results[0].start_column = 0;
  std::string text = renderText(r, "h", 2000);
  EXPECT_NE(text.find("\n    class A:\n        x = 1\n\n        def f(self):\n            pass\n"), std::string::npos)
      << text;
}

TEST(McpRender, AMethodKeepsItsBodyIndentedUnderItsFirstLine) {
  SearchResult r = sample(1);
  r.results[0].code = "def send(self, request):\n        return request\n";  // starts at column 4
  r.results[0].start_column = 4;
  std::string text = renderText(r, "h", 2000);
  EXPECT_NE(text.find("\n    def send(self, request):\n        return request\n"), std::string::npos) << text;
}

TEST(McpRender, CutToTheTokenBudgetAndSaysHowManyAreLeftOut) {
  SearchResult r = sample(20);
  std::string text = renderText(r, "20 results", 100);
  EXPECT_LE(text.size(), 400u);
  EXPECT_NE(text.find("src/file0.py:10"), std::string::npos);
  EXPECT_EQ(text.find("src/file19.py"), std::string::npos);
  EXPECT_NE(text.find("more results not shown"), std::string::npos);
  std::string all = renderText(r, "20 results", 100000);
  EXPECT_NE(all.find("src/file19.py:29"), std::string::npos);
  EXPECT_EQ(all.find("not shown"), std::string::npos);
}

TEST(McpRender, SaysWhenTheIndexIsIncompleteOrEmpty) {
  std::string text = renderText(sample(1, /*complete=*/false), "1 result", 2000);
  EXPECT_NE(text.find("Indexing in progress (3 files, 40 chunks indexed, 7 files pending)"), std::string::npos);
  Json structured = toStructured(sample(1, false));
  EXPECT_EQ(structured["index"], (Json{{"files", 3}, {"chunks", 40}, {"pending", 7}, {"complete", false}}));
  EXPECT_NE(renderText(sample(0), "0 results", 2000).find("No results."), std::string::npos);
}

TEST(McpRender, StructuredItemsCarryTheContractFields) {
  Json j = toStructured(sample(1));
  ASSERT_EQ(j["results"].size(), 1u);
  const Json& item = j["results"][0];
  EXPECT_EQ(item["path"], "src/file0.py");
  EXPECT_EQ(item["start_line"], 10);
  EXPECT_EQ(item["end_line"], 20);
  EXPECT_EQ(item["qualified_name"], "Server.handler0");
  EXPECT_FALSE(item.contains("code"));
  EXPECT_EQ(j["mode"], "hybrid");
}

TEST(McpResults, ErrorsAreIsErrorToolResults) {
  Json error = toolError("bad");
  EXPECT_EQ(error["isError"], true);
  EXPECT_EQ(error["content"][0]["type"], "text");
  EXPECT_EQ(error["content"][0]["text"], "bad");
  Json ok = toolResult("text", Json{{"a", 1}});
  EXPECT_EQ(ok["isError"], false);
  EXPECT_EQ(ok["structuredContent"]["a"], 1);
  EXPECT_FALSE(toolResult("text", std::nullopt).contains("structuredContent"));
}

}  // namespace
}  // namespace cs::protocol::mcp
