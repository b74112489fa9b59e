/* GELU forward on a few values through the C API. */
#include <actgen/actgen.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  float x[5] = {-10.0f, -1.0f, 0.0f, 1.0f, 3.0f};
  float y[5];
  actgen_kernel *gelu = NULL;
  if (actgen_kernel_create(&gelu, "gelu", NULL, ACTGEN_F32, ACTGEN_FORWARD) != ACTGEN_OK ||
      actgen_forward(gelu, x, y, 5) != ACTGEN_OK) {
    fprintf(stderr, "actgen: %s\n", actgen_last_error());
    return 1;
  }
  for (int i = 0; i < 5; ++i) printf("gelu(%g) = %.9g\n", x[i], y[i]);
  printf("target: %s\n", actgen_kernel_target(gelu));
  actgen_kernel_destroy(gelu);
  /* gelu(1) = Phi(1) = 0.841344746... */
  return fabsf(y[3] - 0.841344746f) < 1e-6f && y[0] < 0.0f ? 0 : 1;
}
