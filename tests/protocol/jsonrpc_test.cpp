#include "protocol/jsonrpc.h"

#include <gtest/gtest.h>

#include "protocol/codesearch_types.h"
#include "protocol/lsp_types.h"

namespace cs::protocol {
namespace {

TEST(ParseMessage, Request) {
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":7,"method":"codeSearch/query","params":{"query":"x"}})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Message::Kind::kRequest);
  EXPECT_EQ(m->id, 7);
  EXPECT_EQ(m->method, "codeSearch/query");
  EXPECT_EQ(m->params["query"], "x");
}

TEST(ParseMessage, NotificationAndResponse) {
  auto n = parseMessage(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->kind, Message::Kind::kNotification);
  auto r = parseMessage(R"({"jsonrpc":"2.0","id":"s1","result":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, Message::Kind::kResponse);
  EXPECT_EQ(r->id, "s1");
}

TEST(ParseMessage, MalformedJsonIsParseError) {
  auto m = parseMessage("{\"jsonrpc\":\"2.0\",\"id\":1,");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, kParseError);
}

TEST(ParseMessage, DeepNestingIsRefusedWithTheIdAndNoCrash) {
  const std::string open(1'000'000, '['), close(1'000'000, ']');
  Json id;
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":9,"method":"codeSearch/query","params":{"query":)" + open + close +
                        "}}", &id);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, kInvalidRequest);
  EXPECT_EQ(id, 9);
  auto bare = parseMessage(open + close);
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.error().code, kInvalidRequest);
}

TEST(ParseMessage, NestingUpToTheLimitIsAccepted) {
  const int levels = kMaxJsonDepth - 2;  // the message object and "params" take two
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" + std::string(levels, '[') +
                        std::string(levels, ']') + "}");
  EXPECT_TRUE(m.ok());
}

TEST(ParseMessage, InvalidUtf8IsRepairedWithReplacementCharacters) {
  std::string body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":{\"q\":\"a\xff\xfe\xc0\xafz\"}}";
  auto m = parseMessage(body);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->id, 1);
  EXPECT_EQ(m->params["q"], "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");  // one U+FFFD per bad byte
}

TEST(ParseMessage, LoneSurrogateEscapesBecomeReplacementCharacters) {
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":2,"method":"x","params":{"q":"a\ud800b\udc00c\ud83d\ude00\\ud800"}})");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->params["q"], "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xF0\x9F\x98\x80\\ud800");  // the pair and "\\" stay
}

TEST(ParseMessage, NullIdRequestIsInvalidRequestNotANotification) {
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":null,"method":"codeSearch/status"})");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, kInvalidRequest);
  EXPECT_TRUE(parseMessage(R"({"jsonrpc":"2.0","method":"initialized"})").ok());  // no id member: a notification
}

TEST(RepairUtf8, KeepsWellFormedTextByteForByte) {
  const std::string text = "{\"k\":\"caf\xc3\xa9 \xe2\x96\x81 \xf0\x9f\x98\x80 \\n\\\" \\u00e9\"}";
  EXPECT_EQ(repairUtf8(text), text);
  EXPECT_EQ(repairUtf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // an encoded surrogate
}

// Found by fuzz/jsonrpc_fuzzer.cpp: a backslash before a non-ASCII byte copied
// that byte through unrepaired (ill-formed output; a valid multi-byte
// character behind it was split and its tail replaced).
TEST(RepairUtf8, BackslashBeforeNonAsciiKeepsTheOutputWellFormed) {
  EXPECT_EQ(repairUtf8("\"\\\xa9\""), "\"\\\xEF\xBF\xBD\"");
  EXPECT_EQ(repairUtf8("\"\\\xc3\xa9\""), "\"\\\xc3\xa9\"");  // é after the backslash survives whole
  const std::string once = repairUtf8("{\"jsonrpc\":\"2.2\",\"D[[\":\"\xff\xfe \\\xa9\"}}");
  EXPECT_EQ(repairUtf8(once), once);  // idempotent
  EXPECT_EQ(once.find('\xa9'), std::string::npos);
  EXPECT_EQ(repairUtf8("\"\\"), "\"\\");  // a backslash at the very end
}

TEST(ParseMessage, WrongShapeIsInvalidRequestAndKeepsTheId) {
  Json id;
  auto m = parseMessage(R"({"jsonrpc":"2.0","id":3,"method":42})", &id);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, kInvalidRequest);
  EXPECT_EQ(id, 3);
  EXPECT_FALSE(parseMessage("[1,2,3]").ok());
  EXPECT_FALSE(parseMessage(R"({"id":{"x":1},"method":"m"})").ok());
}

TEST(Serialize, ReplaceInvalidUtf8InsteadOfThrowing) {
  std::string out = serializeResult(1, Json{{"preview", std::string("ok \xff bad")}});
  auto back = Json::parse(out);
  EXPECT_EQ(back["id"], 1);
  EXPECT_NE(back["result"]["preview"].get<std::string>().find("ok"), std::string::npos);
}

}  // namespace
}  // namespace cs::protocol
