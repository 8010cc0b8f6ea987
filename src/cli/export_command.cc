// mgov export: an approval's DSSE envelope, for serving hosts and auditors.
#include "cli/command.h"
#include "core/file.h"
#include "governance/verification_bundle.h"

namespace governance::cli {
namespace {

struct ExportOptions {
  std::string approval_id, bundle, out;
};

StatusOr<Outcome> RunExport(const ExportOptions& o, Context& ctx) {
  if (o.approval_id.empty() == o.bundle.empty()) {
    return InvalidArgumentError("give an APPROVAL_ID (its envelope) or --bundle APPROVAL_ID");
  }
  GOV_ASSIGN_OR_RETURN(auto store, ctx.OpenStore());
  if (!o.bundle.empty()) {
    GOV_ASSIGN_OR_RETURN(PlaneOptions planes, ctx.Planes());
    GOV_ASSIGN_OR_RETURN(std::string bundle, ExportVerificationBundle(*store, planes, o.bundle));
    if (o.out.empty()) {
      *ctx.out << bundle;
    } else {
      GOV_RETURN_IF_ERROR(WriteFileAtomic(o.out, bundle));
      *ctx.err << "wrote the verification bundle of " << o.bundle << " to " << o.out
               << " (verify it with `mgov verify --bundle " << o.out
               << " --trust root.json --env ENV`)\n";
    }
    return Outcome::kYes;
  }
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
  CLI::App* sub = app.add_subcommand(
      "export", "Print an approval's DSSE envelope, or its offline verification bundle");
  sub->add_option("APPROVAL_ID", o->approval_id, "Approval id: print its DSSE envelope");
  sub->add_option("--bundle", o->bundle,
                  "Approval id: write everything a serving host needs to verify it offline");
  sub->add_option("--out", o->out, "Write to this file instead of stdout");
  sub->callback([o, &ctx] { ctx.Finish("export", RunExport(*o, ctx)); });
}

}  // namespace governance::cli
