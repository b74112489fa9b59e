# Build-time generation: one generator executable per activation (so editing one definition regenerates only
# its kernels), one kernel object per (activation x direction x dtype x target), one shared Halide runtime, and
# the manifest the runtime reads. The catalog is the set of files dsl/activations/*.cpp.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)

# Targets a build adds without editing cmake/targets.cmake: entries of the same six fields, appended to its list.
# (cmake/lists.py, the Python tools' reader, reads only the entries inside targets.cmake's set(...) blocks.)
set(ACTGEN_EXTRA_TARGETS "" CACHE STRING
    "Targets appended to cmake/targets.cmake's list, ';'-separated, each as its entries are written")
foreach(entry IN LISTS ACTGEN_EXTRA_TARGETS)
  list(APPEND ACTGEN_TARGETS "${entry}")
endforeach()
foreach(entry IN LISTS ACTGEN_TARGETS)
  string(REPLACE "|" ";" fields "${entry}")
  list(LENGTH fields n)
  if(NOT n EQUAL 6 AND NOT n EQUAL 7)
    message(FATAL_ERROR "actgen: target entry '${entry}' has ${n} fields, not the 6 or 7 of cmake/targets.cmake's "
                        "entries (name, suffix, Halide target, processor, features, memory[, shared dtypes])")
  endif()
endforeach()

set(ACTGEN_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${ACTGEN_GEN_DIR})
set(ACTGEN_MANIFEST_DIR ${ACTGEN_GEN_DIR})
# ACTGEN_HOST_KERNELS (sanitizer builds): the host build's generated/ already holds every kernel object, header,
# description and the Halide runtime for this machine's targets; link those instead of running its generators.
if(ACTGEN_HOST_KERNELS)
  set(ACTGEN_GEN_DIR ${ACTGEN_HOST_GENERATORS}/generated)
  if(NOT EXISTS ${ACTGEN_GEN_DIR}/actgen_halide_runtime.o)
    message(FATAL_ERROR "actgen: ${ACTGEN_GEN_DIR} holds no generated kernels: build ${ACTGEN_HOST_GENERATORS} first")
  endif()
endif()

