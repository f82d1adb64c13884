/* Dijkstra's algorithm, O(n^2): a dense weight matrix, and the next vertex found by scanning
 * all tentative distances. */
#include <limits.h>
#include "../common.h"

ALGORITHM void dijkstra_dense(const int *weight, int n, int source, long long *dist) {
  char *done = calloc((size_t)n, 1);
  for (int i = 0; i < n; i++) dist[i] = LLONG_MAX;
  dist[source] = 0;
  for (int round = 0; round < n; round++) {
    int u = -1;
    for (int i = 0; i < n; i++)
      if (!done[i] && dist[i] != LLONG_MAX && (u < 0 || dist[i] < dist[u])) u = i;
    if (u < 0) break;
    done[u] = 1;
    const int *row = weight + (size_t)u * n;
    for (int v = 0; v < n; v++) {
      if (row[v] > 0 && !done[v] && dist[u] + row[v] < dist[v]) dist[v] = dist[u] + row[v];
    }
  }
  free(done);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  int *weight = calloc((size_t)g.n * g.n, sizeof(int));
  for (int e = 0; e < g.m; e++) {
    weight[(size_t)g.u[e] * g.n + g.v[e]] = g.w[e];
    weight[(size_t)g.v[e] * g.n + g.u[e]] = g.w[e];
  }
  long long *dist = checked_malloc((size_t)g.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    dijkstra_dense(weight, g.n, g.sources[s], dist);
    for (int i = 0; i < g.n; i++) h = mix(h, dist[i] == LLONG_MAX ? -1 : dist[i]);
  }
  print_checksum(h);
  return 0;
}
