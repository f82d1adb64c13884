/* Counts set bits of N generated words with a shift-and-mask loop; prints the total. */
#include <stdio.h>
#include <stdlib.h>
static int bits(unsigned long x) { int c = 0; while (x) { c += x & 1; x >>= 1; } return c; }
int main(void) {
  unsigned long s = 1, total = 0;
  for (int i = 0; i < 200000; i++) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; total += bits(s); }
  printf("%lu\n", total); return 0;
}