file(GLOB ACTGEN_ACTIVATION_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/dsl/activations/*.cpp)
list(SORT ACTGEN_ACTIVATION_SOURCES)
set(ACTGEN_ACTIVATIONS "")
foreach(src IN LISTS ACTGEN_ACTIVATION_SOURCES)
  get_filename_component(name ${src} NAME_WE)
  list(APPEND ACTGEN_ACTIVATIONS ${name})
endforeach()

# The generators: built here, or (ACTGEN_HOST_GENERATORS, set by the top-level CMakeLists.txt for cross builds)
# a host build's actgen_gen_<activation> executables, run as they are: libHalide runs only on the host.
if(NOT ACTGEN_HOST_GENERATORS)
  add_library(actgen_generator_core OBJECT
    ${PROJECT_SOURCE_DIR}/generators/activation_generator.cpp
    ${PROJECT_SOURCE_DIR}/generators/form_generators.cpp
    ${PROJECT_SOURCE_DIR}/generators/schedule.cpp
    ${PROJECT_SOURCE_DIR}/dsl/activation.cpp
    ${PROJECT_SOURCE_DIR}/dsl/composite.cpp)
  target_link_libraries(actgen_generator_core PUBLIC actgen_math)
endif()

# Targets this build links (the kernels' processor is the one being built for).
set(ACTGEN_BUILD_TARGETS "")
foreach(entry IN LISTS ACTGEN_TARGETS)
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 3 processor)
  if(processor STREQUAL CMAKE_SYSTEM_PROCESSOR)
    list(APPEND ACTGEN_BUILD_TARGETS "${entry}")
  endif()
endforeach()
if(NOT ACTGEN_BUILD_TARGETS)
  message(FATAL_ERROR "actgen: no target in cmake/targets.cmake or ACTGEN_EXTRA_TARGETS runs on "
                      "${CMAKE_SYSTEM_PROCESSOR}: add one, e.g. -DACTGEN_EXTRA_TARGETS=\"<name>|<suffix>|"
                      "<halide target>-strict_float|${CMAKE_SYSTEM_PROCESSOR}||host\"")
endif()

# A target entry's optional seventh field, "<dtype> ... from <target>": those dtypes' kernels (plain, counting,
# forms) are the other target's, not generated again (the same code: e.g. arm_fp16 changes only f16's
# conversions). Resolved and checked once per entry here: ACTGEN_KERNEL_SUFFIX_<target>_<dtype> is the symbol
# suffix of the target whose kernels serve that dtype, the entry's own or the named one's (which must be in this
# build and generate that dtype itself); the entry generates the kernels where it is its own suffix.
foreach(entry IN LISTS ACTGEN_BUILD_TARGETS)
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 tname)
  list(GET fields 1 suffix)
  set(shared_dtypes "")
  list(LENGTH fields n)
  if(n EQUAL 7)
    list(GET fields 6 shared)
    if(NOT shared MATCHES "^([a-z0-9_ ]+) from ([^ ]+)$")
      message(FATAL_ERROR "actgen: target ${tname}: shared dtypes '${shared}' is not '<dtype> ... from <target>'")
    endif()
    set(other ${CMAKE_MATCH_2})
    separate_arguments(shared_dtypes UNIX_COMMAND "${CMAKE_MATCH_1}")
    set(other_suffix "")
    foreach(e IN LISTS ACTGEN_BUILD_TARGETS)
      string(REPLACE "|" ";" f "${e}")
      list(GET f 0 name)
      list(LENGTH f m)
      if(name STREQUAL other AND m EQUAL 7)
        message(FATAL_ERROR "actgen: target ${tname} takes kernels from ${other}, which shares kernels itself: "
                            "name a target that generates them")
      elseif(name STREQUAL other)
        list(GET f 1 other_suffix)
      endif()
    endforeach()
    if(NOT other_suffix)
      message(FATAL_ERROR "actgen: target ${tname} takes kernels from ${other}, which is not in this build "
                          "(targets for ${CMAKE_SYSTEM_PROCESSOR} only)")
    endif()
  endif()
  foreach(dt IN LISTS ACTGEN_DTYPES)
    string(REPLACE "|" ";" dfields "${dt}")
    list(GET dfields 1 dtype_suffix)
    if(dtype_suffix IN_LIST shared_dtypes)
      set(ACTGEN_KERNEL_SUFFIX_${tname}_${dtype_suffix} ${other_suffix})
    else()
      set(ACTGEN_KERNEL_SUFFIX_${tname}_${dtype_suffix} ${suffix})
    endif()
  endforeach()
endforeach()

set(ACTGEN_KERNEL_OBJECTS "")
set(ACTGEN_KERNEL_HEADERS "")
set(ACTGEN_DESCRIPTIONS "")
set(manifest_includes "")
set(manifest_activations "")
set(manifest_kernels "")
set(manifest_targets "")

# The dtype table (runtime/manifest.h DtypeInfo) and the public enum (actgen_dtypes.h, below), from ACTGEN_DTYPES.
set(manifest_dtypes "")
set(dtype_enumerators "")
set(dtype_cxx_enumerators "")
set(dtype_value 0)
foreach(dt IN LISTS ACTGEN_DTYPES)
  string(REPLACE "|" ";" dfields "${dt}")
  list(GET dfields 0 dtype_enum)
  list(GET dfields 1 dtype_suffix)
  list(GET dfields 2 dtype_halide)
  if(NOT dtype_enum MATCHES "^ACTGEN_[A-Z0-9_]+$" OR NOT dtype_suffix MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "actgen: ACTGEN_DTYPES entry '${dt}': the enumerator must be ACTGEN_<UPPER>, the name a "
                        "lower-case identifier")
  endif()
  if(dtype_enumerators)
    string(APPEND dtype_enumerators ", ")
    string(APPEND dtype_cxx_enumerators ", ")
  endif()
  string(APPEND dtype_enumerators "${dtype_enum} = ${dtype_value}")
  string(APPEND dtype_cxx_enumerators "${dtype_suffix} = ${dtype_enum}")
  math(EXPR dtype_value "${dtype_value} + 1")
  if(NOT dtype_halide MATCHES "^(float|uint|int)([0-9]+)$")
    message(FATAL_ERROR "actgen: ACTGEN_DTYPES entry '${dt}': Halide type '${dtype_halide}' is not float<N>, uint<N> "
                        "or int<N>")
  endif()
  set(code ${CMAKE_MATCH_1})
  set(bits ${CMAKE_MATCH_2})
  math(EXPR bytes "${bits} / 8")
  string(APPEND manifest_dtypes
         "    {${dtype_enum}, \"${dtype_suffix}\", halide_type_t(halide_type_${code}, ${bits}), ${bytes}},\n")
endforeach()

# The public header's dtype enum (include/actgen/actgen.h includes it; installed beside it): each entry's value is
# its position in ACTGEN_DTYPES, which is why entries are only ever appended there.
set(ACTGEN_GENERATED_INCLUDE_DIR ${CMAKE_BINARY_DIR}/include)
file(CONFIGURE OUTPUT ${ACTGEN_GENERATED_INCLUDE_DIR}/actgen/actgen_dtypes.h @ONLY CONTENT [=[
/* Generated by cmake/generate.cmake from cmake/targets.cmake's ACTGEN_DTYPES. Do not edit. Included by
 * actgen/actgen.h (which defines ACTGEN_INT_ENUM), not on its own. */
#ifndef ACTGEN_DTYPES_H
#define ACTGEN_DTYPES_H

typedef enum ACTGEN_INT_ENUM { @dtype_enumerators@ } actgen_dtype;

/* actgen::DType's enumerators (actgen/actgen.hpp): the names without the prefix. */
#define ACTGEN_DTYPE_CXX_ENUMERATORS @dtype_cxx_enumerators@

#endif
]=])

