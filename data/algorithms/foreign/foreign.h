/* Shared by the foreign programs (data/algorithms/foreign/): the optional SIZE
 * argument and a fixed-seed generator, so every run computes the same thing. */
#ifndef FOREIGN_H
#define FOREIGN_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The optional SIZE argument, or `fallback`; exits 2 on bad usage. */
static inline long size_argument(int argc, char **argv, long fallback, long max) {
  if (argc > 2) {
    fprintf(stderr, "usage: %s [SIZE]\n", argv[0]);
    exit(2);
  }
  if (argc == 1) return fallback;
  char *end;
  long n = strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || n < 1 || n > max) {
    fprintf(stderr, "%s: SIZE must be an integer in 1..%ld, got \"%s\"\n", argv[0], max, argv[1]);
    exit(2);
  }
  return n;
}

/* xorshift64 (Marsaglia); the caller's fixed seed makes its data the same on every run. */
static inline uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}
#endif
