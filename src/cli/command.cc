#include "cli/command.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "core/digest.h"
#include "core/document.h"
#include "core/file.h"

namespace governance::cli {
namespace {

bool IsPostgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

std::string SqlitePath(const std::string& url) {
  return url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
}

}  // namespace

void Context::Finish(std::string_view command, const StatusOr<Outcome>& outcome) {
  if (!outcome.ok()) {
    *err << "mgov " << command << ": " << outcome.status().message() << "\n";
    exit_code = outcome.status().code() == StatusCode::kPermissionDenied ? kExitNo : kExitError;
    return;
  }
  exit_code = *outcome == Outcome::kYes ? kExitYes : kExitNo;
}

std::string Context::StoreUrl() const {
  if (IsPostgres(global.store) || global.store == "memory:") return global.store;
  return "sqlite:" + std::filesystem::absolute(SqlitePath(global.store)).lexically_normal().string();
}

std::string Context::LedgerKeyPath() const {
  if (!global.ledger_key.empty()) return global.ledger_key;
  if (IsPostgres(global.store)) return ".mgov/ledger.key";
  return (std::filesystem::path(SqlitePath(global.store)).parent_path() / "ledger.key").string();
}

StatusOr<std::unique_ptr<Store>> Context::OpenStore(bool create) const {
  StoreOptions options;
  const std::string url = StoreUrl();
  if (!IsPostgres(url)) {
    std::string path = SqlitePath(url);
    if (!create && !std::filesystem::exists(path)) {
      return FailedPreconditionError("no governance store at " + path +
                                     " (run `mgov init`, or pass --store)");
    }
  }
  if (std::filesystem::exists(LedgerKeyPath())) {
    auto key = LoadPrivateKey(LedgerKeyPath());
    if (!key.ok()) return key.status().WithContext("ledger key");
    options.ledger_key = std::move(*key);
  }
  return governance::OpenStore(url, std::move(options));
}

std::string Context::TrustDirectory() const {
  namespace fs = std::filesystem;
  fs::path home;
  if (const char* m = std::getenv("MGOV_HOME"); m != nullptr && *m != '\0') {
    home = m;
  } else if (const char* x = std::getenv("XDG_CONFIG_HOME"); x != nullptr && *x != '\0') {
    home = fs::path(x) / "mgov";
  } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    home = fs::path(h) / ".config" / "mgov";
  } else {
    home = fs::path(".mgov-trust");
  }
  return (home / "trust" / Sha256DigestOf(StoreUrl()).substr(7, 16)).string();
}

StatusOr<std::shared_ptr<TrustStore>> Context::OpenTrust() const {
  return OpenTrustDirectory(TrustDirectory(), global.trust);
}

StatusOr<PlaneOptions> Context::Planes() const {
  PlaneOptions options;
  GOV_ASSIGN_OR_RETURN(options.trust, OpenTrust());
  return options;
}

void Context::PrintJson(const nlohmann::json& j) const { *out << j.dump(2) << "\n"; }

Outcome PrintPromotion(const Context& ctx, const std::string& action, const PromotionResult& r,
                       bool offline) {
  if (ctx.global.json) {
    ctx.PrintJson(ToJson(r));
  } else {
    *ctx.out << fmt::format("{} {} ({} {}) to {}{}\n", action, r.approval_id, r.model_id,
                            r.model_version, r.environment,
                            r.scope.empty() ? "" : " [" + r.scope + "]");
    for (const auto& g : r.gates) {
      *ctx.out << fmt::format("  {:<4}  {:<16} {}\n",
                              g.skipped ? "SKIP" : (g.passed ? "PASS" : "FAIL"), g.name, g.reason);
    }
    const GateCheck* first = r.FirstFailure();
    *ctx.out << fmt::format("result: {}{} ({})\n", r.promoted ? "ALLOWED" : "DENIED",
                            first ? " at gate " + first->name : "",
                            r.ledger_sequence > 0 ? "ledger entry " + std::to_string(r.ledger_sequence)
                            : offline ? std::string("offline: nothing recorded")
                                      : std::string("not recorded: the store's state does not verify"));
  }
  return r.promoted ? Outcome::kYes : Outcome::kNo;
}

void PrintTable(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], widths[i]);
    }
    out << line << "\n";
  }
}

std::string ShortNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value != 0 && std::fabs(value) < 1e-3) return fmt::format("{:.2e}", value);
  return fmt::format("{:.4g}", value);
}

StatusOr<Outcome> ReportChange(const Context& ctx, const ChangeOutcome& c) {
  if (ctx.global.json) {
    ctx.PrintJson({{"change_id", c.change_id},
                   {"summary", c.summary},
                   {"applied", c.applied},
                   {"signers", c.signatures.signers},
                   {"threshold", c.signatures.threshold},
                   {"ledger_sequence", c.ledger_sequence}});
  } else if (c.applied) {
    *ctx.out << "applied " << c.change_id << ": " << c.summary << " ("
             << c.signatures.Describe() << ", ledger entry " << c.ledger_sequence << ")\n";
  } else {
    *ctx.out << "proposed " << c.change_id << ": " << c.summary << "\n"
             << "not in effect yet: " << c.signatures.Describe()
             << "; another admin runs `mgov admin sign " << c.change_id << " --key FILE`\n";
  }
  return c.applied ? Outcome::kYes : Outcome::kNo;
}

std::function<Status(const Envelope&)> WriteEnvelopeBeforeCommit(const std::string& path) {
  return [path](const Envelope& e) {
    return WriteFileAtomic(path, EnvelopeToJson(e) + "\n").WithContext("--out");
  };
}

StatusOr<PrivateKey> LoadSigningKey(const std::string& path, const char* option) {
  auto key = LoadPrivateKey(path);
  if (!key.ok()) return key.status().WithContext(option);
  return key;
}

StatusOr<std::optional<LedgerCheckpoint>> LoadCheckpoint(const std::string& path) {
  if (path.empty()) return std::optional<LedgerCheckpoint>();
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, LoadDocument(path));
  GOV_ASSIGN_OR_RETURN(LedgerCheckpoint checkpoint, LedgerCheckpointFromJson(j, path));
  return std::optional<LedgerCheckpoint>(std::move(checkpoint));
}

}  // namespace governance::cli