set(runtime_features "")
set(ACTGEN_HAS_CUDA OFF)
foreach(entry IN LISTS ACTGEN_BUILD_TARGETS)
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 tname)
  list(GET fields 4 features)
  list(GET fields 5 memory)
  string(TOUPPER "${memory}" memory)
  string(APPEND manifest_targets "    {\"${tname}\", \"${features}\", ACTGEN_MEMORY_${memory}},\n")
  if(memory STREQUAL "CUDA")
    set(runtime_features "-cuda")  # the shared runtime then carries Halide's CUDA module (it dlopens libcuda)
    set(ACTGEN_HAS_CUDA ON)
  endif()
endforeach()

# Tuned schedules: schedules/<target>.json (written by `actgen tune search`) maps "<activation>.<fwd|bwd>.<dtype>"
# to generator parameters (ScheduleKnobs in generators/schedule.h); kernels without an entry use the defaults.
set(ACTGEN_SCHEDULES_DIR ${PROJECT_SOURCE_DIR}/schedules CACHE PATH "tuned schedule database (empty: defaults)")
if(IS_DIRECTORY ${ACTGEN_SCHEDULES_DIR})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ACTGEN_SCHEDULES_DIR})  # a file added later
endif()
function(actgen_schedule_args tname kernel out)
  set(args "")
  set(file ${ACTGEN_SCHEDULES_DIR}/${tname}.json)
  if(ACTGEN_SCHEDULES_DIR AND EXISTS ${file})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    file(READ ${file} json)
    string(JSON entry ERROR_VARIABLE missing GET "${json}" kernels ${kernel})
    if(NOT missing)
      string(JSON n LENGTH "${entry}")
      if(n GREATER 0)
        math(EXPR last "${n} - 1")
        foreach(k RANGE ${last})
          string(JSON knob MEMBER "${entry}" ${k})
          string(JSON value GET "${entry}" ${knob})
          list(APPEND args ${knob}=${value})
        endforeach()
      endif()
    endif()
  endif()
  set(${out} ${args} PARENT_SCOPE)
endfunction()

