/* Breadth-first search over a byte adjacency matrix: the graph is generated in the program
 * from a seed (splitmix64, selection sampling of the edges; weights drawn and ignored), and
 * each dequeued vertex scans its whole row. No input file, no common.h.
 * Usage: PROGRAM SEED N M MAXWEIGHT SOURCES */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint64_t next_u64(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) void matrix_bfs(const unsigned char *adjacent, int n, int source,
                                          int *dist, int *queue) {
  for (int v = 0; v < n; v++) dist[v] = -1;
  int head = 0, tail = 0;
  queue[tail++] = source;
  dist[source] = 0;
  while (head < tail) {
    int u = queue[head++];
    const unsigned char *row = adjacent + (size_t)u * n;
    for (int v = 0; v < n; v++) {
      if (row[v] && dist[v] < 0) {
        dist[v] = dist[u] + 1;
        queue[tail++] = v;
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s SEED N M MAXWEIGHT SOURCES\n", argv[0]);
    return 2;
  }
  state = strtoull(argv[1], NULL, 10);
  long n = atol(argv[2]), m = atol(argv[3]), max_weight = atol(argv[4]), k = atol(argv[5]);
  if (n < 2 || m < 1 || m > n * (n - 1) / 2 || max_weight < 1 || k < 1) {
    fprintf(stderr, "error: need N >= 2, 1 <= M <= N(N-1)/2, MAXWEIGHT >= 1, SOURCES >= 1\n");
    return 2;
  }
  unsigned char *adjacent = calloc((size_t)(n * n), 1);
  long left = n * (n - 1) / 2, chosen = 0;
  for (long u = 0; u < n; u++) {
    for (long v = u + 1; v < n; v++, left--) {
      if ((long)(next_u64() % (uint64_t)left) < m - chosen) {
        next_u64(); /* the weight, unused by BFS */
        adjacent[u * n + v] = adjacent[v * n + u] = 1;
        chosen++;
      }
    }
  }
  int *dist = malloc(sizeof(int) * (size_t)n), *queue = malloc(sizeof(int) * (size_t)n);
  uint64_t h = 14695981039346656037ULL;
  for (long s = 0; s < k; s++) {
    matrix_bfs(adjacent, (int)n, (int)(next_u64() % (uint64_t)n), dist, queue);
    for (long v = 0; v < n; v++) h = (h ^ (uint64_t)(int64_t)dist[v]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  free(adjacent);
  free(dist);
  free(queue);
  return 0;
}
