// DeviceVectorIndex: the embedding matrix resident on a libtorch device (a
// CUDA GPU, or the CPU), kept current row by row and searched exactly with
// one matrix-vector product and a top-k on the device.
//
// The rows mirror a VectorStore (vector_store.h), which stays the source of
// truth on the host: `added(slot)` copies the store's row into the device
// matrix in place (one small host-to-device copy; a batch is one copy), and
// `removing(slot)` clears the row's bit in a device-side presence mask. The
// matrix grows by doubling its row capacity, the only time it is copied.
// A search uploads the query (and, when filtered, the filter as a mask of
// the rows it allows, evaluated on the host), scores every row at once,
// masks out absent and disallowed rows and copies back only the best k.
//
// On CUDA the matrix is fp16 (a 1M x 512 index is 1 GiB of device memory);
// on the CPU it is fp32 (libtorch 1.13 has no fp16 matrix product on the
// CPU). The CPU build of this same code is what CI tests; the daemon uses it
// on the GPU (IndexOptions::vector_device, `--device cuda|auto`).
//
// Thread-safety: as VectorIndex: the owning Index serialises writers against
// readers; concurrent searches are safe (they only read the tensors).
#pragma once

#include <memory>
#include <string>

#include "indexer/vector_index.h"
#include "support/result.h"

namespace cs {

struct DeviceVectorIndexOptions {
  std::string device = "cpu";       // "cpu" or "cuda"
  size_t initial_rows = 1 << 16;    // row capacity before the first growth
};

class DeviceVectorIndex : public VectorIndex {
 public:
  virtual std::string device() const = 0;  // "cpu" or "cuda"
  virtual size_t deviceBytes() const = 0;  // of the matrix and the mask
  virtual size_t capacity() const = 0;     // rows the matrix has room for
  // A libtorch error (the device out of memory) stopped it: it holds and
  // answers nothing from then on, and its owner searches on the host.
  virtual bool failed() const = 0;
  // The device matrix's copy of a row, as floats (tests compare it with the store).
  virtual std::vector<float> deviceRow(uint32_t slot) const = 0;
};

// An error when the device is unknown or unavailable ("cuda" without a GPU).
Result<std::unique_ptr<DeviceVectorIndex>> makeDeviceVectorIndex(const VectorStore& store,
                                                                 const DeviceVectorIndexOptions& options);

// Whether libtorch sees a CUDA device.
bool cudaAvailable();

}  // namespace cs
