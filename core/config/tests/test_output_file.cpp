// The one way vp-run and vp-map write files (issue 23): whole or not at all,
// symlinks written through, collisions refused; and checked arithmetic.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "config/checked.hpp"
#include "config/output_file.hpp"

namespace fs = std::filesystem;
using namespace vp;

namespace {
struct ScratchDir {
  fs::path dir;
  ScratchDir() {
    std::string t = (fs::temp_directory_path() / "vp-out-XXXXXX").string();
    dir = mkdtemp(t.data());
  }
  ~ScratchDir() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
  size_t entries() const { return size_t(std::distance(fs::directory_iterator(dir), fs::directory_iterator())); }
};
std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("write_output: whole file, temporary gone, old file replaced") {
  ScratchDir d;
  write_output(d / "a.json", "first");
  write_output(d / "a.json", "second");
  CHECK(slurp(d / "a.json") == "second");
  CHECK(d.entries() == 1);
}

TEST_CASE("AtomicOutput: nothing is left when not committed") {
  ScratchDir d;
  {
    std::ofstream(d / "keep.txt") << "old";
    AtomicOutput out(d / "keep.txt");
    out.write("partial");
    CHECK(d.entries() == 2);
  }
  CHECK(d.entries() == 1);
  CHECK(slurp(d / "keep.txt") == "old");
}

TEST_CASE("a symbolic link is written through to its target") {
  ScratchDir d;
  fs::create_directory(d / "real");
  fs::create_symlink("real/t.txt", d / "link.txt");
  write_output(d / "link.txt", "x");
  CHECK(fs::is_symlink(d / "link.txt"));
  CHECK(slurp(d / "real/t.txt") == "x");
  fs::create_symlink("loop-b", d / "loop-a");
  fs::create_symlink("loop-a", d / "loop-b");
  CHECK_THROWS_WITH(write_output(d / "loop-a", "x"), Catch::Contains("too many levels of symbolic links"));
}

TEST_CASE("directories and devices are refused as outputs") {
  ScratchDir d;
  CHECK_THROWS_WITH(write_output(d.dir.string(), "x"), Catch::Contains("a directory is not a regular file"));
  CHECK_THROWS_WITH(write_output("/dev/null", "x"), Catch::Contains("not a regular file"));
  CHECK_THROWS_AS(write_output(d / "no-such-dir/x.json", "x"), OutputError);
  CHECK_THROWS_AS(write_output("", "x"), OutputError);
}

TEST_CASE("OutputPlan: an output that is an input or another output is refused") {
  ScratchDir d;
  std::ofstream(d / "in.yaml") << "name: x";
  fs::create_symlink("in.yaml", d / "alias.yaml");
  OutputPlan ok;
  ok.input("--platform", d / "in.yaml");
  ok.output("--stats", d / "s.json");
  ok.output("--vcd", d / "w.vcd");
  ok.output("--gtkw", "");  // not given
  CHECK_NOTHROW(ok.check());
  OutputPlan builtin;  // an input that is not a file (a built-in platform's name) is no collision
  builtin.input("--platform", d / "mpaimc-8");
  builtin.output("--stats", d / "mpaimc-8");
  CHECK_NOTHROW(builtin.check());
  OutputPlan same_as_input;
  same_as_input.input("--platform", d / "in.yaml");
  same_as_input.output("--stats", d / "alias.yaml");
  CHECK_THROWS_WITH(same_as_input.check(), Catch::Contains("this is the input of --platform"));
  OutputPlan twice;
  twice.output("--stats", d / "s.json");
  twice.output("--timeline", (d.dir / "." / "s.json").string());
  CHECK_THROWS_WITH(twice.check(), Catch::Contains("the same file as --stats"));
  CHECK(d.entries() == 2);  // checking writes nothing
}

TEST_CASE("checked arithmetic: overflow is reported, never wrapped") {
  CHECK(checked_mul<int64_t>(3, 4) == 12);
  CHECK_FALSE(checked_mul<int64_t>(std::numeric_limits<int64_t>::max(), 2));
  CHECK_FALSE(checked_add<uint64_t>(std::numeric_limits<uint64_t>::max(), 1));
  // The product the campaign found wrapping to exactly 8 in int64.
  const std::vector<int64_t> wrap{3511, 3041, 2306, 4052, 3635, 151, 127};
  CHECK_FALSE(checked_product<int64_t>(wrap));
  CHECK(checked_product<int64_t>(std::vector<int64_t>{1, 8, 4, 4, 4}) == 512);
  // Random lists against 128-bit arithmetic.
  std::mt19937_64 rng(23);
  for (int i = 0; i < 2000; ++i) {
    std::vector<int64_t> f(size_t(1 + rng() % 16));
    __int128 exact = 1;
    bool fits = true;
    for (auto& x : f) {
      x = int64_t(1 + rng() % 4096);
      if (!fits) continue;  // __int128 would overflow too
      exact *= x;
      fits = exact <= std::numeric_limits<int64_t>::max();
    }
    const auto p = checked_product<int64_t>(f);
    REQUIRE(bool(p) == fits);
    if (p) REQUIRE(__int128(*p) == exact);
  }
  CHECK(whole_in_range(5.0, 0, 10) == 5);
  CHECK_FALSE(whole_in_range(5.5, 0, 10));
  CHECK_FALSE(whole_in_range(1e30, 0, 10));
  CHECK_FALSE(whole_in_range(std::numeric_limits<double>::quiet_NaN(), 0, 10));
}
