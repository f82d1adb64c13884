/* Dijkstra's algorithm with an unordered frontier list: vertices with a tentative distance sit
 * in a small array, the next one is found by scanning only that array and removed by moving the
 * last entry into its slot. CSR adjacency. The graph is generated in the program from a seed
 * (splitmix64, selection sampling of the edges). No input file, no common.h.
 * Usage: PROGRAM SEED N M MAXWEIGHT SOURCES */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t st;

static uint64_t mix64(void) {
  uint64_t z = (st += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  int n;
  int *first, *to, *weight;
} csr_t;

__attribute__((noinline)) void frontier_dijkstra(const csr_t *g, int source, long *dist,
                                                 int *frontier, char *state) {
  /* state: 0 unseen, 1 in the frontier, 2 done */
  for (int v = 0; v < g->n; v++) dist[v] = -1, state[v] = 0;
  int size = 0;
  dist[source] = 0;
  frontier[size++] = source;
  state[source] = 1;
  while (size > 0) {
    int best = 0;
    for (int i = 1; i < size; i++)
      if (dist[frontier[i]] < dist[frontier[best]]) best = i;
    int u = frontier[best];
    frontier[best] = frontier[--size];
    state[u] = 2;
    for (int a = g->first[u]; a < g->first[u + 1]; a++) {
      int v = g->to[a];
      long d = dist[u] + g->weight[a];
      if (state[v] == 0) {
        dist[v] = d;
        state[v] = 1;
        frontier[size++] = v;
      } else if (state[v] == 1 && d < dist[v]) {
        dist[v] = d;
      }
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s SEED N M MAXWEIGHT SOURCES\n", argv[0]);
    return 2;
  }
  st = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), m = atoi(argv[3]), max_weight = atoi(argv[4]), k = atoi(argv[5]);
  if (n < 2 || m < 1 || (long)m > (long)n * (n - 1) / 2 || max_weight < 1 || k < 1) {
    fprintf(stderr, "error: need N >= 2, 1 <= M <= N(N-1)/2, MAXWEIGHT >= 1, SOURCES >= 1\n");
    return 2;
  }
  int *eu = malloc(sizeof(int) * (size_t)m), *ev = malloc(sizeof(int) * (size_t)m);
  int *ew = malloc(sizeof(int) * (size_t)m);
  long left = (long)n * (n - 1) / 2;
  int e = 0;
  for (int u = 0; u < n; u++) {
    for (int v = u + 1; v < n; v++, left--) {
      if ((long)(mix64() % (uint64_t)left) < m - e) {
        eu[e] = u, ev[e] = v, ew[e] = 1 + (int)(mix64() % (uint64_t)max_weight);
        e++;
      }
    }
  }
  csr_t g = {n, calloc((size_t)n + 1, sizeof(int)), malloc(sizeof(int) * 2 * (size_t)m),
             malloc(sizeof(int) * 2 * (size_t)m)};
  for (int i = 0; i < m; i++) g.first[eu[i] + 1]++, g.first[ev[i] + 1]++;
  for (int v = 0; v < n; v++) g.first[v + 1] += g.first[v];
  int *at = malloc(sizeof(int) * (size_t)n);
  for (int v = 0; v < n; v++) at[v] = g.first[v];
  for (int i = 0; i < m; i++) {
    g.to[at[eu[i]]] = ev[i], g.weight[at[eu[i]]++] = ew[i];
    g.to[at[ev[i]]] = eu[i], g.weight[at[ev[i]]++] = ew[i];
  }
  long *dist = malloc(sizeof(long) * (size_t)n);
  int *frontier = malloc(sizeof(int) * (size_t)n);
  char *state = malloc((size_t)n);
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < k; s++) {
    frontier_dijkstra(&g, (int)(mix64() % (uint64_t)n), dist, frontier, state);
    for (int v = 0; v < n; v++) h = (h ^ (uint64_t)dist[v]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
