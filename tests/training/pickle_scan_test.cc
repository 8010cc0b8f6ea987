#include "training/pickle_scan.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fmt/format.h>

#include "core/file.h"
#include "test_util.h"
#include "training/byte_source.h"
#include "training/pickle_imports.h"

namespace governance {
namespace {

// A string literal's bytes, NULs included.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

PickleWalk Walk(std::string_view bytes, uint64_t offset = 0, PickleWalkLimits limits = {}) {
  MemorySource source(bytes);
  auto walk = WalkPickle(source, offset, limits);
  REQUIRE_MESSAGE(walk.ok(), walk.status().ToString());
  return *walk;
}

// "OPCODE module name" of each import ("OPCODE unresolved" when unresolved).
std::vector<std::string> Imports(const PickleWalk& w) {
  std::vector<std::string> out;
  for (const WalkedImport& i : w.imports) {
    out.push_back(i.resolved ? i.opcode + " " + i.module + " " + i.name : i.opcode + " unresolved");
  }
  return out;
}

std::string Safety(const PickleWalk& w, size_t i = 0) {
  REQUIRE(w.imports.size() > i);
  return std::string(SafetyName(ClassifyImport(w.imports[i]).safety));
}

TEST_CASE("GLOBAL, INST and STACK_GLOBAL name their imports; REDUCE and friends are counted") {
  PickleWalk w = Walk("cposix\nsystem\n(S'id'\ntR.");
  CHECK(w.stopped);
  CHECK(w.error.empty());
  CHECK(w.protocol == 0);
  CHECK(w.end == 24);
  CHECK(Imports(w) == std::vector<std::string>{"GLOBAL posix system"});
  CHECK(w.opcodes.at("GLOBAL") == 1);
  CHECK(w.opcodes.at("REDUCE") == 1);
  CHECK(w.opcodes.size() == std::size(kCountedOpcodes));
  CHECK(Safety(w) == "dangerous");

  w = Walk("(S'echo'\nios\nsystem\n.");
  CHECK(Imports(w) == std::vector<std::string>{"INST os system"});
  CHECK(w.opcodes.at("INST") == 1);

  w = Walk(Bytes("\x80\x04\x8c\x0b" "collections" "\x8c\x0b" "OrderedDict" "\x93)R."));
  CHECK(w.stopped);
  CHECK(w.protocol == 4);
  CHECK(Imports(w) == std::vector<std::string>{"STACK_GLOBAL collections OrderedDict"});
  CHECK(Safety(w) == "safe");
}

TEST_CASE("STACK_GLOBAL takes what the unpickler would pop, through the memo and the stack") {
  // MEMOIZE then BINGET, with the strings popped off in between.
  CHECK(Imports(Walk(Bytes("\x80\x04\x8c\x05posix\x94\x8c\x06system\x94" "00h\x00h\x01\x93)R."))) ==
        std::vector<std::string>{"STACK_GLOBAL posix system"});
  // PUT/GET by decimal line, LONG_BINPUT/LONG_BINGET, and raw-unicode-escape.
  CHECK(Imports(Walk(Bytes("\x80\x04Vsub\\u0070rocess\np7\n0X\x05\x00\x00\x00Popen"
                           "r\x00\x01\x00\x00" "0g7\nj\x00\x01\x00\x00\x93)R."))) ==
        std::vector<std::string>{"STACK_GLOBAL subprocess Popen"});
  // DUP and POP, and a container built and dropped above the strings.
  CHECK(Imports(Walk(Bytes("\x80\x04\x8c\x02os20\x8c\x06system\x93."))) ==
        std::vector<std::string>{"STACK_GLOBAL os system"});
  CHECK(Imports(Walk(Bytes("\x80\x04\x8c\x02os\x8c\x06system]K\x01" "a0\x93."))) ==
        std::vector<std::string>{"STACK_GLOBAL os system"});
  // STRING's escapes are decoded: 'o\x73' is "os".
  CHECK(Imports(Walk("S'o\\x73'\nS'sys\\164em'\n\x93.")) ==
        std::vector<std::string>{"STACK_GLOBAL os system"});
  // A memo entry overwritten: the last PUT counts.
  CHECK(Imports(Walk(Bytes("\x80\x04\x8c\x04safeq\x00" "0\x8c\x05posixq\x00" "0h\x00\x8c\x06system\x93."))) ==
        std::vector<std::string>{"STACK_GLOBAL posix system"});
}

TEST_CASE("memo keys far apart resolve, and each entry counts once against the limit") {
  // LONG_BINPUT/LONG_BINGET with the largest key a pickle can name: the
  // entry is kept without sizing anything by the key.
  CHECK(Imports(Walk(Bytes("\x80\x04\x8c\x05posixr\xff\xff\xff\xff" "0j\xff\xff\xff\xff"
                           "\x8c\x06system\x93."))) ==
        std::vector<std::string>{"STACK_GLOBAL posix system"});
  // Key 100 is stored before keys 0..31 exist, then overwritten once they
  // do: 33 entries in all, whichever way each was kept.
  std::string bytes = "\x80\x04Nq\x64";
  for (int key = 0; key < 32; ++key) bytes += "q" + std::string(1, static_cast<char>(key));
  bytes += "0\x8c\x02osq\x64" "0h\x64\x8c\x06system\x93.";
  PickleWalkLimits limits;
  limits.max_stack = 33;
  PickleWalk w = Walk(bytes, 0, limits);
  CHECK(w.limit.empty());
  CHECK(Imports(w) == std::vector<std::string>{"STACK_GLOBAL os system"});
  limits.max_stack = 32;
  CHECK(Walk(bytes, 0, limits).limit == "more than 32 stack values, marks or memo entries");
}

TEST_CASE("STACK_GLOBAL on values the walk cannot know is an unresolved, dangerous import") {
  // The module is what a call returned.
  PickleWalk w = Walk(Bytes("\x80\x04\x8c\x03str\x8c\x02os\x85R\x8c\x06system\x93."));
  REQUIRE(w.imports.size() == 1);
  CHECK_FALSE(w.imports[0].resolved);
  CHECK(w.imports[0].note ==
        "its module is a value the walk cannot know (a call's result, a global, a persistent id)");
  CHECK(Safety(w) == "dangerous");
  CHECK(ClassifyImport(w.imports[0]).reason ==
        "unresolved: its module is a value the walk cannot know (a call's result, a global, a "
        "persistent id)");
  CHECK(w.Acted());
  // A string longer than the walk keeps.
  PickleWalkLimits limits;
  limits.keep_string = 4;
  w = Walk(Bytes("\x80\x04\x8c\x05posix\x8c\x06system\x93."), 0, limits);
  REQUIRE(w.imports.size() == 1);
  CHECK(w.imports[0].note == "its module is a string too long to keep");
  // EXT codes name whatever copyreg's registry says.
  w = Walk(Bytes("\x80\x02\x83\x01\x02)R."));
  CHECK(Imports(w) == std::vector<std::string>{"EXT2 unresolved"});
  CHECK(w.imports[0].note == "EXT2 code 513 names whatever copyreg's extension registry maps it to");
}

TEST_CASE("the walk stops exactly where CPython's unpickler raises") {
  auto error = [](std::string_view bytes) { return Walk(bytes).error; };
  CHECK(error("") == "no data at byte 0");
  CHECK(error("{}") == "invalid opcode 0x7b at byte 0");
  CHECK(error("N") == "truncated: the data ends before STOP at byte 1");
  CHECK(error(".") == "STOP at byte 0: stack underflow");
  // A MARK fences off what is below it.
  CHECK(error(Bytes("\x8c\x02os\x8c\x06system(\x93.")) == "STACK_GLOBAL at byte 13: stack underflow");
  CHECK(error(Bytes("K\x01\x8c\x06system\x93.")) ==
        "STACK_GLOBAL at byte 10: STACK_GLOBAL requires str");
  CHECK(error("h\x05.") == "BINGET at byte 0: memo has no entry 5");
  CHECK(error("g-1\n.") == "GET at byte 0: memo has no entry -1");
  CHECK(error("Np-1\n.") == "PUT at byte 1: negative PUT argument");
  CHECK(error("Sos\n.") == "STRING at byte 0: the argument must be quoted");
  CHECK(error("(Nd.") == "DICT at byte 2: odd number of items for DICT");
  CHECK(error("\x80\x06.") == "PROTO at byte 0: unsupported pickle protocol 6");
  CHECK(error("e.") == "APPENDS at byte 0: no MARK");
  CHECK(error("T\xff\xff\xff\xff.") == "BINSTRING at byte 0: negative byte count");
  CHECK(error(Bytes("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.")) ==
        "FRAME at byte 2: truncated: the data ends inside its argument");
  CHECK(error("cos\nsystem") == "GLOBAL at byte 0: truncated: the data ends inside its argument");
  // POP takes a mark when the mark is on top, as load_pop does.
  PickleWalk w = Walk("N(0.");
  CHECK(w.stopped);
}

TEST_CASE("what counts as a pickle stream: STOP, PROTO first, or an import before it breaks") {
  CHECK(Walk("N.").IsPickle());                        // a complete stream
  CHECK(Walk(Bytes("\x80\x04garbage")).IsPickle());  // PROTO, then broken
  CHECK(Walk("cos\nsystem\n(").IsPickle());             // imported os, then broke
  CHECK_FALSE(Walk("{\"hidden_size\": 4}").IsPickle());  // JSON
  CHECK_FALSE(Walk("# A model\n").IsPickle());           // Markdown
  CHECK_FALSE(Walk("spec:\n  metrics: {}\n").IsPickle());  // YAML: SETITEM underflows
  CHECK_FALSE(Walk("import os\nos.system('x')\n").IsPickle());  // not a module name
  CHECK_FALSE(Walk(Bytes("\0\0\x80\x3f")).IsPickle());  // float data
}

TEST_CASE("Python 2 names are judged as the unpickler maps them below protocol 3") {
  auto safety = [](std::string_view bytes) { return Safety(Walk(bytes)); };
  CHECK(safety("c__builtin__\neval\n.") == "dangerous");
  CHECK(safety("c__builtin__\nset\n.") == "safe");
  CHECK(safety("c_socket\nfromfd\n.") == "dangerous");  // _compat_pickle: socket.fromfd
  CHECK(safety("ccommands\ngetoutput\n.") == "dangerous");
  CHECK(ClassifyImport(Walk("c_socket\nfromfd\n.").imports[0]).reason ==
        "read as socket.fromfd (Python 2 name): module socket is unsafe as a whole (picklescan and "
        "modelscan unsafe lists)");
  // From protocol 3 on, names are not mapped.
  CHECK(safety(Bytes("\x80\x03" "c_socket\nfromfd\n.")) == "unknown");
}

TEST_CASE("imports are judged against the unsafe lists, the dotted-name rules and the allow-list") {
  auto judge = [](std::string module, std::string name) {
    WalkedImport i{module, name, "STACK_GLOBAL", true, true, false, ""};
    ImportVerdict v = ClassifyImport(i);
    return std::string(SafetyName(v.safety)) + (v.reason.empty() ? "" : ": " + v.reason);
  };
  CHECK(judge("os", "system") ==
        "dangerous: module os is unsafe as a whole (picklescan and modelscan unsafe lists)");
  CHECK(judge("os.path", "join").starts_with("dangerous: module os is unsafe"));
  CHECK(judge("subprocess", "Popen").starts_with("dangerous: module subprocess"));
  CHECK(judge("builtins", "eval") ==
        "dangerous: builtins.eval is not one of the plain constructors allowed from builtins (the "
        "unsafe lists name eval, exec, compile, getattr, open, __import__, breakpoint)");
  CHECK(judge("builtins", "setattr").starts_with("dangerous"));
  CHECK(judge("builtins", "set") == "safe");
  CHECK(judge("operator", "attrgetter") ==
        "dangerous: operator.attrgetter is on picklescan's and modelscan's unsafe lists");
  CHECK(judge("torch.serialization", "load").starts_with("dangerous"));
  CHECK(judge("collections", "OrderedDict.__init__.__globals__") ==
        "dangerous: collections.OrderedDict.__init__.__globals__ reaches __init__ through a dotted "
        "name");
  CHECK(judge("posixpath", "os.system") ==
        "dangerous: posixpath.os.system reaches module os through a dotted name");
  CHECK(judge("mylib.utils", "system") ==
        "dangerous: mylib.utils.system names system, which runs or loads code");
  CHECK(judge("torch._utils", "_rebuild_tensor_v2") == "safe");
  CHECK(judge("numpy.core.multiarray", "_reconstruct") == "safe");
  CHECK(judge("mylib.layers", "Dense") ==
        "unknown: not on the allow-list of torch, numpy and collections globals");
  CHECK(judge("caf\xc3\xa9", "x") == "unknown: not a plain ASCII module and name");
}

TEST_CASE("limits stop the walk and say so") {
  PickleWalkLimits limits;
  limits.max_stack = 3;
  PickleWalk w = Walk("NNNNN.", 0, limits);
  CHECK_FALSE(w.stopped);
  CHECK(w.limit == "more than 3 stack values, marks or memo entries");
  CHECK(w.error == "walk stopped at byte 4: more than 3 stack values, marks or memo entries");
  limits = {};
  limits.max_imports = 1;
  w = Walk("cos\nsystem\ncos\npopen\n00N.", 0, limits);
  CHECK(w.imports.size() == 1);
  CHECK(w.limit == "more than 1 distinct imports");
}

TEST_CASE("names that are not printable are escaped") {
  CHECK(PrintableName("torch._utils") == "torch._utils");
  CHECK(PrintableName("a\nb") == "a\\nb");
  CHECK(PrintableName("\xff") == "\\xff");
  CHECK(PrintableName("a\\b") == "a\\\\b");
}

// Every pickle the artifact tests build, walked by mgov and by Python's own
// pickletools.genops and unpickler (tests/training/pickle_reference.py).
TEST_CASE("the walk agrees with pickletools and CPython's unpickler on every pickle built") {
  testing::TempDir dir;
  const std::string scripts = std::string(GOV_SOURCE_DIR) + "/tests/training/";
  auto made = testing::RunCommand("python3 " + scripts + "make_artifacts.py " + dir.path());
  REQUIRE_MESSAGE(made.exit_code == 0, made.output);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir / "pickles")) {
    files.push_back(e.path().string());
  }
  for (const char* f : {"legacy.pt", "model.joblib", "truncated_frame.pkl"}) files.push_back(dir / f);
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 34);
  size_t streams = 0;
  for (const std::string& file : files) {
    auto bytes = ReadFile(file);
    REQUIRE(bytes.ok());
    for (uint64_t offset = 0; offset < bytes->size();) {
      PickleWalk w = Walk(*bytes, offset);
      if (offset > 0 && !w.IsPickle()) break;  // legacy.pt's raw storage
      std::string mine = fmt::format("protocol {}\nstopped {}\n", w.protocol, w.stopped ? "yes" : "no");
      if (w.stopped) mine += fmt::format("end {}\n", w.end);
      for (const std::string& i : Imports(w)) mine += "import " + i + "\n";
      for (const char* op : kCountedOpcodes) mine += fmt::format("count {} {}\n", op, w.opcodes.at(op));
      auto python = testing::RunCommand("python3 " + scripts + "pickle_reference.py " + file + " " +
                                        std::to_string(offset));
      REQUIRE(python.exit_code == 0);
      // CPython's unpickler refuses a truncated FRAME at once; genops reads on.
      if (file.ends_with("truncated_frame.pkl")) {
        CHECK(w.error == "FRAME at byte 2: truncated: the data ends inside its argument");
        CHECK(python.output.find("stopped no\n") != std::string::npos);
        CHECK(w.imports.empty());
        CHECK(python.output.find("import") == std::string::npos);
        ++streams;
        break;
      }
      CHECK_MESSAGE(mine == python.output, file << " at " << offset);
      ++streams;
      if (!w.stopped) break;
      offset = w.end;
    }
  }
  CHECK(streams == 38);  // legacy.pt holds five
}

}  // namespace
}  // namespace governance
