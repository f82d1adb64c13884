/* PageRank (GAP pr analog): pull-style power iteration over a CSR graph
 * (symmetric, so in-neighbours are the neighbours); prints the top node.
 * Usage: pagerank GRAPH ITERATIONS */
#include "kernel.h"

int main(int argc, char **argv) {
  if (argc != 3) die("usage: pagerank GRAPH ITERATIONS");
  graph_t g = read_graph(argv[1]);
  uint64_t iterations = parse_count(argv[2], "ITERATIONS");
  const double damping = 0.85, base = (1.0 - damping) / g.nodes;
  double *score = checked_malloc((size_t)g.nodes * sizeof *score);
  double *contribution = checked_malloc((size_t)g.nodes * sizeof *contribution);
  for (uint32_t v = 0; v < g.nodes; v++) score[v] = 1.0 / g.nodes;

  double change = 0;
  for (uint64_t it = 0; it < iterations; it++) {
    for (uint32_t v = 0; v < g.nodes; v++) {
      uint32_t degree = g.offsets[v + 1] - g.offsets[v];
      contribution[v] = degree ? score[v] / degree : 0;
    }
    change = 0;
    for (uint32_t u = 0; u < g.nodes; u++) {
      double sum = 0;
      for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; e++) sum += contribution[g.targets[e]];
      double next = base + damping * sum;
      change += next > score[u] ? next - score[u] : score[u] - next;
      score[u] = next;
    }
  }
  uint32_t best = 0;
  for (uint32_t v = 1; v < g.nodes; v++)
    if (score[v] > score[best]) best = v;
  printf("pagerank: %llu iterations, last change %.3g, top node %u (%.3g)\n",
         (unsigned long long)iterations, change, best, score[best]);
  return 0;
}
