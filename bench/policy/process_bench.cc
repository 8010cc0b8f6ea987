// `mgov policy eval` as a whole process, timed side by side with the cost of
// starting any process at all.
//
//   build/bench/policy/process_bench [RUNS]     (default 300)
//
// Each round spawns, in turn, /bin/true (the floor: fork, exec, exit),
// `mgov --version` (start-up without work) and `mgov policy eval --policy
// policies --input examples/manifests/valid.yaml`, so the three see the same
// machine load. It prints min / median / p95 wall milliseconds for each and
// the median ratios, then what a first-touch page fault costs on the machine,
// which is most of a process start. Target: `policy eval` median <= 5 ms.
//
// Timing uses posix_spawn and waitpid directly: a shell timing loop that
// calls `date` forks two more processes per run and measured mostly itself.
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace {

const std::string kRoot = GOV_SOURCE_DIR;

struct Subject {
  const char* label;
  std::vector<std::string> argv;
  std::vector<double> ms;
};

// Runs argv once with stdout and stderr on /dev/null; the wall time in ms,
// or a negative number when it did not exit 0.
double RunOnce(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  auto start = std::chrono::steady_clock::now();
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  int status = 0;
  if (rc == 0) waitpid(pid, &status, 0);
  auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// Microseconds per first-touch page fault, the median of 21 rounds of 256
// fresh anonymous pages. A process start is mostly page faults (relocations,
// heap, stack); their cost differs a hundredfold between machines.
double PageFaultMicros() {
  constexpr size_t kPages = 256;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::vector<double> us;
  for (int r = 0; r < 21; ++r) {
    void* m = mmap(nullptr, kPages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED) return -1;
    volatile char* p = static_cast<char*>(m);
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < kPages; ++i) p[i * page] = 1;
    auto end = std::chrono::steady_clock::now();
    munmap(m, kPages * page);
    us.push_back(std::chrono::duration<double, std::micro>(end - start).count() / kPages);
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

double Quantile(const std::vector<double>& sorted, double q) {
  return sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::atoi(argv[1]) : 300;
  if (runs < 1) {
    std::fprintf(stderr, "usage: process_bench [RUNS]\n");
    return 2;
  }
  std::vector<Subject> subjects = {
      {"/bin/true", {"/bin/true"}, {}},
      {"mgov --version", {GOV_MGOV, "--version"}, {}},
      {"mgov policy eval", {GOV_MGOV, "policy", "eval", "--policy", kRoot + "/policies",
                            "--input", kRoot + "/examples/manifests/valid.yaml"}, {}},
  };
  for (int i = 0; i < runs; ++i) {
    for (Subject& s : subjects) {
      double ms = RunOnce(s.argv);
      if (ms < 0) {
        std::fprintf(stderr, "process_bench: %s failed\n", s.label);
        return 1;
      }
      s.ms.push_back(ms);
    }
  }
  std::printf("%d runs each, wall ms\n", runs);
  std::printf("%-18s %8s %8s %8s\n", "", "min", "median", "p95");
  for (Subject& s : subjects) {
    std::sort(s.ms.begin(), s.ms.end());
    std::printf("%-18s %8.2f %8.2f %8.2f\n", s.label, s.ms.front(), Quantile(s.ms, 0.5),
                Quantile(s.ms, 0.95));
  }
  double floor = Quantile(subjects[0].ms, 0.5);
  double eval = Quantile(subjects[2].ms, 0.5);
  std::printf("policy eval median: %.2f ms (target <= 5 ms), %.1fx /bin/true, %.2f ms above it\n",
              eval, eval / floor, eval - floor);
  std::printf("a first-touch page fault here: %.2f us\n", PageFaultMicros());
  return 0;
}
