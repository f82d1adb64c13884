/* Breadth-first search written entirely in main: the edge list from standard input (scanf)
 * becomes a CSR graph by degree counting, and the queue is a ring buffer of n slots with
 * wrap-around indices. No common.h.  Usage: PROGRAM < INPUT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n, m;
  if (argc != 1 || scanf("%d %d", &n, &m) != 2 || n < 1 || m < 0) {
    fprintf(stderr, "usage: %s < INPUT (n m, the edges, the sources)\n", argv[0]);
    return 2;
  }
  int *from = malloc(sizeof(int) * (size_t)(m + 1)), *to = malloc(sizeof(int) * (size_t)(m + 1));
  int *first = calloc((size_t)n + 1, sizeof(int));
  for (int e = 0; e < m; e++) {
    int w;
    if (scanf("%d %d %d", &from[e], &to[e], &w) != 3) {
      fprintf(stderr, "error: expected %d edges\n", m);
      return 2;
    }
    first[from[e] + 1]++;
    first[to[e] + 1]++;
  }
  for (int v = 0; v < n; v++) first[v + 1] += first[v];
  int *fill = malloc(sizeof(int) * (size_t)n), *neighbour = malloc(sizeof(int) * (size_t)(2 * m + 1));
  for (int v = 0; v < n; v++) fill[v] = first[v];
  for (int e = 0; e < m; e++) {
    neighbour[fill[from[e]]++] = to[e];
    neighbour[fill[to[e]]++] = from[e];
  }
  int k;
  if (scanf("%d", &k) != 1) {
    fprintf(stderr, "error: expected the number of sources\n");
    return 2;
  }
  int *dist = malloc(sizeof(int) * (size_t)n), *ring = malloc(sizeof(int) * (size_t)n);
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < k; s++) {
    int source;
    if (scanf("%d", &source) != 1) return 2;
    for (int v = 0; v < n; v++) dist[v] = -1;
    int head = 0, count = 0;
    ring[0] = source;
    count = 1;
    dist[source] = 0;
    while (count > 0) {
      int u = ring[head];
      head = head + 1 == n ? 0 : head + 1;
      count--;
      for (int i = first[u]; i < first[u + 1]; i++) {
        int v = neighbour[i];
        if (dist[v] == -1) {
          dist[v] = dist[u] + 1;
          int slot = head + count;
          ring[slot >= n ? slot - n : slot] = v;
          count++;
        }
      }
    }
    for (int v = 0; v < n; v++) h = (h ^ (uint64_t)(int64_t)dist[v]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
