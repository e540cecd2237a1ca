#include "server/inotify_tree.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cs {
namespace {

// What a watch reports: entries created, written, deleted, moved, their
// attributes (touch, chmod), and the directory itself going away. Not
// IN_MODIFY: a file counts as changed when its writer closes it, which spares
// the queue an event per write().
constexpr uint32_t kWatchMask = IN_CREATE | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW | IN_ONLYDIR | IN_EXCL_UNLINK;

Error errnoError(const std::string& what, int code) {
  return makeError(what + ": " + std::strerror(code), code);
}

}  // namespace

Result<std::unique_ptr<InotifyTree>> InotifyTree::create(size_t max_watches) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return errnoError("inotify_init1", errno);
  return std::unique_ptr<InotifyTree>(new InotifyTree(fd, max_watches));
}

InotifyTree::~InotifyTree() { ::close(fd_); }

Status InotifyTree::watch(const std::string& dir) {
  std::lock_guard lock(mutex_);
  if (max_watches_ > 0 && dirs_.size() >= max_watches_ && !wds_.count(dir)) {
    return errnoError("inotify_add_watch " + dir, ENOSPC);
  }
  int wd = ::inotify_add_watch(fd_, dir.c_str(), kWatchMask);
  if (wd < 0) return errnoError("inotify_add_watch " + dir, errno);
  // The same inode again (watched under another name until now): one name only.
  if (auto known = dirs_.find(wd); known != dirs_.end() && known->second != dir) wds_.erase(known->second);
  if (auto old = wds_.find(dir); old != wds_.end() && old->second != wd) dirs_.erase(old->second);
  dirs_[wd] = dir;
  wds_[dir] = wd;
  return Status::success();
}

void InotifyTree::forgetLocked(int wd) {
  auto it = dirs_.find(wd);
  if (it == dirs_.end()) return;
  wds_.erase(it->second);
  dirs_.erase(it);
}

void InotifyTree::unwatchTree(const std::string& dir) {
  std::lock_guard lock(mutex_);
  unwatchTreeLocked(dir);
}

void InotifyTree::unwatchTreeLocked(const std::string& dir) {
  std::vector<int> gone;
  if (auto it = wds_.find(dir); it != wds_.end()) gone.push_back(it->second);
  const std::string prefix = dir + "/";
  for (auto it = wds_.lower_bound(prefix); it != wds_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it) {
    gone.push_back(it->second);
  }
  for (int wd : gone) {
    ::inotify_rm_watch(fd_, wd);  // the kernel's IN_IGNORED for it finds nothing left to forget
    forgetLocked(wd);
  }
}

size_t InotifyTree::watchCount() const {
  std::lock_guard lock(mutex_);
  return dirs_.size();
}

Result<std::vector<InotifyEvent>> InotifyTree::readEvents() {
  std::vector<InotifyEvent> out;
  alignas(inotify_event) char buffer[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return out;
      return errnoError("reading inotify events", errno);
    }
    if (n == 0) return out;
    decode(buffer, static_cast<size_t>(n), out);
  }
}

void InotifyTree::decode(const char* buffer, size_t size, std::vector<InotifyEvent>& out) {
  std::lock_guard lock(mutex_);
  for (size_t offset = 0; offset + sizeof(inotify_event) <= size;) {
    const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
    offset += sizeof(inotify_event) + event->len;
    if (event->mask & IN_Q_OVERFLOW) {
      out.push_back(InotifyEvent{"", IN_Q_OVERFLOW});
      continue;
    }
    auto dir = dirs_.find(event->wd);
    if (dir == dirs_.end()) continue;  // unwatched already (moved away): its old name means nothing now
    if (event->mask & IN_IGNORED) {    // the kernel dropped the watch (directory deleted, file system unmounted)
      forgetLocked(event->wd);
      continue;
    }
    const std::string name = event->len > 0 ? std::string(event->name, strnlen(event->name, event->len)) : "";
    InotifyEvent decoded{name.empty() ? dir->second : dir->second + "/" + name, event->mask};
    // A directory moved away (from its parent's view, or its own) is no longer at
    // this name: stop its watches before the events after this one are read.
    const bool moved_dir = name.empty() ? (event->mask & IN_MOVE_SELF) != 0
                                        : (event->mask & IN_MOVED_FROM) && (event->mask & IN_ISDIR);
    if (moved_dir) unwatchTreeLocked(decoded.path);
    out.push_back(std::move(decoded));
  }
}

}  // namespace cs
