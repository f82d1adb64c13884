/* Sieve of Eratosthenes: counts the primes below SIZE (default 250000).
 * Foreign to the 12 classes: it crosses off multiples in a byte array with strided stores; nothing
 * is sorted, searched, matched, traversed as a graph or multiplied as a matrix. */
#include <stdio.h>
#include <stdlib.h>

/* The optional SIZE argument, or `fallback`; exits 2 on bad usage. */
static long size_argument(int argc, char **argv, long fallback, long max) {
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

__attribute__((noinline)) long count_primes(unsigned char *composite, long n) {
  long count = 0;
  for (long i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (long j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 250000, 100000000);
  unsigned char *composite = calloc((size_t)n + 1, 1);
  if (!composite) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    return 1;
  }
  printf("primes below %ld: %ld\n", n, count_primes(composite, n));
  free(composite);
  return 0;
}
