/* A process that forks: parent and child each run a loop of their own, the
   child exits, the parent waits for it and then starts a shell command
   (system(), a vfork-style clone), so that a tracer sees both kinds of child.
   Usage: forking N. Prints the parent's sum and the child's exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) static long parent_work(long n)
{
   long s = 0;
   for (long i = 0; i < n; i++)
      if ((i * 2654435761u) & 0x100) s += i;
   return s;
}

__attribute__((noinline)) static long child_work(long n)
{
   long s = 0;
   for (long i = 0; i < n; i++)
      if ((i * 40503u) & 0x40) s ^= i;
   return s;
}

int main(int argc, char** argv)
{
   long n = argc > 1 ? atol(argv[1]) : 10000;
   fflush(stdout);
   pid_t pid = fork();
   if (pid < 0) return 2;
   if (pid == 0) exit(child_work(n) == 12345 ? 3 : 7);
   long s = parent_work(n);
   int status = 0;
   waitpid(pid, &status, 0);
   int shell = system("exit 5");
   printf("sum=%ld child=%d shell=%d\n", s, WEXITSTATUS(status), WEXITSTATUS(shell));
   return 0;
}
