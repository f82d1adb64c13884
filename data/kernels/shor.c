/* libquantum driver (462.libquantum analog): Shor's factoring algorithm on
 * libquantum's simulated quantum computer, as in libquantum's own demo:
 * Hadamard, modular exponentiation (quantum_exp_mod_n), quantum Fourier
 * transform, measurement, continued-fraction period finding. Runs ATTEMPTS
 * full attempts with seeded random bases, whatever they find.
 * Usage: shor N SEED ATTEMPTS */
#include <quantum.h>

#include "kernel.h"

/* One attempt with base x; returns a non-trivial factor of n or 0. */
static int attempt(int n, int x) {
  int width = quantum_getwidth(n * n);
  int swidth = quantum_getwidth(n);
  quantum_reg reg = quantum_new_qureg(0, width);
  for (int i = 0; i < width; i++) quantum_hadamard(i, &reg);
  quantum_addscratch(3 * swidth + 2, &reg);
  quantum_exp_mod_n(n, x, width, swidth, &reg);
  for (int i = 0; i < 3 * swidth + 2; i++) quantum_bmeasure(0, &reg);
  quantum_qft(width, &reg);
  for (int i = 0; i < width / 2; i++) {
    quantum_cnot(i, width - i - 1, &reg);
    quantum_cnot(width - i - 1, i, &reg);
    quantum_cnot(i, width - i - 1, &reg);
  }
  int c = (int)quantum_measure(reg);
  quantum_delete_qureg(&reg);
  if (c <= 0) return 0;
  int q = 1 << width;
  quantum_frac_approx(&c, &q, width);
  if (q % 2 == 1 && 2 * q < (1 << width)) q *= 2;
  if (q % 2 == 1) return 0;
  int half = quantum_ipow(x, q / 2);
  int a = quantum_gcd(n, half + 1), b = quantum_gcd(n, half - 1);
  int factor = a > b ? a : b;
  return factor > 1 && factor < n ? factor : 0;
}

int main(int argc, char **argv) {
  if (argc != 4) die("usage: shor N SEED ATTEMPTS");
  uint64_t n = parse_count(argv[1], "N");
  uint64_t seed = parse_count(argv[2], "SEED");
  uint64_t attempts = parse_count(argv[3], "ATTEMPTS");
  if (n < 15 || n > 2000) die("N must be between 15 and 2000 (the simulation is exponential)");
  srand((unsigned)seed); /* libquantum measures with rand() */
  int found = 0;
  for (uint64_t a = 0; a < attempts; a++) {
    int x;
    do x = 2 + rand() % ((int)n - 2); while (quantum_gcd((int)n, x) > 1);
    int factor = attempt((int)n, x);
    printf("attempt %llu: base %d -> %s", (unsigned long long)a, x, factor ? "" : "no factor\n");
    if (factor) {
      printf("%llu = %d * %d\n", (unsigned long long)n, factor, (int)n / factor);
      found++;
    }
  }
  printf("shor: %d of %llu attempts factored %llu\n", found, (unsigned long long)attempts,
         (unsigned long long)n);
  return 0;
}
