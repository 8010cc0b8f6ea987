// The snapshot payload (snapshot.h).
#include "governance/snapshot.h"

#include <set>

#include "core/digest.h"
#include "core/document.h"
#include "core/json_reader.h"
#include "core/parse_cache.h"
#include "store/store_state.h"
#include "core/time.h"

namespace governance {

std::string SnapshotPayload(const Snapshot& s) {
  const StoreState& st = s.state;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [name, t] : st.tables) {
    nlohmann::json row = {{"rows", t.rows}};
    if (!t.digest.empty()) row["digest"] = t.digest;
    tables[name] = std::move(row);
  }
  return CanonicalJson(
      {{"_type", kSnapshotType},
       {"issued_at", FormatRfc3339(s.issued_at)},
       {"ledger",
        {{"size", st.ledger_size}, {"head", st.ledger_head}, {"merkle_root", st.merkle_root}}},
       {"facts",
        {{"root", {{"version", st.facts.root_version}, {"digest", st.facts.root_digest}}},
         {"changes", {{"count", st.facts.change_count}, {"head", st.facts.change_head}}},
         {"revocations", st.facts.revocations},
         {"deployments", st.facts.deployments}}},
       {"tables", std::move(tables)}});
}

namespace {

ParseCache<Snapshot>& ParsedSnapshots() {
  static ParseCache<Snapshot>* cache = new ParseCache<Snapshot>(16);
  return *cache;
}

StatusOr<Snapshot> ParseUncached(std::string_view payload, std::string_view origin);

}  // namespace

StatusOr<Snapshot> ParseSnapshotPayload(std::string_view payload, std::string_view origin) {
  const std::string digest = Sha256DigestOf(payload);
  if (std::optional<Snapshot> hit = ParsedSnapshots().Find(digest)) return *hit;
  GOV_ASSIGN_OR_RETURN(Snapshot s, ParseUncached(payload, origin));
  ParsedSnapshots().Put(digest, s);
  return s;
}

void RememberSnapshotPayload(std::string_view payload, const Snapshot& snapshot) {
  ParsedSnapshots().Put(Sha256DigestOf(payload), snapshot);
}

namespace {

StatusOr<Snapshot> ParseUncached(std::string_view payload, std::string_view origin) {
  GOV_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(payload, origin));
  JsonReader r(j, std::string(origin));
  GOV_RETURN_IF_ERROR(r.RequireKnown({"_type", "issued_at", "ledger", "facts", "tables"}));
  GOV_ASSIGN_OR_RETURN(std::string type, r.String("_type"));
  if (type != kSnapshotType) {
    return r.Error("_type", "must be \"" + std::string(kSnapshotType) + "\"");
  }
  Snapshot s;
  StoreState& st = s.state;
  GOV_ASSIGN_OR_RETURN(s.issued_at, r.Timestamp("issued_at"));
  GOV_ASSIGN_OR_RETURN(JsonReader ledger, r.Object("ledger"));
  GOV_ASSIGN_OR_RETURN(st.ledger_size, ledger.Int("size"));
  GOV_ASSIGN_OR_RETURN(st.ledger_head, ledger.OptionalString("head"));
  GOV_ASSIGN_OR_RETURN(st.merkle_root, ledger.OptionalString("merkle_root"));
  GOV_ASSIGN_OR_RETURN(JsonReader facts, r.Object("facts"));
  GOV_ASSIGN_OR_RETURN(JsonReader root, facts.Object("root"));
  GOV_ASSIGN_OR_RETURN(st.facts.root_version, root.Int("version"));
  GOV_ASSIGN_OR_RETURN(st.facts.root_digest, root.OptionalString("digest"));
  GOV_ASSIGN_OR_RETURN(JsonReader changes, facts.Object("changes"));
  GOV_ASSIGN_OR_RETURN(st.facts.change_count, changes.Int("count"));
  GOV_ASSIGN_OR_RETURN(st.facts.change_head, changes.OptionalString("head"));
  GOV_ASSIGN_OR_RETURN(st.facts.revocations, facts.String("revocations"));
  GOV_ASSIGN_OR_RETURN(st.facts.deployments, facts.String("deployments"));
  GOV_ASSIGN_OR_RETURN(const nlohmann::json* tables, r.Member("tables", true));
  if (!tables->is_object()) return r.Error("tables", "must be an object");
  for (const auto& [name, value] : tables->items()) {
    JsonReader t(value, std::string(origin), "/tables/" + name);
    TableState ts;
    GOV_ASSIGN_OR_RETURN(ts.rows, t.Int("rows"));
    GOV_ASSIGN_OR_RETURN(ts.digest, t.OptionalString("digest"));
    st.tables[name] = ts;
  }
  return s;
}

}  // namespace

std::string DescribeStateDifference(const StoreState& s, const StoreState& a, bool facts_only) {
  if (!facts_only) {
    if (s.ledger_size != a.ledger_size || s.ledger_head != a.ledger_head) {
      return "the ledger holds " + std::to_string(a.ledger_size) + " entries (last " +
             a.ledger_head.substr(0, 16) + "), the snapshot signed " +
             std::to_string(s.ledger_size) + " (last " + s.ledger_head.substr(0, 16) + ")";
    }
    if (s.merkle_root != a.merkle_root) {
      return "the ledger's Merkle frontier (table settings) gives root " +
             a.merkle_root.substr(0, 16) + ", the snapshot signed " + s.merkle_root.substr(0, 16);
    }
  }
  if (s.facts.root_version != a.facts.root_version || s.facts.root_digest != a.facts.root_digest) {
    return "the governance root is v" + std::to_string(a.facts.root_version) +
           ", the snapshot signed v" + std::to_string(s.facts.root_version) + " (table roots)";
  }
  if (s.facts.change_count != a.facts.change_count || s.facts.change_head != a.facts.change_head) {
    return std::to_string(a.facts.change_count) + " governance changes are applied, the " +
           "snapshot signed " + std::to_string(s.facts.change_count) +
           " (table governance_changes)";
  }
  if (s.facts.revocations != a.facts.revocations) {
    return "the revocations differ from the ones the snapshot signed (table revocations)";
  }
  if (s.facts.deployments != a.facts.deployments) {
    return "the current deployments differ from the ones the snapshot signed (table deployments)";
  }
  if (facts_only) return "";
  std::set<std::string> names;
  for (const auto& [n, t] : s.tables) names.insert(n);
  for (const auto& [n, t] : a.tables) names.insert(n);
  for (const auto& n : names) {
    auto si = s.tables.find(n);
    auto ai = a.tables.find(n);
    const TableState signed_table = si == s.tables.end() ? TableState{} : si->second;
    const TableState actual = ai == a.tables.end() ? TableState{} : ai->second;
    if (signed_table.rows != actual.rows) {
      return "table " + n + " has " + std::to_string(actual.rows) + " rows, the snapshot signed " +
             std::to_string(signed_table.rows) + " (rows were inserted or deleted outside mgov)";
    }
    if (signed_table.digest != actual.digest) {
      return "table " + n + " was edited outside mgov (its rows differ from the ones the "
             "snapshot signed)";
    }
  }
  return "";
}

}  // namespace governance
