// Whether a global that a pickle stream imports can run code when the
// stream is loaded: the lists picklescan (scanner.py `_unsafe_globals`) and
// modelscan (settings.py `unsafe_globals`) publish, a few rules of mgov's
// own against the ways around such lists, and an allow-list of the globals
// PyTorch, numpy and collections pickles use.
#ifndef GOVERNANCE_SRC_TRAINING_PICKLE_IMPORTS_H_
#define GOVERNANCE_SRC_TRAINING_PICKLE_IMPORTS_H_

#include <string>
#include <string_view>

#include "training/pickle_scan.h"

namespace governance {

enum class ImportSafety { kSafe, kUnknown, kDangerous };

struct ImportVerdict {
  ImportSafety safety = ImportSafety::kUnknown;
  std::string reason;  // "" when safe
};

// Dangerous when any of these holds, for the name as written and, under a
// PROTO below 3, for the Python 3 name the unpickler maps it to
// (_compat_pickle: __builtin__ → builtins, commands → subprocess, …):
//  * it is unresolved;
//  * its module, or a package above it, is unsafe as a whole (os, posix, nt,
//    subprocess, sys, socket, pty, runpy, pickle, ctypes, …), or the name is
//    one the lists name in its module (operator.attrgetter,
//    functools.partial, torch.serialization.load, …);
//  * it is a builtins global other than a plain constructor (set, range,
//    slice, …): eval, exec, getattr, open, __import__ and every other;
//  * a dotted name passes through a dunder (__globals__, __builtins__) or an
//    unsafe module, or any part of it is a name that runs or loads code
//    anywhere (system, popen, exec*, spawn*, eval, compile, getattr, load,
//    loads, …).
// Else safe when the (mapped) global is on the allow-list, and unknown
// otherwise: policy decides.
ImportVerdict ClassifyImport(const WalkedImport& import);

// "safe", "unknown" or "dangerous".
std::string_view SafetyName(ImportSafety safety);

}  // namespace governance

#endif  // GOVERNANCE_SRC_TRAINING_PICKLE_IMPORTS_H_
