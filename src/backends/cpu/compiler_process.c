/* compiler_process.c — the host compiler in its own process group, under a
 * guard that outlives cubie long enough to clean up (see
 * compiler_process.h).
 *
 * After fork() in a process with other threads (MPI's, the writer's) only
 * async-signal-safe calls are allowed until exec: the guard and the
 * compiler's child therefore use nothing but system calls, with every path
 * and argument prepared beforehand.
 */
#define _GNU_SOURCE /* prctl, PR_SET_PDEATHSIG; SYS_getdents64 */
#include "backends/cpu/compiler_process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"

extern char **environ;

/* Seconds the compiler's group has after SIGTERM before SIGKILL. */
#define GRACE_SECONDS 2

static volatile sig_atomic_t guard_stop = 0;
static void on_guard_signal(int signum) { guard_stop = signum; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void nap(long nanoseconds) {
  struct timespec ts = {0, nanoseconds};
  nanosleep(&ts, NULL);
}

/* The guard's clean-up of the build directory: plain files one level deep
 * (the compiler's TMPDIR points there too), by system calls only. */
static void remove_build_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    char buf[4096];
    for (;;) {
      long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        /* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name */
        unsigned short reclen;
        memcpy(&reclen, buf + off + 16, sizeof reclen);
        const char *name = buf + off + 19;
        if (!(name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))))
          unlinkat(fd, name, 0);
        off += reclen;
      }
    }
    close(fd);
  }
  rmdir(dir);
}

/* End every process of group `group`: SIGTERM, a grace period, SIGKILL. */
static void end_group(pid_t group, pid_t child, int *child_status, int *reaped) {
  kill(-group, SIGTERM);
  for (int i = 0; i < GRACE_SECONDS * 100; i++) {
    if (!*reaped && waitpid(child, child_status, WNOHANG) == child) *reaped = 1;
    if (*reaped && kill(-group, 0) != 0) return; /* nobody left */
    nap(10000000L);
  }
  kill(-group, SIGKILL);
  if (!*reaped && waitpid(child, child_status, 0) == child) *reaped = 1;
}

/* The guard: start the compiler, wait for it, end it when told. Never returns. */
static void guard_main(const char *path, char *const *argv, char *const *envp,
                       const char *log_path, const char *build_dir, pid_t cubie) {
  /* SIGTERM from cubie (stop, time limit) or from the kernel (cubie died). */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_guard_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != cubie) guard_stop = SIGTERM; /* cubie died before the line above */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);

  pid_t child = guard_stop ? -1 : fork();
  if (child == 0) {
    setpgid(0, 0);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGINT, &dfl, NULL);
    int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log < 0 || devnull < 0) _exit(126);
    dup2(devnull, 0);
    dup2(log, 1);
    dup2(log, 2);
    execve(path, argv, envp);
    _exit(127);
  }
  if (child < 0) {
    remove_build_dir(build_dir);
    _exit(guard_stop ? 128 + SIGTERM : 126);
  }
  setpgid(child, child); /* also here: no window where it shares our group */
  int status = 0, reaped = 0;
  while (!reaped) {
    pid_t w = waitpid(child, &status, 0);
    if (w == child) reaped = 1;
    else if (w < 0 && errno != EINTR) break;
    if (guard_stop) break;
  }
  if (guard_stop) {
    end_group(child, child, &status, &reaped);
    remove_build_dir(build_dir);
    _exit(128 + SIGTERM);
  }
  /* Anything the compiler left running in its group goes too. */
  kill(-child, SIGKILL);
  if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
  _exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

/* argv[0] as an absolute path (execve does not search $PATH), or "". */
static void resolve(const char *name, char *path, size_t size) {
  path[0] = '\0';
  if (strchr(name, '/')) {
    if (access(name, X_OK) == 0) snprintf(path, size, "%s", name);
    return;
  }
  const char *dirs = getenv("PATH");
  if (!dirs || !*dirs) dirs = "/usr/local/bin:/usr/bin:/bin";
  while (*dirs) {
    size_t len = strcspn(dirs, ":");
    snprintf(path, size, "%.*s/%s", (int)len, len ? dirs : ".", name);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0) return;
    dirs += len;
    if (*dirs == ':') dirs++;
  }
  path[0] = '\0';
}

int cubie_compiler_run(const cubie_compiler_job *job, cubie_compiler_end *end, int *exit_status) {
  *end = CUBIE_COMPILER_EXITED;
  *exit_status = -1;
  char path[PATH_MAX];
  resolve(job->argv[0], path, sizeof path);
  CUBIE_CHECK(path[0], CUBIE_ERR_BACKEND,
              "cannot start the C compiler '%s': not found (set CUBIE_CC to a C compiler with "
              "OpenMP)",
              job->argv[0]);
  /* Its temporary files go into the build directory, so they go with it:
   * our environment with TMPDIR replaced (built here: the child may not
   * allocate). */
  size_t n_env = 0;
  while (environ[n_env]) n_env++;
  char **envp = calloc(n_env + 2, sizeof *envp);
  size_t tmpdir_len = strlen(job->build_dir) + 8;
  char *tmpdir = malloc(tmpdir_len);
  if (!envp || !tmpdir) {
    free(envp);
    free(tmpdir);
    return CUBIE_RAISE(CUBIE_ERR_MEMORY, "out of memory starting the C compiler");
  }
  snprintf(tmpdir, tmpdir_len, "TMPDIR=%s", job->build_dir);
  size_t k = 0;
  for (size_t i = 0; i < n_env; i++)
    if (strncmp(environ[i], "TMPDIR=", 7) != 0) envp[k++] = environ[i];
  envp[k++] = tmpdir;
  envp[k] = NULL;
  pid_t cubie = getpid();
  fflush(NULL); /* nothing buffered is written twice */
  pid_t guard = fork();
  if (guard == 0)
    guard_main(path, (char *const *)job->argv, envp, job->log_path, job->build_dir, cubie);
  int fork_errno = errno;
  free(envp);
  free(tmpdir);
  CUBIE_CHECK(guard > 0, CUBIE_ERR_BACKEND, "cannot start the C compiler '%s': %s", path,
              strerror(fork_errno));

  double deadline = job->timeout > 0 ? now() + job->timeout : 0.0;
  int status = 0, asked = 0;
  for (;;) {
    pid_t w = waitpid(guard, &status, WNOHANG);
    if (w == guard) break;
    if (w < 0 && errno != EINTR) {
      kill(guard, SIGTERM);
      return CUBIE_RAISE(CUBIE_ERR_BACKEND, "waiting for the C compiler: %s", strerror(errno));
    }
    if (!asked && job->interrupted && job->interrupted()) {
      *end = CUBIE_COMPILER_STOPPED;
      kill(guard, SIGTERM);
      asked = 1;
    } else if (!asked && deadline > 0 && now() > deadline) {
      *end = CUBIE_COMPILER_TIMED_OUT;
      kill(guard, SIGTERM);
      asked = 1;
    }
    nap(asked ? 5000000L : 20000000L);
  }
  if (*end == CUBIE_COMPILER_EXITED)
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return CUBIE_OK;
}
