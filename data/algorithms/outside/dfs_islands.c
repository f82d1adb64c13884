/* Counts the islands of a random map (land '#' with probability 45%, from the ANSI C example
 * rand() recurrence, seed 1) and the size of the largest, with a recursive flood fill that
 * sinks each island as it explores it (four neighbours).
 * Usage: dfs_islands [WIDTH HEIGHT]   (default 160 120) */
#include <stdio.h>
#include <stdlib.h>

static unsigned long next = 1;

static int ansi_rand(void) {
  next = next * 1103515245 + 12345;
  return (int)((next / 65536) % 32768);
}

static int width, height;
static char *map;

static int sink(int r, int c) {
  if (r < 0 || r >= height || c < 0 || c >= width || map[r * width + c] != '#') return 0;
  map[r * width + c] = '~';
  return 1 + sink(r - 1, c) + sink(r + 1, c) + sink(r, c - 1) + sink(r, c + 1);
}

int main(int argc, char **argv) {
  width = argc == 3 ? atoi(argv[1]) : 160;
  height = argc == 3 ? atoi(argv[2]) : 120;
  if ((argc != 1 && argc != 3) || width < 1 || height < 1) {
    fprintf(stderr, "usage: %s [WIDTH HEIGHT]\n", argv[0]);
    return 2;
  }
  map = malloc((size_t)width * (size_t)height);
  for (int i = 0; i < width * height; i++) map[i] = ansi_rand() % 100 < 45 ? '#' : '.';
  int islands = 0, largest = 0;
  for (int r = 0; r < height; r++)
    for (int c = 0; c < width; c++) {
      int size = sink(r, c);
      if (size > 0) {
        islands++;
        if (size > largest) largest = size;
      }
    }
  printf("%d islands, the largest %d cells\n", islands, largest);
  free(map);
  return 0;
}
