// A seeded random-mutation fuzzer of the four loaders that read user files
// (issue 23): platform YAML, network YAML, weights file, ELF. Each iteration
// mutates a seed input (bytes flipped, set to boundary values, inserted,
// deleted, duplicated; numbers replaced by boundary numbers) and loads it.
// The only acceptable outcomes are success and the loader's own located
// error (ConfigError, SimulationError); any other exception is a finding,
// and a crash, leak or undefined behaviour is one under the sanitizer build.
//
//   fuzz_loaders TARGET ITERATIONS SEED     TARGET: platform|network|weights|elf
//
// Deterministic: the same arguments run the same inputs. A finding is saved
// as fuzz-finding-TARGET.bin in the working directory, with its iteration.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/embedded.hpp"
#include "elf_loader.hpp"
#include "network.hpp"
#include "params.hpp"
#include "report.hpp"
#include "sim/simulation_error.hpp"

namespace fs = std::filesystem;
using Bytes = std::string;

namespace {

Bytes slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}
  size_t below(size_t n) { return n ? size_t(rng_() % n) : 0; }

  Bytes mutate(Bytes b, bool text) {
    const size_t rounds = 1 + below(8);
    for (size_t r = 0; r < rounds; ++r) {
      switch (below(text ? 7 : 6)) {
        case 0:  // flip a bit
          if (!b.empty()) b[below(b.size())] ^= char(1 << below(8));
          break;
        case 1: {  // a boundary byte, or a boundary 32-bit word
          static const uint32_t words[] = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF, 0x10000};
          const uint32_t w = words[below(std::size(words))];
          const size_t at = below(b.size() + 1);
          if (below(2) && at + 4 <= b.size())
            std::memcpy(&b[at], &w, 4);
          else if (at < b.size())
            b[at] = char(w);
          break;
        }
        case 2: {  // insert random bytes
          Bytes ins(1 + below(16), '\0');
          for (auto& c : ins) c = char(rng_());
          b.insert(below(b.size() + 1), ins);
          break;
        }
        case 3:  // delete a range
          if (!b.empty()) {
            const size_t at = below(b.size());
            b.erase(at, 1 + below(std::min<size_t>(64, b.size() - at)));
          }
          break;
        case 4:  // duplicate a range
          if (!b.empty()) {
            const size_t at = below(b.size()), n = 1 + below(std::min<size_t>(256, b.size() - at));
            b.insert(below(b.size() + 1), b.substr(at, n));
          }
          break;
        case 5:  // truncate
          b.resize(below(b.size() + 1));
          break;
        case 6: {  // a number in the text becomes a boundary number
          static const char* numbers[] = {"0",          "-1",    "2147483648",  "9223372036854775807",
                                          "99999999999999999999", "1e308", "-1e308", "nan", "0x7FFFFFFF",
                                          "0300",       "4096",  "65536",       "1.5GiB", "1e-300", ""};
          std::vector<size_t> starts;
          for (size_t i = 0; i < b.size(); ++i)
            if (std::isdigit(static_cast<unsigned char>(b[i])) && (i == 0 || !std::isalnum(static_cast<unsigned char>(b[i - 1]))))
              starts.push_back(i);
          if (starts.empty()) break;
          const size_t at = starts[below(starts.size())];
          size_t end = at;
          while (end < b.size() && (std::isalnum(static_cast<unsigned char>(b[end])) || b[end] == '.')) ++end;
          b.replace(at, end - at, numbers[below(std::size(numbers))]);
          break;
        }
      }
    }
    return b;
  }

 private:
  std::mt19937_64 rng_;
};

// A minimal RV32 executable: one PT_LOAD of `j .` at the bare RAM.
Bytes tiny_elf() {
  Bytes e(52 + 32 + 4, '\0');
  const unsigned char ident[16] = {0x7F, 'E', 'L', 'F', 1, 1, 1};
  std::memcpy(&e[0], ident, 16);
  auto put16 = [&](size_t at, uint16_t v) { std::memcpy(&e[at], &v, 2); };
  auto put32 = [&](size_t at, uint32_t v) { std::memcpy(&e[at], &v, 4); };
  put16(16, 2), put16(18, 243), put32(20, 1), put32(24, 0x80000000u), put32(28, 52);
  put16(40, 52), put16(42, 32), put16(44, 1), put16(46, 40);
  const uint32_t ph[8] = {1, 84, 0x80000000u, 0x80000000u, 4, 4, 7, 4};
  std::memcpy(&e[52], ph, 32);
  put32(84, 0x6F);
  return e;
}

