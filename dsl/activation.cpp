#include "dsl/activation.h"

namespace actgen {

const char *constraint_name(Constraint c) {
  switch (c) {
    case Constraint::Finite: return "Finite";
    case Constraint::NonZero: return "NonZero";
    case Constraint::Positive: return "Positive";
    case Constraint::NonNegative: return "NonNegative";
  }
  return "Finite";
}

}  // namespace actgen
