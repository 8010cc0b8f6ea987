// Status and StatusOr<T>: how every fallible operation in mgov reports failure.
//
// No exception crosses the public API. A function that can fail returns a
// Status, or a StatusOr<T> that holds either a value or the reason it has none:
//
//   governance::StatusOr<governance::Keypair> key = governance::LoadPrivateKey(path);
//   if (!key.ok()) {
//     std::cerr << key.status() << "\n";   // e.g. INVALID_ARGUMENT: key.pem: ...
//     return 2;
//   }
//   Sign(*key, bytes);
//
// Inside the library, GOV_RETURN_IF_ERROR and GOV_ASSIGN_OR_RETURN propagate
// failures. Codes are chosen as absl/status/status.h explains:
//   kInvalidArgument     the caller's input is malformed, whatever the state
//   kFailedPrecondition  the input is fine but the system is not in a state for it
//   kNotFound            a named thing (approval, key, file) does not exist
//   kAlreadyExists       creating something that is already there
//   kPermissionDenied    the caller is not allowed (wrong role, revoked key)
//   kDataLoss            stored data is corrupt or was tampered with
//   kUnavailable         a transient failure (database locked, server restarting)
//   kInternal            a broken invariant inside mgov or a dependency
//   kUnimplemented       a feature mgov does not support (named in the message)
#ifndef GOVERNANCE_STATUS_H_
#define GOVERNANCE_STATUS_H_

#include <cassert>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace governance {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kFailedPrecondition,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kDataLoss,
  kUnavailable,
  kAborted,
  kInternal,
  kUnimplemented,
  kOutOfRange,
  kDeadlineExceeded,
};

// Returns the upper-case name of `code`, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "`context`: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  // "OK" or "<CODE>: <message>".
  std::string ToString() const;

  // Explicitly ignores the status where failure has no consequence.
  void IgnoreError() const {}

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

Status InvalidArgumentError(std::string message);
Status FailedPreconditionError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status DataLossError(std::string message);
Status UnavailableError(std::string message);
Status AbortedError(std::string message);
Status InternalError(std::string message);
Status UnimplementedError(std::string message);
Status OutOfRangeError(std::string message);

// Holds a T or a non-OK Status. Accessing the value of a non-OK StatusOr is a
// programming error (asserted in debug builds).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // REQUIRES: !status.ok()
  StatusOr(Status status) : rep_(std::move(status)) {  // NOLINT: implicit
    assert(!std::get<Status>(rep_).ok());
    if (std::get<Status>(rep_).ok()) {
      rep_ = Status(StatusCode::kInternal, "StatusOr built from an OK status");
    }
  }
  StatusOr(const T& value) : rep_(value) {}        // NOLINT: implicit
  StatusOr(T&& value) : rep_(std::move(value)) {}  // NOLINT: implicit
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status>>>
  StatusOr(U&& value) : rep_(T(std::forward<U>(value))) {}  // NOLINT: implicit

  bool ok() const { return std::holds_alternative<T>(rep_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(rep_); }

  const T& value() const& { return std::get<T>(rep_); }
  T& value() & { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The value, or `fallback` when there is none.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<Status, T> rep_;
};

}  // namespace governance

#define GOV_STATUS_CONCAT_INNER_(a, b) a##b
#define GOV_STATUS_CONCAT_(a, b) GOV_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define GOV_RETURN_IF_ERROR(expr) \
  GOV_RETURN_IF_ERROR_IMPL_(GOV_STATUS_CONCAT_(gov_status_, __COUNTER__), expr)
#define GOV_RETURN_IF_ERROR_IMPL_(tmp, expr)   \
  do {                                         \
    ::governance::Status tmp = (expr);         \
    if (!tmp.ok()) return tmp;                 \
  } while (false)

// GOV_ASSIGN_OR_RETURN(auto x, Foo()); declares/assigns from a StatusOr, or
// returns its status from the enclosing function.
#define GOV_ASSIGN_OR_RETURN(lhs, expr) \
  GOV_ASSIGN_OR_RETURN_IMPL_(GOV_STATUS_CONCAT_(gov_statusor_, __COUNTER__), lhs, expr)
#define GOV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // GOVERNANCE_STATUS_H_
