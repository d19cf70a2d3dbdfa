// vp-run's command line alone (issue 12.5): parse_cli binds each option to
// the field that uses it; parse_duration and parse_cluster_range.
#include <catch2/catch.hpp>

#include "top/cli.hpp"

using namespace vp;

namespace {
CliOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "vp-run");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_cli(int(argv.size()), argv.data());
}
}  // namespace

TEST_CASE("parse_cli: options land in the run request and the job") {
  const CliOptions o = parse({"--platform", "mpaimc-8", "--set", "cluster.cores=8", "-s", "noc.factors.1=2", "--elf",
                              "a.elf", "--stats", "s.json", "--timeline", "t.json", "--vcd", "w.vcd", "--quiet",
                              "--gdb", "1234", "--itrace", "i.txt", "--itrace-limit", "5", "--max-time", "10us"});
  CHECK(o.platform == "mpaimc-8");
  CHECK(o.overrides == std::vector<std::string>{"cluster.cores=8", "noc.factors.1=2"});
  CHECK(o.run.elf == std::vector<std::string>{"a.elf"});
  CHECK(o.run.timeline == "t.json");
  CHECK(o.run.vcd == "w.vcd");
  CHECK(o.run.quiet);
  CHECK(o.run.gdb_port == 1234);
  CHECK(o.run.itrace == "i.txt");
  CHECK(o.run.itrace_limit == 5);
  CHECK(o.stats == "s.json");
  CHECK(o.max_time == "10us");
  CHECK_FALSE(o.job_requested);
  CHECK(o.outputs().size() == 11);  // every file option, --console and --pipeline-png included
  CHECK_FALSE(o.run.verbose);
  CHECK(parse({"--verbose", "--console", "c.txt"}).run.console == "c.txt");
  CHECK(parse({"-v"}).run.verbose);
}

TEST_CASE("parse_cli: the dataflow job's options") {
  CliOptions o = parse({});
  CHECK_FALSE(o.job_requested);
  CHECK(o.job.network == "resnet18");
  CHECK(o.job.batch == 16);
  o = parse({"--network", "resnet-tiny", "--batch", "4", "--seed", "7", "--cost", "input_slots=6", "--mapping-mode",
             "naive", "--test-flip-weight"});
  CHECK(o.job_requested);
  CHECK(o.job.network == "resnet-tiny");
  CHECK(o.job.mode == "naive");
  CHECK(o.job.batch == 4);
  CHECK(o.job.seed == 7);
  CHECK(o.job.costs == std::vector<std::string>{"input_slots=6"});
  CHECK(o.job.flip_first_weight);
  CHECK(parse({"--seed", "2"}).job_requested);
  o = parse({"--mapping-mode", "auto", "--calibrate", "a.json", "--calibrate", "b.json", "--auto-iterations", "3"});
  CHECK(o.job_requested);
  CHECK(o.job.calibrate == std::vector<std::string>{"a.json", "b.json"});
  CHECK(o.job.auto_iterations == 3);
}

TEST_CASE("parse_cli: usage errors") {
  CHECK_THROWS_WITH(parse({"prog.elf"}), Catch::Contains("unexpected argument 'prog.elf'"));
  CHECK_THROWS_WITH(parse({"--platform", "mpaimc-8", "extra"}), Catch::Contains("unexpected argument 'extra'"));
  CHECK_THROWS_WITH(parse({"--platform", ""}), Catch::Contains("--platform needs a value"));
  CHECK_THROWS_WITH(parse({"--elf", ""}), Catch::Contains("--elf needs a file name"));
  CHECK_THROWS_WITH(parse({"--stats", ""}), Catch::Contains("--stats needs a value"));
  CHECK_THROWS_WITH(parse({"--batch", "0"}), Catch::Contains("--batch 0"));
  CHECK_THROWS_WITH(parse({"--mapping-mode", "auto", "--auto-iterations", "0"}), Catch::Contains("--auto-iterations 0"));
  CHECK_THROWS_WITH(parse({"--auto-iterations", "2"}), Catch::Contains("loop of --mapping-mode auto"));
  CHECK_THROWS_WITH(parse({"--batch", "99999999999"}), Catch::Contains("batch"));
  CHECK_THROWS_WITH(parse({"--gdb", "70000"}), Catch::Contains("not a TCP port"));
  CHECK_THROWS_WITH(parse({"--itrace-limit", "-1"}), Catch::Contains("--itrace-limit"));
  CHECK_THROWS_WITH(parse({"--max-time", "3 parsecs"}), Catch::Contains("unknown unit"));
  CHECK_THROWS_WITH(parse({"--no-such-option"}), Catch::Contains("no-such-option"));
  CHECK_THROWS_AS(parse({"--trace-clusters", "7-3"}), UsageError);
  CHECK(parse({"--max-time", "none"}).max_time == "none");
}

TEST_CASE("parse_duration: units, bare numbers, limits") {
  using sc_core::sc_time;
  CHECK(parse_duration("10ms") == sc_time(10, sc_core::SC_MS));
  CHECK(parse_duration("250 us") == sc_time(250, sc_core::SC_US));
  CHECK(parse_duration("1e6ns") == sc_time(1, sc_core::SC_MS));
  CHECK(parse_duration("3s") == sc_time(3, sc_core::SC_SEC));
  CHECK(parse_duration("42") == sc_time(42, sc_core::SC_NS));
  CHECK(parse_duration("1ps") == sc_core::sc_get_time_resolution());
  CHECK_THROWS_WITH(parse_duration("0.1ps"), Catch::Contains("below the time resolution"));
  CHECK_THROWS_WITH(parse_duration("1e-30s"), Catch::Contains("below the time resolution"));
  CHECK_THROWS_WITH(parse_duration("0"), Catch::Contains("must be positive"));
  CHECK_THROWS_WITH(parse_duration("-5us"), Catch::Contains("must be positive"));
  CHECK_THROWS_WITH(parse_duration("nan"), Catch::Contains("duration"));
  CHECK_THROWS_WITH(parse_duration("1e300s"), Catch::Contains("longer than the kernel can count"));
  CHECK_THROWS_WITH(parse_duration("5 fortnights"), Catch::Contains("unknown unit"));
  CHECK_THROWS_WITH(parse_duration("ms"), Catch::Contains("not a duration"));
}

TEST_CASE("parse_cluster_range: one cluster or a range") {
  CHECK(parse_cluster_range("3") == std::pair<int, int>{3, 3});
  CHECK(parse_cluster_range("0-7") == std::pair<int, int>{0, 7});
  for (const char* bad : {"", "-", "7-3", "a", "1-", "-1", "1-2-3", "9999999999", "0x10", " 1"})
    CHECK_THROWS_AS(parse_cluster_range(bad), UsageError);
  CHECK_THROWS_WITH(parse_cluster_range("x", "--gdb-clusters"), Catch::Contains("--gdb-clusters: 'x'"));
}
