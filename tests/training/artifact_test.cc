#include "governance/artifact.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
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

// The manifest line of one file: hex, size, the path's byte length, path.
std::string Line(std::string_view content, std::string_view path) {
  return Sha256Hex(content) + " " + std::to_string(content.size()) + " " +
         std::to_string(path.size()) + " " + std::string(path) + "\n";
}

TEST_CASE("a directory hashes to the digest of its sorted, length-prefixed manifest") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "m/sub");
  REQUIRE(WriteFileAtomic(dir / "m/b.txt", "bee").ok());
  REQUIRE(WriteFileAtomic(dir / "m/a.txt", "ay").ok());
  REQUIRE(WriteFileAtomic(dir / "m/sub/c.txt", "sea").ok());
  std::filesystem::create_directories(dir / "m/empty-subdir");
  auto d = HashArtifact(dir / "m", {.threads = 3});
  REQUIRE(d.ok());
  REQUIRE(d->files.size() == 3);
  CHECK(d->is_directory);
  CHECK(d->files[0].path == "a.txt");
  CHECK(d->files[2].path == "sub/c.txt");
  const std::string manifest = "mgov-artifact-dir-v1\n" + Line("ay", "a.txt") +
                               Line("bee", "b.txt") + Line("sea", "sub/c.txt");
  CHECK(DirectoryManifest(d->files) == manifest);
  CHECK(d->digest == "sha256-dir:" + Sha256Hex(manifest));
  // The same tree hashed by coreutils gives the same manifest.
  auto ref = testing::RunCommand(
      "cd " + (dir / "m") +
      " && { echo mgov-artifact-dir-v1; find . -type f | sed 's|^./||' | LC_ALL=C sort | "
      "while read f; do printf '%s %s %s %s\\n' $(sha256sum \"$f\" | cut -c1-64) "
      "$(stat -c %s \"$f\") $(printf %s \"$f\" | wc -c) \"$f\"; done; } | sha256sum");
  CHECK(d->digest == "sha256-dir:" + ref.output.substr(0, 64));
  // Renaming a file changes the digest.
  std::filesystem::rename(dir / "m/b.txt", dir / "m/bb.txt");
  CHECK(HashArtifact(dir / "m")->digest != d->digest);
}

