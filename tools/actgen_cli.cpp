// The `actgen` command: what the library sees on this machine, what it offers, and the value of one activation
// at a few points. Output is plain "key value" lines, one fact per line, so it greps and diffs well.
//
// Exit status: 0 success, 1 the library reported an error (its message is printed), 2 bad usage.
#include <actgen/actgen.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

const char kUsage[] =
    "usage: actgen <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  info                          library version, CPU features, targets, the automatically selected target\n"
    "  list                          the activation catalog with each parameter's default\n"
    "  run [--target T] <activation> [name=value ...] [x ...]\n"
    "                                forward f(x) and backward f'(x) (dy = 1) at each x (default: a few points)\n"
    "  tune search|report [options]  autotune the kernels' schedules (from a build tree; `actgen tune --help`)\n"
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

int cmd_run(int argc, char **argv) {
  std::string target;
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
  if (actgen_kernel_create_on(&fwd, activation.c_str(), params_arg, ACTGEN_F32, ACTGEN_FORWARD, target.c_str()) !=
      ACTGEN_OK) {
    return library_error("creating the forward kernel");
  }
  if (actgen_kernel_create_on(&bwd, activation.c_str(), params_arg, ACTGEN_F32, ACTGEN_BACKWARD, target.c_str()) !=
      ACTGEN_OK) {
    actgen_kernel_destroy(fwd);
    return library_error("creating the backward kernel");
  }
  std::vector<float> y(xs.size()), dy(xs.size(), 1.0f), dx(xs.size());
  const bool ok = actgen_forward(fwd, xs.data(), y.data(), xs.size()) == ACTGEN_OK &&
                  actgen_backward(bwd, xs.data(), dy.data(), dx.data(), xs.size()) == ACTGEN_OK;
  const std::string error = ok ? "" : actgen_last_error();
  if (ok) {
    std::printf("activation  %s\n", activation.c_str());
    std::printf("params      %s\n", params.empty() ? "(defaults)" : params.c_str());
    std::printf("target      %s\n", actgen_kernel_target(fwd));
    std::printf("%-16s %-16s %s\n", "x", "forward", "backward");
    for (size_t i = 0; i < xs.size(); ++i) {
      std::printf("%-16s %-16s %s\n", f32_text(xs[i]).c_str(), f32_text(y[i]).c_str(), f32_text(dx[i]).c_str());
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

}  // namespace

// `actgen tune`: the tuner (tools/tune/actgen_tune.py) needs the build tree's generators, so it runs from the
// build tree this tool was built in.
int cmd_tune(int argc, char **argv) {
#if defined(ACTGEN_TUNE_SCRIPT) && defined(ACTGEN_BUILD_DIR)
  if (access(ACTGEN_TUNE_SCRIPT, R_OK) != 0 || access(ACTGEN_BUILD_DIR "/CMakeCache.txt", R_OK) != 0) {
    std::fprintf(stderr, "actgen: tune needs the source and build tree this tool was built from (%s, %s)\n",
                 ACTGEN_TUNE_SCRIPT, ACTGEN_BUILD_DIR);
    return 1;
  }
  std::vector<char *> args = {const_cast<char *>("python3"), const_cast<char *>(ACTGEN_TUNE_SCRIPT)};
  bool pass_build_dir = true;  // unless given, or only asking for help
  for (int i = 0; i < argc; ++i) {
    args.push_back(argv[i]);
    if (!std::strncmp(argv[i], "--build-dir", 11) || !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h"))
      pass_build_dir = false;
  }
  if (pass_build_dir) {
    args.push_back(const_cast<char *>("--build-dir"));
    args.push_back(const_cast<char *>(ACTGEN_BUILD_DIR));
  }
  args.push_back(nullptr);
  execvp("python3", args.data());
  std::fprintf(stderr, "actgen: cannot run python3 for tune: %s\n", std::strerror(errno));
  return 1;
#else
  (void)argc;
  (void)argv;
  std::fprintf(stderr, "actgen: this build has no tuner (it runs from a host build tree)\n");
  return 1;
#endif
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
  if (command == "tune") return cmd_tune(argc - 2, argv + 2);
  return usage_error("unknown command '%s'", command.c_str());
}
