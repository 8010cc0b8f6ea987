// mgov snapshot: re-sign the store's state after verifying all of it, for a
// store nobody wrote to within the freshness window (run it from cron).
#include "cli/command.h"
#include "core/time.h"
#include "governance/state.h"

namespace governance::cli {
namespace {

StatusOr<Outcome> RunSnapshot(Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
  GOV_ASSIGN_OR_RETURN(int64_t sequence, RefreshSnapshot(*store, *planes.trust, NowSeconds()));
  if (ctx.global.json) {
    ctx.PrintJson({{"refreshed", true}, {"ledger_sequence", sequence}});
  } else {
    *ctx.out << "verified the governance state and every ledger entry; signed a fresh snapshot "
                "(ledger entry " << sequence << ")\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddSnapshotCommand(CLI::App& app, Context& ctx) {
  CLI::App* sub = app.add_subcommand(
      "snapshot", "Verify the whole store, then re-sign its snapshot (keeps an idle store fresh)");
  sub->callback([&ctx] { ctx.Finish("snapshot", RunSnapshot(ctx)); });
}

}  // namespace governance::cli
