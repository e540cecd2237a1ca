#include "training/allocator_tuning.h"

#include <climits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace cs {

bool keepLargeAllocationsInHeap() {
#if defined(__GLIBC__)
  bool ok = mallopt(M_MMAP_MAX, 0) == 1;              // no per-block mmap: large tensors come from the heap
  ok = mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1 && ok;  // and freed ones stay mapped for the next step
  ok = mallopt(M_TOP_PAD, 64 << 20) == 1 && ok;        // grow the heap in large steps
  return ok;
#else
  return false;
#endif
}

}  // namespace cs
