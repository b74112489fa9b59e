// The candidate table tune_bench times: defined by the candidates.cpp that tools/tune/actgen_tune.py generates
// for each run (one entry per candidate kernel), declared here for both.
#ifndef ACTGEN_TOOLS_TUNE_TUNE_CANDIDATES_H
#define ACTGEN_TOOLS_TUNE_TUNE_CANDIDATES_H

#include "common/kernel_signature.h"

struct Candidate {
  const char *name;  // for progress and errors only
  bool backward;
  float params[actgen::kMaxParams];  // the activation's parameters, unused slots 0
  void *fn;                          // an actgen::ForwardFn, or an actgen::BackwardFn where backward
};
extern const Candidate kCandidates[];
extern const int kCandidateCount;

#endif  // ACTGEN_TOOLS_TUNE_TUNE_CANDIDATES_H
