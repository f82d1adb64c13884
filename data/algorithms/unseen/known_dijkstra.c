/* Dijkstra's shortest paths on a dense generated graph (adjacency matrix, O(V^2) selection). */
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
int main(void) {
  int n = 400; int *w = malloc(sizeof(int) * n * n); unsigned s = 31;
  for (int i = 0; i < n * n; i++) { s = s * 1103515245u + 12345u; w[i] = (s >> 16) % 5 == 0 ? 1 + (s >> 8) % 100 : 0; }
  long *dist = malloc(sizeof(long) * n); char *done = calloc(n, 1);
  for (int i = 0; i < n; i++) dist[i] = LONG_MAX;
  dist[0] = 0;
  for (int it = 0; it < n; it++) {
    int u = -1;
    for (int v = 0; v < n; v++) if (!done[v] && dist[v] != LONG_MAX && (u < 0 || dist[v] < dist[u])) u = v;
    if (u < 0) break;
    done[u] = 1;
    for (int v = 0; v < n; v++) if (w[u * n + v] && dist[u] + w[u * n + v] < dist[v]) dist[v] = dist[u] + w[u * n + v];
  }
  long h = 0; for (int i = 0; i < n; i++) if (dist[i] != LONG_MAX) h += dist[i];
  printf("%ld\n", h); return 0;
}
