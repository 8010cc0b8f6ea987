#include "governance/artifact_facts.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/document.h"
#include "core/file.h"
#include "governance/artifact_inspection.h"
#include "governance/policy_validator.h"
#include "planes_fixture.h"
#include "test_util.h"

namespace governance {
namespace {

// The files tests/training/make_artifacts.py builds, made once.
const testing::TempDir& Built() {
  static testing::TempDir dir;
  static const bool made = [] {
    auto r = testing::RunCommand("python3 " + std::string(GOV_SOURCE_DIR) +
                                 "/tests/training/make_artifacts.py " + dir.path());
    INFO(r.output);
    return r.exit_code == 0;
  }();
  REQUIRE(made);
  return dir;
}

FileFacts Inspect(const std::string& name, const InspectOptions& options = {}) {
  auto a = InspectArtifact(Built() / name, options, VerifyingHashOptions());
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  REQUIRE(a->facts.files.size() == 1);
  CHECK(a->facts.files[0].sha256 == a->digest.files[0].sha256);
  return a->facts.files[0];
}

// "OPCODE module.name safety" of every import of every stream, in order.
std::vector<std::string> Imports(const FileFacts& f) {
  std::vector<std::string> out;
  for (const PickleStream& p : f.pickles) {
    for (const PickleImport& i : p.imports) {
      out.push_back(p.location + " " + i.opcode + " " + i.module + "." + i.name + " " + i.safety);
    }
  }
  return out;
}

// One line each, so that a failure shows them.
std::string Lines(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += s + "\n";
  return out;
}

std::vector<std::string> Members(const FileFacts& f) {
  std::vector<std::string> out;
  for (const ArchiveMember& m : f.members) out.push_back(m.location + " " + m.method + " " + m.format);
  return out;
}

TEST_CASE("each file's format comes from its bytes") {
  struct Case {
    const char* file;
    const char* format;
    const char* detail;
    bool pickle;
  };
  const Case cases[] = {
      {"model.safetensors", "safetensors", "2 tensors, header 176 bytes", false},
      {"broken.safetensors", "unknown",
       "tensor bias starts at data byte 12, not 8: the offsets leave a gap or overlap", false},
      {"torch_clean.pt", "pytorch", "4 members", true},
      {"torch_evil.pt", "pytorch", "4 members", true},
      {"hidden/model.safetensors", "pytorch", "4 members", true},
      {"torch_deflated.pt", "pytorch", "1 member", true},
      {"legacy.pt", "pickle", "protocol 2, 5 streams from byte 0", true},
      {"model.joblib", "joblib", "protocol 4, 1 stream from byte 0", true},
      {"pickles/evil_os_p0.pkl", "pickle", "protocol 0, 1 stream from byte 0", true},
      {"pickles/benign_p5.pkl", "pickle", "protocol 5, 1 stream from byte 0", true},
      {"pickles/truncated.pkl", "pickle", "protocol 2, 1 stream from byte 0, malformed", true},
      {"plain.npy", "npy", "dtype '<f4'", false},
      {"objects.npy", "npy", "dtype '|O' (objects: a pickle follows the header)", true},
      {"arrays.npz", "npz", "2 members", true},
      {"model.gguf", "gguf", "version 3", false},
      {"model.h5", "hdf5", "superblock at byte 0", false},
      {"userblock.h5", "hdf5", "superblock at byte 512 after a user block", false},
      {"model.keras", "keras", "3 members", false},
      {"model.onnx", "onnx", "4 top-level fields", false},
      {"model.pkl.gz", "gzip", "42 bytes of content", true},
      {"model_zlib.joblib", "zlib", "42 bytes of content", true},
      {"model.pkl.xz", "xz", "", false},
      {"config.json", "unknown", "", false},
      {"README.md", "unknown", "", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    FileFacts f = Inspect(c.file);
    CHECK(f.format == c.format);
    CHECK(f.detail == c.detail);
    CHECK(f.pickle == c.pickle);
  }
}

TEST_CASE("a PyTorch checkpoint's data.pkl is walked: its globals, judged") {
  FileFacts clean = Inspect("torch_clean.pt");
  CHECK(clean.incomplete.empty());
  CHECK(Members(clean) == std::vector<std::string>{
                              "torch_clean.pt!/archive/data.pkl stored pickle",
                              "torch_clean.pt!/archive/byteorder stored unknown",
                              "torch_clean.pt!/archive/data/0 stored unknown",
                              "torch_clean.pt!/archive/version stored unknown"});
  CHECK(Imports(clean) == std::vector<std::string>{
                              "torch_clean.pt!/archive/data.pkl GLOBAL collections.OrderedDict safe",
                              "torch_clean.pt!/archive/data.pkl GLOBAL torch._utils._rebuild_tensor_v2 safe",
                              "torch_clean.pt!/archive/data.pkl GLOBAL torch.FloatStorage safe"});
  REQUIRE(clean.pickles.size() == 1);
  CHECK(clean.pickles[0].complete);
  CHECK(clean.pickles[0].protocol == 2);
  CHECK(clean.pickles[0].opcodes.at("BINPERSID") == 1);
  CHECK(clean.pickles[0].opcodes.at("REDUCE") == 3);

  // The payload as data.pkl, and the same file named model.safetensors.
  for (const char* name : {"torch_evil.pt", "hidden/model.safetensors"}) {
    FileFacts evil = Inspect(name);
    const std::string at = std::filesystem::path(name).filename().string() + "!/archive/data.pkl";
    CHECK(Imports(evil) == std::vector<std::string>{at + " GLOBAL posix.system dangerous"});
    CHECK(evil.pickles[0].imports[0].reason ==
          "module posix is unsafe as a whole (picklescan and modelscan unsafe lists)");
  }
  // Deflated.
  CHECK(Imports(Inspect("torch_deflated.pt")) ==
        std::vector<std::string>{"torch_deflated.pt!/archive/data.pkl GLOBAL posix.system dangerous"});
  CHECK(Members(Inspect("torch_deflated.pt")) ==
        std::vector<std::string>{"torch_deflated.pt!/archive/data.pkl deflate pickle"});
}

TEST_CASE("the payloads of every protocol are found and judged") {
  // Below protocol 3 pickle writes Python 2 names: builtins is __builtin__
  // and subprocess is commands.
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> want = {
      {"os", {"posix.system", "posix.system"}},
      {"eval", {"__builtin__.eval", "builtins.eval"}},
      {"popen", {"commands.Popen", "subprocess.Popen"}},
  };
  for (int p = 0; p <= 5; ++p) {
    for (const auto& [which, names] : want) {
      const std::string file = "pickles/evil_" + which + "_p" + std::to_string(p) + ".pkl";
      CAPTURE(file);
      FileFacts f = Inspect(file);
      REQUIRE(f.pickles.size() == 1);
      CHECK(f.pickles[0].protocol == p);
      REQUIRE(f.pickles[0].imports.size() == 1);
      const PickleImport& i = f.pickles[0].imports[0];
      CHECK(i.module + "." + i.name == (p < 3 ? names.first : names.second));
      CHECK(i.safety == "dangerous");
      CHECK(i.opcode == (p >= 4 ? "STACK_GLOBAL" : "GLOBAL"));
      CHECK(f.pickles[0].opcodes.at("REDUCE") == 1);
    }
    FileFacts benign = Inspect("pickles/benign_p" + std::to_string(p) + ".pkl");
    for (const PickleStream& s : benign.pickles) {
      for (const PickleImport& i : s.imports) CHECK_MESSAGE(i.safety == "safe", i.module << "." << i.name);
    }
  }
}

TEST_CASE("pickles hide in npy object arrays, npz, gzip and zlib streams, polyglots and legacy files") {
  CHECK(Imports(Inspect("objects.npy")) ==
        std::vector<std::string>{"objects.npy GLOBAL posix.system dangerous"});
  CHECK(Inspect("plain.npy").pickles.empty());
  FileFacts npz = Inspect("arrays.npz");
  CHECK(Members(npz) == std::vector<std::string>{"arrays.npz!/plain.npy deflate npy",
                                                 "arrays.npz!/objects.npy deflate npy"});
  CHECK(Imports(npz) ==
        std::vector<std::string>{"arrays.npz!/objects.npy GLOBAL posix.system dangerous"});
  CHECK(Imports(Inspect("model.pkl.gz")) ==
        std::vector<std::string>{"model.pkl.gz!/(gzip content) GLOBAL posix.system dangerous"});
  CHECK(Imports(Inspect("model_zlib.joblib")) ==
        std::vector<std::string>{"model_zlib.joblib!/(zlib content) GLOBAL posix.system dangerous"});

  // A pickle before a zip: zipfile opens the zip, pickle.load runs the pickle.
  FileFacts polyglot = Inspect("polyglot.zip");
  CHECK(polyglot.format == "pytorch");
  CHECK(polyglot.detail == "4 members; also pickle (protocol 4, 1 stream from byte 0)");
  CHECK(Imports(polyglot) == std::vector<std::string>{
                                 "polyglot.zip!/archive/data.pkl GLOBAL collections.OrderedDict safe",
                                 "polyglot.zip!/archive/data.pkl GLOBAL torch._utils._rebuild_tensor_v2 safe",
                                 "polyglot.zip!/archive/data.pkl GLOBAL torch.FloatStorage safe",
                                 "polyglot.zip STACK_GLOBAL builtins.eval dangerous"});
  REQUIRE(polyglot.incomplete.size() == 2);
  CHECK(polyglot.incomplete[0] ==
        "polyglot.zip: zip: 53 bytes come before the archive (its offsets are shifted by them)");
  CHECK(polyglot.incomplete[1] == "polyglot.zip: zip: 53 bytes at byte 0 belong to no member");

  // legacy torch.save: five pickles in a row, the fourth the payload.
  FileFacts legacy = Inspect("legacy.pt");
  REQUIRE(legacy.pickles.size() == 5);
  CHECK(Lines(Imports(legacy)) == "legacy.pt GLOBAL commands.Popen dangerous\n");
  CHECK(legacy.pickles[3].offset == legacy.pickles[2].offset + legacy.pickles[2].length);

  // Nested archives, to the depth allowed; a zip stored in a zip is no
  // ambiguity.
  FileFacts nested = Inspect("nested.zip");
  CHECK(nested.incomplete.empty());
  CHECK(Imports(nested) == std::vector<std::string>{
                               "nested.zip!/inner/model.pt!/archive/data.pkl GLOBAL posix.system dangerous"});
  InspectOptions shallow;
  shallow.max_depth = 1;
  nested = Inspect("nested.zip", shallow);
  CHECK(nested.pickles.empty());
  CHECK(Lines(nested.incomplete) ==
        "nested.zip!/inner/model.pt is an archive nested 1 deep; its members are not inspected\n");
}

TEST_CASE("what cannot be inspected is said, never passed over") {
  FileFacts truncated = Inspect("truncated_frame.pkl");
  REQUIRE(truncated.pickles.size() == 1);
  CHECK_FALSE(truncated.pickles[0].complete);
  CHECK(truncated.pickles[0].error == "FRAME at byte 2: truncated: the data ends inside its argument");

  // Bytes no member covers: a pickle between the members and the directory.
  FileFacts gap = Inspect("gap.zip");
  CHECK(gap.format == "pytorch");
  CHECK(Lines(gap.incomplete) == "gap.zip: zip: 42 bytes at byte 380 belong to no member\n");
  // Two archives end to end: Python reads the second, another reader the first.
  FileFacts two = Inspect("concatenated.zip");
  CHECK(Lines(two.incomplete) ==
        "concatenated.zip: zip: 516 bytes come before the archive (its offsets are shifted by them)\n"
        "concatenated.zip: zip: 516 bytes at byte 0 belong to no member\n"
        "concatenated.zip: zip: it has another end-of-central-directory record at byte 494 that "
        "describes a directory, so readers may disagree on what it holds\n");

  // A member without a name is still a member, and its facts read back.
  FileFacts nameless = Inspect("nameless_member.zip");
  REQUIRE(nameless.members.size() == 1);
  CHECK(nameless.members[0].location == "nameless_member.zip!/");
  REQUIRE(nameless.pickles.size() == 1);
  CHECK(nameless.pickles[0].location == "nameless_member.zip!/");
  ArtifactFacts facts;
  facts.complete = nameless.incomplete.empty();
  facts.files = {nameless};
  auto back = ArtifactFactsFromJson(ToJson(facts), "facts.json");
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(ToJson(*back) == ToJson(facts));

  CHECK(Inspect("encrypted.zip").incomplete ==
        std::vector<std::string>{"encrypted.zip!/secret.pkl is encrypted; it is not inspected"});
  CHECK(Inspect("model.pkl.xz").incomplete ==
        std::vector<std::string>{"model.pkl.xz is xz data, which mgov does not open"});

  // A zip bomb: 8 MiB of zeros in a few kilobytes.
  CHECK(Inspect("bomb.zip").incomplete.empty());
  InspectOptions small;
  small.max_member_bytes = 1 << 20;
  CHECK(Inspect("bomb.zip", small).incomplete ==
        std::vector<std::string>{
            "bomb.zip!/zeros.bin decompresses to more than mgov inspects (a member at most 1048576 "
            "bytes, a file 4294967296, the artifact 17179869184); the rest is not inspected"});
  small = {};
  small.max_members = 2;
  CHECK(Lines(Inspect("torch_clean.pt", small).incomplete) ==
        "torch_clean.pt: zip: it has more than 2 members\n");
  small = {};
  small.max_pickle_bytes = 10;
  FileFacts cut = Inspect("legacy.pt", small);
  REQUIRE_FALSE(cut.incomplete.empty());
  CHECK(cut.incomplete[0].starts_with("the pickle stream at byte 0 of legacy.pt: read more than"));
}

// Whatever the bytes, inspection answers with facts (never an error, a
// crash or a hang) and the facts are valid facts: corrupted copies of every
// file built, with bytes changed, cut, repeated and inserted.
TEST_CASE("any bytes give valid facts") {
  testing::TempDir dir;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(Built().path())) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 40);
  uint64_t state = 0x9e3779b97f4a7c15;
  auto next = [&](uint64_t bound) {  // xorshift64*: the same cases every run
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (state * 0x2545f4914f6cdd1d) % std::max<uint64_t>(bound, 1);
  };
  InspectOptions small;
  small.max_member_bytes = 1 << 20;  // the bomb is not the point here
  int cases = 0;
  for (const std::string& file : files) {
    auto original = ReadFile(file);
    REQUIRE(original.ok());
    if (original->size() > (1 << 20)) continue;
    for (int round = 0; round < 40; ++round) {
      std::string bytes = *original;
      const uint64_t edits = 1 + next(8);
      for (uint64_t k = 0; k < edits && !bytes.empty(); ++k) {
        const size_t at = next(bytes.size());
        switch (next(4)) {
          case 0: bytes[at] = static_cast<char>(next(256)); break;
          case 1: bytes.resize(at); break;
          case 2: bytes.insert(at, bytes.substr(next(bytes.size()), next(64))); break;
          default: bytes.insert(at, 1, static_cast<char>(next(256)));
        }
      }
      REQUIRE(WriteFileAtomic(dir / "mutant.bin", bytes).ok());
      auto a = InspectArtifact(dir / "mutant.bin", small, VerifyingHashOptions());
      REQUIRE_MESSAGE(a.ok(), file << " round " << round << ": " << a.status().ToString());
      auto back = ArtifactFactsFromJson(ToJson(a->facts), "mutant");
      REQUIRE_MESSAGE(back.ok(), file << " round " << round << ": " << back.status().ToString());
      ++cases;
    }
  }
  CHECK(cases > 1600);
}

TEST_CASE("a directory is inspected file by file with the digest's walk") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "m/weights");
  std::filesystem::copy_file(Built() / "model.safetensors", dir / "m/weights/model.safetensors");
  std::filesystem::copy_file(Built() / "config.json", dir / "m/config.json");
  std::filesystem::copy_file(Built() / "torch_evil.pt", dir / "m/extra.bin");
  auto a = InspectArtifact(dir / "m", {}, {.threads = 2});
  REQUIRE(a.ok());
  auto hashed = HashArtifact(dir / "m");
  REQUIRE(hashed.ok());
  CHECK(a->digest.digest == hashed->digest);
  CHECK(a->digest.total_bytes == hashed->total_bytes);
  REQUIRE(a->facts.files.size() == 3);
  CHECK(a->facts.files[0].path == "config.json");
  CHECK(a->facts.files[1].path == "extra.bin");
  CHECK(a->facts.files[1].format == "pytorch");
  CHECK(a->facts.files[2].path == "weights/model.safetensors");
  CHECK(a->facts.files[2].format == "safetensors");
  CHECK(a->facts.complete);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(a->facts.files[i].sha256 == hashed->files[i].sha256);
    CHECK(a->facts.files[i].size == hashed->files[i].size);
  }
  InspectOptions few;
  few.max_files = 2;
  a = InspectArtifact(dir / "m", few);
  REQUIRE(a.ok());
  CHECK(a->digest.files.size() == 3);
  CHECK(a->facts.files.size() == 2);
  CHECK_FALSE(a->facts.complete);
  CHECK(a->facts.incomplete ==
        std::vector<std::string>{"the artifact has 3 files; only the first 2 (by path) were inspected"});
  // The digest's refusals hold: an empty artifact is refused unless allowed.
  REQUIRE(WriteFileAtomic(dir / "empty.bin", "").ok());
  CHECK(InspectArtifact(dir / "empty.bin").status().message() ==
        "artifact " + (dir / "empty.bin") + " is an empty file; a model has bytes (allow_empty to hash it anyway)");
  auto empty = InspectArtifact(dir / "empty.bin", {}, VerifyingHashOptions());
  REQUIRE(empty.ok());
  CHECK(empty->facts.files[0].format == "empty");
}

