/* List insertion sort: every value is linked into a sorted singly linked list at its place,
 * found by walking a pointer to the link to change. The values are generated in the program
 * from a seed (splitmix64); no input file, no common.h.  Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct cell {
  unsigned key;
  struct cell *next;
};

static uint64_t seed_state;

static uint64_t splitmix(void) {
  uint64_t z = (seed_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static struct cell *insert_sorted(struct cell *head, struct cell *c) {
  struct cell **link = &head;
  while (*link && (*link)->key <= c->key) link = &(*link)->next;
  c->next = *link;
  *link = c;
  return head;
}

__attribute__((noinline)) struct cell *list_insertion_sort(struct cell *cells, int n) {
  struct cell *head = NULL;
  for (int i = 0; i < n; i++) head = insert_sorted(head, &cells[i]);
  return head;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  seed_state = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]);
  unsigned max = (unsigned)strtoul(argv[3], NULL, 10);
  if (n < 1 || max < 1) {
    fprintf(stderr, "error: N and MAX must be positive\n");
    return 2;
  }
  struct cell *cells = malloc(sizeof *cells * (size_t)n);
  for (int i = 0; i < n; i++) cells[i].key = (unsigned)(splitmix() % max);
  struct cell *sorted = list_insertion_sort(cells, n);
  uint64_t h = 14695981039346656037ULL;
  for (; sorted; sorted = sorted->next) h = (h ^ sorted->key) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(cells);
  return 0;
}
