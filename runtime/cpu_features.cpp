#include "runtime/cpu_features.h"

#include <sstream>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#elif defined(__riscv) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace actgen::rt {
namespace {

#if defined(__x86_64__) || defined(__i386__)
// F16C from cpuid leaf 1 (ECX bit 29): clang's __builtin_cpu_supports has no "f16c". Its instructions use the AVX
// register state, whose OS support the "avx" check covers (the runtime asks for both).
bool has_f16c() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29)) != 0;
}
#endif

std::vector<std::string> detect() {
  std::vector<std::string> found;
#if defined(__x86_64__) || defined(__i386__)
  // libgcc's checks include the OS's support for the AVX and AVX-512 register state (XGETBV).
  __builtin_cpu_init();
  struct Feature {
    const char *name;
    bool present;
  };
  const Feature features[] = {
      {"sse41", __builtin_cpu_supports("sse4.1") != 0},   {"avx", __builtin_cpu_supports("avx") != 0},
      {"avx2", __builtin_cpu_supports("avx2") != 0},      {"fma", __builtin_cpu_supports("fma") != 0},
      {"avx512f", __builtin_cpu_supports("avx512f") != 0}, {"avx512cd", __builtin_cpu_supports("avx512cd") != 0},
      {"avx512bw", __builtin_cpu_supports("avx512bw") != 0}, {"avx512dq", __builtin_cpu_supports("avx512dq") != 0},
      {"avx512vl", __builtin_cpu_supports("avx512vl") != 0}, {"f16c", has_f16c()},
  };
  for (const Feature &f : features)
    if (f.present) found.emplace_back(f.name);
#elif defined(__aarch64__) && defined(__linux__)
  // The kernel's hwcaps (what it lets user space use), named as cmake/targets.cmake names them: neon = Advanced
  // SIMD (HWCAP_ASIMD, "asimd" in /proc/cpuinfo).
  const unsigned long hw = getauxval(AT_HWCAP);
  struct Feature {
    const char *name;
    unsigned long bit;
  };
  const Feature features[] = {
      {"fp", HWCAP_FP},         {"neon", HWCAP_ASIMD},     {"fp16", HWCAP_FPHP | HWCAP_ASIMDHP},
      {"dotprod", HWCAP_ASIMDDP}, {"sve", HWCAP_SVE},
  };
  for (const Feature &f : features)
    if ((hw & f.bit) == f.bit) found.emplace_back(f.name);
#elif defined(__riscv) && defined(__linux__)
  // The kernel's hwcaps hold one bit per single-letter ISA extension (bit 'x' - 'a'), as /proc/cpuinfo's "isa"
  // line spells them: e.g. "i m a f d c", and "v" where the vector extension is usable.
  const unsigned long hw = getauxval(AT_HWCAP);
  for (char c = 'a'; c <= 'z'; ++c)
    if (hw & (1UL << (c - 'a'))) found.emplace_back(1, c);
#endif
  // Elsewhere nothing is detected. Targets whose features field (cmake/targets.cmake) is empty need nothing and
  // are available on any CPU of their processor: has_features("") is true.
  return found;
}

const std::vector<std::string> &feature_list() {
  static const std::vector<std::string> list = detect();
  return list;
}

}  // namespace

const std::string &cpu_features() {
  static const std::string joined = [] {
    std::string s;
    for (const std::string &f : feature_list()) s += (s.empty() ? "" : " ") + f;
    return s;
  }();
  return joined;
}

bool has_features(const char *required) {
  std::istringstream in(required);
  std::string want;
  while (in >> want) {
    bool found = false;
    for (const std::string &f : feature_list()) found = found || f == want;
    if (!found) return false;
  }
  return true;
}

}  // namespace actgen::rt
