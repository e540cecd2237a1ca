// Extraction on small fixtures, one per language (tests/fixtures/extract/).
#include "indexer/extractor.h"

#include <chrono>

#include <gtest/gtest.h>

#include "extract_fixtures.h"

namespace cs {
namespace {

using test::readExtractFixture;

std::vector<Chunk> extractFixture(const std::string& name) {
  const std::string path = test::extractFixturePath(name);
  const std::string text = readExtractFixture(name);
  auto language = languageForSource(path, text);
  EXPECT_TRUE(language.has_value()) << name;
  Extractor extractor;
  auto chunks = extractor.extract(path, text, *language);
  EXPECT_TRUE(chunks.ok()) << (chunks.ok() ? "" : chunks.error().message);
  return chunks.ok() ? chunks.value() : std::vector<Chunk>{};
}

const Chunk* find(const std::vector<Chunk>& chunks, const std::string& qualified_name) {
  for (const auto& c : chunks) {
    if (c.qualified_name == qualified_name) return &c;
  }
  return nullptr;
}

// The chunk of that name starting on that (1-based) line, else the first of that
// name: Scala companions and Haskell instances share their type's name.
const Chunk* findAt(const std::vector<Chunk>& chunks, const std::string& qualified_name, uint32_t line) {
  for (const auto& c : chunks) {
    if (c.qualified_name == qualified_name && c.start.line + 1 == line) return &c;
  }
  return find(chunks, qualified_name);
}

struct Expected {
  std::string qualified_name;
  std::string kind;
  uint32_t start_line;  // 1-based, as a person reads the fixture
  std::string doc_prefix;
  uint32_t end_line = 0;  // checked when set
};

struct LanguageCase {
  std::string fixture;
  std::string language;
  std::vector<Expected> expected;
};

class ExtractorLanguageTest : public ::testing::TestWithParam<LanguageCase> {};

TEST_P(ExtractorLanguageTest, ExtractsDefinitionsWithKindsScopesLinesAndDocs) {
  const LanguageCase& c = GetParam();
  auto chunks = extractFixture(c.fixture);
  ASSERT_FALSE(chunks.empty());
  for (const auto& chunk : chunks) EXPECT_EQ(chunk.language, c.language);
  for (const Expected& e : c.expected) {
    const Chunk* chunk = findAt(chunks, e.qualified_name, e.start_line);
    ASSERT_NE(chunk, nullptr) << c.fixture << ": missing " << e.qualified_name;
    EXPECT_EQ(chunk->kind, e.kind) << e.qualified_name;
    EXPECT_EQ(chunk->start.line + 1, e.start_line) << e.qualified_name;
    if (e.end_line) EXPECT_EQ(chunk->end.line + 1, e.end_line) << e.qualified_name;
    EXPECT_EQ(chunk->doc.substr(0, e.doc_prefix.size()), e.doc_prefix) << e.qualified_name;
    EXPECT_FALSE(chunk->signature.empty()) << e.qualified_name;
    EXPECT_EQ(chunk->text.substr(0, 1), readExtractFixture(c.fixture).substr(chunk->start_byte, 1));
  }
  // At most one module chunk per file (none when every line belongs to a definition).
  int modules = 0;
  for (const auto& chunk : chunks) modules += chunk.kind == "module";
  EXPECT_LE(modules, 1) << c.fixture;
}

INSTANTIATE_TEST_SUITE_P(
    AllLanguages, ExtractorLanguageTest,
    ::testing::Values(
        LanguageCase{"sample.py", "python",
                     {{"HttpClient", "class", 7, "A tiny HTTP client."},
                      {"HttpClient.__init__", "constructor", 10, ""},
                      {"HttpClient.send", "method", 13, "Send a request"},  // from its decorator
                      {"parse_query_string", "function", 19, ""}}},
        LanguageCase{"sample.js", "javascript",
                     {{"debounce", "function", 8, "Debounce a function call."},
                      {"Cache", "class", 13, ""},
                      {"Cache.constructor", "constructor", 14, ""},
                      {"Cache.get", "method", 16, "Get a value."},
                      {"formatDate", "function", 19, ""},
                      {"Emitter.emit", "method", 23, ""},
                      {"home", "function", 27, ""}}},
        LanguageCase{"sample.ts", "typescript",
                     {{"User", "interface", 1, ""},
                      {"UserRepo", "class", 4, "Repository of users."},
                      {"UserRepo.findById", "method", 7, "Find a user by id."},
                      {"Color", "enum", 12, ""},
                      {"sum", "function", 14, ""},
                      {"double", "function", 17, ""},
                      {"Router.handle", "method", 20, ""},  // a class field holding an arrow function
                      {"Handler", "type", 23, ""},
                      {"fetchUser", "function", 26, ""}}},  // an object-literal member
        LanguageCase{"sample.tsx", "tsx", {{"Greeting", "function", 4, "Renders a greeting."}}},
        LanguageCase{"sample.go", "go",
                     {{"Token", "struct", 9, "Token is a bearer token."},
                      {"Validator", "interface", 14, "Validator validates tokens."},
                      {"Token.Validate", "method", 19, "Validate checks"},
                      {"NewToken", "function", 24, "NewToken creates a token."},
                      {"HandlerFunc", "type", 27, "HandlerFunc handles a request."}}},
        LanguageCase{"Sample.java", "java",
                     {{"Account", "class", 4, "A bank account."},
                      {"Account.Account", "constructor", 8, "Creates an empty account."},
                      {"Account.deposit", "method", 14, "Deposits money."},
                      {"Account.Listener", "interface", 17, ""},
                      {"Account.Kind", "enum", 19, ""}}},
        LanguageCase{"sample.rs", "rust",
                     {{"Store", "struct", 6, "A key-value store."},
                      {"Store.new", "method", 12, "Creates an empty store."},
                      {"Store.get", "method", 17, "Gets a value."},
                      {"Persist", "trait", 22, ""},
                      {"Mode", "enum", 26, ""},
                      {"util.helper", "function", 29, ""},
                      {"Store.save", "method", 33, ""},      // impl Persist for Store
                      {"Store.save", "method", 37, ""},      // impl<'a> Persist for &'a mut Store
                      {"Result", "type", 40, ""}}},
        LanguageCase{"sample.c", "c",
                     {{"point", "struct", 4, "A point in 2D."},
                      {"add", "function", 11, "Adds two numbers."},
                      {"dup_string", "function", 15, ""},
                      {"color", "enum", 19, ""}}},
        LanguageCase{"sample.cpp", "cpp",
                     {{"net.Connection", "class", 6, "A TCP connection."},
                      {"net.Connection.send", "method", 9, "Sends bytes."},
                      {"net.open", "function", 15, "Opens a connection."},
                      {"net.Connection.close", "method", 19, ""},  // out of line
                      {"max_of", "function", 23, ""}}},
        // Header-only library patterns: namespace-wrapping and export macros, templates,
        // trailing return types, out-of-line members, specialisations.
        LanguageCase{"header_only.hpp", "cpp",
                     {{"basic_thing", "class", 10, "A basic thing."},
                      {"basic_thing.size", "method", 13, "Its size in bytes."},
                      {"basic_thing.convert", "method", 14, ""},
                      {"basic_thing.operator==", "method", 15, ""},
                      {"basic_thing.reset", "method", 20, ""},
                      {"exported_widget", "class", 23, "A widget the library exports."},
                      {"exported_widget.draw", "method", 28, ""},
                      {"make_thing", "function", 31, "", 33},
                      {"hash", "struct", 36, ""},
                      {"hash.operator()", "method", 37, ""},
                      {"exported_function", "function", 40, ""}}},
        LanguageCase{"sample.cs", "csharp",
                     {{"Shop.Orders.Order", "class", 6, "An order."},
                      {"Shop.Orders.Order.Order", "constructor", 8, ""},
                      {"Shop.Orders.Order.Total", "method", 11, "Computes the total."},
                      {"Shop.Orders.IOrderRepository", "interface", 16, ""},
                      {"Shop.Orders.Status", "enum", 18, ""}}},
        LanguageCase{"sample.rb", "ruby",
                     {{"Billing.Invoice", "class", 5, ""},
                      {"Billing.Invoice.initialize", "constructor", 6, ""},
                      {"Billing.Invoice.total", "method", 11, "Total with tax."},
                      {"Billing.Invoice.load", "method", 15, ""}}},
        LanguageCase{"sample.php", "php",
                     {{"Controller", "class", 7, "Handles requests."},
                      {"Controller.__construct", "constructor", 9, ""},
                      {"Controller.dispatch", "method", 12, "Dispatch the request."},
                      {"helper_fn", "function", 18, ""},
                      {"Middleware", "interface", 20, ""}}},
        LanguageCase{"sample.sh", "bash",
                     {{"usage", "function", 5, "Prints usage."}, {"build_all", "function", 9, ""}}},
        LanguageCase{"sample.kt", "kotlin",
                     {{"HttpClient", "class", 8, "A minimal HTTP client with retries.", 20},
                      {"HttpClient.get", "method", 10, "Sends a GET request to [path].", 12},
                      {"HttpClient.send", "method", 14, ""},
                      {"HttpClient.local", "method", 18, "Creates a client for localhost."},
                      {"Request", "class", 23, "A request method and URL."},
                      {"Transport", "interface", 25, ""},
                      {"Transport.execute", "method", 26, ""},
                      {"Method", "enum", 29, ""},
                      {"Defaults", "class", 31, ""},
                      {"Defaults.timeout", "method", 33, "The default timeout, in milliseconds."},
                      {"parseHeader", "function", 41, "Parses a header line into a name and a value.", 44},
                      {"String.isBlankHeader", "function", 46, ""}}},
        LanguageCase{"sample.scala", "scala",
                     {{"Json", "trait", 6, "A JSON value.", 12},
                      {"Json.noSpaces", "method", 9, "Renders the value without whitespace."},
                      {"Json.isNull", "method", 11, ""},
                      {"JsonNumber", "class", 19, "A JSON number.", 21},
                      {"JsonNumber.isNull", "method", 20, ""},
                      {"Json", "class", 23, "", 30},
                      {"Json.fromString", "method", 26, "Creates a JSON string."},
                      {"Json.escape", "method", 28, "", 29},
                      {"Decoder", "class", 32, ""},
                      {"Decoder.apply", "method", 33, ""},
                      {"Color", "enum", 36, ""},
                      {"String.quoted", "method", 41, ""},
                      {"topLevel", "function", 44, ""}}},
        LanguageCase{"sample.swift", "swift",
                     {{"Session", "class", 4, "A session that performs network requests.", 19},
                      {"Session.init", "constructor", 8, "Creates a session with a configuration."},
                      {"Session.request", "method", 15, "Performs a data request.", 18},
                      {"RequestAdapter", "interface", 22, "A type that adapts requests before they are sent."},
                      {"RequestAdapter.adapt", "method", 23, ""},
                      {"HTTPHeaders", "struct", 26, ""},
                      {"HTTPHeaders.add", "method", 32, "Adds a header, replacing an existing value.", 34},
                      {"HTTPMethod", "enum", 37, ""},
                      {"makeSession", "function", 42, ""}}},
        LanguageCase{"sample.lua", "lua",
                     {{"M.buf_name", "function", 9, "Returns the name of a buffer.\n@param bufnr", 11},
                      {"M.setup", "method", 14, "Sets up the plugin with user options."},
                      {"trim", "function", 19, "Trims surrounding whitespace."},
                      {"M.format", "function", 24, "Formats a value for display.", 26},
                      {"global_helper", "function", 28, ""},
                      {"M.util.join", "function", 32, ""}}},
        LanguageCase{"sample.ex", "elixir",
                     {{"Plug.Conn.Utils", "class", 1, "Utilities for working with connection data.", 44},
                      {"Plug.Conn.Utils.media_type", "method", 18, "Parses a media type into its type and subtype.", 23},
                      {"Plug.Conn.Utils.validate_utf8!", "method", 26, "Validates that a binary is UTF-8.", 29},
                      {"Plug.Conn.Utils.strip_spaces", "method", 32, "Strips leading and trailing spaces."},
                      {"Plug.Conn.Utils.__using__", "method", 34, "", 38},
                      {"Plug.Conn.Utils.Params", "class", 40, ""},
                      {"Plug.Conn.Utils.Params.decode", "method", 42, ""},
                      {"Plug.Exception", "interface", 46, ""},
                      {"Plug.Exception.status", "method", 48, "Returns the HTTP status for an exception."}}},
        LanguageCase{"sample.hs", "haskell",
                     {{"Header", "struct", 12, "A header: a case-insensitive name and a value.", 16},
                      {"HeaderName", "struct", 19, "The name of a header."},
                      {"Headers", "struct", 21, ""},
                      {"parseHeader", "function", 26, "Parses a header line of the form @name: value@.", 31},
                      {"renderHeader", "function", 33, "", 34},
                      {"ToHeader", "trait", 37, "Types that can be rendered as a header value.", 42},
                      {"ToHeader.toHeader", "method", 38, ""},
                      {"ToHeader.toHeaderList", "method", 41, "Renders a list of values, comma-separated.", 42},
                      {"ToHeader", "class", 44, "", 45},
                      {"ToHeader.toHeader", "method", 45, ""},
                      {"lookupAll", "function", 47, "", 51},
                      {"helper", "function", 53, ""}}},
        LanguageCase{"sample.zig", "zig",
                     {{"Flag", "struct", 5, "A parsed command-line flag.", 13},
                      {"Flag.matches", "method", 10, "Returns true when the flag matches an argument."},
                      {"Kind", "enum", 15, ""},
                      {"Value", "struct", 17, ""},
                      {"parse", "function", 23, "Parses the arguments into flags.", 27},
                      {"helper", "function", 29, ""},
                      {"parse returns one flag per argument", "function", 31, "", 35}}}),
    [](const auto& info) {
      // The language, and the fixture's stem when a language has more than one (cpp_header_only).
      std::string name = info.param.language;
      const std::string& fixture = info.param.fixture;
      if (fixture.rfind("sample.", 0) != 0 && fixture.rfind("Sample.", 0) != 0)
        name += "_" + fixture.substr(0, fixture.find('.'));
      return name;
    });

TEST(Extractor, LanguageForPathByExtension) {
  EXPECT_EQ(languageForPath("/a/b.py"), "python");
  EXPECT_EQ(languageForPath("/a/b.PY"), "python");
  EXPECT_EQ(languageForPath("x.mjs"), "javascript");
  EXPECT_EQ(languageForPath("x.tsx"), "tsx");
  EXPECT_EQ(languageForPath("x.hpp"), "cpp");
  EXPECT_EQ(languageForPath("x.h"), "c");
  EXPECT_EQ(languageForPath("x.cs"), "csharp");
  EXPECT_FALSE(languageForPath("Makefile").has_value());
  EXPECT_FALSE(languageForPath("notes.txt").has_value());
  EXPECT_FALSE(languageForPath(".bashrc").has_value());
  EXPECT_EQ(languageForPath("build.gradle.kts"), "kotlin");
  EXPECT_EQ(languageForPath("src/Main.kt"), "kotlin");
  EXPECT_EQ(languageForPath("Json.scala"), "scala");
  EXPECT_EQ(languageForPath("build.sc"), "scala");
  EXPECT_EQ(languageForPath("Session.swift"), "swift");
  EXPECT_EQ(languageForPath("init.lua"), "lua");
  EXPECT_EQ(languageForPath("conn.ex"), "elixir");
  EXPECT_EQ(languageForPath("conn_test.exs"), "elixir");
  EXPECT_EQ(languageForPath("Main.hs"), "haskell");
  EXPECT_EQ(languageForPath("build.zig"), "zig");
  EXPECT_EQ(supportedLanguages().size(), 20u);
}

TEST(Extractor, SyntaxErrorsStillYieldTheValidFunctions) {
  Extractor extractor;
  std::string source = "def good_one(x):\n    return x\n\ndef broken(:\n    pass\n\ndef good_two():\n    return 2\n";
  auto chunks = extractor.extract("/w/broken.py", source, "python");
  ASSERT_TRUE(chunks.ok());
  EXPECT_NE(find(*chunks, "good_one"), nullptr);
  EXPECT_NE(find(*chunks, "good_two"), nullptr);
}

TEST(Extractor, Utf16ColumnsCountNonAsciiText) {
  Extractor extractor;
  // "é" is 2 bytes but 1 UTF-16 unit; "😀" is 4 bytes but 2 units.
  std::string source = "const s = 'é😀'; function inline_fn() { return 1; }\n";
  auto chunks = extractor.extract("/w/a.js", source, "javascript");
  ASSERT_TRUE(chunks.ok());
  const Chunk* fn = find(*chunks, "inline_fn");
  ASSERT_NE(fn, nullptr);
  // "const s = '" (11) + é (2 bytes, 1 unit) + 😀 (4 bytes, 2 units) + "'; " (3)
  EXPECT_EQ(fn->start.byte_column, 20u);
  EXPECT_EQ(fn->start.utf16_column, 17u);
}

// Issue 14 (found by fuzz_extractor_edits): on this 327-byte Swift file
// tree-sitter's error recovery ran for the whole fixed 5 s parse budget, every
// time the file was indexed or edited. The budget now grows with the text
// (1 s plus 10 us per byte), so a small hostile file costs about a second;
// the file still gets its module chunk.
TEST(Extractor, AParseThatBlowsUpOnASmallFileIsCutShort) {
  const std::string source = "import Foundation\n\n/// Qx#incnds bing buffer_;\n};\n\n// Opens a connection.\n sesConnecsion ttion* open(const1 char* hosthat perform) { retytes.\n  void send(const std::string& data) {x buffer_ += data; }\n private:\n  std::string buffer_;\nm;\n\n// Opens a connection.\n sesConnecsion ttion* open(const1 char* hosthat perform) { return ";
  Extractor extractor;
  const auto start = std::chrono::steady_clock::now();
  auto chunks = extractor.extract("/w/hostile.swift", source, "swift");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(chunks.ok());
  EXPECT_FALSE(chunks->empty());
  EXPECT_LT(took, std::chrono::seconds(4));  // 5 s and more before
}

TEST(Extractor, InvalidUtf8AndBinaryGarbageDoNotCrash) {
  Extractor extractor;
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  for (const auto& language : supportedLanguages()) {
    auto chunks = extractor.extract("/w/garbage", garbage, language);
    EXPECT_TRUE(chunks.ok()) << language;
  }
  auto chunks = extractor.extract("/w/latin1.py", "def caf\xe9():\n    return '\xff'\n", "python");
  ASSERT_TRUE(chunks.ok());
  EXPECT_FALSE(chunks->empty());
}

TEST(Extractor, ModuleChunkCoversTopLevelCodeOnly) {
  auto chunks = extractFixture("sample.py");
  const Chunk* module = nullptr;
  for (const auto& c : chunks) {
    if (c.kind == "module") module = &c;
  }
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->name, "sample.py");
  EXPECT_NE(module->text.find("import os"), std::string::npos);
  EXPECT_NE(module->text.find("print(\"top level\")"), std::string::npos);
  EXPECT_EQ(module->text.find("def send"), std::string::npos);
  EXPECT_EQ(module->end.line + 1, 23u);
}

TEST(Extractor, RustItemsInsideMacroBodiesAreChunksWithTheirDocsAndScopes) {
  const std::string source =
      "cfg_rt! {\n"
      "    /// Spawns a new asynchronous task.\n"
      "    pub fn spawn<T>(future: T) -> JoinHandle<T> {\n"
      "        spawn_inner(future)\n"
      "    }\n"
      "}\n"
      "impl Handle {\n"
      "    cfg_net! {\n"
      "        cfg_rt! {\n"
      "            /// Opens a connection.\n"
      "            pub fn connect(&self) -> Conn { Conn::new() }\n"
      "        }\n"
      "    }\n"
      "}\n"
      "fn body_macros() {\n"
      "    select! { fn not_an_item() {} }\n"
      "}\n"
      "lazy_static! { static ref TABLE: u8 = 1; }\n";
  Extractor extractor;
  auto chunks = extractor.extract("/w/lib.rs", source, "rust");
  ASSERT_TRUE(chunks.ok());
  const Chunk* spawn = find(*chunks, "spawn");
  ASSERT_NE(spawn, nullptr);
  EXPECT_EQ(spawn->kind, "function");
  EXPECT_EQ(spawn->doc, "Spawns a new asynchronous task.");
  EXPECT_EQ(spawn->start.line, 2u);
  EXPECT_EQ(spawn->end.line, 4u);
  EXPECT_EQ(source.substr(spawn->start_byte, spawn->end_byte - spawn->start_byte), spawn->text);
  EXPECT_EQ(spawn->text.rfind("pub fn spawn", 0), 0u);
  // Two macro levels inside an impl: still a method of Handle.
  const Chunk* connect = find(*chunks, "Handle.connect");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->kind, "method");
  EXPECT_EQ(connect->doc, "Opens a connection.");
  EXPECT_EQ(connect->start.line, 10u);
  EXPECT_EQ(connect->start.byte_column, 12u);
  ASSERT_NE(find(*chunks, "body_macros"), nullptr);
  EXPECT_EQ(find(*chunks, "not_an_item"), nullptr);  // a macro in a function body is an expression
}

