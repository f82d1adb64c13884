/* Gravitational N-body: 5 bodies with random masses, positions and velocities (fixed-seed
 * xorshift) move for SIZE leapfrog steps (default 1000) under softened inverse-square forces,
 * with 1/sqrt from a bit-level first guess refined by Newton steps (no libm); prints the total
 * energy at the start and the end. Foreign to the 12 classes: floating-point arithmetic over all
 * pairs of a few bodies per time step; nothing is sorted, searched, traversed or multiplied as
 * matrices. */
#include <string.h>
#include "foreign.h"

#define BODIES 5
#define DT 0.001
#define SOFTENING 0.01

typedef struct {
  double x[3], v[3], a[3], mass;
} body_t;

static double inverse_sqrt(double y) {
  uint64_t bits;
  memcpy(&bits, &y, sizeof bits);
  bits = 0x5fe6eb50c7b537a9ULL - (bits >> 1);
  double r;
  memcpy(&r, &bits, sizeof r);
  for (int k = 0; k < 4; k++) r = r * (1.5 - 0.5 * y * r * r);
  return r;
}

/* Sets the accelerations; returns the potential energy. */
static double accelerate(body_t *b) {
  double potential = 0;
  for (int i = 0; i < BODIES; i++) b[i].a[0] = b[i].a[1] = b[i].a[2] = 0;
  for (int i = 0; i < BODIES; i++)
    for (int j = i + 1; j < BODIES; j++) {
      double d[3], r2 = SOFTENING;
      for (int k = 0; k < 3; k++) d[k] = b[j].x[k] - b[i].x[k], r2 += d[k] * d[k];
      double inv = inverse_sqrt(r2), inv3 = inv * inv * inv;
      for (int k = 0; k < 3; k++) {
        b[i].a[k] += b[j].mass * inv3 * d[k];
        b[j].a[k] -= b[i].mass * inv3 * d[k];
      }
      potential -= b[i].mass * b[j].mass * inv;
    }
  return potential;
}

static double energy(body_t *b) {
  double e = accelerate(b);
  for (int i = 0; i < BODIES; i++)
    for (int k = 0; k < 3; k++) e += 0.5 * b[i].mass * b[i].v[k] * b[i].v[k];
  return e;
}

__attribute__((noinline)) double simulate(body_t *b, long steps) {
  accelerate(b);
  for (long s = 0; s < steps; s++) {
    for (int i = 0; i < BODIES; i++)
      for (int k = 0; k < 3; k++) b[i].v[k] += 0.5 * DT * b[i].a[k], b[i].x[k] += DT * b[i].v[k];
    accelerate(b);
    for (int i = 0; i < BODIES; i++)
      for (int k = 0; k < 3; k++) b[i].v[k] += 0.5 * DT * b[i].a[k];
  }
  return energy(b);
}

int main(int argc, char **argv) {
  long steps = size_argument(argc, argv, 1000, 100000000);
  body_t b[BODIES];
  uint64_t state = 0x243f6a8885a308d3ULL;
  for (int i = 0; i < BODIES; i++) {
    b[i].mass = 0.5 + (double)(next_random(&state) >> 11) / 9007199254740992.0;
    for (int k = 0; k < 3; k++) {
      b[i].x[k] = 2 * (double)(next_random(&state) >> 11) / 9007199254740992.0 - 1;
      b[i].v[k] = 0.4 * (double)(next_random(&state) >> 11) / 9007199254740992.0 - 0.2;
    }
  }
  double start = energy(b);
  double end = simulate(b, steps);
  printf("%d bodies, %ld steps: energy %.9f at the start, %.9f at the end\n", BODIES, steps, start,
         end);
  return 0;
}
