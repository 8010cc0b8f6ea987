// Network builtins: net.cidr_*. Addresses and networks follow Go's net
// package, which OPA uses: an IPv4 address is also its IPv4-mapped IPv6 form
// (::ffff:a.b.c.d), a network matches only addresses of its own family, and
// addresses print the way Go prints them.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "policy/builtins.h"

namespace governance::rego {
namespace {

using Ctx = BuiltinContext;
using Bytes16 = std::array<uint8_t, 16>;

// An address in its 16-byte form; `v4` when it is an IPv4 address (Go's
// To4() != nil), which IPv4-mapped IPv6 text also gives.
struct Ip {
  Bytes16 b{};
  bool v4 = false;
};

// A network: its address (Go keeps the text's host bits for cidr_merge's
// bare addresses), and the prefix in bits of its own family.
struct IpNet {
  Ip ip;
  int prefix = 0;
  int Bits() const { return ip.v4 ? 32 : 128; }
  // The prefix over the 16-byte form.
  int Prefix16() const { return ip.v4 ? prefix + 96 : prefix; }
};

bool IsV4Mapped(const Bytes16& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

// Go's net.ParseIP: dotted IPv4 or IPv6 text, no zone.
std::optional<Ip> ParseIp(std::string_view text) {
  std::string s(text);
  Ip ip;
  uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    ip.b[10] = ip.b[11] = 0xff;
    std::memcpy(&ip.b[12], v4, 4);
    ip.v4 = true;
    return ip;
  }
  if (s.find(':') != std::string::npos && inet_pton(AF_INET6, s.c_str(), ip.b.data()) == 1) {
    ip.v4 = IsV4Mapped(ip.b);
    return ip;
  }
  return std::nullopt;
}

Bytes16 Mask16(int prefix16) {
  Bytes16 m{};
  for (int i = 0; i < 16; ++i) {
    int bits = std::clamp(prefix16 - i * 8, 0, 8);
    m[i] = static_cast<uint8_t>(bits == 0 ? 0 : 0xff << (8 - bits));
  }
  return m;
}

Bytes16 First(const Bytes16& b, int prefix16) {
  Bytes16 m = Mask16(prefix16), out;
  for (int i = 0; i < 16; ++i) out[i] = b[i] & m[i];
  return out;
}

Bytes16 Last(const Bytes16& b, int prefix16) {
  Bytes16 m = Mask16(prefix16), out;
  for (int i = 0; i < 16; ++i) out[i] = b[i] | static_cast<uint8_t>(~m[i]);
  return out;
}

// Go's net.ParseCIDR; the network's address has its host bits cleared.
std::optional<IpNet> ParseCidr(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view addr = s.substr(0, slash), mask = s.substr(slash + 1);
  std::optional<Ip> ip = ParseIp(addr);
  if (!ip || mask.empty()) return std::nullopt;
  int n = 0;
  for (char c : mask) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
    if (n > 128) return std::nullopt;
  }
  // The prefix counts bits of the text's own family: "::ffff:1.2.3.4/120"
  // is an IPv6 prefix even though the address is IPv4-mapped.
  bool text_v6 = addr.find(':') != std::string_view::npos;
  int bits = text_v6 ? 128 : 32;
  if (n > bits) return std::nullopt;
  IpNet net;
  net.ip = *ip;
  int prefix16 = text_v6 ? n : n + 96;
  if (net.ip.v4) {
    // Go reads a mapped network as IPv4 with the low 32 bits of the mask.
    net.prefix = std::max(prefix16 - 96, 0);
  } else {
    net.prefix = n;
  }
  net.ip.b = First(net.ip.b, prefix16);
  return net;
}

bool Contains(const IpNet& net, const Ip& ip) {
  if (net.ip.v4 != ip.v4) return false;
  return First(ip.b, net.Prefix16()) == First(net.ip.b, net.Prefix16());
}

// Go's IP.String(): dotted IPv4, or RFC 5952 IPv6 (the longest run of two or
// more zero groups, the first of equals, becomes "::").
std::string FormatIp(const Ip& ip) {
  if (ip.v4) return fmt::format("{}.{}.{}.{}", ip.b[12], ip.b[13], ip.b[14], ip.b[15]);
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(ip.b[2 * i] << 8 | ip.b[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", g[i]);
  }
  return out;
}

std::string FormatNet(const IpNet& net) { return FormatIp(net.ip) + "/" + std::to_string(net.prefix); }

Status InvalidCidr(std::string_view fn, std::string_view text) {
  return BuiltinError(fn, fmt::format("invalid CIDR address: {}", text));
}

Status NetOperand(std::string_view fn, const Value& v, int pos, IpNet* out) {
  if (!v.is_string()) return OperandTypeError(fn, pos, "string", v);
  std::optional<IpNet> net = ParseCidr(v.str());
  if (!net) return InvalidCidr(fn, v.str());
  *out = *net;
  return Status::Ok();
}

// Whether network `a` holds all of `b` (an address or a CIDR).
Status CidrContains(std::string_view fn, const Value& a, const Value& b, bool* out) {
  IpNet net;
  GOV_RETURN_IF_ERROR(NetOperand(fn, a, 1, &net));
  if (!b.is_string()) return OperandTypeError(fn, 2, "string", b);
  if (std::optional<Ip> ip = ParseIp(b.str())) {
    *out = Contains(net, *ip);
    return Status::Ok();
  }
  std::optional<IpNet> inner = ParseCidr(b.str());
  if (!inner) {
    return BuiltinError(
        fn, fmt::format("not a valid textual representation of an IP address or CIDR: {}", b.str()));
  }
  *out = false;
  if (Contains(net, inner->ip)) {
    Ip last = inner->ip;
    last.b = Last(inner->ip.b, inner->Prefix16());
    *out = Contains(net, last);
  }
  return Status::Ok();
}

Status NetCidrContains(Ctx&, Operands a, Value* out) {
  bool r;
  GOV_RETURN_IF_ERROR(CidrContains("net.cidr_contains", a[0], a[1], &r));
  *out = Value::Bool(r);
  return Status::Ok();
}

Status NetCidrIntersects(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "net.cidr_intersects";
  IpNet x, y;
  GOV_RETURN_IF_ERROR(NetOperand(kFn, a[0], 1, &x));
  GOV_RETURN_IF_ERROR(NetOperand(kFn, a[1], 2, &y));
  *out = Value::Bool(Contains(x, y.ip) || Contains(y, x.ip));
  return Status::Ok();
}

Status NetCidrIsValid(Ctx&, Operands a, Value* out) {
  *out = Value::Bool(a[0].is_string() && ParseCidr(a[0].str()).has_value());
  return Status::Ok();
}

Status NetCidrExpand(Ctx& ctx, Operands a, Value* out) {
  constexpr std::string_view kFn = "net.cidr_expand";
  if (!a[0].is_string()) return OperandTypeError(kFn, 1, "string", a[0]);
  std::optional<IpNet> net = ParseCidr(a[0].str());
  if (!net) return InvalidCidr(kFn, a[0].str());
  int host_bits = net->Bits() - net->prefix;
  if (host_bits >= 63 || (uint64_t{1} << host_bits) > ctx.max_collection_elements) {
    return ctx.Exhausted(kFn, "the network has more addresses than a collection may hold");
  }
  ValueVector items;
  Ip ip = net->ip;
  for (uint64_t i = 0, n = uint64_t{1} << host_bits; i < n; ++i) {
    items.push_back(Value::String(FormatIp(ip)));
    for (int j = 15; j >= 0 && ++ip.b[j] == 0; --j) {
    }
  }
  *out = Value::Set(std::move(items));
  return Status::Ok();
}

// A cidr_contains_matches operand's (cidr, key) pairs: a string is its own
// key; an array's elements are keyed by index, a set's by the element, an
// object's by key; an element is a string or an array whose first item is.
Status MatchTerms(std::string_view fn, int pos, const Value& v,
                  std::vector<std::pair<Value, Value>>* out) {
  auto cidr_of = [&](const Value& e, const Value& key) -> Status {
    if (e.is_string()) {
      out->emplace_back(e, key);
    } else if (e.is_array() && e.size() > 0) {
      out->emplace_back(e.items()[0], key);
    } else {
      return BuiltinError(fn, fmt::format("operand {}: element must be string or non-empty array", pos));
    }
    return Status::Ok();
  };
  if (v.is_string()) {
    out->emplace_back(v, v);
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.items().size(); ++i) {
      GOV_RETURN_IF_ERROR(cidr_of(v.items()[i], Value::Int(static_cast<int64_t>(i))));
    }
  } else if (v.is_set()) {
    for (const Value& e : v.items()) GOV_RETURN_IF_ERROR(cidr_of(e, e));
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.entries()) GOV_RETURN_IF_ERROR(cidr_of(e, k));
  } else {
    return OperandTypeError(fn, pos, "any<string, array, object, set>", v);
  }
  return Status::Ok();
}