TEST(Extractor, SignaturesOfTheLanguagesAddedLaterStopAtTheBody) {
  auto swift = extractFixture("sample.swift");
  const Chunk* request = find(swift, "Session.request");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->signature, "@discardableResult public func request(_ url: URL) -> DataRequest");
  auto haskell = extractFixture("sample.hs");
  const Chunk* parse = find(haskell, "parseHeader");
  ASSERT_NE(parse, nullptr);
  EXPECT_EQ(parse->signature, "parseHeader :: T.Text -> Maybe Header");
  auto elixir = extractFixture("sample.ex");
  const Chunk* media = find(elixir, "Plug.Conn.Utils.media_type");
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->signature, "def media_type(binary) when is_binary(binary)");
}

TEST(Extractor, UnknownLanguageIsAnError) {
  Extractor extractor;
  EXPECT_FALSE(extractor.extract("/w/x.nim", "proc main() = discard", "nim").ok());
}

TEST(Extractor, AHeaderHoldingCppIsCpp) {
  EXPECT_EQ(languageForSource("x/flat_map.h", readExtractFixture("flat_map.h")), "cpp");
  EXPECT_EQ(languageForSource("x/point.h", "#include <stdio.h>\nstruct point { int x; };\n"), "c");
  EXPECT_EQ(languageForSource("x/guarded.h", "#ifdef __cplusplus\nextern \"C\" {\n#endif\nint f(void);\n"), "c");
  EXPECT_EQ(languageForSource("x/a.c", "namespace x {}"), "c");  // only headers are sniffed
  auto chunks = extractFixture("flat_map.h");
  const Chunk* map = find(chunks, "containers.flat_map");
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->kind, "class");
  EXPECT_EQ(map->language, "cpp");
}

