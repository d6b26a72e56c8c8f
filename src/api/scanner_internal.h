// Test hooks of the installed API's implementation (not installed).
#pragma once

#include <cstddef>

namespace leakguard::api_internal {

// Scanner::Scan cuts buffers into windows of `window` bytes with `overlap` bytes of context on
// each side (by default 1 GiB and 64 KiB: only buffers beyond Vectorscan's 4 GiB block limit
// are cut). Tests lower it to check the windows against one whole scan; 0 restores the default.
// Not thread-safe against concurrent scans.
void SetScanWindowForTesting(std::size_t window, std::size_t overlap);

}  // namespace leakguard::api_internal
