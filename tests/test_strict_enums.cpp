// The runtime compiled with -fstrict-enums (the compiler may assume an enum holds one of its enumerators) must
// still refuse a caller's out-of-range dtype or direction. Before the enums had a fixed underlying type, GCC
// deleted the direction check from actgen_kernel_create under this flag and (actgen_direction)5 made a kernel.
// This executable links its own copy of the runtime built with the flag (tests/CMakeLists.txt).
#include <gtest/gtest.h>

#include <climits>
#include <cstring>

#include "actgen/actgen.h"

TEST(StrictEnums, OutOfRangeDirectionAndDtypeAreRefused) {
  for (int raw : {2, 3, 5, -1, INT_MAX, INT_MIN}) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "relu", nullptr, ACTGEN_F32, static_cast<actgen_direction>(raw)),
              ACTGEN_ERROR_INVALID_ARGUMENT)
        << "direction " << raw;
    EXPECT_EQ(k, nullptr) << "direction " << raw << " made a kernel";
    actgen_kernel_destroy(k);
    EXPECT_NE(std::strstr(actgen_last_error(), "direction"), nullptr) << actgen_last_error();
  }
  for (int raw : {3, 4, 7, -1, INT_MAX, INT_MIN}) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "relu", nullptr, static_cast<actgen_dtype>(raw), ACTGEN_FORWARD),
              ACTGEN_ERROR_INVALID_ARGUMENT)
        << "dtype " << raw;
    EXPECT_EQ(k, nullptr) << "dtype " << raw << " made a kernel";
    actgen_kernel_destroy(k);
  }
  actgen_kernel *k = nullptr;
  ASSERT_EQ(actgen_kernel_create(&k, "relu", nullptr, ACTGEN_F32, ACTGEN_BACKWARD), ACTGEN_OK) << actgen_last_error();
  actgen_kernel_destroy(k);
}
