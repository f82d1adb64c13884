/* Known data for the tracer tests: a branch with known outcomes, loads with
   known addresses and values, a loop counter, and a && b. */
#include <stdio.h>
#include <stdlib.h>

#define N 1000
int data[N];

/* The `if` cannot become a cmov: the asm statement must not be speculated. */
__attribute__((noinline)) long sum_above(const int* a, long n, int t)
{
   long s = 0;
   for (long i = 0; i < n; i++) {
      if (a[i] > t) {
         s += a[i] * i;
         __asm__ volatile("" ::: "memory");
      }
   }
   return s;
}

__attribute__((noinline)) long both_positive(const int* a, const int* b, long n)
{
   long c = 0;
   for (long i = 0; i < n; i++) {
      if (a[i] > 500 && b[i] > 300) {
         c++;
         __asm__ volatile("" ::: "memory");
      }
   }
   return c;
}

int main(int argc, char** argv)
{
   int threshold = argc > 1 ? atoi(argv[1]) : 700;
   unsigned x = 12345;
   for (int i = 0; i < N; i++) {
      x = x * 1103515245u + 12345u;
      data[i] = (x >> 8) % 1000;
   }
   long above = 0, both = 0;
   for (int i = 0; i < N; i++) {
      above += data[i] > threshold;
      both += data[i] > 500 && data[(i + 1) % N] > 300;
   }
   printf("data=%p n=%d above=%ld both=%ld\n", (void*)data, N, above, both);
   printf("sum=%ld both=%ld\n", sum_above(data, N, threshold), both_positive(data, data + 1, N - 1));
   if (argc > 2) {
      volatile int* p = (int*)(long)atoi(argv[2]);
      printf("crashing\n");
      fflush(stdout);
      return *p;
   }
   return 0;
}
