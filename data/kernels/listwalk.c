/* Linked-list traversal over a shuffled list: nodes are allocated in one
 * array but linked in a seeded random order, so every step is a dependent,
 * unpredictable load (pointer chasing). Each pass also unlinks and re-inserts
 * a few nodes elsewhere, so the order keeps changing.
 * Usage: listwalk SEED NODES PASSES */
#include "kernel.h"

typedef struct node {
  struct node *next;
  uint64_t key;
  uint64_t payload[6]; /* one node per 64-byte cache line */
} node_t;

int main(int argc, char **argv) {
  if (argc != 4) die("usage: listwalk SEED NODES PASSES");
  uint64_t state = parse_count(argv[1], "SEED");
  uint64_t n = parse_count(argv[2], "NODES");
  uint64_t passes = parse_count(argv[3], "PASSES");
  if (n < 2) die("NODES must be at least 2");
  node_t *pool = checked_malloc(n * sizeof *pool);
  uint64_t *order = checked_malloc(n * sizeof *order);
  for (uint64_t i = 0; i < n; i++) {
    order[i] = i;
    pool[i].key = next_random(&state) % 1000003;
    for (int k = 0; k < 6; k++) pool[i].payload[k] = i * 7 + k;
  }
  for (uint64_t i = n - 1; i > 0; i--) {
    uint64_t j = next_random(&state) % (i + 1), t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint64_t i = 0; i + 1 < n; i++) pool[order[i]].next = &pool[order[i + 1]];
  pool[order[n - 1]].next = NULL;
  node_t *head = &pool[order[0]];

  uint64_t checksum = 0, moves = n / 64 + 1;
  for (uint64_t p = 0; p < passes; p++) {
    uint64_t threshold = next_random(&state) % 1000003;
    for (node_t *x = head; x; x = x->next) {
      if (x->key < threshold) checksum += x->payload[x->key & 3];
      else checksum ^= x->key;
    }
    /* Move a few nodes: unlink the successor of a random node, insert it after another. */
    for (uint64_t m = 0; m < moves; m++) {
      node_t *a = &pool[next_random(&state) % n], *b = &pool[next_random(&state) % n];
      node_t *moved = a->next;
      if (!moved || moved == b || b == a) continue;
      a->next = moved->next;
      moved->next = b->next;
      b->next = moved;
    }
  }
  printf("listwalk: %llu nodes, %llu passes, checksum %llu\n", (unsigned long long)n,
         (unsigned long long)passes, (unsigned long long)checksum);
  return 0;
}
