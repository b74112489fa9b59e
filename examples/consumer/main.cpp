// softplus with beta = 2 forward and backward through the C++ wrapper, linked statically.
#include <actgen/actgen.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
  std::vector<float> x = {-3.0f, 0.0f, 2.0f}, y(3), dy(3, 1.0f), dx(3);
  actgen::Kernel fwd("softplus", "beta=2");
  actgen::Kernel bwd("softplus", "beta=2", actgen::Direction::backward);
  fwd.forward(x, y);
  bwd.backward(x, dy, dx);
  for (size_t i = 0; i < x.size(); ++i) std::printf("softplus(%g) = %.9g, slope %.9g\n", x[i], y[i], dx[i]);
  try {
    actgen::Kernel bad("softplus", "beta=0");
    return 1;
  } catch (const actgen::Error &e) {
    std::printf("rejected as expected: %s\n", e.what());
  }
  // softplus(0) = log(2) / 2; slope at 0 = sigmoid(0) = 1/2.
  return std::fabs(y[1] - 0.34657359f) < 1e-6f && dx[1] == 0.5f ? 0 : 1;
}
