// Allocator tuning for the processes that churn through large tensors
// (training, evaluation). glibc serves each allocation above its mmap
// threshold (dynamic, at most 32 MiB) with a fresh mmap and returns it with
// munmap, so every step of a large batch page-faults its tensors in again:
// on the 2-core VM this made a 16000x512 table update 6x slower and a
// 3000x3000 softmax 2x slower (MODEL_CARD.md, "Training speed"). Keeping those
// blocks in the heap lets the next step reuse pages that are already mapped.
//
// Thread-safety: call once at process start, before other threads allocate.
// It changes process-wide allocator settings, so only the CLI entry points of
// batch jobs call it; the libraries never do.
#pragma once

namespace cs {

// Serve every allocation from the heap and never trim it. Returns false when
// the C library does not support the settings (non-glibc), which is harmless.
bool keepLargeAllocationsInHeap();

}  // namespace cs
