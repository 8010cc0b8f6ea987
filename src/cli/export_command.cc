// mgov export: an approval's DSSE envelope, for serving hosts and auditors.
#include "cli/command.h"
#include "core/file.h"

namespace governance::cli {
namespace {

struct ExportOptions {
  std::string approval_id, out;
};

StatusOr<Outcome> RunExport(const ExportOptions& o, Context& ctx) {
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  ApprovalRecord record;
  GOV_RETURN_IF_ERROR(store->Read([&](StoreTransaction& txn) -> Status {
    GOV_ASSIGN_OR_RETURN(record, txn.GetApproval(o.approval_id));
    return Status();
  }));
  const std::string json = EnvelopeToJson(record.envelope) + "\n";
  if (o.out.empty()) {
    *ctx.out << json;
  } else {
    GOV_RETURN_IF_ERROR(WriteFileAtomic(o.out, json));
    *ctx.err << "wrote " << o.out << "\n";
  }
  return Outcome::kYes;
}

}  // namespace

void AddExportCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* sub = app.add_subcommand("export", "Print an approval's DSSE envelope as JSON");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id")->required();
  sub->add_option("--out", o->out, "Write to this file instead of stdout");
  sub->callback([o, &ctx] { ctx.Finish("export", RunExport(*o, ctx)); });
}

}  // namespace governance::cli