# One kernel object: the generator command that writes generated/<fn>.o and .h (or, ACTGEN_HOST_KERNELS, the
# host build's copy, which must exist), added to the library's objects, headers and the manifest's includes.
# Called at file scope by this file and cmake/forms.cmake; ARGN: the generator's further arguments.
function(actgen_add_kernel fn gen generator halide_target act)
  if(ACTGEN_HOST_KERNELS)
    if(NOT EXISTS ${ACTGEN_GEN_DIR}/${fn}.o)
      message(FATAL_ERROR "actgen: ${ACTGEN_GEN_DIR}/${fn}.o is missing: build ${ACTGEN_HOST_GENERATORS} first")
    endif()
  else()
    add_custom_command(
      OUTPUT ${ACTGEN_GEN_DIR}/${fn}.o ${ACTGEN_GEN_DIR}/${fn}.h
      COMMAND ${gen} -g ${generator} -f ${fn} -o ${ACTGEN_GEN_DIR} -e object,c_header
              target=${halide_target}-no_runtime activation=${act} ${ARGN}
      DEPENDS ${gen}
      COMMENT "Generating ${fn}" VERBATIM)
  endif()
  set(ACTGEN_KERNEL_OBJECTS ${ACTGEN_KERNEL_OBJECTS} ${ACTGEN_GEN_DIR}/${fn}.o PARENT_SCOPE)
  set(ACTGEN_KERNEL_HEADERS ${ACTGEN_KERNEL_HEADERS} ${ACTGEN_GEN_DIR}/${fn}.h PARENT_SCOPE)
  set(manifest_includes "${manifest_includes}#include \"${fn}.h\"\n" PARENT_SCOPE)
endfunction()

set(act_index 0)
foreach(act IN LISTS ACTGEN_ACTIVATIONS)
  if(ACTGEN_HOST_GENERATORS)
    set(gen ${ACTGEN_HOST_GENERATORS}/actgen_gen_${act})
    if(NOT EXISTS ${gen})
      message(FATAL_ERROR "actgen: ${gen} does not exist: build the host build (ACTGEN_HOST_GENERATORS) first")
    endif()
  else()
    set(gen actgen_gen_${act})
    add_executable(${gen} ${PROJECT_SOURCE_DIR}/dsl/activations/${act}.cpp)
    target_link_libraries(${gen} PRIVATE actgen_generator_core)
  endif()
  if(act_index EQUAL 0)
    set(first_gen ${gen})
  endif()

  set(desc ${ACTGEN_GEN_DIR}/${act}.desc.inc)
  if(NOT ACTGEN_HOST_KERNELS)
    add_custom_command(OUTPUT ${desc} COMMAND ${gen} --describe ${desc} DEPENDS ${gen}
                       COMMENT "Describing ${act}" VERBATIM)
  endif()
  list(APPEND ACTGEN_DESCRIPTIONS ${desc})
  string(APPEND manifest_activations "#include \"${act}.desc.inc\"\n")

  set(target_index 0)
  foreach(entry IN LISTS ACTGEN_BUILD_TARGETS)
    string(REPLACE "|" ";" fields "${entry}")
    list(GET fields 1 suffix)
    list(GET fields 0 tname)
    list(GET fields 2 halide_target)
    list(GET fields 4 tfeatures)
    string(REPLACE " " ";" tfeatures "${tfeatures}")
    foreach(dt IN LISTS ACTGEN_DTYPES)
      string(REPLACE "|" ";" dfields "${dt}")
      list(GET dfields 0 dtype_enum)
      list(GET dfields 1 dtype_suffix)
      list(GET dfields 2 dtype_halide)
      set(ksuffix ${ACTGEN_KERNEL_SUFFIX_${tname}_${dtype_suffix}})  # a target entry's shared dtypes (above)
      set(fns "")
      foreach(dir fwd bwd)
        set(fn actgen_${act}_${dir}_${dtype_suffix}_${ksuffix})
        # f16 on a target with f16c: its f32 kernels (the counting one too, below) between the runtime's F16C
        # conversions (runtime/convert.h), no kernel of its own (the manifest's nullptr).
        if(dtype_suffix STREQUAL "f16" AND "f16c" IN_LIST tfeatures)
          set(fn nullptr)
        endif()
        list(APPEND fns ${fn})
        if(NOT ksuffix STREQUAL suffix OR fn STREQUAL "nullptr")
          continue()
        endif()
        if(dir STREQUAL fwd)
          set(generator actgen_forward)
          set(types x.type=${dtype_halide} y.type=${dtype_halide})
        else()
          set(generator actgen_backward)
          set(types x.type=${dtype_halide} dy.type=${dtype_halide} dx.type=${dtype_halide})
        endif()
        actgen_schedule_args(${tname} ${act}.${dir}.${dtype_suffix} knobs)
        actgen_add_kernel(${fn} ${gen} ${generator} ${halide_target} ${act} ${types} ${knobs})
      endforeach()
      list(GET fns 0 fwd_fn)
      list(GET fns 1 bwd_fn)
      # The counting forward (actgen_forward_counted): host targets, every dtype.
      list(GET fields 5 memory)
      set(counted_fn nullptr)
      if(memory STREQUAL "host" AND NOT (dtype_suffix STREQUAL "f16" AND "f16c" IN_LIST tfeatures))
        set(counted_fn actgen_${act}_fwdcount_${dtype_suffix}_${ksuffix})
        if(ksuffix STREQUAL suffix)
          actgen_add_kernel(${counted_fn} ${gen} actgen_forward_counted ${halide_target} ${act}
                            x.type=${dtype_halide} y.type=${dtype_halide})
        endif()
      endif()
      string(APPEND manifest_kernels
             "    {${act_index}, ${dtype_enum}, ${target_index}, ${fwd_fn}, ${bwd_fn}, ${counted_fn}},\n")
    endforeach()
    math(EXPR target_index "${target_index} + 1")
  endforeach()
  math(EXPR act_index "${act_index} + 1")
