/* Payroll report: sorts employee records by salary (ties by id) with an in-place heapsort on
 * structs, then prints the lowest and highest paid and a digest of the order.
 * The records are made up with the Park-Miller "minimal standard" generator (seed 12345).
 * Usage: heapsort_records [COUNT]   (default 4000) */
#include <stdio.h>
#include <stdlib.h>

struct employee {
  int id;
  int salary;
  char grade;
};

#define PAID_LESS(x, y) ((x).salary < (y).salary || ((x).salary == (y).salary && (x).id < (y).id))

static long pm_state = 12345;

static long park_miller(void) {
  pm_state = pm_state * 16807 % 2147483647;
  return pm_state;
}

static void swap_records(struct employee *x, struct employee *y) {
  struct employee t = *x;
  *x = *y;
  *y = t;
}

static void sift(struct employee *staff, size_t root, size_t count) {
  for (size_t child; (child = 2 * root + 1) < count; root = child) {
    if (child + 1 < count && PAID_LESS(staff[child], staff[child + 1])) child++;
    if (!PAID_LESS(staff[root], staff[child])) return;
    swap_records(&staff[root], &staff[child]);
  }
}

static void sort_by_pay(struct employee *staff, size_t count) {
  for (size_t i = count / 2; i-- > 0;) sift(staff, i, count);
  for (size_t end = count; end-- > 1;) {
    swap_records(&staff[0], &staff[end]);
    sift(staff, 0, end);
  }
}

int main(int argc, char **argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 4000;
  if (argc > 2 || count < 1) {
    fprintf(stderr, "usage: %s [COUNT]\n", argv[0]);
    return 2;
  }
  struct employee *staff = malloc(sizeof *staff * (size_t)count);
  for (long i = 0; i < count; i++) {
    staff[i].id = (int)i + 1000;
    staff[i].salary = 20000 + (int)(park_miller() % 80000);
    staff[i].grade = (char)('A' + staff[i].salary / 20000);
  }
  sort_by_pay(staff, (size_t)count);
  unsigned digest = 0;
  for (long i = 0; i < count; i++) digest = digest * 31u + (unsigned)staff[i].id;
  printf("%ld records; lowest %d (id %d), highest %d (id %d); order digest %u\n", count,
         staff[0].salary, staff[0].id, staff[count - 1].salary, staff[count - 1].id, digest);
  free(staff);
  return 0;
}
