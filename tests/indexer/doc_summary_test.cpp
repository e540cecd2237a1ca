#include "indexer/doc_summary.h"

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(DocSummary, KeepsTheFirstParagraphAndDropsTags) {
  EXPECT_EQ(docSummary("Send a request and return the response.\n\nArgs:\n  request: the request"),
            "Send a request and return the response.");
  EXPECT_EQ(docSummary("Deposits money into the account.\n@param amount the amount\n@return nothing"),
            "Deposits money into the account.");
  EXPECT_EQ(docSummary("Creates an empty store.\n\n# Examples\n```\nlet s = Store::new();\n```"),
            "Creates an empty store.");
  EXPECT_EQ(docSummary("Returns the {@link User} with the {@code id}."), "Returns the User with the id.");
  EXPECT_EQ(docSummary("@param x only tags"), "");
  EXPECT_EQ(docSummary(":param x: first\n"), "");
}

TEST(DocSummary, ConventionsOfTheLanguagesAddedLater) {
  EXPECT_EQ(docSummary("Performs a data request.\n- Parameter url: The URL.\n- Returns: The request.", "swift"),
            "Performs a data request.");
  EXPECT_EQ(docSummary("Parses a media type.\niex> media_type(\"a/b\")\n{:ok, \"a\", \"b\"}", "elixir"),
            "Parses a media type.");
  EXPECT_EQ(docSummary("Decodes the body.\n## Options\n  * `:length`", "elixir"), "Decodes the body.");
  EXPECT_EQ(docSummary("Parses a header of the form @name: value@ into a 'Header' of \"Data.Text\".\n>>> parse x",
                       "haskell"),
            "Parses a header of the form name: value into a Header of Data.Text.");
  EXPECT_EQ(docSummary("Sends a GET request to [path].\n@param path the path", "kotlin"), "Sends a GET request to path.");
  EXPECT_EQ(docSummary("Decodes a [[Json]] value.\n{{{\nval j = parse(s)\n}}}", "scala"), "Decodes a Json value.");
  EXPECT_EQ(docSummary("Returns the name of a buffer.\n@param bufnr integer\n@return string", "lua"),
            "Returns the name of a buffer.");
  // The original languages are untouched by these conventions.
  EXPECT_EQ(docSummary("Sends a GET request to [path]."), "Sends a GET request to [path].");
  EXPECT_EQ(docSummary("Returns the 'name' field.", "python"), "Returns the 'name' field.");
}

}  // namespace
}  // namespace cs
