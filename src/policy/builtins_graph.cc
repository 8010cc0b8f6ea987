// Graph builtins: graph.reachable and graph.reachable_paths over an
// adjacency object (node -> array or set of neighbours).
#include <algorithm>
#include <deque>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;

// A node's neighbours: the elements of an array or set; anything else
// (null, a string) has none.
const ValueVector* Neighbours(const Value& edges) {
  if (edges.is_array() || edges.is_set()) return &edges.items();
  return nullptr;
}

Status CheckOperands(std::string_view fn, Operands a) {
  if (!a[0].is_object()) return OperandTypeError(fn, 1, "object", a[0]);
  if (!a[1].is_array() && !a[1].is_set()) {
    return OperandTypeError(fn, 2, "one of {array, set}", a[1]);
  }
  return Status::Ok();
}

Status Reachable(Ctx& ctx, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckOperands("graph.reachable", a));
  const Value& graph = a[0];
  std::deque<Value> queue(a[1].items().begin(), a[1].items().end());
  ValueVector reached;  // kept sorted
  while (!queue.empty()) {
    Value node = std::move(queue.front());
    queue.pop_front();
    // A node absent from the graph is not reached, even as a start.
    const Value* edges = graph.Find(node);
    if (edges == nullptr) continue;
    auto at = std::lower_bound(reached.begin(), reached.end(), node);
    if (at != reached.end() && *at == node) continue;
    reached.insert(at, node);
    if (reached.size() > ctx.max_collection_elements) {
      return ctx.Exhausted("graph.reachable", "too many nodes reached");
    }
    if (const ValueVector* next = Neighbours(*edges)) {
      for (const Value& n : *next) {
        if (!std::binary_search(reached.begin(), reached.end(), n)) queue.push_back(n);
      }
    }
  }
  *out = Value::SortedSet(std::move(reached));
  return Status::Ok();
}

// Collects every path from a start node that runs until it reaches a node
// with no neighbours, a node outside the graph (which the path leaves out),
// or a node whose neighbour is already on the path (a cycle, which ends it
// before repeating). As in OPA, a start's own neighbours are always walked,
// so a start with an edge to itself gives [start, start].
class PathCollector {
 public:
  PathCollector(Ctx& ctx, const Value& graph) : ctx_(ctx), graph_(graph) {}

  Status WalkFrom(const Value& start, const Value& edges) {
    path_.assign(1, start);
    const ValueVector* next = Neighbours(edges);
    if (next == nullptr || next->empty()) return Emit();
    for (const Value& n : *next) GOV_RETURN_IF_ERROR(Walk(n));
    return Status::Ok();
  }

 private:
  Status Walk(const Value& node) {
    const Value* edges = graph_.Find(node);
    if (edges == nullptr) return Emit();
    // Each step is a stack frame; a path this long is a chain no policy
    // means to walk.
    if (path_.size() >= kMaxPathLength) {
      return ctx_.Exhausted("graph.reachable_paths", "a path longer than 10000 nodes");
    }
    path_.push_back(node);
    const ValueVector* next = Neighbours(*edges);
    if (next == nullptr || next->empty()) {
      GOV_RETURN_IF_ERROR(Emit());
    } else {
      for (const Value& n : *next) {
        if (std::find(path_.begin(), path_.end(), n) != path_.end()) {
          GOV_RETURN_IF_ERROR(Emit());
        } else {
          GOV_RETURN_IF_ERROR(Walk(n));
        }
      }
    }
    path_.pop_back();
    return Status::Ok();
  }

 public:
  ValueVector TakePaths() { return std::move(paths_); }

 private:
  static constexpr size_t kMaxPathLength = 10'000;

  Status Emit() {
    paths_.push_back(Value::Array(path_));
    if (paths_.size() > ctx_.max_collection_elements) {
      return ctx_.Exhausted("graph.reachable_paths", "too many paths");
    }
    return Status::Ok();
  }

  Ctx& ctx_;
  const Value& graph_;
  ValueVector path_;
  ValueVector paths_;
};

Status ReachablePaths(Ctx& ctx, Operands a, Value* out) {
  GOV_RETURN_IF_ERROR(CheckOperands("graph.reachable_paths", a));
  PathCollector collector(ctx, a[0]);
  for (const Value& start : a[1].items()) {
    // Unlike the nodes it leads to, a start outside the graph yields no path.
    const Value* edges = a[0].Find(start);
    if (edges == nullptr) continue;
    GOV_RETURN_IF_ERROR(collector.WalkFrom(start, *edges));
  }
  *out = Value::Set(collector.TakePaths());
  return Status::Ok();
}

}  // namespace

void RegisterGraphBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"graph.reachable", 2, Reachable},
                          {"graph.reachable_paths", 2, ReachablePaths},
                      });
}

}  // namespace governance::rego
