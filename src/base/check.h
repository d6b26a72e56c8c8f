// LG_CHECK: abort on a broken invariant (tier 1 of the error model). Never used for bad input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define LG_CHECK(cond)                                                                       \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "leakguard: internal error: %s:%d: check failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                                         \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)
