/* Merge sort on slices (a pointer and a length in a struct): each call sorts both halves
 * recursively, merges them into a buffer allocated for that merge, and copies it back.
 * The file is read with fopen/fscanf (no common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int *items;
  size_t len;
} slice_t;

static slice_t sub(slice_t s, size_t from, size_t to) {
  slice_t r = {s.items + from, to - from};
  return r;
}

static void merge_halves(slice_t left, slice_t right) {
  size_t total = left.len + right.len, i = 0, j = 0, k = 0;
  int *buffer = malloc(sizeof(int) * total);
  while (i < left.len && j < right.len) {
    if (right.items[j] < left.items[i]) buffer[k++] = right.items[j++];
    else buffer[k++] = left.items[i++];
  }
  while (i < left.len) buffer[k++] = left.items[i++];
  while (j < right.len) buffer[k++] = right.items[j++];
  memcpy(left.items, buffer, sizeof(int) * total); /* right follows left in memory */
  free(buffer);
}

__attribute__((noinline)) void slice_merge_sort(slice_t s) {
  if (s.len < 2) return;
  size_t half = s.len / 2;
  slice_t left = sub(s, 0, half), right = sub(s, half, s.len);
  slice_merge_sort(left);
  slice_merge_sort(right);
  merge_halves(left, right);
}

int main(int argc, char **argv) {
  FILE *in = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!in) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  size_t n;
  if (fscanf(in, "%zu", &n) != 1) {
    fprintf(stderr, "error: %s does not start with a count\n", argv[1]);
    return 2;
  }
  slice_t all = {malloc(sizeof(int) * (n ? n : 1)), n};
  for (size_t i = 0; i < n; i++) {
    if (fscanf(in, "%d", &all.items[i]) != 1) {
      fprintf(stderr, "error: %s holds fewer than %zu values\n", argv[1], n);
      return 2;
    }
  }
  fclose(in);
  slice_merge_sort(all);
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint64_t)(int64_t)all.items[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  free(all.items);
  return 0;
}
