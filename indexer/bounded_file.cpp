#include "indexer/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cs {
namespace {

// Closes the descriptor on every return path.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

Error systemError(const std::string& path, const std::string& what, int error) {
  return makeError(path + ": " + what + ": " + std::strerror(error), error);
}

}  // namespace

Result<std::string> readBoundedFile(const std::string& path, size_t max_bytes) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ELOOP) return makeError(path + ": symbolic link (not followed)", ELOOP);
    return systemError(path, "cannot open", errno);
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return systemError(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return makeError(path + ": not a regular file", EINVAL);
  if (static_cast<size_t>(st.st_size) > max_bytes) {
    return makeError(path + ": file is larger than the limit (" + std::to_string(st.st_size) + " > " +
                     std::to_string(max_bytes) + " bytes)", EFBIG);
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (text.size() > max_bytes) return makeError(path + ": file grew past the size limit", EFBIG);
      text.resize(std::min(max_bytes + 1, std::max<size_t>(text.size() * 2, 4096)));
    }
    ssize_t n = ::read(file.fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return systemError(path, "cannot read", errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > max_bytes) return makeError(path + ": file grew past the size limit", EFBIG);
  text.resize(used);
  return text;
}

bool isAbsentOrSmallRegularFile(const std::string& path, size_t max_bytes) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT || errno == ENOTDIR;
  return S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) <= max_bytes;
}

}  // namespace cs
