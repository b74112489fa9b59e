// What the processor this library runs on can do, detected once.
#ifndef ACTGEN_RUNTIME_CPU_FEATURES_H
#define ACTGEN_RUNTIME_CPU_FEATURES_H

#include <string>

namespace actgen::rt {

// Space-separated names of the features found, e.g. "sse41 avx avx2 fma avx512f ...".
const std::string &cpu_features();
// Whether every feature in a space-separated list was found (an empty list: true, on any CPU).
bool has_features(const char *required);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_CPU_FEATURES_H