TEST(Extractor, ErrorRecoveryNeverNamesADefinitionAfterAKeyword) {
  // An #ifdef inside an if/else chain: error recovery reads `else if(...) {` as a function.
  const std::string source =
      "int f(int a) {\n  if(a) {\n    a++;\n  }\n#ifdef X\n  else if(a > 2) {\n    a--;\n  }\n#endif\n  return a;\n}\n";
  Extractor extractor;
  auto chunks = extractor.extract("x.c", source, "c");
  ASSERT_TRUE(chunks.ok());
  for (const Chunk& c : chunks.value()) EXPECT_NE(c.name, "if");
}

TEST(Extractor, RustTraitMethodsSayWhichTraitTheyImplementForWhichType) {
  auto chunks = extractFixture("sample.rs");
  const Chunk* save = findAt(chunks, "Store.save", 33);
  ASSERT_NE(save, nullptr);
  EXPECT_EQ(save->signature.rfind("impl Persist for Store: fn save", 0), 0u) << save->signature;
  const Chunk* get = find(chunks, "Store.get");  // an inherent impl: no trait
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->signature.rfind("pub fn get", 0), 0u) << get->signature;
}

TEST(Extractor, ALongDefinitionGetsWindowsOverWhatItsVectorDoesNotSee) {
  std::string source = "def long_function(x):\n";
  for (int i = 0; i < 1000; ++i) source += "    x = x + " + std::to_string(i) + "  # step " + std::to_string(i) + "\n";
  source += "    return x\n\ndef short_function():\n    return 1\n";
  Extractor extractor;
  auto chunks = extractor.extract("long.py", source, "python");
  ASSERT_TRUE(chunks.ok());
  const Chunk* whole = nullptr;
  std::vector<const Chunk*> windows;
  for (const Chunk& c : chunks.value()) {
    if (c.name == "long_function" && c.part == 0) whole = &c;
    if (c.name == "long_function" && c.part > 0) windows.push_back(&c);
    if (c.name == "short_function") EXPECT_EQ(c.part, 0u);
  }
  ASSERT_NE(whole, nullptr);
  ASSERT_GE(windows.size(), 2u);  // ~30 KB of body: the whole chunk's 8 KB plus windows of at most 8 KB
  uint32_t previous_end = whole->start.line;
  for (size_t i = 0; i < windows.size(); ++i) {
    const Chunk& w = *windows[i];
    EXPECT_EQ(w.part, i + 1);
    EXPECT_EQ(w.kind, whole->kind);
    EXPECT_GE(w.start.line, whole->start.line);
    EXPECT_LE(w.end.line, whole->end.line);
    EXPECT_GE(w.start.line, previous_end);  // windows follow each other without overlapping
    EXPECT_LE(w.text.size(), 8u * 1024);
    EXPECT_EQ(w.text, source.substr(w.start_byte, w.end_byte - w.start_byte));
    EXPECT_EQ(w.start.byte_column, 0u);  // whole lines
    previous_end = w.end.line;
  }
  EXPECT_EQ(windows.back()->end.line, whole->end.line);  // the last window reaches the end
}

}  // namespace
}  // namespace cs
