#include "dsl/activation.h"

namespace actgen {

const char *constraint_name(Constraint c) {
  switch (c) {
#define ACTGEN_CONSTRAINT_NAME(name, requirement) \
  case Constraint::name: return #name;
    ACTGEN_CONSTRAINTS(ACTGEN_CONSTRAINT_NAME)
#undef ACTGEN_CONSTRAINT_NAME
  }
  return "Finite";
}

}  // namespace actgen