TEST_CASE("facts round-trip through JSON and anything else is refused, naming the field") {
  auto a = InspectArtifact(Built() / "torch_evil.pt");
  REQUIRE(a.ok());
  nlohmann::json j = ToJson(a->facts);
  auto back = ArtifactFactsFromJson(j, "facts.json");
  REQUIRE_MESSAGE(back.ok(), back.status().ToString());
  CHECK(ToJson(*back) == j);
  CHECK(j["files"][0]["pickles"][0]["imports"][0] ==
        nlohmann::json{{"module", "posix"}, {"name", "system"}, {"opcode", "GLOBAL"},
                       {"safety", "dangerous"},
                       {"reason", "module posix is unsafe as a whole (picklescan and modelscan unsafe lists)"}});

  auto refused = [&](const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json bad = j;
    change(bad);
    auto r = ArtifactFactsFromJson(bad, "facts.json", "/artifact_facts");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  };
  CHECK(refused([](auto& b) { b["extra"] = 1; }) ==
        "facts.json: /artifact_facts/extra is not a field of artifact facts");
  CHECK(refused([](auto& b) { b["files"][0]["format"] = "safe"; }) ==
        "facts.json: /artifact_facts/files/0/format is not a format mgov detects: safe");
  CHECK(refused([](auto& b) { b["files"][0]["pickle"] = false; }) ==
        "facts.json: /artifact_facts/files/0/pickle must be true exactly when the file has pickle streams");
  CHECK(refused([](auto& b) { b["files"][0]["pickles"][0]["imports"][0]["safety"] = "fine"; }) ==
        "facts.json: /artifact_facts/files/0/pickles/0/imports/0/safety must be safe, unknown or dangerous");
  CHECK(refused([](auto& b) { b["files"][0]["pickles"][0]["imports"][0]["reason"] = ""; }) ==
        "facts.json: /artifact_facts/files/0/pickles/0/imports/0/reason must be empty exactly when the "
        "import is safe");
  CHECK(refused([](auto& b) { b["files"][0]["pickles"][0]["opcodes"].erase("REDUCE"); }).starts_with(
      "facts.json: /artifact_facts/files/0/pickles/0/opcodes must be an object with a count for each"));
  CHECK(refused([](auto& b) { b["files"][0]["incomplete"] = {"x"}; }) ==
        "facts.json: /artifact_facts/complete must be true exactly when no reason makes the facts incomplete");
  CHECK(refused([](auto& b) { b["files"][0]["members"][0]["location"] = "elsewhere!/data.pkl"; }) ==
        "facts.json: /artifact_facts/files/0/members/0/location must be inside the file");
  CHECK(refused([](auto& b) { b["files"].push_back(b["files"][0]); }) ==
        "facts.json: /artifact_facts/files/1/path must follow torch_evil.pt (files sorted by path, once each)");
  CHECK(refused([](auto& b) { b["scanner"] = "mgov-artifact-facts/v0"; }) ==
        "facts.json: /artifact_facts/scanner is \"mgov-artifact-facts/v0\"; this mgov reads "
        "mgov-artifact-facts/v1");
  CHECK(refused([](auto& b) { b["files"][0]["pickles"][0]["complete"] = false; }) ==
        "facts.json: /artifact_facts/files/0/pickles/0/error must be empty exactly when the stream is complete");
}

