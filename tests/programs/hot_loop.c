/* A program whose hot loop is known: `setup` fills an array once (N branches), `scan` then
 * walks it ROUNDS times (ROUNDS x N iterations); main only calls them. tests/weighting_test.ts
 * checks that execution weighting puts the embedding's weight on `scan`.
 * Usage: hot_loop [ROUNDS] (default 100) */
#include <stdio.h>
#include <stdlib.h>

#define N 1000

__attribute__((noinline)) static void setup(int *a, int n) {
  for (int i = 0; i < n; i++) a[i] = (i * 7919) % 1000;
}

__attribute__((noinline)) static long scan(const int *a, int n, int rounds) {
  long s = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < n; i++) {
      if (a[i] > 500) s += a[i];
      else s -= 1;
    }
  }
  return s;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 100;
  static int a[N];
  setup(a, N);
  printf("%ld\n", scan(a, N, rounds));
  return 0;
}
