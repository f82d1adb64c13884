/* Reads decimal numbers from a comma-separated file and bubble-sorts them as doubles (a pass
 * stops the sort when it swaps nothing, and the last swap bounds the next pass); prints the
 * minimum, the (upper) median and the maximum with three decimals.
 * Usage: bubble_floats FILE.csv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bubble(double *x, int n) {
  int bound = n - 1;
  while (bound > 0) {
    int last = 0;
    for (int i = 0; i < bound; i++) {
      if (x[i] > x[i + 1]) {
        double t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t;
        last = i;
      }
    }
    bound = last;
  }
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s FILE.csv\n", argv[0]);
    return 2;
  }
  int n = 0, cap = 128;
  double *x = malloc(sizeof(double) * (size_t)cap);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    for (char *field = strtok(line, ",\n"); field; field = strtok(NULL, ",\n")) {
      if (n == cap) x = realloc(x, sizeof(double) * (size_t)(cap *= 2));
      x[n++] = strtod(field, NULL);
    }
  }
  fclose(f);
  if (n == 0) {
    fprintf(stderr, "%s holds no numbers\n", argv[1]);
    return 2;
  }
  bubble(x, n);
  printf("%d values: min %.3f, median %.3f, max %.3f\n", n, x[0], x[n / 2], x[n - 1]);
  free(x);
  return 0;
}
