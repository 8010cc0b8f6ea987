// Hashes one artifact with mgov's HashArtifact and prints
// "<digest> <bytes> <seconds>", for run_hash_bench.sh to compare with
// openssl dgst and sha256sum on the same file in the same run.
#include <chrono>
#include <iostream>

#include "governance/artifact.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: hash_artifact PATH\n";
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  auto digest = governance::HashArtifact(argv[1]);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!digest.ok()) {
    std::cerr << digest.status() << "\n";
    return 2;
  }
  std::cout << digest->digest << " " << digest->total_bytes << " " << seconds << "\n";
  return 0;
}