Status NetCidrContainsMatches(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "net.cidr_contains_matches";
  std::vector<std::pair<Value, Value>> cidrs, addrs;
  GOV_RETURN_IF_ERROR(MatchTerms(kFn, 1, a[0], &cidrs));
  GOV_RETURN_IF_ERROR(MatchTerms(kFn, 2, a[1], &addrs));
  ValueVector matches;
  for (const auto& [cidr, ci] : cidrs) {
    for (const auto& [addr, ai] : addrs) {
      bool r;
      // The error names the builtin whose check failed, as OPA's does.
      GOV_RETURN_IF_ERROR(CidrContains(kFn, cidr, addr, &r));
      if (r) matches.push_back(Value::Array({ci, ai}));
    }
  }
  *out = Value::Set(std::move(matches));
  return Status::Ok();
}

// cidr_merge's element: a CIDR, or a bare IPv4 address with its classful
// default mask (Go's IP.DefaultMask); a bare IPv6 address has none.
Status MergeElement(std::string_view fn, const Value& e, IpNet* out) {
  if (!e.is_string()) return BuiltinError(fn, "element must be string");
  if (std::optional<Ip> ip = ParseIp(e.str())) {
    if (!ip->v4) return BuiltinError(fn, "IPv6 invalid: needs prefix length");
    uint8_t first = ip->b[12];
    out->ip = *ip;
    out->prefix = first < 0x80 ? 8 : first < 0xC0 ? 16 : 24;
    return Status::Ok();
  }
  std::optional<IpNet> net = ParseCidr(e.str());
  if (!net) return InvalidCidr(fn, e.str());
  *out = *net;
  return Status::Ok();
}

