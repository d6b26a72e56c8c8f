// Internals of leakguard::Secret that tests need to observe: where its buffers come from.
//
// A Secret allocates its buffer through the current `SecretAllocator` and zeroes it before handing
// it back. Tests install an allocator whose `deallocate` records the bytes it receives, which is
// how they observe that a buffer is zeroed before it is freed, without reading freed memory.
//
// Not thread-safe: swap the allocator only while no Secret holds a buffer from the other one (the
// test allocator should wrap the default, so a mix-up frees through the same heap anyway).
#pragma once

#include <cstddef>

namespace leakguard::secret_internal {

struct SecretAllocator {
  void* (*allocate)(std::size_t n);
  void (*deallocate)(void* p, std::size_t n);
};

// The default: ::operator new / ::operator delete.
SecretAllocator DefaultAllocator();

// Installs `a` and returns the one it replaces.
SecretAllocator SetAllocatorForTesting(SecretAllocator a);

}  // namespace leakguard::secret_internal
