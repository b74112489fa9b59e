#include "runtime/params.h"

#include <locale.h>
#include <stdlib.h>

#include <cmath>
#include <string>

#include "runtime/error.h"

namespace actgen::rt {
namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string names_of(const ActivationInfo &a) {
  if (a.param_count == 0) return "it has none";
  std::string s = "known:";
  for (size_t j = 0; j < a.param_count; ++j) s += std::string(" ") + a.params[j].name;
  return s;
}

const char *requirement(Constraint c) {
  switch (c) {
#define ACTGEN_CONSTRAINT_REQUIREMENT(name, text) \
  case Constraint::name: return text;
    ACTGEN_CONSTRAINTS(ACTGEN_CONSTRAINT_REQUIREMENT)
#undef ACTGEN_CONSTRAINT_REQUIREMENT
  }
  return "a finite number";
}

bool satisfies(Constraint c, float v) {
  if (!std::isfinite(v)) return false;
  switch (c) {
    case Constraint::Finite: return true;
    case Constraint::NonZero: return v != 0.0f;
    case Constraint::Positive: return v > 0.0f;
    case Constraint::NonNegative: return v >= 0.0f;
  }
  return false;
}

// strtod's grammar (decimal, hex, inf/nan, a sign) read with the "C" locale's decimal point whatever the process's
// LC_NUMERIC is: a program that called setlocale(LC_ALL, "de_DE.UTF-8") still writes "alpha=0.5".
// newlocale(..., "C", ...) returns glibc's static C locale object: it cannot fail for lack of memory.
locale_t c_locale() {
  static const locale_t c = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return c;
}

}  // namespace

actgen_status parse_params(const ActivationInfo &a, const char *text, float values[kMaxParams]) {
  for (size_t j = 0; j < a.param_count; ++j) values[j] = static_cast<float>(a.params[j].default_value);
  bool given[kMaxParams] = {};
  const std::string all = text ? text : "";
  if (trim(all).empty()) return ACTGEN_OK;

  size_t start = 0;
  while (start <= all.size()) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    const std::string item = all.substr(start, comma - start);
    start = comma + 1;
    const size_t eq = item.find('=');
    if (eq == std::string::npos)
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' in \"%s\" is not of the form name=value", a.name,
                  trim(item).c_str(), all.c_str());
    const std::string name = trim(item.substr(0, eq));
    const std::string value = trim(item.substr(eq + 1));
    if (name.empty())
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' in \"%s\" has an empty name", a.name,
                  trim(item).c_str(), all.c_str());
    size_t j = 0;
    while (j < a.param_count && name != a.params[j].name) ++j;
    if (j == a.param_count)
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: unknown parameter '%s' (%s)", a.name, name.c_str(),
                  names_of(a).c_str());
    if (given[j])
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' given twice", a.name, name.c_str());
    given[j] = true;
    const locale_t c = c_locale();
    if (!c) return fail(ACTGEN_ERROR_INTERNAL, "%s: cannot create the C locale to read parameters", a.name);
    char *end = nullptr;
    const double v = value.empty() ? 0.0 : strtod_l(value.c_str(), &end, c);
    if (value.empty() || *end != '\0')
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' has value '%s', which is not a number", a.name,
                  name.c_str(), value.c_str());
    // Rounded to float as the kernels use it: a value below float's smallest subnormal (1e-50) becomes 0, which
    // a Finite or NonNegative parameter accepts and a NonZero or Positive one refuses (saying why); a subnormal
    // one (1e-40) is kept as that subnormal, never flushed; one beyond float's range becomes inf and is refused.
    const float f = static_cast<float>(v);
    if (v != 0.0 && f == 0.0f && !satisfies(a.params[j].constraint, f))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' = %s rounds to 0 as a float and must be %s",
                  a.name, name.c_str(), value.c_str(), requirement(a.params[j].constraint));
    if (std::isfinite(v) && !std::isfinite(f))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' = %s overflows float and must be %s", a.name,
                  name.c_str(), value.c_str(), requirement(a.params[j].constraint));
    if (!satisfies(a.params[j].constraint, f))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: parameter '%s' = %s must be %s (as a float)", a.name,
                  name.c_str(), value.c_str(), requirement(a.params[j].constraint));
    values[j] = f;
    if (comma == all.size()) break;
  }
  for (size_t k = 0; k < a.ordered_count; ++k) {
    const int lo = a.ordered[k][0], hi = a.ordered[k][1];
    if (!(values[lo] <= values[hi]))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s = %g must not be greater than %s = %g", a.name,
                  a.params[lo].name, values[lo], a.params[hi].name, values[hi]);
  }
  return ACTGEN_OK;
}

}  // namespace actgen::rt
