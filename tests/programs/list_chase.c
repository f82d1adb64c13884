/* Pointer chasing through a shuffled linked list: the next address is the
 * value just loaded, which a stride predictor cannot guess. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct node { struct node *next; long payload; long pad[6]; };

static uint64_t state = 0x2545f4914f6cdd1dull;
static uint64_t next_random(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

__attribute__((noinline)) long walk(const struct node *head, long steps) {
  long sum = 0;
  const struct node *p = head;
  for (long i = 0; i < steps; i++) {
    sum += p->payload;
    p = p->next;
  }
  return sum;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 4096;
  long steps = argc > 2 ? atol(argv[2]) : 8 * n;
  struct node *nodes = calloc(n, sizeof *nodes);
  long *order = malloc(n * sizeof *order);
  for (long i = 0; i < n; i++) order[i] = i;
  for (long i = n - 1; i > 0; i--) {
    long j = (long)(next_random() % (uint64_t)(i + 1));
    long t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (long i = 0; i < n; i++) {
    nodes[order[i]].next = &nodes[order[(i + 1) % n]];
    nodes[order[i]].payload = i;
  }
  printf("%ld\n", walk(&nodes[order[0]], steps));
  return 0;
}
