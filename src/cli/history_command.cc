// mgov history MODEL: the model's timeline from the verified ledger.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/time_option.h"
#include "core/time.h"
#include "governance/audit.h"

namespace governance::cli {
namespace {

struct HistoryOptions {
  std::string model, environment, since;
};

StatusOr<Outcome> RunHistory(const HistoryOptions& o, Context& ctx) {
  HistoryFilter filter;
  filter.environment = o.environment;
  GOV_ASSIGN_OR_RETURN(filter.since, ParseTimeOption("--since", o.since));
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(std::vector<HistoryEvent> events,
                       ModelHistory(*store, planes, o.model, filter));
  if (ctx.global.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const HistoryEvent& e : events) list.push_back(ToJson(e));
    ctx.PrintJson({{"model_id", o.model}, {"events", list}});
    return Outcome::kYes;
  }
  if (events.empty()) {
    *ctx.out << "no entries match\n";
    return Outcome::kYes;
  }
  std::vector<std::vector<std::string>> rows = {{"SEQ", "TIME", "EVENT", "ACTOR", "WHAT"}};
  for (const HistoryEvent& e : events) {
    rows.push_back({std::to_string(e.sequence), FormatRfc3339(e.timestamp), e.type, e.actor,
                    e.summary});
  }
  PrintTable(*ctx.out, rows);
  return Outcome::kYes;
}

}  // namespace

void AddHistoryCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<HistoryOptions>();
  CLI::App* sub = app.add_subcommand(
      "history", "A model's timeline from the verified ledger: training, policy decisions, "
                 "approvals and co-signatures, deployments and rollbacks, monitoring checks, "
                 "re-evaluations and revocations, each with its ledger sequence");
  sub->add_option("MODEL", o->model, "Model id")->required();
  sub->add_option("--env", o->environment,
                  "Only this environment (entries that name no environment stay)");
  sub->add_option("--since", o->since, "Only entries at or after this RFC 3339 time");
  sub->callback([o, &ctx] { ctx.Finish("history", RunHistory(*o, ctx)); });
}

}  // namespace governance::cli
