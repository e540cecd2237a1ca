// Guarded file reading: the one way codesearch reads a file whose name came
// from a workspace or a client (sources, .codesearchignore, selections for
// codeSearch/similar). The file is opened without following a final symbolic
// link and without blocking (a FIFO or device never stalls the caller), must be
// a regular file, and is read only up to a byte cap, so /dev/zero behind a
// symlink, a named pipe or a file growing while we read cannot hang the daemon
// or grow its memory.
// Thread-safety: free functions without shared state; safe from any thread.
#pragma once

#include <string>

#include "support/result.h"

namespace cs {

// Ignore files are small; anything larger is not a rule file.
inline constexpr size_t kMaxIgnoreFileBytes = 1 << 20;

// The whole content of the regular file at `path`, at most `max_bytes` long.
// Errors name the path and the reason; their code is the errno where there is
// one (ENOENT for a missing file, ELOOP for a symbolic link, EFBIG past the cap).
Result<std::string> readBoundedFile(const std::string& path, size_t max_bytes);

// Whether `path` (not followed when it is a symbolic link) is missing, or a
// regular file of at most `max_bytes`: the files that are safe to hand to a
// library that reads them itself (libgit2 and .gitignore).
bool isAbsentOrSmallRegularFile(const std::string& path, size_t max_bytes);

}  // namespace cs
