// The plain loop compiled with -ffast-math (bench/CMakeLists.txt sets the flag on this file): library
// "plain_fastmath". Fast math lets GCC vectorize libm calls through glibc's libmvec, at the price of IEEE
// semantics (NaN, inf, signed zeros, reassociation): a speed reference, not a correct implementation.
#define PLAIN_LIBRARY_NAME "plain_fastmath"
#define PLAIN_LIBRARY_FUNCTION plain_fastmath_library
#define PLAIN_LIBRARY_FLAGS "-O3 -ffast-math"
#include "plain.cpp"
