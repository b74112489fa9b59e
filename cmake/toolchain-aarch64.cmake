# The aarch64 cross build: cmake/toolchain-cross.cmake with the triple aarch64-linux-gnu (kept so that
# -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake goes on working).
set(ACTGEN_CROSS_TRIPLE aarch64-linux-gnu)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-cross.cmake)
