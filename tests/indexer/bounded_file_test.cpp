#include "indexer/bounded_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace cs {
namespace {
namespace fs = std::filesystem;

class BoundedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/codesearch-bounded-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(BoundedFileTest, ReadsARegularFileWithinTheCap) {
  auto read = readBoundedFile(write("a.txt", "hello\n"), 100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value(), "hello\n");
  auto big = readBoundedFile(write("b.txt", std::string(101, 'x')), 100);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, EFBIG);
  EXPECT_EQ(readBoundedFile(dir_ + "/missing", 100).error().code, ENOENT);
}

TEST_F(BoundedFileTest, RefusesSymlinksFifosAndDevices) {
  fs::create_symlink("/dev/zero", dir_ + "/zero");
  auto zero = readBoundedFile(dir_ + "/zero", 1 << 20);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ELOOP);
  EXPECT_FALSE(readBoundedFile("/dev/zero", 1 << 20).ok());  // a device, even named directly
  ASSERT_EQ(mkfifo((dir_ + "/pipe").c_str(), 0644), 0);
  auto fifo = readBoundedFile(dir_ + "/pipe", 1 << 20);  // returns at once: never blocks
  ASSERT_FALSE(fifo.ok());
  EXPECT_NE(fifo.error().message.find("not a regular file"), std::string::npos);
  EXPECT_FALSE(readBoundedFile(dir_, 1 << 20).ok());
}

TEST_F(BoundedFileTest, AbsentOrSmallRegularFile) {
  EXPECT_TRUE(isAbsentOrSmallRegularFile(dir_ + "/missing", 10));
  EXPECT_TRUE(isAbsentOrSmallRegularFile(write("s", "abc"), 10));
  EXPECT_FALSE(isAbsentOrSmallRegularFile(write("l", std::string(11, 'x')), 10));
  ASSERT_EQ(mkfifo((dir_ + "/pipe").c_str(), 0644), 0);
  EXPECT_FALSE(isAbsentOrSmallRegularFile(dir_ + "/pipe", 10));
  fs::create_symlink(dir_ + "/s", dir_ + "/link");
  EXPECT_FALSE(isAbsentOrSmallRegularFile(dir_ + "/link", 10));
}

}  // namespace
}  // namespace cs
