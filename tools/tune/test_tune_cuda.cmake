# ctest driver for `actgen tune` on the cuda target, without a GPU: stages a quick search (CUDA candidates and the
# device-memory tune_bench are built here), checks that the staged benchmark refuses cleanly where there is no
# GPU, then finishes the search from a results file as the GPU machine would write it (values made up here: this
# checks the remote flow's plumbing, not timings), and checks the database it wrote.
# -DEXE=<actgen> -DWORK=<scratch folder>
file(REMOVE_RECURSE ${WORK})
set(stage ${WORK}/stage)
set(db ${WORK}/cuda.json)
execute_process(COMMAND ${EXE} tune search --target cuda --activations relu,mish --quick --stage --work ${stage}
                        --out ${db}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "tune_bench plan.txt results.txt")
  message(FATAL_ERROR "staging the cuda search failed (${rc})")
endif()
foreach(f tune_bench plan.txt tune.json)
  if(NOT EXISTS ${stage}/${f})
    message(FATAL_ERROR "the stage lacks ${f}")
  endif()
endforeach()

# No GPU here (CI, the build machine): the benchmark must say why and fail, not crash. Skipped where one exists.
execute_process(COMMAND ${stage}/tune_bench ${stage}/plan.txt ${WORK}/unused.txt WORKING_DIRECTORY ${stage}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0)
  message("a GPU answered here; the no-GPU check does not apply")
elseif(NOT rc EQUAL 1 OR NOT err MATCHES "tune_bench: (libcuda.so.1 not found|no usable CUDA device|the CUDA driver)")
  message(FATAL_ERROR "tune_bench without a GPU: exit ${rc}, stderr: ${err}")
endif()

# Results as tune_bench writes them on a GPU machine: every measurement "ok", candidate 1 of each kernel fastest.
file(STRINGS ${stage}/plan.txt plan)
set(results "# machine Test GPU\n")
foreach(line IN LISTS plan)
  string(REPLACE " " ";" f "${line}")
  list(GET f 1 c)
  math(EXPR mod "${c} % 3")
  if(mod EQUAL 1)
    set(t 0.001)
  else()
    set(t 0.002)
  endif()
  string(APPEND results "${line} ${t} ok\n")
endforeach()
file(WRITE ${stage}/results.txt "${results}")
execute_process(COMMAND ${EXE} tune search --target cuda --results ${stage}/results.txt --out ${db}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "finishing the cuda search from results failed (${rc})")
endif()
file(READ ${db} json)
string(JSON machine GET "${json}" machine)
if(NOT machine STREQUAL "Test GPU")
  message(FATAL_ERROR "${db}: machine is '${machine}', not the results file's")
endif()
foreach(k relu.fwd.f32 relu.bwd.f32 mish.fwd.f32 mish.bwd.f32)
  string(JSON entry ERROR_VARIABLE err GET "${json}" kernels ${k})
  if(err)
    message(FATAL_ERROR "${db} has no entry for ${k}: ${err}")
  endif()
  string(JSON threads ERROR_VARIABLE err GET "${json}" kernels ${k} gpu_threads)
  if(err)
    message(FATAL_ERROR "${db}: ${k} did not take the fastest candidate's knobs: ${entry}")
  endif()
endforeach()
