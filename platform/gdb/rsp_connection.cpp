// TCP side of the remote serial protocol: framing "$payload#cc", '}'
// escapes, '+' acknowledgements (sent for each good packet; the client's
// are ignored: TCP does not lose bytes), Ctrl-C.
#include "gdb/rsp_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace vp::gdb {

RspConnection::RspConnection(const std::string& host, int port) : host_(host) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (port < 0 || port > 65535 || inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1)
    throw std::runtime_error(fmt::format("gdb: '{}:{}' is not an IPv4 address and port", host, port));
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(fmt::format("gdb: socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 1) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error(fmt::format("gdb: cannot listen on {}:{}: {}", host, port, why));
  }
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

RspConnection::~RspConnection() {
  close();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void RspConnection::accept_client() {
  int fd = -1;
  do fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) throw std::runtime_error(fmt::format("gdb: accept: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // replies are small and interactive
  ::close(listen_fd_);  // one client per run
  listen_fd_ = -1;
  fd_ = fd;
  thread_ = std::thread([this] { reader(); });
}

void RspConnection::close() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the reader's recv()
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RspConnection::reader() {
  enum { kIdle, kData, kSum1, kSum2 } state = kIdle;
  std::string payload;
  unsigned sum = 0, want = 0;
  bool escaped = false;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      const unsigned char c = static_cast<unsigned char>(buf[i]);
      const auto hex = [](unsigned char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      switch (state) {
        case kIdle:
          if (c == 0x03) interrupt_ = true;
          if (c == '$') state = kData, payload.clear(), sum = 0, escaped = false;
          break;  // '+', '-' and noise between packets
        case kData:
          if (c == '#') {
            state = kSum1;
            break;
          }
          sum += c;
          if (escaped) payload += char(c ^ 0x20), escaped = false;
          else if (c == '}') escaped = true;
          else payload += char(c);
          break;
        case kSum1:
          want = unsigned(std::max(hex(c), 0)) << 4;
          state = kSum2;
          break;
        case kSum2: {
          want |= unsigned(std::max(hex(c), 0));
          state = kIdle;
          if (want != (sum & 0xff)) {
            write_all("-");  // ask for it again
            break;
          }
          write_all("+");
          std::lock_guard<std::mutex> lock(m_);
          packets_.push_back(payload);
          cv_.notify_all();
          break;
        }
      }
    }
  }
  std::lock_guard<std::mutex> lock(m_);
  eof_ = true;
  cv_.notify_all();
}

std::optional<std::string> RspConnection::next_packet() {
  std::unique_lock<std::mutex> lock(m_);
  cv_.wait(lock, [this] { return !packets_.empty() || eof_; });
  if (packets_.empty()) return std::nullopt;
  std::string p = std::move(packets_.front());
  packets_.pop_front();
  return p;
}

void RspConnection::send(const std::string& payload) {
  std::string out = "$";
  unsigned sum = 0;
  for (char ch : payload) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      out += '}';
      out += char(c ^ 0x20);
      sum += '}' + (c ^ 0x20);
    } else {
      out += ch;
      sum += c;
    }
  }
  out += fmt::format("#{:02x}", sum & 0xff);
  write_all(out);
}

void RspConnection::write_all(const std::string& bytes) {
  std::lock_guard<std::mutex> lock(write_m_);
  if (fd_ < 0) return;
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away: the reader sees it too
    done += size_t(n);
  }
}

}  // namespace vp::gdb
