#include "training/pickle_imports.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace governance {
namespace {

using Global = std::pair<std::string_view, std::string_view>;

// Python 2 names the unpickler maps under a PROTO below 3, from CPython's
// Lib/_compat_pickle.py (NAME_MAPPING first, then IMPORT_MAPPING).
const std::map<Global, Global>& NameMapping() {
  static const std::map<Global, Global> kMap = {
    {{"UserDict", "IterableUserDict"}, {"collections", "UserDict"}},
    {{"UserDict", "UserDict"}, {"collections", "UserDict"}},
    {{"UserList", "UserList"}, {"collections", "UserList"}},
    {{"UserString", "UserString"}, {"collections", "UserString"}},
    {{"__builtin__", "basestring"}, {"builtins", "str"}},
    {{"__builtin__", "intern"}, {"sys", "intern"}},
    {{"__builtin__", "long"}, {"builtins", "int"}},
    {{"__builtin__", "reduce"}, {"functools", "reduce"}},
    {{"__builtin__", "unichr"}, {"builtins", "chr"}},
    {{"__builtin__", "unicode"}, {"builtins", "str"}},
    {{"__builtin__", "xrange"}, {"builtins", "range"}},
    {{"_multiprocessing", "Connection"}, {"multiprocessing.connection", "Connection"}},
    {{"_socket", "fromfd"}, {"socket", "fromfd"}},
    {{"exceptions", "ArithmeticError"}, {"builtins", "ArithmeticError"}},
    {{"exceptions", "AssertionError"}, {"builtins", "AssertionError"}},
    {{"exceptions", "AttributeError"}, {"builtins", "AttributeError"}},
    {{"exceptions", "BaseException"}, {"builtins", "BaseException"}},
    {{"exceptions", "BufferError"}, {"builtins", "BufferError"}},
    {{"exceptions", "BytesWarning"}, {"builtins", "BytesWarning"}},
    {{"exceptions", "DeprecationWarning"}, {"builtins", "DeprecationWarning"}},
    {{"exceptions", "EOFError"}, {"builtins", "EOFError"}},
    {{"exceptions", "EnvironmentError"}, {"builtins", "EnvironmentError"}},
    {{"exceptions", "Exception"}, {"builtins", "Exception"}},
    {{"exceptions", "FloatingPointError"}, {"builtins", "FloatingPointError"}},
    {{"exceptions", "FutureWarning"}, {"builtins", "FutureWarning"}},
    {{"exceptions", "GeneratorExit"}, {"builtins", "GeneratorExit"}},
    {{"exceptions", "IOError"}, {"builtins", "IOError"}},
    {{"exceptions", "ImportError"}, {"builtins", "ImportError"}},
    {{"exceptions", "ImportWarning"}, {"builtins", "ImportWarning"}},
    {{"exceptions", "IndentationError"}, {"builtins", "IndentationError"}},
    {{"exceptions", "IndexError"}, {"builtins", "IndexError"}},
    {{"exceptions", "KeyError"}, {"builtins", "KeyError"}},
    {{"exceptions", "KeyboardInterrupt"}, {"builtins", "KeyboardInterrupt"}},
    {{"exceptions", "LookupError"}, {"builtins", "LookupError"}},
    {{"exceptions", "MemoryError"}, {"builtins", "MemoryError"}},
    {{"exceptions", "NameError"}, {"builtins", "NameError"}},
    {{"exceptions", "NotImplementedError"}, {"builtins", "NotImplementedError"}},
    {{"exceptions", "OSError"}, {"builtins", "OSError"}},
    {{"exceptions", "OverflowError"}, {"builtins", "OverflowError"}},
    {{"exceptions", "PendingDeprecationWarning"}, {"builtins", "PendingDeprecationWarning"}},
    {{"exceptions", "ReferenceError"}, {"builtins", "ReferenceError"}},
    {{"exceptions", "RuntimeError"}, {"builtins", "RuntimeError"}},
    {{"exceptions", "RuntimeWarning"}, {"builtins", "RuntimeWarning"}},
    {{"exceptions", "StandardError"}, {"builtins", "Exception"}},
    {{"exceptions", "StopIteration"}, {"builtins", "StopIteration"}},
    {{"exceptions", "SyntaxError"}, {"builtins", "SyntaxError"}},
    {{"exceptions", "SyntaxWarning"}, {"builtins", "SyntaxWarning"}},
    {{"exceptions", "SystemError"}, {"builtins", "SystemError"}},
    {{"exceptions", "SystemExit"}, {"builtins", "SystemExit"}},
    {{"exceptions", "TabError"}, {"builtins", "TabError"}},
    {{"exceptions", "TypeError"}, {"builtins", "TypeError"}},
    {{"exceptions", "UnboundLocalError"}, {"builtins", "UnboundLocalError"}},
    {{"exceptions", "UnicodeDecodeError"}, {"builtins", "UnicodeDecodeError"}},
    {{"exceptions", "UnicodeEncodeError"}, {"builtins", "UnicodeEncodeError"}},
    {{"exceptions", "UnicodeError"}, {"builtins", "UnicodeError"}},
    {{"exceptions", "UnicodeTranslateError"}, {"builtins", "UnicodeTranslateError"}},
    {{"exceptions", "UnicodeWarning"}, {"builtins", "UnicodeWarning"}},
    {{"exceptions", "UserWarning"}, {"builtins", "UserWarning"}},
    {{"exceptions", "ValueError"}, {"builtins", "ValueError"}},
    {{"exceptions", "Warning"}, {"builtins", "Warning"}},
    {{"exceptions", "ZeroDivisionError"}, {"builtins", "ZeroDivisionError"}},
    {{"itertools", "ifilter"}, {"builtins", "filter"}},
    {{"itertools", "ifilterfalse"}, {"itertools", "filterfalse"}},
    {{"itertools", "imap"}, {"builtins", "map"}},
    {{"itertools", "izip"}, {"builtins", "zip"}},
    {{"itertools", "izip_longest"}, {"itertools", "zip_longest"}},
    {{"multiprocessing", "AuthenticationError"}, {"multiprocessing.context", "AuthenticationError"}},
    {{"multiprocessing", "BufferTooShort"}, {"multiprocessing.context", "BufferTooShort"}},
    {{"multiprocessing", "ProcessError"}, {"multiprocessing.context", "ProcessError"}},
    {{"multiprocessing", "TimeoutError"}, {"multiprocessing.context", "TimeoutError"}},
    {{"multiprocessing.forking", "Popen"}, {"multiprocessing.popen_fork", "Popen"}},
    {{"multiprocessing.process", "Process"}, {"multiprocessing.context", "Process"}},
    {{"socket", "_socketobject"}, {"socket", "SocketType"}},
    {{"urllib", "ContentTooShortError"}, {"urllib.error", "ContentTooShortError"}},
    {{"urllib", "getproxies"}, {"urllib.request", "getproxies"}},
    {{"urllib", "pathname2url"}, {"urllib.request", "pathname2url"}},
    {{"urllib", "quote"}, {"urllib.parse", "quote"}},
    {{"urllib", "quote_plus"}, {"urllib.parse", "quote_plus"}},
    {{"urllib", "unquote"}, {"urllib.parse", "unquote"}},
    {{"urllib", "unquote_plus"}, {"urllib.parse", "unquote_plus"}},
    {{"urllib", "url2pathname"}, {"urllib.request", "url2pathname"}},
    {{"urllib", "urlcleanup"}, {"urllib.request", "urlcleanup"}},
    {{"urllib", "urlencode"}, {"urllib.parse", "urlencode"}},
    {{"urllib", "urlopen"}, {"urllib.request", "urlopen"}},
    {{"urllib", "urlretrieve"}, {"urllib.request", "urlretrieve"}},
    {{"urllib2", "HTTPError"}, {"urllib.error", "HTTPError"}},
    {{"urllib2", "URLError"}, {"urllib.error", "URLError"}},
    {{"whichdb", "whichdb"}, {"dbm", "whichdb"}},
  };
  return kMap;
}

const std::map<std::string_view, std::string_view>& ModuleMapping() {
  static const std::map<std::string_view, std::string_view> kMap = {
    {"BaseHTTPServer", "http.server"},
    {"CGIHTTPServer", "http.server"},
    {"ConfigParser", "configparser"},
    {"Cookie", "http.cookies"},
    {"Dialog", "tkinter.dialog"},
    {"DocXMLRPCServer", "xmlrpc.server"},
    {"FileDialog", "tkinter.filedialog"},
    {"HTMLParser", "html.parser"},
    {"Queue", "queue"},
    {"ScrolledText", "tkinter.scrolledtext"},
    {"SimpleDialog", "tkinter.simpledialog"},
    {"SimpleHTTPServer", "http.server"},
    {"SimpleXMLRPCServer", "xmlrpc.server"},
    {"SocketServer", "socketserver"},
    {"StringIO", "io"},
    {"Tix", "tkinter.tix"},
    {"Tkconstants", "tkinter.constants"},
    {"Tkdnd", "tkinter.dnd"},
    {"Tkinter", "tkinter"},
    {"UserDict", "collections"},
    {"UserList", "collections"},
    {"UserString", "collections"},
    {"__builtin__", "builtins"},
    {"_abcoll", "collections.abc"},
    {"_elementtree", "xml.etree.ElementTree"},
    {"_winreg", "winreg"},
    {"anydbm", "dbm"},
    {"cPickle", "pickle"},
    {"cStringIO", "io"},
    {"commands", "subprocess"},
    {"cookielib", "http.cookiejar"},
    {"copy_reg", "copyreg"},
    {"dbhash", "dbm.bsd"},
    {"dbm", "dbm.ndbm"},
    {"dumbdbm", "dbm.dumb"},
    {"dummy_thread", "_dummy_thread"},
    {"gdbm", "dbm.gnu"},
    {"htmlentitydefs", "html.entities"},
    {"httplib", "http.client"},
    {"markupbase", "_markupbase"},
    {"repr", "reprlib"},
    {"robotparser", "urllib.robotparser"},
    {"test.test_support", "test.support"},
    {"thread", "_thread"},
    {"tkColorChooser", "tkinter.colorchooser"},
    {"tkCommonDialog", "tkinter.commondialog"},
    {"tkFileDialog", "tkinter.filedialog"},
    {"tkFont", "tkinter.font"},
    {"tkMessageBox", "tkinter.messagebox"},
    {"tkSimpleDialog", "tkinter.simpledialog"},
    {"ttk", "tkinter.ttk"},
    {"urllib2", "urllib.request"},
    {"urlparse", "urllib.parse"},
    {"whichdb", "dbm"},
    {"xmlrpclib", "xmlrpc.client"},
  };
  return kMap;
}

// Modules unsafe as a whole, with every module below them: picklescan's
// "*" entries and modelscan's CRITICAL and HIGH ones, and mgov's additions
// (marked) of modules that load or run code, start threads or processes, or
// open files or connections.
constexpr std::string_view kUnsafeModules[] = {
    "__builtins__",  // mgov: the builtins of a module, by another name
    "_io",           // mgov: io.open by its C name
    "_pickle",
    "_posixsubprocess",  // mgov: subprocess's fork_exec
    "_thread",           // mgov: start_new_thread calls anything
    "aiohttp",
    "asyncio",
    "bdb",
    "cPickle",  // mgov: pickle under Python 2's name
    "code",     // picklescan lists code.InteractiveInterpreter.runcode
    "codeop",   // mgov: compiles source
    "commands",
    "ctypes",
    "dill",  // mgov: another unpickler
    "distutils.file_util",
    "ftplib",      // mgov: network
    "http.client",  // httplib under its Python 3 name
    "httplib",
    "importlib",  // mgov: imports anything
    "io",         // mgov: io.open writes files
    "marshal",    // mgov: loads code objects
    "multiprocessing",  // mgov: starts processes
    "nt",
    "numpy.f2py",
    "numpy.testing._private.utils",
    "os",
    "pdb",
    "pickle",
    "pip",
    "posix",
    "pty",
    "pydoc",
    "requests",  // modelscan lists requests.api; mgov: all of it
    "runpy",
    "shelve",  // mgov: unpickles
    "shutil",
    "smtplib",  // mgov: network
    "socket",
    "ssl",
    "subprocess",
    "sys",
    "telnetlib",  // mgov: network
    "timeit",
    "urllib",   // mgov: network (urllib2 maps here)
    "urllib2",  // mgov: network
    "venv",
    "webbrowser",
};

// Names unsafe in their module (picklescan, modelscan), and mgov's additions
// of loaders that unpickle what they are given.
const std::map<std::string_view, std::set<std::string_view>>& UnsafeNames() {
  static const std::map<std::string_view, std::set<std::string_view>> kNames = {
      {"cProfile", {"runctx", "run"}},
      {"doctest", {"debug_script"}},
      {"ensurepip", {"_run_pip"}},
      {"functools", {"partial"}},
      {"idlelib.autocomplete", {"AutoComplete.get_entity", "AutoComplete.fetch_completions"}},
      {"idlelib.calltip", {"Calltip.fetch_tip", "get_entity"}},
      {"idlelib.debugobj", {"ObjectTreeItem.SetText"}},
      {"idlelib.pyshell", {"ModifiedInterpreter.runcode", "ModifiedInterpreter.runcommand"}},
      {"idlelib.run", {"Executive.runcode"}},
      {"joblib", {"load"}},  // mgov
      {"lib2to3.pgen2.grammar", {"Grammar.loads"}},
      {"lib2to3.pgen2.pgen", {"ParserGenerator.make_label"}},
      {"numpy", {"load"}},  // mgov: with allow_pickle
      {"operator", {"attrgetter", "itemgetter", "methodcaller"}},
      {"pandas", {"read_pickle"}},  // mgov
      {"profile", {"Profile.run", "Profile.runctx"}},
      {"torch", {"load"}},  // mgov
      {"torch._dynamo.guards", {"GuardBuilder.get"}},
      {"torch._inductor.codecache", {"compile_file"}},
      {"torch.fx.experimental.symbolic_shapes", {"ShapeEnv.evaluate_guards_expression"}},
      {"torch.jit.unsupported_tensor_ops", {"execWrapper"}},
      {"torch.serialization", {"load"}},
      {"torch.utils._config_module", {"ConfigModule.load_config"}},
      {"torch.utils.bottleneck.__main__", {"run_cprofile", "run_autograd_prof"}},
      {"torch.utils.collect_env", {"run"}},
      {"torch.utils.data.datapipes.utils.decoder", {"basichandlers"}},
      {"trace", {"Trace.run", "Trace.runctx"}},
  };
  return kNames;
}

// Names that run or load code wherever they are found: as the global, or as
// any part of a dotted name (mgov).
constexpr std::string_view kUnsafeAnywhere[] = {
    "__import__", "breakpoint", "compile", "delattr", "eval",    "exec",    "execfile",
    "execl",      "execle",     "execlp",  "execlpe", "execv",   "execve",  "execvp",
    "execvpe",    "getattr",    "globals", "load",    "loads",   "locals",  "open",
    "popen",      "popen2",     "popen3",  "popen4",  "setattr", "spawnl",  "spawnle",
    "spawnlp",    "spawnlpe",   "spawnv",  "spawnve", "spawnvp", "spawnvpe", "system",
    "vars",
};

// The builtins a pickle may construct: plain containers and values.
constexpr std::string_view kSafeBuiltins[] = {
    "bool", "bytearray", "bytes", "complex", "dict",  "float", "frozenset", "int",
    "list", "object",    "range", "set",     "slice", "str",   "tuple",
};

// What PyTorch checkpoints, numpy arrays and ordered dicts pickle (the
// globals torch.load(weights_only=True) allows, and picklescan's safe list).
const std::set<Global>& SafeGlobals() {
  static const std::set<Global> kSafe = {
      {"_codecs", "encode"},
      {"collections", "Counter"},
      {"collections", "OrderedDict"},
      {"collections", "defaultdict"},
      {"numpy", "dtype"},
      {"numpy", "ndarray"},
      {"numpy._core.multiarray", "_reconstruct"},
      {"numpy._core.multiarray", "scalar"},
      {"numpy.core.multiarray", "_reconstruct"},
      {"numpy.core.multiarray", "scalar"},
      {"torch", "BFloat16Storage"},
      {"torch", "BoolStorage"},
      {"torch", "ByteStorage"},
      {"torch", "CharStorage"},
      {"torch", "ComplexDoubleStorage"},
      {"torch", "ComplexFloatStorage"},
      {"torch", "DoubleStorage"},
      {"torch", "FloatStorage"},
      {"torch", "HalfStorage"},
      {"torch", "IntStorage"},
      {"torch", "LongStorage"},
      {"torch", "QInt32Storage"},
      {"torch", "QInt8Storage"},
      {"torch", "QUInt2x4Storage"},
      {"torch", "QUInt4x2Storage"},
      {"torch", "QUInt8Storage"},
      {"torch", "ShortStorage"},
      {"torch", "Size"},
      {"torch", "Tensor"},
      {"torch", "UntypedStorage"},
      {"torch", "bfloat16"},
      {"torch", "bool"},
      {"torch", "complex128"},
      {"torch", "complex64"},
      {"torch", "device"},
      {"torch", "float16"},
      {"torch", "float32"},
      {"torch", "float64"},
      {"torch", "int16"},
      {"torch", "int32"},
      {"torch", "int64"},
      {"torch", "int8"},
      {"torch", "uint8"},
      {"torch._tensor", "_rebuild_from_type_v2"},
      {"torch._utils", "_rebuild_meta_tensor_no_storage"},
      {"torch._utils", "_rebuild_parameter"},
      {"torch._utils", "_rebuild_parameter_with_state"},
      {"torch._utils", "_rebuild_qtensor"},
      {"torch._utils", "_rebuild_sparse_tensor"},
      {"torch._utils", "_rebuild_tensor"},
      {"torch._utils", "_rebuild_tensor_v2"},
      {"torch._utils", "_rebuild_tensor_v3"},
      {"torch.nn.parameter", "Parameter"},
      {"torch.serialization", "_get_layout"},
  };
  return kSafe;
}

bool Contains(const auto& list, std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  for (size_t b = 0;;) {
    const size_t e = std::min(s.find('.', b), s.size());
    parts.push_back(s.substr(b, e - b));
    if (e == s.size()) return parts;
    b = e + 1;
  }
}

// The module itself or the package above it that is unsafe as a whole.
std::string_view UnsafeModule(std::string_view module) {
  for (size_t end = module.size();;) {
    const std::string_view prefix = module.substr(0, end);
    if (Contains(kUnsafeModules, prefix)) return prefix;
    end = prefix.rfind('.');
    if (end == std::string_view::npos) return {};
  }
}

bool IsBuiltinsModule(std::string_view module) {
  return module == "builtins" || module == "__builtin__";
}

// Why (module, name) is dangerous; "" when it is not.
std::string Danger(std::string_view module, std::string_view name) {
  const std::string global = std::string(module) + "." + std::string(name);
  if (std::string_view m = UnsafeModule(module); !m.empty()) {
    return "module " + std::string(m) +
           " is unsafe as a whole (picklescan and modelscan unsafe lists)";
  }
  if (auto it = UnsafeNames().find(module); it != UnsafeNames().end() && it->second.count(name)) {
    return global + " is on picklescan's and modelscan's unsafe lists";
  }
  if (IsBuiltinsModule(module) && !Contains(kSafeBuiltins, name)) {
    return global + " is not one of the plain constructors allowed from builtins (the unsafe "
                    "lists name eval, exec, compile, getattr, open, __import__, breakpoint)";
  }
  const std::vector<std::string_view> parts = Split(name);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (parts.size() > 1 && part.size() > 4 && part.starts_with("__") && part.ends_with("__")) {
      return global + " reaches " + std::string(part) + " through a dotted name";
    }
    if (Contains(kUnsafeAnywhere, part)) {
      return global + " names " + std::string(part) + ", which runs or loads code";
    }
    if (i + 1 < parts.size() && (Contains(kUnsafeModules, part) || IsBuiltinsModule(part))) {
      return global + " reaches module " + std::string(part) + " through a dotted name";
    }
  }
  return "";
}

