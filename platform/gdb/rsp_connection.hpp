#pragma once
// One GDB remote-serial-protocol client over TCP. A host thread of its own
// reads the socket: it acknowledges and queues packets, and turns a Ctrl-C
// byte (0x03) into a flag, so the simulation can notice an interrupt while
// it runs. Packets are taken and answered by the simulation thread only.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace vp::gdb {

class RspConnection {
 public:
  // Binds and listens on host:port (port 0: the system picks a free one).
  // Throws std::runtime_error when the address cannot be bound.
  RspConnection(const std::string& host, int port);
  ~RspConnection();
  RspConnection(const RspConnection&) = delete;
  RspConnection& operator=(const RspConnection&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // Blocks until a client connects, then starts reading.
  void accept_client();
  bool connected() const { return fd_ >= 0; }

  // The next packet's payload (unescaped), waiting for it; nullopt once
  // the client has gone.
  std::optional<std::string> next_packet();
  // Frames, escapes and sends a packet.
  void send(const std::string& payload);
  // A Ctrl-C arrived since the last take_interrupt().
  bool interrupt_pending() const { return interrupt_.load(std::memory_order_relaxed); }
  bool take_interrupt() { return interrupt_.exchange(false); }
  // Closes the connection; the reader thread ends.
  void close();

 private:
  void reader();
  void write_all(const std::string& bytes);

  std::string host_;
  int port_ = 0;
  int listen_fd_ = -1, fd_ = -1;
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::string> packets_;
  bool eof_ = false;
  std::atomic<bool> interrupt_{false};
  std::mutex write_m_;
};

}  // namespace vp::gdb
