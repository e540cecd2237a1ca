#include "indexer/workspace_paths.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace cs {
namespace {
namespace fs = std::filesystem;

TEST(IsPathUnder, ComparesComponentsNotStringPrefixes) {
  EXPECT_TRUE(isPathUnder("/a/b/c.py", "/a/b"));
  EXPECT_TRUE(isPathUnder("/a/b", "/a/b"));
  EXPECT_TRUE(isPathUnder("/a/b/c.py", "/a/b/"));
  EXPECT_FALSE(isPathUnder("/a/bc/d.py", "/a/b"));
  EXPECT_FALSE(isPathUnder("/a", "/a/b"));
  EXPECT_TRUE(isPathUnder("/x", "/"));
}

TEST(IsPathStrictlyUnder, TheRootItselfIsNotBelowIt) {
  EXPECT_TRUE(isPathStrictlyUnder("/a/b/c.py", "/a/b"));
  EXPECT_FALSE(isPathStrictlyUnder("/a/b", "/a/b"));
  EXPECT_FALSE(isPathStrictlyUnder("/a/b", "/a/b/"));
  EXPECT_FALSE(isPathStrictlyUnder("/a/bc/d.py", "/a/b"));
  EXPECT_TRUE(isPathStrictlyUnder("/x", "/"));
  EXPECT_FALSE(isPathStrictlyUnder("/", "/"));
}

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/codesearch-paths-XXXXXX";
    base_ = fs::canonical(mkdtemp(tmpl)).string();
    root_ = base_ + "/ws";
    fs::create_directories(root_ + "/src");
    fs::create_directories(base_ + "/ws-sibling");
    std::ofstream(root_ + "/src/a.py") << "x\n";
    std::ofstream(base_ + "/outside.py") << "secret\n";
    std::ofstream(base_ + "/ws-sibling/b.py") << "x\n";
  }
  void TearDown() override { fs::remove_all(base_); }
  std::optional<std::string> resolve(const std::string& path) { return resolveUnderRoots(path, {root_}); }
  std::string base_, root_;
};

TEST_F(ResolveTest, AcceptsFilesBelowARootAndNewFilesInExistingDirectories) {
  EXPECT_EQ(resolve(root_ + "/src/a.py"), root_ + "/src/a.py");
  EXPECT_EQ(resolve(root_ + "/src/./a.py"), root_ + "/src/a.py");
  EXPECT_EQ(resolve(root_ + "/src/new.py"), root_ + "/src/new.py");  // not on disk (yet)
}

TEST_F(ResolveTest, RefusesDotDotEscapesSiblingsSymlinksOutAndTheRootItself) {
  EXPECT_FALSE(resolve(root_ + "/../outside.py"));
  EXPECT_FALSE(resolve(root_ + "/src/../../outside.py"));
  EXPECT_FALSE(resolve(root_ + "/../../../../usr/lib/x.py"));
  EXPECT_FALSE(resolve(root_ + "-sibling/b.py"));  // a string prefix of the root, not below it
  EXPECT_FALSE(resolve(root_));
  EXPECT_FALSE(resolve(root_ + "/src/.."));
  EXPECT_FALSE(resolve("src/a.py"));  // relative
  fs::create_symlink(base_ + "/outside.py", root_ + "/link.py");
  EXPECT_FALSE(resolve(root_ + "/link.py"));
  fs::create_directory_symlink(base_, root_ + "/up");
  EXPECT_FALSE(resolve(root_ + "/up/outside.py"));
  EXPECT_FALSE(resolve(root_ + "/up/missing.py"));
  fs::create_symlink(root_ + "/src/a.py", root_ + "/alias.py");  // inside: resolves to its target
  EXPECT_EQ(resolve(root_ + "/alias.py"), root_ + "/src/a.py");
}

TEST_F(ResolveTest, AnEntryKeepsItsLastComponentAndResolvesItsParent) {
  auto entry = [&](const std::string& path) { return resolveEntryUnderRoots(path, {root_}); };
  EXPECT_EQ(entry(root_ + "/src/a.py"), root_ + "/src/a.py");
  EXPECT_EQ(entry(root_ + "/src"), root_ + "/src");
  EXPECT_EQ(entry(root_ + "/src/gone.py"), root_ + "/src/gone.py");
  // A symbolic link stays the link, wherever it points (the walk skips it; the index drops it).
  fs::create_symlink(base_ + "/outside.py", root_ + "/link.py");
  EXPECT_EQ(entry(root_ + "/link.py"), root_ + "/link.py");
  fs::create_symlink(root_ + "/src/a.py", root_ + "/alias.py");
  EXPECT_EQ(entry(root_ + "/alias.py"), root_ + "/alias.py");
  // A link in the middle is resolved: an entry reached through it lies outside.
  fs::create_directory_symlink(base_, root_ + "/up");
  EXPECT_FALSE(entry(root_ + "/up/outside.py"));
  // A deleted tree: the lexical path counts when it lies below the root.
  EXPECT_EQ(entry(root_ + "/gone/deeper/x.py"), root_ + "/gone/deeper/x.py");
  EXPECT_FALSE(entry(root_ + "/gone/../../outside.py"));
  EXPECT_FALSE(entry(root_));
  EXPECT_FALSE(entry(root_ + "-sibling/b.py"));
  EXPECT_FALSE(entry("src/a.py"));
}

}  // namespace
}  // namespace cs
