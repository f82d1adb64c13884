/* A bank: SIZE customers (default 12000) arrive 1..19 ticks apart and need 1..71 ticks of service
 * (fixed-seed xorshift); a discrete-event simulation moves the clock to the next arrival or the
 * next teller to finish, 4 tellers serving a first-in first-out ring-buffer queue of 8 places
 * (customers who find it full leave); prints the mean wait, the longest queue and those who left.
 * Foreign to the 12 classes: an event loop choosing the earliest of a few pending events and a
 * circular buffer with wrapping indices; nothing is sorted, searched or traversed. */
#include "foreign.h"

#define TELLERS 4
#define PLACES 8 /* a power of two */

/* Returns the total wait of the customers served; sets the longest queue and the customers lost. */
__attribute__((noinline)) long simulate_bank(const long *arrival, const long *service, long n,
                                             long *served, long *longest, long *lost) {
  long queue[PLACES], head = 0, tail = 0; /* queue[head..tail-1], modulo PLACES */
  long finish[TELLERS];
  int busy[TELLERS] = {0};
  long next = 0, total_wait = 0;
  while (next < n || tail > head) {
    int first = -1; /* the busy teller that finishes first */
    for (int t = 0; t < TELLERS; t++)
      if (busy[t] && (first < 0 || finish[t] < finish[first])) first = t;
    long now;
    if (next < n && (first < 0 || arrival[next] < finish[first])) {
      now = arrival[next];
      if (tail - head == PLACES) (*lost)++;
      else queue[tail++ % PLACES] = next;
      if (tail - head > *longest) *longest = tail - head;
      next++;
    } else {
      now = finish[first];
      busy[first] = 0;
    }
    for (int t = 0; t < TELLERS && tail > head; t++) {
      if (busy[t]) continue;
      long c = queue[head++ % PLACES];
      total_wait += now - arrival[c];
      finish[t] = now + service[c];
      busy[t] = 1;
      (*served)++;
    }
  }
  return total_wait;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 12000, 100000000);
  long *arrival = malloc((size_t)n * sizeof(long)), *service = malloc((size_t)n * sizeof(long));
  uint64_t state = 0x9b05688c2b3e6c1fULL;
  for (long i = 0, clock = 0; i < n; i++) {
    clock += 1 + (long)(next_random(&state) % 19);
    arrival[i] = clock;
    service[i] = 1 + (long)(next_random(&state) % 71);
  }
  long served = 0, longest = 0, lost = 0;
  long wait = simulate_bank(arrival, service, n, &served, &longest, &lost);
  printf("%ld customers, %d tellers: mean wait %.3f ticks, longest queue %ld, %ld left\n", n,
         TELLERS, served ? (double)wait / (double)served : 0.0, longest, lost);
  free(arrival);
  free(service);
  return 0;
}
