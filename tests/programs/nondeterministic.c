/* Everything that varies from run to run unless the tracer fixes it: the
   environment, the program's path, the working folder, the clock, random
   bytes (getrandom, the stack canary from the auxiliary vector, malloc's
   random tcache key), the time-stamp counter, and the thread id glibc keeps
   (read at exit). Each decides how often a loop runs or is read, so any that
   is not fixed changes the trace. Usage: nondeterministic FILE; prints a
   checksum of FILE and of what it saw. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

__attribute__((noinline)) static long spin(unsigned long n)
{
   volatile long s = 0;
   for (unsigned long i = 0; i < (n & 0x3ff); i++) s += i;
   return s;
}

int main(int argc, char** argv)
{
   if (argc < 2) return 2;
   unsigned long h = 0;
   for (char** e = environ; *e; e++) h += strlen(*e);
   h += strlen(argv[0]);
   char cwd[4096];
   if (getcwd(cwd, sizeof cwd)) h += strlen(cwd);
   struct timespec ts;
   clock_gettime(CLOCK_REALTIME, &ts);
   unsigned char r[8];
   if (getrandom(r, sizeof r, 0) != sizeof r) return 3;
   const unsigned char* at_random = (const unsigned char*)getauxval(AT_RANDOM);
   long s = spin(h) + spin(ts.tv_nsec >> 10) + spin(r[0] | r[1] << 8) + spin(at_random[3]) +
            spin(__builtin_ia32_rdtsc() >> 4);
   FILE* f = fopen(argv[1], "rb");
   if (!f) return 4;
   long high = 0;
   for (int c; (c = fgetc(f)) != EOF;) high += c > 127;
   fclose(f);
   printf("high=%ld s=%ld\n", high, s);
   return 0; /* exit() locks the loader's recursive mutex: it reads the thread id */
}
