# ctest driver for `actgen tune`: a quick search of two activations, then the report on the database it wrote.
# -DEXE=<actgen> -DWORK=<scratch folder>
file(REMOVE_RECURSE ${WORK})
set(db ${WORK}/x86-64-sse41.json)
set(report ${WORK}/x86-64-sse41.md)
execute_process(COMMAND ${EXE} tune search --target x86-64-sse41 --activations relu,softplus --quick --reps 1
                        --min-time 0.001 --work ${WORK}/search --out ${db}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "actgen tune search failed (${rc})")
endif()
file(READ ${db} json)
foreach(k relu.fwd.f32 relu.bwd.f32 softplus.fwd.f32 softplus.bwd.f32)
  string(JSON entry ERROR_VARIABLE err GET "${json}" kernels ${k})
  if(err)
    message(FATAL_ERROR "${db} has no entry for ${k}: ${err}")
  endif()
endforeach()
execute_process(COMMAND ${EXE} tune report --target x86-64-sse41 --activations relu,softplus --quick --reps 1
                        --min-time 0.001 --work ${WORK}/report --schedules ${db} --out ${report}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "actgen tune report failed (${rc})")
endif()
file(READ ${report} text)
if(NOT text MATCHES "- tuned: all equal" OR NOT text MATCHES "\\| softplus bwd \\| 4096 \\|")
  message(FATAL_ERROR "unexpected report:\n${text}")
endif()
