/* Bubble sort of a singly linked list: each pass walks the nodes up to the already sorted tail
 * and swaps neighbouring values. The data is generated in the program from a seed (splitmix64),
 * with no input file and no common.h.  Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct node {
  int value;
  struct node *next;
} node_t;

static uint64_t state;

static uint64_t next_random(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) static void bubble_list(node_t *head) {
  node_t *sorted_from = NULL; /* the nodes from here on are in their final place */
  while (head && head->next != sorted_from) {
    node_t *p = head;
    while (p->next != sorted_from) {
      if (p->value > p->next->value) {
        int t = p->value;
        p->value = p->next->value;
        p->next->value = t;
      }
      p = p->next;
    }
    sorted_from = p;
  }
}

static long number(const char *text, const char *what) {
  char *end;
  long v = strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < 1) {
    fprintf(stderr, "error: %s must be a positive integer, got \"%s\"\n", what, text);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  state = strtoull(argv[1], NULL, 10);
  long n = number(argv[2], "N"), max = number(argv[3], "MAX");
  node_t *nodes = malloc(sizeof(node_t) * (size_t)n);
  if (!nodes) return 1;
  for (long i = 0; i < n; i++) {
    nodes[i].value = (int)(next_random() % (uint64_t)max);
    nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
  }
  bubble_list(nodes);
  uint64_t h = 14695981039346656037ULL;
  for (node_t *p = nodes; p; p = p->next) h = (h ^ (uint64_t)(int64_t)p->value) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(nodes);
  return 0;
}
