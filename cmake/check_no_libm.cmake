# ctest: fails if any generated kernel object references a scalar libm function (a vector kernel calling
# tanhf per lane is 40x slower; see docs/halide14.md; fmaf is what the math library's llvm.fma.f32 becomes per
# lane on a target without FMA). Run with -DNM=<nm> -DDIR=<generated dir>. One nm for all objects (one per
# object took 34 s of CI's host suite).
file(GLOB objects ${DIR}/actgen_*.o)
list(FILTER objects EXCLUDE REGEX "actgen_halide_runtime")
list(LENGTH objects count)
if(count EQUAL 0)
  message(FATAL_ERROR "no kernel objects in ${DIR}")
endif()
set(libm "(exp|expm1|exp2|log|log1p|log2|log10|tanh|sinh|cosh|erf|erfc|pow|sqrt|cbrt|sin|cos|tan|atan|atan2|asin|acos|asinh|acosh|atanh|lgamma|tgamma|fmod|fma)f?")
# -A: every line is "<object>: <value> U <symbol>[@version]"
execute_process(COMMAND ${NM} -u -A ${objects} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on the kernel objects in ${DIR}")
endif()
string(REGEX MATCHALL "[^\n]*[ \t]U[ \t]+${libm}(@[^\n]*)?(\n|$)" hits "${out}")
set(bad "")
foreach(line IN LISTS hits)
  string(REGEX REPLACE "\n$" "" line "${line}")
  string(REGEX REPLACE "^.*/" "" line "${line}")
  list(APPEND bad "${line}")
endforeach()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "kernels call scalar libm functions:\n  ${bad}")
endif()
message(STATUS "${count} kernel objects, no scalar libm calls")
