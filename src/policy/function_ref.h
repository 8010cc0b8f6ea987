// FunctionRef: a non-owning reference to a callable, like llvm::function_ref.
//
// The evaluator passes continuations down its recursion; std::function would
// allocate for each of them. A FunctionRef is two pointers and must not
// outlive the callable it refers to, which continuation-passing code
// guarantees by construction (the callable is a temporary of the caller).
#ifndef GOVERNANCE_SRC_POLICY_FUNCTION_REF_H_
#define GOVERNANCE_SRC_POLICY_FUNCTION_REF_H_

#include <type_traits>
#include <utility>

namespace governance::rego {

template <typename Fn>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F,
            typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* obj, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(obj))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(obj_, std::forward<Args>(args)...); }

 private:
  void* obj_;
  R (*call_)(void*, Args...);
};

}  // namespace governance::rego

#endif  // GOVERNANCE_SRC_POLICY_FUNCTION_REF_H_