struct Range {
  Bytes16 first, last;
  std::optional<IpNet> net;  // the input network, while not merged with another
};

bool Increment(Bytes16* b) {
  for (int j = 15; j >= 0; --j) {
    if (++(*b)[j] != 0) return true;
  }
  return false;
}

// The fewest CIDRs covering [first, last], in order; both ends are of one
// family (`v4`: inside ::ffff:0:0/96).
void RangeToCidrs(Bytes16 first, const Bytes16& last, bool v4, std::vector<IpNet>* out) {
  for (;;) {
    // The largest block starting at `first` that stays within `last`.
    int prefix16 = 128;
    while (prefix16 > (v4 ? 96 : 0)) {
      int p = prefix16 - 1;
      if (First(first, p) != first || Last(first, p) > last) break;
      prefix16 = p;
    }
    IpNet net;
    net.ip.b = first;
    net.ip.v4 = v4;
    net.prefix = v4 ? prefix16 - 96 : prefix16;
    out->push_back(net);
    Bytes16 end = Last(first, prefix16);
    if (end >= last) return;
    first = end;
    Increment(&first);
  }
}

Status NetCidrMerge(Ctx&, Operands a, Value* out) {
  constexpr std::string_view kFn = "net.cidr_merge";
  if (!a[0].is_array() && !a[0].is_set()) {
    return OperandTypeError(kFn, 1, "any<array[any<string>], set[any<string>]>", a[0]);
  }
  std::vector<Range> ranges;
  for (const Value& e : a[0].items()) {
    IpNet net;
    GOV_RETURN_IF_ERROR(MergeElement(kFn, e, &net));
    ranges.push_back({First(net.ip.b, net.Prefix16()), Last(net.ip.b, net.Prefix16()), net});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& x, const Range& y) {
    return x.last != y.last ? x.last < y.last : x.first < y.first;
  });
  // From the end, fold each range into its predecessor when they touch.
  for (size_t i = ranges.size(); i-- > 1;) {
    Bytes16 prev = ranges[i].first;
    bool at_zero = prev == Bytes16{} || (IsV4Mapped(prev) && prev[12] == 0 && prev[13] == 0 &&
                                         prev[14] == 0 && prev[15] == 0);
    if (!at_zero) {
      for (int j = 15; j >= 0 && prev[j]-- == 0; --j) {
      }
    }
    if (prev <= ranges[i - 1].last) {
      ranges[i - 1] = {std::min(ranges[i - 1].first, ranges[i].first), ranges[i].last, std::nullopt};
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  ValueVector result;
  for (const Range& r : ranges) {
    if (r.net) {
      result.push_back(Value::String(FormatNet(*r.net)));
      continue;
    }
    std::vector<IpNet> nets;
    RangeToCidrs(r.first, r.last, IsV4Mapped(r.first), &nets);
    for (const IpNet& n : nets) result.push_back(Value::String(FormatNet(n)));
  }
  *out = Value::Set(std::move(result));
  return Status::Ok();
}

}  // namespace

void RegisterNetBuiltins(std::vector<Builtin>* t) {
  t->insert(t->end(), {
                          {"net.cidr_contains", 2, NetCidrContains},
                          {"net.cidr_intersects", 2, NetCidrIntersects},
                          {"net.cidr_is_valid", 1, NetCidrIsValid},
                          {"net.cidr_expand", 1, NetCidrExpand},
                          {"net.cidr_contains_matches", 2, NetCidrContainsMatches},
                          {"net.cidr_merge", 1, NetCidrMerge},
                      });
}

}  // namespace governance::rego
