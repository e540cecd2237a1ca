// codesearch index --watch: index a workspace, then keep its persistent index
// current with the disk (server/disk_watcher.h) until SIGINT or SIGTERM.
// Called on the main thread, which waits for the signal; the watcher's event
// loop runs on a thread of its own.
#pragma once

#include <string>

#include "cli/engine_options.h"

namespace cs {

// Returns the process exit status (0 after a signal, 1 when the engine cannot start).
int runIndexWatch(const EngineCliOptions& engine, const std::string& dir, bool json);

}  // namespace cs
