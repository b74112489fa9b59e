# Cross build for <arch> Linux with Debian's cross toolchain (g++-<arch>-linux-gnu); the tests run under qemu-user
# (qemu-<arch>). One file for every architecture, parameterized by the GNU triple:
#   cmake -S . -B build-riscv64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-cross.cmake \
#         -DACTGEN_CROSS_TRIPLE=riscv64-linux-gnu -DACTGEN_HOST_GENERATORS=<a host build directory>
# (ACTGEN_CROSS_TRIPLE may also come from the environment). CMAKE_SYSTEM_PROCESSOR is the triple's first field,
# which is what cmake/targets.cmake's processor field is matched against. scripts/test_cross.sh <arch> does the
# whole build, test and install run.
# Halide (libHalide, LLVM) exists only for the host, so such a build compiles no generator: it runs the host build's
# actgen_gen_<activation> executables to produce the kernels and the Halide runtime (see cmake/generate.cmake).
if(NOT ACTGEN_CROSS_TRIPLE)
  set(ACTGEN_CROSS_TRIPLE "$ENV{ACTGEN_CROSS_TRIPLE}")
endif()
if(NOT ACTGEN_CROSS_TRIPLE MATCHES "^([a-z0-9_]+)-linux-gnu[a-z0-9_]*$")
  message(FATAL_ERROR "toolchain-cross.cmake: set ACTGEN_CROSS_TRIPLE to a Debian cross triple such as "
                      "aarch64-linux-gnu or riscv64-linux-gnu (got '${ACTGEN_CROSS_TRIPLE}')")
endif()
# try_compile projects read this file again: hand them the triple.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ACTGEN_CROSS_TRIPLE)

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${CMAKE_MATCH_1})

set(CMAKE_C_COMPILER ${ACTGEN_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${ACTGEN_CROSS_TRIPLE}-g++)

# Debian's cross toolchains keep the target's libraries and headers under /usr/<triple>.
set(CMAKE_FIND_ROOT_PATH /usr/${ACTGEN_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest (and gtest_discover_tests) run the test executables through this; -L finds the target's loader and libc.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-${CMAKE_SYSTEM_PROCESSOR};-L;/usr/${ACTGEN_CROSS_TRIPLE})