TEST_CASE("docs/artifacts.md's Python recomputes every digest, odd names included") {
  testing::TempDir dir;
  const std::string root = dir / "model dir";
  std::filesystem::create_directories(root + "/tokenizer/vocab ünï");
  std::filesystem::create_directories(root + "/日本語/deep/er");
  REQUIRE(WriteFileAtomic(root + "/weights.safetensors", std::string(300'000, 'w')).ok());
  REQUIRE(WriteFileAtomic(root + "/config with spaces.json", "{\"layers\": 4}").ok());
  REQUIRE(WriteFileAtomic(root + "/tokenizer/vocab ünï/merges.txt", "a b\n").ok());
  REQUIRE(WriteFileAtomic(root + "/日本語/deep/er/モデル.bin", "x").ok());
  REQUIRE(WriteFileAtomic(root + "/a-b", "dash").ok());  // '-' sorts before '.' and '/'
  REQUIRE(WriteFileAtomic(root + "/a.b", "dot").ok());
  std::filesystem::create_directories(root + "/a");
  REQUIRE(WriteFileAtomic(root + "/a/b", "slash").ok());
  REQUIRE(WriteFileAtomic(root + "/empty.txt", "").ok());  // empty files inside a model are fine
  const std::string script = dir / "digest.py";
  // The first ```python block of the document, run as it stands.
  auto extracted = testing::RunCommand(
      "python3 -c 'import re,sys; sys.stdout.write(re.search(r\"```python\\n(.*?)```\", "
      "open(sys.argv[1]).read(), re.S).group(1))' " GOV_SOURCE_DIR "/docs/artifacts.md > '" +
      script + "'");
  REQUIRE(extracted.exit_code == 0);
  auto lines = testing::RunCommand("wc -l < '" + script + "'");
  CHECK(std::stoi(lines.output) <= 22);
  for (const std::string& artifact : {root, root + "/weights.safetensors", root + "/日本語"}) {
    auto python = testing::RunCommand("python3 '" + script + "' '" + artifact + "'");
    REQUIRE_MESSAGE(python.exit_code == 0, python.output);
    auto d = HashArtifact(artifact);
    REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    CHECK(python.output == d->digest + "\n");
  }
}

TEST_CASE("a forged manifest line cannot make two trees collide") {
  testing::TempDir dir;
  // The approved tree.
  std::filesystem::create_directories(dir / "approved");
  REQUIRE(WriteFileAtomic(dir / "approved/model.bin", "weights").ok());
  REQUIRE(WriteFileAtomic(dir / "approved/notes.txt", "release notes").ok());
  const std::string safety = "{\"bias_audit\": \"passed\"}";
  REQUIRE(WriteFileAtomic(dir / "approved/safety.json", safety).ok());
  auto approved = HashArtifact(dir / "approved");
  REQUIRE(approved.ok());

  // A tree whose second file's name carries the rest of the approved
  // manifest: refused outright, since names may not hold control characters.
  const std::string forged_name =
      "notes.txt\n" + Sha256Hex(safety) + " " + std::to_string(safety.size()) + " safety.json";
  std::filesystem::create_directories(dir / "forged");
  REQUIRE(WriteFileAtomic(dir / "forged/model.bin", "weights").ok());
  REQUIRE(WriteFileAtomic(dir / "forged/" + forged_name, "release notes").ok());
  auto forged = HashArtifact(dir / "forged");
  CHECK(forged.status() ==
        InvalidArgumentError("artifact " + dir / "forged" +
                             " holds a file name that contains a control character: \"notes.txt\\n" +
                             Sha256Hex(safety) + " " + std::to_string(safety.size()) +
                             " safety.json\"; rename it before hashing"));
  // And even as manifests the two differ: the length fixes where a name ends.
  std::vector<FileDigest> as_listed = {{"model.bin", 7, Sha256Hex("weights")},
                                       {forged_name, 13, Sha256Hex("release notes")}};
  CHECK(DirectoryManifest(as_listed) != DirectoryManifest(approved->files));

  // A file holding the approved manifest's bytes has its SHA-256, but a
  // file's digest, never the directory's.
  REQUIRE(WriteFileAtomic(dir / "manifest.txt", DirectoryManifest(approved->files)).ok());
  auto as_file = HashArtifact(dir / "manifest.txt");
  REQUIRE(as_file.ok());
  CHECK(as_file->digest.substr(7) == approved->digest.substr(11));
  CHECK(as_file->digest != approved->digest);
}

TEST_CASE("names that are not UTF-8 or hold control characters are refused, quoted safely") {
  testing::TempDir dir;
  struct Case {
    std::string name, shown, why;
  };
  const std::vector<Case> cases = {
      {"tab\there", "\"tab\\there\"", "contains a control character"},
      {"esc\x1b[2J", "\"esc\\x1b[2J\"", "contains a control character"},
      {"del\x7f", "\"del\\x7f\"", "contains a control character"},
      {"c1-\xc2\x85-nel", "\"c1-\\xc2\\x85-nel\"", "contains a control character"},
      {"latin1-\xe9", "\"latin1-\\xe9\"", "is not UTF-8"},
      {"overlong-\xc0\xaf", "\"overlong-\\xc0\\xaf\"", "is not UTF-8"},
      {"surrogate-\xed\xa0\x80", "\"surrogate-\\xed\\xa0\\x80\"", "is not UTF-8"},
  };
  for (const auto& c : cases) {
    INFO(c.shown);
    const std::string tree = dir / ("t" + std::to_string(&c - cases.data()));
    std::filesystem::create_directories(tree + "/sub");
    REQUIRE(WriteFileAtomic(tree + "/ok.bin", "x").ok());
    REQUIRE(WriteFileAtomic(tree + "/sub/" + c.name, "y").ok());
    CHECK(HashArtifact(tree).status() ==
          InvalidArgumentError("artifact " + tree + " holds a file name that " + c.why + ": \"sub/" +
                               c.shown.substr(1) + "; rename it before hashing"));
    // The same name as a single-file artifact.
    CHECK(HashArtifact(tree + "/sub/" + c.name).status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(CheckArtifactPath("ok/ünïcode name.bin", "a").ok());
  CHECK_FALSE(CheckArtifactPath("a//b", "a").ok());
  CHECK_FALSE(CheckArtifactPath("../b", "a").ok());
}

TEST_CASE("empty artifacts are refused unless asked for") {
  testing::TempDir dir;
  REQUIRE(WriteFileAtomic(dir / "empty.bin", "").ok());
  std::filesystem::create_directories(dir / "hollow/only/dirs");
  CHECK(HashArtifact(dir / "empty.bin").status() ==
        InvalidArgumentError("artifact " + dir / "empty.bin" +
                             " is an empty file; a model has bytes (allow_empty to hash it anyway)"));
  CHECK(HashArtifact(dir / "hollow").status() ==
        InvalidArgumentError("artifact " + dir / "hollow" +
                             " is a directory with no files; a model has bytes (allow_empty to "
                             "hash it anyway)"));
  // Asked for, they hash; the empty file is sha256sum's empty digest and the
  // empty directory is the header alone: the two still differ.
  auto file = HashArtifact(dir / "empty.bin", VerifyingHashOptions());
  auto hollow = HashArtifact(dir / "hollow", VerifyingHashOptions());
  REQUIRE(file.ok());
  REQUIRE(hollow.ok());
  CHECK(file->digest == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hollow->digest == "sha256-dir:" + Sha256Hex("mgov-artifact-dir-v1\n"));
  CHECK(file->digest.substr(7) != hollow->digest.substr(11));
}

TEST_CASE("FIFOs, sockets and devices are refused without waiting") {
  testing::TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  // No writer ever opens the FIFO: a blocking open would hang here.
  CHECK(HashArtifact(dir / "fifo").status() ==
        InvalidArgumentError("artifact " + dir / "fifo" + " is neither a regular file nor a directory"));
  CHECK(ReadFile(dir / "fifo").status() ==
        InvalidArgumentError("cannot read " + dir / "fifo" + ": it is a FIFO, not a regular file"));
  CHECK(ReadFile("/dev/null").status() ==
        InvalidArgumentError("cannot read /dev/null: it is a device, not a regular file"));
  std::filesystem::create_directories(dir / "m");
  REQUIRE(WriteFileAtomic(dir / "m/a", "x").ok());
  REQUIRE(::mkfifo((dir / "m/pipe").c_str(), 0600) == 0);
  CHECK(HashArtifact(dir / "m").status() ==
        InvalidArgumentError("artifact " + dir / "m" + " contains pipe, which is not a regular file"));
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

TEST_CASE_FIXTURE(Training, "a directory's approval passes only that directory") {
  std::filesystem::create_directories(dir_ / "saved_model/variables");
  REQUIRE(WriteFileAtomic(dir_ / "saved_model/saved_model.pb", "graph").ok());
  REQUIRE(WriteFileAtomic(dir_ / "saved_model/variables/data-0", "weights").ok());
  TrainingRequest req;
  req.model_id = "fraud";
  req.model_version = "2";
  req.artifact_path = dir_ / "saved_model";
  auto out = TrainingPlane(*store_, plane_options_).Record(req, trainer_);
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  CHECK(out->output.artifact.digest.starts_with("sha256-dir:"));
  GovernancePlane governance(*store_, plane_options_);
  ApprovalRequest a;
  a.environments = {"staging"};
  auto approved = governance.Approve(out->envelope, a, alice_);
  REQUIRE(approved.ok());
  REQUIRE(governance.Cosign(approved->approval.approval_id, bob_).ok());
  // The signed statement names the directory by its own algorithm.
  auto statement = nlohmann::json::parse(ApprovalStatement(approved->approval));
  CHECK(statement["subject"][0]["digest"] ==
        nlohmann::json{{"sha256-dir", out->output.artifact.digest.substr(11)}});
  CHECK(ParseApprovalStatement(statement.dump(), "a")->artifact_digest == out->output.artifact.digest);

  auto gate = [&](const std::string& path) {
    GateRequest g;
    g.approval_id = approved->approval.approval_id;
    g.environment = "staging";
    g.artifact_path = path;
    return ServingPlane(*store_, plane_options_).Verify(g, "test");
  };
  auto real = gate(dir_ / "saved_model");
  REQUIRE(real.ok());
  CHECK(real->promoted);
  // A file holding the directory's manifest: the same SHA-256, another kind.
  REQUIRE(WriteFileAtomic(dir_ / "manifest.txt", DirectoryManifest(out->output.artifact.files)).ok());
  auto as_file = gate(dir_ / "manifest.txt");
  REQUIRE(as_file.ok());
  testing::CheckFailedGates(*as_file, {"artifact"});
  // An emptied copy of the directory is hashed and denied, not an error.
  std::filesystem::create_directories(dir_ / "hollow");
  auto hollow = gate(dir_ / "hollow");
  REQUIRE(hollow.ok());
  testing::CheckFailedGates(*hollow, {"artifact"});
}

TEST_CASE("statements refuse an artifact digest of the wrong shape") {
  ModelApproval a;
  a.approval_id = "x";
  a.model_id = "fraud";
  a.model_version = "1";
  a.artifact_digest = "sha256:" + std::string(64, 'a');
  a.environments = {"staging"};
  a.issued_at = a.not_before = 1;
  a.expires_at = 2;
  a.required_approvers = 1;
  a.training_output_digest = "sha256:" + std::string(64, 'b');
  a.trainer = "trainer-ci";
  auto j = nlohmann::json::parse(ApprovalStatement(a));
  auto parsed = ParseApprovalStatement(j.dump(), "a");
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  for (const nlohmann::json& digest :
       {nlohmann::json{{"sha256", std::string(64, 'a')}, {"sha256-dir", std::string(64, 'a')}},
        nlohmann::json::object(), nlohmann::json{{"sha512", std::string(128, 'a')}},
        nlohmann::json{{"sha256-dir", std::string(63, 'a')}}}) {
    INFO(digest.dump());
    j["subject"][0]["digest"] = digest;
    CHECK(ParseApprovalStatement(j.dump(), "a").status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace governance