struct Target {
  bool text;
  std::vector<Bytes> seeds;
  std::function<void(const Bytes&)> load;  // throws only the loader's own errors
};

std::string temp_file(const Bytes& data) {
  static const std::string path = (fs::temp_directory_path() / ("vp-fuzz-" + std::to_string(getpid()))).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  return path;
}

}  // namespace

// libsystemc (linked for the ELF loader's error type) refers to sc_main; the
// fuzzer elaborates nothing.
extern "C" int sc_main(int, char**) { return 0; }

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: fuzz_loaders platform|network|weights|elf ITERATIONS SEED\n";
    return 2;
  }
  const std::string which = argv[1];
  const long iterations = std::stol(argv[2]);
  const uint64_t seed = std::stoull(argv[3]);
  const fs::path src = VP_TEST_SOURCE_DIR, bin = VP_TEST_BINARY_DIR;
  const vp::map::Network tiny = vp::map::Network::load((src / "mapping/networks/resnet-tiny.yaml").string());

  Target t;
  if (which == "platform") {
    t.text = true;
    for (const auto& f : vp::embedded_platforms()) t.seeds.push_back(f.contents);
    t.load = [](const Bytes& b) {
      const vp::Config c = vp::Config::from_string(b, "fuzz.yaml");
      (void)c.to_json();
      (void)c.to_yaml();
    };
  } else if (which == "network") {
    t.text = true;
    for (const char* dir : {"mapping/networks", "tests/dataflow"})
      for (const auto& e : fs::directory_iterator(src / dir))
        if (e.path().extension() == ".yaml") t.seeds.push_back(slurp(e.path()));
    t.load = [](const Bytes& b) {
      const auto net = vp::map::Network::from_string(b, "fuzz.yaml");
      (void)vp::map::layer_table(net);
    };
  } else if (which == "weights") {
    t.text = false;
    const vp::Config cfg = vp::Config::load("mpaimc-8");
    const auto params = vp::map::generate_params(tiny, vp::map::ImaParams::from(cfg), 1);
    t.seeds.push_back(vp::map::weights_file_bytes(tiny, params));
    t.load = [&](const Bytes& b) { (void)vp::map::load_params(tiny, temp_file(b)); };
  } else if (which == "elf") {
    t.text = false;
    t.seeds.push_back(tiny_elf());
    for (const char* fw : {"hello.elf", "cl_hello.elf", "spin.elf"})
      if (fs::exists(bin / "firmware" / fw)) t.seeds.push_back(slurp(bin / "firmware" / fw));
    t.load = [](const Bytes& b) {
      const std::string p = temp_file(b);
      (void)vp::rv::read_elf_entry(p);
      // A platform of 64 MiB of RAM at 0x80000000, as bare-rv32.
      (void)vp::rv::load_elf(p, [](uint32_t a, uint64_t n) -> std::string {
        return a >= 0x80000000u && n <= 0x4000000u && a - 0x80000000u <= 0x4000000u - n ? "" : "outside the RAM";
      });
    };
  } else {
    std::cerr << "fuzz_loaders: unknown target '" << which << "'\n";
    return 2;
  }

  Mutator m(seed);
  long accepted = 0, rejected = 0;
  for (long i = 0; i < iterations; ++i) {
    const Bytes input = m.mutate(t.seeds[m.below(t.seeds.size())], t.text);
    std::string finding;
    try {
      t.load(input);
      ++accepted;
    } catch (const vp::ConfigError&) {
      ++rejected;
    } catch (const vp::SimulationError&) {
      ++rejected;
    } catch (const std::exception& e) {
      finding = std::string(typeid(e).name()) + ": " + e.what();
    }
    if (!finding.empty()) {
      const std::string out = "fuzz-finding-" + which + ".bin";
      std::ofstream(out, std::ios::binary) << input;
      std::cerr << "fuzz_loaders " << which << ": iteration " << i << " (seed " << seed << "): unexpected " << finding
                << "\n  input saved as " << out << "\n";
      return 1;
    }
  }
  std::remove(temp_file("").c_str());
  std::cout << "fuzz_loaders " << which << ": " << iterations << " inputs, " << accepted << " accepted, " << rejected
            << " rejected with a located error, no finding\n";
  return 0;
}
