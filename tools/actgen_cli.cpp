// The `actgen` command: what the library sees on this machine, what it offers, and the value of one activation
// at a few points. Output is plain "key value" lines, one fact per line, so it greps and diffs well.
//
// Exit status: 0 success, 1 the library reported an error (its message is printed), 2 bad usage.
#include <actgen/actgen.h>

#include <algorithm>
#include <cfloat>
#include <map>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "half_check.h"  // tests/: the half-precision contract, and
#include "oracle.h"      // the long-double reference (both independent of dsl/)

namespace {

const char kUsage[] =
    "usage: actgen <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  info                          library version, CPU features, targets, the automatically selected target\n"
    "  list                          the activation catalog with each parameter's default\n"
    "  run [--target T] [--dtype D] <activation> [name=value ...] [x ...]\n"
    "                                forward f(x) and backward f'(x) (dy = 1) at each x (default: a few points);\n"
    "                                D: f32 (default), f16, bf16 (x is rounded to D first)\n"
    "  verify [--target T] [--dtype D] [--direction fwd|bwd] [--dy V] [--stride K] <activation> [name=value ...]\n"
    "                                checks a kernel against the long-double reference: every input pattern for\n"
    "                                f16/bf16 (default dtype), every K-th of the 2^32 for f32 (default K 4099);\n"
    "                                both directions unless --direction; backward with dy = V (default 1).\n"
    "                                Prints the worst inputs; exit 0 when the contract holds, 1 when not\n"
    "  tune search|report [options]  autotune the kernels' schedules (from a build tree; `actgen tune --help`)\n"
    "  generate --target <Halide target> [--name N] [--features F] [--out DIR] [--dry-run] [-- ctest options]\n"
    "                                a kernel library for a target the build does not list: configures, builds\n"
    "                                and installs the project with it added into DIR (from a build tree;\n"
    "                                `actgen generate --help`)\n"
    "  help, --help, -h              this message\n"
    "\n"
    "environment: ACTGEN_TARGET pins the target (e.g. x86-64-avx2).\n";

int usage_error(const char *fmt, const char *arg) {
  std::fprintf(stderr, "actgen: ");
  std::fprintf(stderr, fmt, arg);
  std::fprintf(stderr, "\n\n%s", kUsage);
  return 2;
}

int library_error(const char *what) {
  std::fprintf(stderr, "actgen: %s: %s\n", what, actgen_last_error());
  return 1;
}

// Shortest decimal that reads back as the same double (1, 0.01, 1.0507009873554805), so defaults print as
// people write them and nothing is lost.
std::string shortest(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {  // whole numbers as integers: 20, not 2e+01
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// Floats print with 9 significant digits: enough to tell any two f32 values apart.
std::string f32_text(float v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", double(v));
  return buf;
}

int cmd_info() {
  std::printf("version       %s\n", actgen_version());
  std::printf("cpu_features  %s\n", actgen_cpu_features());
  const size_t targets = actgen_target_count();
  for (size_t i = 0; i < targets; ++i) {
    const char *memory = actgen_target_memory(i) == ACTGEN_MEMORY_CUDA ? "cuda device memory" : "host memory";
    if (actgen_target_available(i)) {
      const char *device = actgen_target_device(i);
      std::printf("target        %-16s available=yes (%s%s%s)\n", actgen_target_name(i), memory, *device ? ", " : "",
                  device);
      continue;
    }
    // The runtime's reason, as a kernel creation on that target reports it.
    actgen_kernel *probe = nullptr;
    actgen_kernel_create_on(&probe, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, actgen_target_name(i));
    std::printf("target        %-16s available=no (%s)\n", actgen_target_name(i), actgen_last_error());
  }
  // What automatic selection (or ACTGEN_TARGET) picks, seen through the kernel it actually creates.
  actgen_kernel *kernel = nullptr;
  if (actgen_kernel_create(&kernel, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD) != ACTGEN_OK) {
    return library_error("creating a relu forward kernel");
  }
  std::printf("selected      %s\n", actgen_kernel_target(kernel));
  actgen_kernel_destroy(kernel);
  std::printf("activations   %zu\n", actgen_activation_count());
  std::printf("kernels       %zu\n", actgen_kernel_count());
  return 0;
}

int cmd_list() {
  const size_t count = actgen_activation_count();
  size_t width = 0;
  for (size_t i = 0; i < count; ++i) width = std::max(width, std::strlen(actgen_activation_name(i)));
  for (size_t i = 0; i < count; ++i) {
    std::string line = actgen_activation_name(i);
    line.resize(width, ' ');
    const size_t params = actgen_activation_param_count(i);
    for (size_t j = 0; j < params; ++j) {
      line += (j == 0 ? "  " : " ");
      line += actgen_activation_param_name(i, j);
      line += '=';
      line += shortest(actgen_activation_param_default(i, j));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

bool parse_float(const char *s, float *out) {
  char *end = nullptr;
  const float v = std::strtof(s, &end);
  if (end == s || *end != '\0') return false;
  *out = v;
  return true;
}

// A dtype by its name ("f32", "f16", "bf16"), from the library's list.
bool parse_dtype(const std::string &name, actgen_dtype *out) {
  for (size_t i = 0; i < actgen_dtype_count(); ++i) {
    const actgen_dtype d = static_cast<actgen_dtype>(actgen_dtype_at(i));
    if (name == actgen_dtype_name(d)) return *out = d, true;
  }
  return false;
}

std::string dtype_names() {
  std::string s;
  for (size_t i = 0; i < actgen_dtype_count(); ++i)
    s += (i ? ", " : "") + std::string(actgen_dtype_name(static_cast<actgen_dtype>(actgen_dtype_at(i))));
  return s;
}

// Values in a dtype's memory layout, converted from/to f32 (16-bit: round to nearest even, tests/half_check.h).
std::vector<uint8_t> pack(actgen_dtype d, const std::vector<float> &v) {
  const size_t size = actgen_dtype_size(d);
  std::vector<uint8_t> out(v.size() * size);
  for (size_t i = 0; i < v.size(); ++i) {
    if (size == 4) {
      std::memcpy(&out[i * 4], &v[i], 4);
    } else {
      const uint16_t h = halfcheck::encode(halfcheck::Format(d), v[i]);
      std::memcpy(&out[i * 2], &h, 2);
    }
  }
  return out;
}
float unpack(actgen_dtype d, const std::vector<uint8_t> &bytes, size_t i) {
  if (actgen_dtype_size(d) == 4) {
    float f;
    std::memcpy(&f, &bytes[i * 4], 4);
    return f;
  }
  uint16_t h;
  std::memcpy(&h, &bytes[i * 2], 2);
  return static_cast<float>(halfcheck::Format(d).decode(h));
}

int cmd_run(int argc, char **argv) {
  std::string target;
  actgen_dtype dtype = ACTGEN_F32;
  std::string activation;
  std::string params;
  std::vector<float> xs;
  bool options_done = false;
  for (int i = 0; i < argc; ++i) {
    const char *a = argv[i];
    if (!options_done && std::strcmp(a, "--") == 0) {
      options_done = true;
    } else if (!options_done && std::strcmp(a, "--target") == 0) {
      if (i + 1 >= argc) return usage_error("%s needs a target name", a);
      target = argv[++i];
    } else if (!options_done && std::strncmp(a, "--target=", 9) == 0) {
      target = a + 9;
    } else if (!options_done && std::strcmp(a, "--dtype") == 0) {
      if (i + 1 >= argc) return usage_error("%s needs a dtype", a);
      if (!parse_dtype(argv[++i], &dtype)) return usage_error("unknown dtype '%s'", argv[i]);
    } else if (activation.empty()) {
      activation = a;
    } else if (std::strchr(a, '=') != nullptr) {
      // "beta=2 threshold=10" and "beta=2,threshold=10" both work: the library takes a comma-separated list.
      if (!params.empty()) params += ',';
      params += a;
    } else {
      float x = 0;
      if (!parse_float(a, &x)) return usage_error("not a number or name=value: '%s'", a);
      xs.push_back(x);
    }
  }
  if (activation.empty()) return usage_error("%s needs an activation name (see `actgen list`)", "run");
  if (xs.empty()) xs = {-3.0f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 3.0f};

  actgen_kernel *fwd = nullptr;
  actgen_kernel *bwd = nullptr;
  const char *params_arg = params.empty() ? nullptr : params.c_str();
  if (actgen_kernel_create_on(&fwd, activation.c_str(), params_arg, dtype, ACTGEN_FORWARD, target.c_str()) !=
      ACTGEN_OK) {
    return library_error("creating the forward kernel");
  }
  if (actgen_kernel_create_on(&bwd, activation.c_str(), params_arg, dtype, ACTGEN_BACKWARD, target.c_str()) !=
      ACTGEN_OK) {
    actgen_kernel_destroy(fwd);
    return library_error("creating the backward kernel");
  }
  const std::vector<uint8_t> xb = pack(dtype, xs), dyb = pack(dtype, std::vector<float>(xs.size(), 1.0f));
  std::vector<uint8_t> yb(xb.size()), dxb(xb.size());
  const bool ok = actgen_forward(fwd, xb.data(), yb.data(), xs.size()) == ACTGEN_OK &&
                  actgen_backward(bwd, xb.data(), dyb.data(), dxb.data(), xs.size()) == ACTGEN_OK;
  const std::string error = ok ? "" : actgen_last_error();
  if (ok) {
    std::printf("activation  %s\n", activation.c_str());
    std::printf("params      %s\n", params.empty() ? "(defaults)" : params.c_str());
    std::printf("target      %s\n", actgen_kernel_target(fwd));
    std::printf("dtype       %s\n", actgen_dtype_name(dtype));
    std::printf("%-16s %-16s %s\n", "x", "forward", "backward");
    for (size_t i = 0; i < xs.size(); ++i) {
      std::printf("%-16s %-16s %s\n", f32_text(unpack(dtype, xb, i)).c_str(), f32_text(unpack(dtype, yb, i)).c_str(),
                  f32_text(unpack(dtype, dxb, i)).c_str());
    }
  }
  actgen_kernel_destroy(fwd);
  actgen_kernel_destroy(bwd);
  if (!ok) {
    std::fprintf(stderr, "actgen: evaluating: %s\n", error.c_str());
    return 1;
  }
  return 0;
}

// Progress on stderr, only when it is a terminal: "\rverify gelu f16 fwd  42%".
struct Progress {
  bool on = isatty(2) != 0;
  std::string label;
  int last = -1;
  void show(size_t done, size_t total) {
    const int pct = total ? static_cast<int>(100 * done / total) : 100;
    if (!on || pct == last) return;
    last = pct;
    std::fprintf(stderr, "\r%s %3d%%", label.c_str(), pct);
    if (done == total) std::fprintf(stderr, "\r%*s\r", static_cast<int>(label.size()) + 5, "");
    std::fflush(stderr);
  }
};

// The oracle's parameter values (catalog order as the oracle lists them) for an API parameter string.
bool oracle_params(size_t index, const oracle::Entry &e, const std::string &spec, std::vector<long double> *p,
                   std::string *err) {
  std::map<std::string, double> vals;
  for (size_t j = 0; j < actgen_activation_param_count(index); ++j)
    vals[actgen_activation_param_name(index, j)] = actgen_activation_param_default(index, j);
  std::vector<std::pair<std::string, double>> kv;
  if (!oracle::parse_params(spec, &kv)) return *err = "malformed parameters '" + spec + "'", false;
  for (auto &q : kv) {
    if (!vals.count(q.first)) return *err = "unknown parameter '" + q.first + "'", false;
    vals[q.first] = q.second;
  }
  p->clear();
  for (const std::string &n : e.param_names) {
    if (!vals.count(n)) return *err = "the reference expects parameter '" + n + "'", false;
    p->push_back(static_cast<long double>(static_cast<float>(vals[n])));
  }
  return true;
}

struct Bad {
  double ulp;
  float x, got;
  long double exact;
};

// One kernel against the reference; prints a summary line and the worst inputs. Returns whether the contract held.
bool verify_one(const std::string &activation, const std::string &params, actgen_dtype dtype, actgen_direction dir,
                const std::string &target, float dy_value, uint32_t stride, const oracle::Entry &entry,
                const std::vector<long double> &p, bool *error) {
  actgen_kernel *kernel = nullptr;
  if (actgen_kernel_create_on(&kernel, activation.c_str(), params.c_str(), dtype, dir, target.c_str()) != ACTGEN_OK) {
    library_error("creating the kernel");
    *error = true;
    return false;
  }
  const bool backward = dir == ACTGEN_BACKWARD;
  const size_t size = actgen_dtype_size(dtype);
  Progress progress;
  progress.label = "verify " + activation + " " + actgen_dtype_name(dtype) + (backward ? " bwd" : " fwd");
  constexpr size_t kChunk = 1 << 16;
  std::vector<Bad> worst;  // the 5 largest errors
  auto keep = [&](const Bad &b) {
    worst.push_back(b);
    std::sort(worst.begin(), worst.end(), [](const Bad &a, const Bad &c) { return a.ulp > c.ulp; });
    if (worst.size() > 5) worst.pop_back();
  };
  size_t n = 0, failures = 0, not_cr = 0;
  bool ok = true;
  if (size == 2) {
    const halfcheck::Format f(dtype);
    const std::vector<uint16_t> x = halfcheck::inputs(f, 1);
    const uint16_t dyb = halfcheck::encode(f, dy_value);
    const long double dyl = f.decode(dyb);
    std::vector<uint16_t> dy(x.size(), dyb), out(x.size());
    halfcheck::Stats st;
    for (size_t at = 0; at < x.size(); at += kChunk) {
      const size_t m = std::min(kChunk, x.size() - at);
      const actgen_status s = backward ? actgen_backward(kernel, &x[at], &dy[at], &out[at], m)
                                       : actgen_forward(kernel, &x[at], &out[at], m);
      if (s != ACTGEN_OK) {
        library_error("running the kernel");
        *error = true;
        actgen_kernel_destroy(kernel);
        return false;
      }
      for (size_t i = at; i < at + m; ++i) {
        const long double xv = f.decode(x[i]);
        long double exact = backward ? oracle::derivative(entry, xv, p.data()) : oracle::forward(entry, xv, p.data());
        if (backward && !std::isnan(exact)) exact *= dyl;
        halfcheck::add(f, &st, x[i], exact, out[i]);
        keep({halfcheck::ulp_error(f, out[i], exact), static_cast<float>(xv), static_cast<float>(f.decode(out[i])),
              exact});
      }
      progress.show(at + m, x.size());
    }
    n = st.n;
    failures = st.unfaithful;
    not_cr = st.not_correctly_rounded;
    ok = failures == 0;
    std::printf("%-12s %s %s %s on %s [%s]%s: %zu inputs, max %.3g ulp, %zu not faithfully rounded, %zu not correctly "
                "rounded\n",
                ok ? "verify ok" : "verify FAIL", activation.c_str(), actgen_dtype_name(dtype), backward ? "bwd" : "fwd",
                actgen_kernel_target(kernel), params.empty() ? "defaults" : params.c_str(),
                backward ? (" dy=" + f32_text(static_cast<float>(dyl))).c_str() : "", n, st.worst.ulp, failures,
                not_cr);
  } else {
    // f32: every stride-th pattern of the 2^32, plus the specials; the f32 contract (docs/design.md).
    const double bound = backward ? 16.0 : 4.0;
    std::vector<float> x;
    for (uint64_t b = 0; b < (uint64_t{1} << 32); b += stride) {
      float v;
      const uint32_t u = static_cast<uint32_t>(b);
      std::memcpy(&v, &u, 4);
      x.push_back(v);
    }
    for (float v : {0.0f, -0.0f, INFINITY, -INFINITY, NAN, FLT_MAX, -FLT_MAX, FLT_MIN, FLT_TRUE_MIN, 1.0f, -1.0f})
      x.push_back(v);
    std::vector<float> dy(x.size(), dy_value), out(x.size());
    double max_ulp = 0;
    for (size_t at = 0; at < x.size(); at += kChunk) {
      const size_t m = std::min(kChunk, x.size() - at);
      const actgen_status s = backward ? actgen_backward(kernel, &x[at], &dy[at], &out[at], m)
                                       : actgen_forward(kernel, &x[at], &out[at], m);
      if (s != ACTGEN_OK) {
        library_error("running the kernel");
        *error = true;
        actgen_kernel_destroy(kernel);
        return false;
      }
      for (size_t i = at; i < at + m; ++i) {
        long double exact = backward ? oracle::derivative(entry, x[i], p.data()) : oracle::forward(entry, x[i], p.data());
        if (backward && !std::isnan(exact)) exact *= dy_value;
        double u = oracle::ulp_error(out[i], exact);
        if (std::isinf(x[i]) && exact == 0 && out[i] != 0) u = INFINITY;
        bool good = u <= bound;
        if (!good && backward && std::isfinite(exact) && std::isfinite(out[i]) && !std::isnan(x[i]))
          good = std::fabs(static_cast<double>(out[i] - exact)) <= 1e-7 * std::fabs(dy_value);
        if (!good) ++failures;
        max_ulp = std::max(max_ulp, u);
        keep({u, x[i], out[i], exact});
      }
      progress.show(at + m, x.size());
    }
    n = x.size();
    ok = failures == 0;
    std::printf("%-12s %s f32 %s on %s [%s]%s: %zu inputs (every %u-th pattern + specials), max %.3g ulp, %zu beyond "
                "the contract (%g ulp%s)\n",
                ok ? "verify ok" : "verify FAIL", activation.c_str(), backward ? "bwd" : "fwd",
                actgen_kernel_target(kernel), params.empty() ? "defaults" : params.c_str(),
                backward ? (" dy=" + f32_text(dy_value)).c_str() : "", n, stride, max_ulp, failures, bound,
                backward ? " or 1e-7 |dy|" : "");
  }
  for (const Bad &b : worst) {
    char exact[64];
    std::snprintf(exact, sizeof exact, "%.12Lg", b.exact);
    std::printf("  worst  x=%-16s got=%-16s exact=%-20s %.3g ulp\n", f32_text(b.x).c_str(), f32_text(b.got).c_str(),
                exact, b.ulp);
  }
  actgen_kernel_destroy(kernel);
  return ok;
}

int cmd_verify(int argc, char **argv) {
  std::string target, activation, params;
  actgen_dtype dtype = ACTGEN_F16;
  bool fwd = true, bwd = true;
  float dy = 1.0f;
  unsigned long stride = 4099;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--target" || a == "--dtype" || a == "--direction" || a == "--dy" || a == "--stride") {
      if (!has_value) return usage_error("%s needs a value", a.c_str());
      const std::string v = argv[++i];
      if (a == "--target") {
        target = v;
      } else if (a == "--dtype") {
        if (!parse_dtype(v, &dtype)) return usage_error("unknown dtype '%s'", v.c_str());
      } else if (a == "--direction") {
        if (v != "fwd" && v != "bwd") return usage_error("--direction is fwd or bwd, not '%s'", v.c_str());
        fwd = v == "fwd";
        bwd = v == "bwd";
      } else if (a == "--dy") {
        if (!parse_float(v.c_str(), &dy) || !std::isfinite(dy) || dy == 0)
          return usage_error("--dy needs a finite nonzero number, not '%s'", v.c_str());
      } else {
        char *end = nullptr;
        stride = std::strtoul(v.c_str(), &end, 10);
        if (*end || stride < 1 || stride > 0xffffffffu) return usage_error("--stride needs 1..2^32-1, not '%s'", v.c_str());
      }
    } else if (activation.empty()) {
      activation = a;
    } else if (a.find('=') != std::string::npos) {
      if (!params.empty()) params += ',';
      params += a;
    } else {
      return usage_error("unexpected argument '%s'", a.c_str());
    }
  }
  if (activation.empty()) return usage_error("%s needs an activation name (see `actgen list`)", "verify");
  size_t index = actgen_activation_count();
  for (size_t i = 0; i < actgen_activation_count(); ++i)
    if (activation == actgen_activation_name(i)) index = i;
  if (index == actgen_activation_count()) return usage_error("unknown activation '%s' (see `actgen list`)", activation.c_str());
  const oracle::Entry *entry = oracle::find(activation);
  if (!entry) {
    std::fprintf(stderr, "actgen: the reference has no entry for %s\n", activation.c_str());
    return 1;
  }
  std::vector<long double> p;
  std::string err;
  if (!oracle_params(index, *entry, params, &p, &err)) return usage_error("%s", err.c_str());
  bool error = false, ok = true;
  if (fwd) ok &= verify_one(activation, params, dtype, ACTGEN_FORWARD, target, dy, stride, *entry, p, &error);
  if (bwd && !error) ok &= verify_one(activation, params, dtype, ACTGEN_BACKWARD, target, dy, stride, *entry, p, &error);
  return error || !ok ? 1 : 0;
}

}  // namespace

// `actgen tune` (tools/tune/actgen_tune.py) and `actgen generate` (scripts/generate_target.sh) need the build
// tree's generators, so they run from the build tree this tool was built in: the source tree's script
// (interpreter, script) with the arguments, and --build-dir <that tree> unless given or only asking for help
// (placed before a "--", whose options belong to the tools the script runs).
int exec_build_tree_script(const char *command, const char *interpreter, const char *script, int argc, char **argv) {
#if defined(ACTGEN_BUILD_DIR)
  if (access(script, R_OK) != 0 || access(ACTGEN_BUILD_DIR "/CMakeCache.txt", R_OK) != 0) {
    std::fprintf(stderr, "actgen: %s needs the source and build tree this tool was built from (%s, %s)\n", command,
                 script, ACTGEN_BUILD_DIR);
    return 1;
  }
  std::vector<char *> args = {const_cast<char *>(interpreter), const_cast<char *>(script)};
  bool pass_build_dir = true;
  int k = 0;
  for (; k < argc && std::strcmp(argv[k], "--"); ++k) {  // options after "--" belong to the script's own tools
    args.push_back(argv[k]);
    if (!std::strncmp(argv[k], "--build-dir", 11) || !std::strcmp(argv[k], "--help") || !std::strcmp(argv[k], "-h"))
      pass_build_dir = false;
  }
  if (pass_build_dir) {
    args.push_back(const_cast<char *>("--build-dir"));
    args.push_back(const_cast<char *>(ACTGEN_BUILD_DIR));
  }
  for (; k < argc; ++k) args.push_back(argv[k]);
  args.push_back(nullptr);
  execvp(interpreter, args.data());
  std::fprintf(stderr, "actgen: cannot run %s for %s: %s\n", interpreter, command, std::strerror(errno));
  return 1;
#else
  (void)script;
  (void)interpreter;
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "actgen: this build has no %s (it runs from a host build tree)\n", command);
  return 1;
#endif
}

#ifndef ACTGEN_TUNE_SCRIPT
#define ACTGEN_TUNE_SCRIPT ""
#endif
#ifndef ACTGEN_GENERATE_SCRIPT
#define ACTGEN_GENERATE_SCRIPT ""
#endif

int cmd_tune(int argc, char **argv) {
  return exec_build_tree_script("tune", "python3", ACTGEN_TUNE_SCRIPT, argc, argv);
}

int cmd_generate(int argc, char **argv) {
  return exec_build_tree_script("generate", "bash", ACTGEN_GENERATE_SCRIPT, argc, argv);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "info" || command == "list") {
    if (argc > 2) return usage_error("'%s' takes no arguments", command.c_str());
    return command == "info" ? cmd_info() : cmd_list();
  }
  if (command == "run") return cmd_run(argc - 2, argv + 2);
  if (command == "verify") return cmd_verify(argc - 2, argv + 2);
  if (command == "tune") return cmd_tune(argc - 2, argv + 2);
  if (command == "generate") return cmd_generate(argc - 2, argv + 2);
  return usage_error("unknown command '%s'", command.c_str());
}
