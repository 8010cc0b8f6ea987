// mgov diff A B: what changed from one approved release to another.
#include <fmt/format.h>

#include "cli/command.h"
#include "core/time.h"
#include "governance/audit.h"
#include "governance/authority.h"

namespace governance::cli {
namespace {

struct DiffOptions {
  std::string from, to;
};

std::string Shown(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

StatusOr<Outcome> RunDiff(const DiffOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  const int64_t now = NowUnder(planes.clock);
  GOV_ASSIGN_OR_RETURN(ApprovalDiff diff, DiffApprovals(*store, planes, o.from, o.to, now));
  auto side = [](const ApprovalView& v) {
    return nlohmann::json{{"approval_id", v.approval.approval_id},
                          {"model_id", v.approval.model_id},
                          {"model_version", v.approval.model_version},
                          {"state", ApprovalStateName(v.state)}};
  };
  if (ctx.global.json) {
    nlohmann::json changes = nlohmann::json::array();
    for (const ReleaseChange& c : diff.changes) {
      changes.push_back(
          {{"section", c.section}, {"path", c.path}, {"before", c.before}, {"after", c.after}});
    }
    ctx.PrintJson({{"from", side(diff.from)}, {"to", side(diff.to)}, {"changes", changes}});
    return Outcome::kYes;
  }
  *ctx.out << fmt::format("from {} ({} version {}, {})\n", diff.from.approval.approval_id,
                          diff.from.approval.model_id, diff.from.approval.model_version,
                          ApprovalStateName(diff.from.state));
  *ctx.out << fmt::format("to   {} ({} version {}, {})\n", diff.to.approval.approval_id,
                          diff.to.approval.model_id, diff.to.approval.model_version,
                          ApprovalStateName(diff.to.state));
  if (diff.changes.empty()) {
    *ctx.out << "no changes\n";
    return Outcome::kYes;
  }
  std::vector<std::vector<std::string>> rows = {{"SECTION", "FIELD", "BEFORE", "AFTER"}};
  for (const ReleaseChange& c : diff.changes) {
    rows.push_back({c.section, c.path, Shown(c.before), Shown(c.after)});
  }
  PrintTable(*ctx.out, rows);
  return Outcome::kYes;
}

}  // namespace

void AddDiffCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* sub = app.add_subcommand(
      "diff", "What changed from one approval to another: version, artifact, environments, "
              "approvers, metrics, manifest fields, decision stack and policy record");
  sub->add_option("FROM", o->from, "The earlier approval id")->required();
  sub->add_option("TO", o->to, "The later approval id")->required();
  sub->callback([o, &ctx] { ctx.Finish("diff", RunDiff(*o, ctx)); });
}

}  // namespace governance::cli
