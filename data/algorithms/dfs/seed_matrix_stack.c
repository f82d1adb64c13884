/* Depth-first search over a byte adjacency matrix with an explicit stack of vertices and a
 * per-vertex column cursor (the next column of its row to look at). The graph is generated in
 * the program from a seed (splitmix64, selection sampling of the edges; weights drawn and
 * ignored). No input file, no common.h.  Usage: PROGRAM SEED N M MAXWEIGHT SOURCES */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t random_u64(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  int n;
  unsigned char *adjacent;
  int *cursor, *stack;
  unsigned char *seen;
} search_t;

/* Appends the preorder from `source`, then from each unvisited vertex, to `order`. */
__attribute__((noinline)) int matrix_dfs(search_t *s, int source, int *order) {
  int n = s->n, count = 0;
  memset(s->seen, 0, (size_t)n);
  for (int root = -1; root < n; root++) {
    int start = root < 0 ? source : root;
    if (s->seen[start]) continue;
    int top = 0;
    s->stack[top++] = start;
    s->seen[start] = 1;
    s->cursor[start] = 0;
    order[count++] = start;
    while (top > 0) {
      int v = s->stack[top - 1];
      const unsigned char *row = s->adjacent + (size_t)v * n;
      int c = s->cursor[v];
      while (c < n && (!row[c] || s->seen[c])) c++;
      if (c == n) {
        top--;
        continue;
      }
      s->cursor[v] = c + 1;
      s->seen[c] = 1;
      s->cursor[c] = 0;
      order[count++] = c;
      s->stack[top++] = c;
    }
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s SEED N M MAXWEIGHT SOURCES\n", argv[0]);
    return 2;
  }
  state = strtoull(argv[1], NULL, 10);
  long n = atol(argv[2]), m = atol(argv[3]), k = atol(argv[5]);
  if (n < 2 || m < 1 || m > n * (n - 1) / 2 || atol(argv[4]) < 1 || k < 1) {
    fprintf(stderr, "error: need N >= 2, 1 <= M <= N(N-1)/2, MAXWEIGHT >= 1, SOURCES >= 1\n");
    return 2;
  }
  search_t s = {(int)n, calloc((size_t)(n * n), 1), malloc(sizeof(int) * (size_t)n),
                malloc(sizeof(int) * (size_t)n), malloc((size_t)n)};
  long pairs_left = n * (n - 1) / 2, taken = 0;
  for (long u = 0; u < n; u++) {
    for (long v = u + 1; v < n; v++, pairs_left--) {
      if ((long)(random_u64() % (uint64_t)pairs_left) >= m - taken) continue;
      random_u64(); /* the weight, unused by DFS */
      s.adjacent[u * n + v] = s.adjacent[v * n + u] = 1;
      taken++;
    }
  }
  int *order = malloc(sizeof(int) * (size_t)n);
  uint64_t h = 14695981039346656037ULL;
  for (long i = 0; i < k; i++) {
    int count = matrix_dfs(&s, (int)(random_u64() % (uint64_t)n), order);
    for (int j = 0; j < count; j++) h = (h ^ (uint64_t)(int64_t)order[j]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
