// Walks a pickle stream opcode by opcode without executing it, and lists
// the globals it imports and how often it calls.
//
// The walk keeps the unpickler's own state symbolically: the value stack
// above the current mark (its "fence"), the marks, and the memo. A value is
// a string whose bytes the walk knows, a string it does not keep, something
// that is certainly not a string (a number, bytes, a container, None), or
// unknown (what a call, a global or a persistent load produced). So
// STACK_GLOBAL takes exactly the two values CPython's _pickle would pop,
// whether they were pushed just before, fetched from the memo (PUT, BINPUT,
// LONG_BINPUT, MEMOIZE, GET, BINGET, LONG_BINGET) or built several opcodes
// earlier; when either is not a known string the import is unresolved.
//
// The walk stops where CPython's unpickler would raise: an invalid opcode,
// truncated data, a stack underflow below the fence, a missing MARK or memo
// entry, an unquoted STRING, an odd DICT, an unsupported PROTO,
// STACK_GLOBAL on something that is not a string. Where it cannot tell
// whether CPython would raise (content of an INT line, escapes it does not
// decode), it goes on: going further can only find more imports, never
// fewer.
//
//   PickleWalk w = *WalkPickle(source, 0, limits);
//   if (w.IsPickle()) for (const WalkedImport& i : w.imports) ...
#ifndef GOVERNANCE_SRC_TRAINING_PICKLE_SCAN_H_
#define GOVERNANCE_SRC_TRAINING_PICKLE_SCAN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "governance/status.h"
#include "training/byte_source.h"

namespace governance {

struct WalkedImport {
  // Printable forms: valid UTF-8 without control characters, else escaped
  // (\xNN). Empty when unresolved.
  std::string module;
  std::string name;
  std::string opcode;  // GLOBAL, INST, STACK_GLOBAL, EXT1, EXT2, EXT4
  // False: the walk does not know which global (see `note`).
  bool resolved = true;
  // The module is a dotted identifier, so the unpickler would import it
  // (running its top-level code) before anything else could fail.
  bool importable = false;
  // The PROTO in force was below 3, so the unpickler maps Python 2 names
  // (__builtin__, copy_reg, …) to Python 3 ones (fix_imports).
  bool python2_names = false;
  std::string note;  // why unresolved
};

struct PickleWalkLimits {
  // Bytes the walk may read from the source (skipped payloads not counted).
  uint64_t max_read_bytes = uint64_t{8} << 30;
  // Stack values, marks and memo entries tracked, each.
  uint64_t max_stack = uint64_t{16} << 20;
  // Distinct imports recorded.
  uint64_t max_imports = 4096;
  // Strings longer than this are not kept (an operand made of one is
  // unresolved); nor is any string once `max_kept_bytes` are kept.
  size_t keep_string = 4096;
  uint64_t max_kept_bytes = uint64_t{64} << 20;
};

struct PickleWalk {
  uint64_t start = 0;  // offset of the first opcode
  uint64_t end = 0;    // offset after the last byte consumed
  bool stopped = false;         // reached STOP
  bool starts_with_proto = false;
  int protocol = 0;             // max(PROTO argument, newest opcode's protocol)
  std::string error;            // why the walk stopped before STOP ("" when stopped)
  std::string limit;            // set when a limit, not the data, stopped it
  uint64_t bytes_read = 0;
  std::vector<WalkedImport> imports;  // distinct, in order of appearance
  std::map<std::string, uint64_t> opcodes;  // counts; every key of kCountedOpcodes

  // An import the unpickler would attempt: an importable module or an
  // unresolved global.
  bool Acted() const;
  // Whether these bytes are a pickle stream: it reached STOP, began with
  // PROTO, or acted before it broke.
  bool IsPickle() const { return stopped || starts_with_proto || Acted(); }
};

// The opcodes whose counts PickleWalk::opcodes keeps.
inline constexpr const char* kCountedOpcodes[] = {
    "GLOBAL", "STACK_GLOBAL", "INST",   "EXT1",   "EXT2",      "EXT4",     "REDUCE",
    "BUILD",  "OBJ",          "NEWOBJ", "NEWOBJ_EX", "PERSID", "BINPERSID"};

// Walks the stream starting at `offset` of `source`. An error Status only
// for I/O errors; everything about the bytes is in the result.
StatusOr<PickleWalk> WalkPickle(const ByteSource& source, uint64_t offset,
                                const PickleWalkLimits& limits);

// `bytes` as printable UTF-8: as they are when valid UTF-8 without control
// characters or backslashes, else with those escaped (\xNN, \\).
std::string PrintableName(std::string_view bytes);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_PICKLE_SCAN_H_