bool IsPlain(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\\' || c < 0x21 || c >= 0x7f) return false;
  }
  return !s.empty();
}

}  // namespace

std::string_view SafetyName(ImportSafety safety) {
  switch (safety) {
    case ImportSafety::kSafe: return "safe";
    case ImportSafety::kDangerous: return "dangerous";
    case ImportSafety::kUnknown: break;
  }
  return "unknown";
}

ImportVerdict ClassifyImport(const WalkedImport& import) {
  if (!import.resolved) {
    return {ImportSafety::kDangerous, "unresolved: " + import.note};
  }
  std::string_view module = import.module, name = import.name;
  if (!IsPlain(module) || !IsPlain(name)) {
    return {ImportSafety::kUnknown, "not a plain ASCII module and name"};
  }
  if (std::string why = Danger(module, name); !why.empty()) {
    return {ImportSafety::kDangerous, why};
  }
  if (import.python2_names) {
    if (auto it = NameMapping().find({module, name}); it != NameMapping().end()) {
      std::tie(module, name) = it->second;
    } else if (auto m = ModuleMapping().find(module); m != ModuleMapping().end()) {
      module = m->second;
    }
    if (std::string why = Danger(module, name); !why.empty()) {
      return {ImportSafety::kDangerous, "read as " + std::string(module) + "." +
                                            std::string(name) + " (Python 2 name): " + why};
    }
  }
  if (SafeGlobals().count({module, name}) ||
      (IsBuiltinsModule(module) && Contains(kSafeBuiltins, name))) {
    return {ImportSafety::kSafe, ""};
  }
  return {ImportSafety::kUnknown, "not on the allow-list of torch, numpy and collections globals"};
}

}  // namespace governance
