/* Input reading and checksums shared by every implementation of the corpus.
 *
 * Only main() uses these: the algorithm itself lives in the functions the
 * manifest names, so that a trace or a static feature can be restricted to
 * them. Convention for every program: `PROGRAM INPUT_FILE`, where the file
 * holds whitespace-separated integers and words (lib/algorithms/inputs.ts
 * writes them); the program prints one line, the decimal FNV-1a-style
 * checksum of its result (lib/algorithms/reference.ts computes the same). */
#ifndef NCF_ALGORITHMS_COMMON_H
#define NCF_ALGORITHMS_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The algorithm's entry point stays a function of its own at every -O level. */
#define ALGORITHM __attribute__((noinline))

/* Helpers a program may leave unused. */
#define IO_HELPER static __attribute__((unused))

typedef struct {
  char *data;
  size_t len;
  size_t pos;
  const char *path;
} input_t;

IO_HELPER void fail(const char *message, const char *detail) {
  fprintf(stderr, "error: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

IO_HELPER void *checked_malloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p) fail("out of memory", NULL);
  return p;
}

IO_HELPER input_t open_input(int argc, char **argv) {
  if (argc != 2) fail("usage: PROGRAM INPUT_FILE", NULL);
  FILE *f = fopen(argv[1], "rb");
  if (!f) fail("cannot open the input file", argv[1]);
  input_t in = {NULL, 0, 0, argv[1]};
  size_t cap = 1 << 16;
  in.data = checked_malloc(cap + 1);
  size_t got;
  while ((got = fread(in.data + in.len, 1, cap - in.len, f)) > 0) {
    in.len += got;
    if (in.len == cap) {
      cap *= 2;
      in.data = realloc(in.data, cap + 1);
      if (!in.data) fail("out of memory", NULL);
    }
  }
  fclose(f);
  in.data[in.len] = '\0';
  return in;
}

IO_HELPER void skip_space(input_t *in) {
  while (in->pos < in->len && (unsigned char)in->data[in->pos] <= ' ') in->pos++;
}

IO_HELPER long long next_int(input_t *in) {
  skip_space(in);
  int negative = 0;
  if (in->pos < in->len && in->data[in->pos] == '-') {
    negative = 1;
    in->pos++;
  }
  if (in->pos >= in->len || in->data[in->pos] < '0' || in->data[in->pos] > '9') {
    fail("expected an integer in the input file", in->path);
  }
  long long value = 0;
  while (in->pos < in->len && in->data[in->pos] >= '0' && in->data[in->pos] <= '9') {
    value = value * 10 + (in->data[in->pos++] - '0');
  }
  return negative ? -value : value;
}

/* The next word, NUL-terminated in place; its length in *len. */
IO_HELPER char *next_word(input_t *in, int *len) {
  skip_space(in);
  if (in->pos >= in->len) fail("expected a word in the input file", in->path);
  size_t start = in->pos;
  while (in->pos < in->len && (unsigned char)in->data[in->pos] > ' ') in->pos++;
  *len = (int)(in->pos - start);
  if (in->pos < in->len) in->data[in->pos++] = '\0';
  return in->data + start;
}

IO_HELPER int *read_ints(input_t *in, int n) {
  int *a = checked_malloc((size_t)n * sizeof *a);
  for (int i = 0; i < n; i++) a[i] = (int)next_int(in);
  return a;
}

/* An undirected weighted graph as its edge list (edges u < v, sorted, no duplicates), and the
 * source vertices to run the algorithm from, one run each. */
typedef struct {
  int n, m;
  int *u, *v, *w;
  int k;
  int *sources;
} edges_t;

IO_HELPER edges_t read_edges(input_t *in) {
  edges_t g;
  g.n = (int)next_int(in);
  g.m = (int)next_int(in);
  g.u = checked_malloc((size_t)g.m * sizeof(int));
  g.v = checked_malloc((size_t)g.m * sizeof(int));
  g.w = checked_malloc((size_t)g.m * sizeof(int));
  for (int i = 0; i < g.m; i++) {
    g.u[i] = (int)next_int(in);
    g.v[i] = (int)next_int(in);
    g.w[i] = (int)next_int(in);
  }
  g.k = (int)next_int(in);
  g.sources = read_ints(in, g.k);
  return g;
}

#define CHECKSUM_START 14695981039346656037ULL

IO_HELPER uint64_t mix(uint64_t h, long long value) {
  return (h ^ (uint64_t)value) * 1099511628211ULL;
}

IO_HELPER uint64_t mix_ints(uint64_t h, const int *a, int n) {
  for (int i = 0; i < n; i++) h = mix(h, a[i]);
  return h;
}

IO_HELPER uint64_t checksum_ints(const int *a, int n) {
  return mix_ints(CHECKSUM_START, a, n);
}

IO_HELPER void print_checksum(uint64_t h) {
  printf("%llu\n", (unsigned long long)h);
}

#endif