class Training : public testing::PlanesFixture {
 public:
  StatusOr<SignedTrainingOutput> Train(const std::string& artifact, nlohmann::json manifest) {
    TrainingPlane training(*store_, plane_options_);
    TrainingRequest req;
    req.model_id = "fraud";
    req.model_version = "1";
    req.artifact_path = artifact;
    req.manifest = std::move(manifest);
    return training.Record(req, trainer_);
  }
};

TEST_CASE_FIXTURE(Training, "training records the facts in the signed output; a manifest cannot supply them") {
  auto out = Train(Built() / "hidden/model.safetensors",
                   {{"spec", {{"artifact", {{"format", "safetensors"}}}}}});
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  REQUIRE(out->output.artifact_facts.has_value());
  CHECK(out->output.artifact_facts->files[0].format == "pytorch");
  auto parsed = ParseTrainingOutputEnvelope(EnvelopeToJson(out->envelope), "training.json");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->output.artifact_facts.has_value());
  CHECK(ToJson(*parsed->output.artifact_facts) == ToJson(*out->output.artifact_facts));
  CHECK(out->output.artifact_facts->files[0].sha256 ==
        out->output.artifact.digest.substr(std::string("sha256:").size()));

  // The manifest may not hold input.mgov.
  nlohmann::json forged = {{"spec", {{"artifact", {{"format", "safetensors"}}}}},
                           {"mgov", {{"artifact", ToJson(ArtifactFacts{})}}}};
  auto refused = Train(Built() / "model.safetensors", forged);
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message() ==
        "manifest: /mgov is reserved: policy reads the facts mgov records about the artifact there "
        "(input.mgov.artifact), and a manifest may not supply them; rename the key");

  // Policy reads the recorded facts, whatever the stored manifest says.
  TrainingOutput old = out->output;
  old.manifest["mgov"] = forged["mgov"];
  nlohmann::json input = PolicyInput(old, {"staging"});
  CHECK(input["mgov"]["artifact"] == ToJson(*out->output.artifact_facts));
  CHECK(input["spec"] == old.manifest["spec"]);
  old.artifact_facts.reset();
  CHECK(input["mgov"]["environments"] == nlohmann::json{"staging"});
  CHECK(input["mgov"]["release_notes"].is_null());
  CHECK(PolicyInput(old, {})["mgov"]["artifact"].is_null());
  CHECK(PolicyInput(forged, nullptr).status().message() ==
        "the manifest holds a top-level \"mgov\" key, which is reserved for the facts mgov records "
        "about the artifact (input.mgov.artifact); rename it");
  CHECK(*PolicyInput(nlohmann::json{{"spec", 1}}, nullptr) == nlohmann::json{{"spec", 1}});
}

