// libFuzzer target: the Rego lexer, parser and compiler must reject any input
// with a Status, never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/compiler.h"
#include "policy/evaluator.h"
#include "policy/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  for (bool v0 : {false, true}) {
    governance::rego::ParseOptions opts;
    opts.v0_compatible = v0;
    auto module = governance::rego::ParseModule(source, "fuzz.rego", opts);
    if (!module.ok()) continue;
    std::vector<std::unique_ptr<governance::rego::Module>> modules;
    modules.push_back(std::move(*module));
    auto program = governance::rego::Compile(std::move(modules), governance::rego::Value());
    (void)program.ok();
  }
  auto query = governance::rego::ParseQuery(source, "query");
  (void)query.ok();
  auto term = governance::rego::ParseTerm(source, "term");
  (void)term.ok();
  return 0;
}
