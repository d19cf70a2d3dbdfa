// Benchmark: the golden reference model on ResNet-18 (weights generation with
// calibration, then a batch of images) and the mapper in every mode.
// Usage: bench_mapping [images] [network] [platform] [threads]. Host wall-clock times.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "mapper.hpp"
#include "reference.hpp"

using namespace vp::map;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

int main(int argc, char** argv) {
  int images = argc > 1 ? std::stoi(argv[1]) : 16;
  std::string name = argc > 2 ? argv[2] : "resnet18";
  std::string platform = argc > 3 ? argv[3] : "mpaimc-512";
  int threads = argc > 4 ? std::stoi(argv[4]) : 1;
  Network net = Network::load(network_file(name));
  vp::Config cfg = vp::Config::load(platform);
  ImaParams ima = ImaParams::from(cfg, net);

  auto t0 = Clock::now();
  Params params = generate_params(net, ima, 1);
  double t_params = since(t0);

  Reference ref(net, params, ima);
  uint64_t check = 0;
  t0 = Clock::now();
  for (const auto& acts : run_batch(ref, net, 1, images, threads))
    for (int8_t v : acts.back().data) check = check * 31 + uint8_t(v);
  double t_ref = since(t0);
  double gmac = double(net.macs()) * images * 1e-9;
  std::printf("network %s, %d images, %.3f GMAC per image\n", name.c_str(), images, double(net.macs()) * 1e-9);
  std::printf("weights + calibration: %.2f s\n", t_params);
  std::printf("reference (%d threads): %.2f s for %d images = %.3f s per image, %.2f GMAC/s (output checksum %016llx)\n",
              threads, t_ref, images, t_ref / images, gmac / t_ref, static_cast<unsigned long long>(check));
  for (Mode m : {Mode::Naive, Mode::Replicate, Mode::Full}) {
    t0 = Clock::now();
    Mapping map = map_network(net, cfg, m);
    std::printf("map %-9s on %s: %.3f s, %d clusters, %.0f images/s predicted\n", mode_name(m), platform.c_str(),
                since(t0), map.clusters_used(), map.images_per_s);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS: %.1f MiB\n", double(ru.ru_maxrss) / 1024.0);
  return 0;
}