TEST_CASE("a training output's facts must describe its own files; old outputs have none") {
  auto a = InspectArtifact(Built() / "model.safetensors");
  REQUIRE(a.ok());
  TrainingOutput t;
  t.model_id = "m";
  t.model_version = "1";
  t.artifact = a->digest;
  t.trainer = "trainer";
  t.trainer_keyid = "ab";
  t.correlation_id = "corr-1";
  t.created_at = 1'800'000'000;
  nlohmann::json old = ToJson(t);
  CHECK_FALSE(old.contains("artifact_facts"));
  auto parsed = TrainingOutputFromJson(old, "old.json");
  REQUIRE(parsed.ok());
  CHECK_FALSE(parsed->artifact_facts.has_value());

  t.artifact_facts = a->facts;
  REQUIRE(TrainingOutputFromJson(ToJson(t), "new.json").ok());
  t.artifact_facts->files[0].sha256 = std::string(64, '0');
  CHECK(TrainingOutputFromJson(ToJson(t), "new.json").status().message() ==
        "new.json: /artifact_facts/files/0 is not the artifact's file model.safetensors (path, size "
        "and sha256 must match /artifact/files)");
  t.artifact_facts->files.clear();
  CHECK(TrainingOutputFromJson(ToJson(t), "new.json").status().message() ==
        "new.json: /artifact_facts/files must list the artifact's files (1), not 0");
}

}  // namespace
}  // namespace governance
