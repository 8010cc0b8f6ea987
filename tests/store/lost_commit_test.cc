// The connection to PostgreSQL dies while a COMMIT is in flight.
//
// A small TCP proxy stands between the store and the server's Unix socket and
// reads the client's protocol messages. Armed, it cuts the next connection
// that sends a simple-query COMMIT, either before forwarding it (the server
// never commits; it rolls back when the client goes) or after the server has
// answered it (the server committed, but the client never hears so). Either
// way Transact must report success exactly once: the store asks the server,
// through pg_xact_status, what became of the transaction, and retries only a
// transaction that did not commit.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "governance/store.h"
#include "store_backends.h"

namespace governance {
namespace {

enum class Cut { kNone, kBeforeCommit, kAfterCommit };

class FaultProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to the server socket file.
  explicit FaultProxy(std::string server_socket) : server_socket_(std::move(server_socket)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FaultProxy() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (std::thread& t : sessions_) t.join();
  }

  int port() const { return port_; }
  // The next connection to send COMMIT is cut, as `mode` says; then no more.
  void Arm(Cut mode) { armed_ = mode; }
  int cuts() const { return cuts_; }

 private:
  void AcceptLoop() {
    for (;;) {
      int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;  // the listener was closed
      if (stopping_) {
        ::close(client);
        return;
      }
      std::lock_guard<std::mutex> lock(mu_);
      sessions_.emplace_back([this, client] { Serve(client); });
    }
  }

  int ConnectServer() const {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, server_socket_.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }

  static bool WriteAll(int fd, const char* p, size_t n) {
    while (n > 0) {
      ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }

  static uint32_t ReadInt32(const std::string& b, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
  }

  // Waits until the server has answered the COMMIT (its ReadyForQuery).
  static void DrainUntilReady(int server) {
    std::string seen;
    char buf[4096];
    while (seen.find("Z\0\0\0\5", 0) == std::string::npos) {
      ssize_t n = ::recv(server, buf, sizeof buf, 0);
      if (n <= 0) return;
      seen.append(buf, static_cast<size_t>(n));
    }
  }

  void Serve(int client) {
    int server = ConnectServer();
    if (server < 0) {
      ::close(client);
      return;
    }
    // Client bytes not yet forwarded. Before the startup packet, messages
    // have no type byte; after it, each is type, length, payload.
    std::string pending;
    bool started = false;
    char buf[16384];
    for (;;) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(fds, 2, 200) < 0) break;
      if (stopping_) break;
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::recv(server, buf, sizeof buf, 0);
        if (n <= 0 || !WriteAll(client, buf, static_cast<size_t>(n))) break;
      }
      if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      bool cut = false;
      for (;;) {
        size_t header = started ? 5 : 4;
        if (pending.size() < header) break;
        size_t length = ReadInt32(pending, started ? 1 : 0);
        size_t total = (started ? 1 : 0) + length;
        if (pending.size() < total) break;
        std::string message = pending.substr(0, total);
        pending.erase(0, total);
        if (!started) {
          // The startup packet carries protocol 3.0; SSL/GSS requests do not.
          started = length >= 8 && ReadInt32(message, 4) == 0x00030000;
        }
        bool commit = started && message[0] == 'Q' &&
                      message.compare(5, std::string::npos, std::string("COMMIT\0", 7)) == 0;
        Cut mode = commit ? armed_.exchange(Cut::kNone) : Cut::kNone;
        if (mode == Cut::kBeforeCommit) {
          cut = true;
          break;
        }
        if (!WriteAll(server, message.data(), message.size())) {
          cut = true;
          break;
        }
        if (mode == Cut::kAfterCommit) {
          DrainUntilReady(server);
          cut = true;
          break;
        }
      }
      if (cut) {
        ++cuts_;
        break;
      }
    }
    ::close(client);
    ::close(server);
  }

  std::string server_socket_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<Cut> armed_{Cut::kNone};
  std::atomic<int> cuts_{0};
  std::mutex mu_;
  std::thread acceptor_;
  std::vector<std::thread> sessions_;
};

// "postgresql://mgov@/mgov_test?host=/tmp/x/socket" -> "/tmp/x/socket/.s.PGSQL.5432"
std::string ServerSocket(const std::string& url) {
  size_t host = url.find("host=");
  REQUIRE(host != std::string::npos);
  std::string dir = url.substr(host + 5, url.find('&', host) - host - 5);
  return dir + "/.s.PGSQL.5432";
}

// The same database through the proxy: user and database name kept, the host
// replaced, and nothing negotiated that the proxy would have to understand.
std::string ProxiedUrl(const std::string& url, int port) {
  size_t at = url.find('@');
  size_t slash = url.find('/', at);
  size_t query = url.find('?', slash);
  return url.substr(0, at + 1) + "127.0.0.1:" + std::to_string(port) +
         url.substr(slash, query - slash) + "?sslmode=disable&gssencmode=disable";
}

KeyRecord NewKey(const std::string& identity) {
  auto k = GeneratePrivateKey();
  KeyRecord r;
  r.keyid = k->keyid();
  r.identity = identity;
  r.roles = {Role::kApprover};
  r.public_key_pem = k->public_key().ToPem();
  r.enrolled_at = 1'800'000'000;
  return r;
}

// Enrols `key` and ledgers it in one transaction, as the planes do.
Status Enrol(Store& store, const KeyRecord& key) {
  return store.Transact([&](StoreTransaction& t) -> Status {
    GOV_RETURN_IF_ERROR(t.PutKey(key));
    return t.AppendLedger({"key.enrolled", key.identity, key.keyid, {}}).status();
  });
}

TEST_CASE("PostgreSQL: a COMMIT whose reply is lost is applied exactly once") {
  std::optional<std::string> base = testing::PostgresTestUrl();
  if (!base) return;  // PostgreSQL is not configured (and not required)
  FaultProxy proxy(ServerSocket(*base));
  StoreOptions options;
  options.ledger_key = testing::TestLedgerKey();
  auto opened = OpenStore(testing::NewPostgresSchema(ProxiedUrl(*base, proxy.port())), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  Store& store = **opened;
  REQUIRE(store.Migrate().ok());

  // Cuts the next COMMIT as `mode` says while enrolling `identity`: the
  // enrolment must succeed and be stored exactly once.
  auto enrol_through_cut = [&](Cut mode, const std::string& identity) {
    proxy.Arm(mode);
    Status s = Enrol(store, NewKey(identity));
    CHECK_MESSAGE(s.ok(), s.ToString());
    CHECK(proxy.cuts() == 1);
    REQUIRE(store.Read([&](StoreTransaction& t) -> Status {
      GOV_ASSIGN_OR_RETURN(int64_t ledger, t.LedgerSize());
      GOV_ASSIGN_OR_RETURN(auto keys, t.ListKeys());
      CHECK(ledger == 1);
      CHECK(keys.size() == 1);
      return Status();
    }).ok());
  };

  SUBCASE("cut after the server committed: the store finds out, nothing is redone") {
    enrol_through_cut(Cut::kAfterCommit, "alice");
  }
  SUBCASE("cut before the server saw COMMIT: rolled back, then retried once") {
    enrol_through_cut(Cut::kBeforeCommit, "bob");
  }

  // The store keeps working through the proxy afterwards.
  CHECK(Enrol(store, NewKey("carol")).ok());
  REQUIRE(store.Read([&](StoreTransaction& t) -> Status {
    GOV_ASSIGN_OR_RETURN(int64_t n, t.LedgerSize());
    CHECK(n == 2);
    return Status();
  }).ok());
}

}  // namespace
}  // namespace governance