endforeach()

# The fused forms (gated, ...): their kernels and manifest rows.
include(${CMAKE_CURRENT_LIST_DIR}/forms.cmake)

# One Halide runtime serves every kernel (they are generated with no_runtime).
set(ACTGEN_RUNTIME_OBJECT ${ACTGEN_GEN_DIR}/actgen_halide_runtime.o)
list(GET ACTGEN_BUILD_TARGETS 0 first_target)
string(REPLACE "|" ";" fields "${first_target}")
list(GET fields 2 runtime_target)
string(REGEX REPLACE "^([a-z0-9]+-[0-9]+-[a-z]+).*" "\\1${runtime_features}" runtime_target "${runtime_target}")
if(NOT ACTGEN_HOST_KERNELS)
add_custom_command(
  OUTPUT ${ACTGEN_RUNTIME_OBJECT}
  COMMAND ${first_gen} -r actgen_halide_runtime -o ${ACTGEN_GEN_DIR} -e object target=${runtime_target}
  DEPENDS ${first_gen}
  COMMENT "Generating the Halide runtime (${runtime_target})" VERBATIM)
endif()

set(ACTGEN_MANIFEST_SOURCE ${ACTGEN_MANIFEST_DIR}/manifest.cpp)
file(CONFIGURE OUTPUT ${ACTGEN_MANIFEST_SOURCE} @ONLY CONTENT [=[
// Generated by cmake/generate.cmake from dsl/activations/ and cmake/targets.cmake (targets, dtypes). Do not edit.
#include "runtime/manifest.h"

@manifest_includes@
namespace actgen::rt {

const ActivationInfo kActivations[] = {
@manifest_activations@};
const size_t kActivationCount = sizeof(kActivations) / sizeof(kActivations[0]);

const TargetInfo kTargets[] = {
@manifest_targets@};
const size_t kTargetCount = sizeof(kTargets) / sizeof(kTargets[0]);

const DtypeInfo kDtypes[] = {
@manifest_dtypes@};
const size_t kDtypeCount = sizeof(kDtypes) / sizeof(kDtypes[0]);

const KernelEntry kKernels[] = {
@manifest_kernels@};
const size_t kKernelCount = sizeof(kKernels) / sizeof(kKernels[0]);

const FormKernelEntry kFormKernels[] = {
@manifest_form_kernels@};
const size_t kFormKernelCount = sizeof(kFormKernels) / sizeof(kFormKernels[0]);

}  // namespace actgen::rt
]=])
set_source_files_properties(${ACTGEN_MANIFEST_SOURCE} PROPERTIES
  OBJECT_DEPENDS "${ACTGEN_DESCRIPTIONS};${ACTGEN_KERNEL_HEADERS}")
if(ACTGEN_HOST_KERNELS)
  set_source_files_properties(${ACTGEN_KERNEL_OBJECTS} ${ACTGEN_RUNTIME_OBJECT} PROPERTIES EXTERNAL_OBJECT TRUE)
else()
  set_source_files_properties(${ACTGEN_KERNEL_OBJECTS} ${ACTGEN_RUNTIME_OBJECT} PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
endif()
