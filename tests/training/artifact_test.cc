#include "governance/artifact.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "core/sha256.h"
#include "planes_fixture.h"

namespace governance {
namespace {

TEST_CASE("a file hashes exactly as sha256sum does") {
  testing::TempDir dir;
  std::string data(10'000'019, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7919 % 251);
  REQUIRE(WriteFileAtomic(dir / "w.bin", data).ok());
  auto d = HashArtifact(dir / "w.bin", {.threads = 1, .block_size = 65536});
  REQUIRE(d.ok());
  auto ref = testing::RunCommand("sha256sum " + (dir / "w.bin") + " | cut -c1-64");
  REQUIRE(ref.exit_code == 0);
  CHECK(d->digest == "sha256:" + ref.output.substr(0, 64));
  CHECK(d->total_bytes == data.size());
  CHECK_FALSE(d->is_directory);
}

TEST_CASE("a directory hashes to the digest of its sorted manifest") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "m/sub");
  REQUIRE(WriteFileAtomic(dir / "m/b.txt", "bee").ok());
  REQUIRE(WriteFileAtomic(dir / "m/a.txt", "ay").ok());
  REQUIRE(WriteFileAtomic(dir / "m/sub/c.txt", "sea").ok());
  auto d = HashArtifact(dir / "m", {.threads = 3});
  REQUIRE(d.ok());
  REQUIRE(d->files.size() == 3);
  CHECK(d->files[0].path == "a.txt");
  CHECK(d->files[2].path == "sub/c.txt");
  std::string manifest = Sha256Hex("ay") + " 2 a.txt\n" + Sha256Hex("bee") + " 3 b.txt\n" +
                         Sha256Hex("sea") + " 3 sub/c.txt\n";
  CHECK(DirectoryManifest(d->files) == manifest);
  CHECK(d->digest == "sha256:" + Sha256Hex(manifest));
  // The same tree hashed by coreutils gives the same manifest lines.
  auto ref = testing::RunCommand("cd " + (dir / "m") +
                                 " && find . -type f | sed 's|^./||' | LC_ALL=C sort | "
                                 "while read f; do printf '%s %s %s\\n' $(sha256sum \"$f\" | "
                                 "cut -c1-64) $(stat -c %s \"$f\") \"$f\"; done | sha256sum");
  CHECK(d->digest == "sha256:" + ref.output.substr(0, 64));
  // Renaming a file changes the digest.
  std::filesystem::rename(dir / "m/b.txt", dir / "m/bb.txt");
  CHECK(HashArtifact(dir / "m")->digest != d->digest);
}

TEST_CASE("links and missing paths are refused") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "m");
  REQUIRE(WriteFileAtomic(dir / "m/a", "x").ok());
  REQUIRE(::symlink("/etc/passwd", (dir / "m/link").c_str()) == 0);
  CHECK(HashArtifact(dir / "m").status() ==
        InvalidArgumentError("artifact " + dir / "m" +
                             " contains a symbolic link (link); copy the target in instead"));
  CHECK(HashArtifact(dir / "nope").status().code() == StatusCode::kNotFound);
}

using Training = testing::PlanesFixture;

TEST_CASE_FIXTURE(Training, "training output is signed, stored and ledgered") {
  auto out = Train("fraud", "7");
  CHECK(out.output.trainer == "trainer-ci");
  CHECK(out.envelope.payload_type == kTrainingOutputPayloadType);
  CHECK(VerifySignature(out.envelope, out.envelope.signatures[0], trainer_.public_key()));
  auto parsed = ParseTrainingOutputEnvelope(EnvelopeToJson(out.envelope), "t.json");
  REQUIRE(parsed.ok());
  CHECK(parsed->digest == out.digest);
  CHECK(parsed->output.metrics["accuracy"] == 0.93);
  CHECK(Ledger().back().type == "training.recorded");
}

TEST_CASE_FIXTURE(Training, "only trainers record, with finite metrics") {
  TrainingPlane training(*store_, plane_options_);
  TrainingRequest req;
  req.model_id = "fraud";
  req.model_version = "1";
  req.artifact_path = dir_ / "model.bin";
  auto by_alice = training.Record(req, alice_);
  CHECK(by_alice.status() == PermissionDeniedError("cannot record training: key " +
                                                   alice_.keyid().substr(0, 16) +
                                                   " (alice) lacks the trainer role"));
  req.metrics = {{"accuracy", std::nan("")}};
  CHECK(training.Record(req, trainer_).status() ==
        InvalidArgumentError("metrics: /accuracy is not a finite number"));
  req.metrics = {{"accuracy", "high"}};
  CHECK(training.Record(req, trainer_).status() ==
        InvalidArgumentError("metrics: /accuracy must be a number"));
}

}  // namespace
}  // namespace governance
