#include "reference.hpp"

#include <sstream>

#include "config/output_file.hpp"

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "config/errors.hpp"
#include "ima_noise.h"
#include "numerics.h"

namespace vp::map {

Tensor make_image(const Network& net, uint64_t seed, int index) {
  Tensor t(net.input);
  SeededRandom rng(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull + uint64_t(index) * 0xD1B54A32D192ED03ull);
  for (auto& v : t.data) v = rng.int8_in(-128, 127);
  return t;
}

ProgrammedLayer program_layer(const Layer& l, const std::vector<int8_t>& weights, const ImaParams& ima) {
  const int64_t R = l.rows(), C = l.cols();
  ProgrammedLayer out;
  // One block per crossbar: row chunk x column chunk, as the mapper places them.
  for (int64_t r0 = 0; r0 < R; r0 += ima.rows)
    for (int64_t c0 = 0; c0 < C; c0 += ima.cols) {
      const unsigned n = unsigned(std::min<int64_t>(ima.rows, R - r0)), m = unsigned(std::min<int64_t>(ima.cols, C - c0));
      ProgrammedChunk ch;
      ch.weff.resize(size_t(n) * m);
      ch.var.resize(ch.weff.size());
      ch.keys.resize(n);
      double comp = ima_noise_compensation(&ima.noise);
      if (ima.noise.compensate == IMA_NOISE_COMP_MEASURED) {
        // The crossbar holds this chunk and zeros (ima_noise_measured_compensation).
        std::vector<int64_t> scratch(2 * size_t(m));
        comp = ima_noise_measured_compensation(&ima.noise, weights.data() + r0 * C + c0, (unsigned long)C, n, m,
                                               (unsigned long)(ima.rows - int64_t(n)), scratch.data());
      }
      ima_noise_program_block_comp(&ima.noise, weights.data() + r0 * C + c0, (unsigned long)C, n, m, comp,
                                   ch.weff.data(), ch.var.data(), ch.keys.data());
      out.push_back(std::move(ch));
    }
  return out;
}

namespace {
// Calls fn(pixel, x) for each output pixel of an analog layer with its input
// vector x (R int8 in (ky, kx, c_in) order; padding is 0).
template <class Fn>
void for_each_input_vector(const Layer& l, const Tensor& in, Fn fn) {
  const Shape o = l.out;
  std::vector<int8_t> x(static_cast<size_t>(l.rows()));
  for (int oy = 0; oy < o.h; ++oy) {
    for (int ox = 0; ox < o.w; ++ox) {
      if (l.op == Op::FC) {
        std::copy(in.data.begin(), in.data.end(), x.begin());
      } else {
        size_t r = 0;
        for (int ky = 0; ky < l.kernel; ++ky) {
          int iy = oy * l.stride - l.padding + ky;
          for (int kx = 0; kx < l.kernel; ++kx, r += size_t(in.shape.c)) {
            int ix = ox * l.stride - l.padding + kx;
            int8_t* dst = x.data() + r;
            const size_t n = size_t(in.shape.c);
            if (iy < 0 || iy >= in.shape.h || ix < 0 || ix >= in.shape.w)
              std::memset(dst, 0, n);
            else
              std::memcpy(dst, in.data.data() + (size_t(iy) * size_t(in.shape.w) + size_t(ix)) * n, n);
          }
        }
      }
      fn(size_t(oy) * size_t(o.w) + size_t(ox), x.data());
    }
  }
}
}  // namespace

std::vector<int32_t> analog_accumulate(const Layer& l, const std::vector<int8_t>& weights, int adc_shift,
                                       const ImaParams& ima, const Tensor& in, const ProgrammedLayer* prog) {
  const int64_t R = l.rows(), C = l.cols();
  std::vector<int32_t> acc(size_t(l.out.size()), 0);
  const unsigned dac = unsigned(ima.dac_bits);
  if (prog) {
    std::vector<int32_t> part(static_cast<size_t>(C));
    for_each_input_vector(l, in, [&](size_t pixel, const int8_t* x) {
      int32_t* out = acc.data() + pixel * size_t(C);
      // One crossbar per chunk of ima.rows consecutive rows, each with its own ADC.
      for (int64_t r0 = 0, chunk = 0; r0 < R; r0 += ima.rows, ++chunk) {
        const unsigned n = unsigned(std::min<int64_t>(ima.rows, R - r0));
        const int64_t col_chunks = (C + ima.cols - 1) / ima.cols;
        for (int64_t cc = 0; cc < col_chunks; ++cc) {
          const ProgrammedChunk& ch = (*prog)[size_t(chunk * col_chunks + cc)];
          const unsigned m = unsigned(std::min<int64_t>(ima.cols, C - cc * ima.cols));
          ima_mvm_noisy(&ima.noise, ch.weff.data(), ch.var.data(), ch.keys.data(), n, m, x + r0, dac,
                        unsigned(ima.adc_bits), unsigned(adc_shift), part.data() + cc * ima.cols);
        }
        for (int64_t c = 0; c < C; ++c) out[c] = nm_reduce(out[c], part[size_t(c)]);
      }
    });
    return acc;
  }
  // Ideal crossbars: four pixels at a time share each chunk's weights (ima_mvm_multi).
  constexpr unsigned kGroup = 4;
  std::vector<int8_t> xs(kGroup * size_t(R));
  std::vector<int32_t> parts(kGroup * size_t(C));
  size_t pixels[kGroup];
  unsigned held = 0;
  auto flush = [&] {
    const int8_t* ins[kGroup];
    int32_t* outs[kGroup];
    for (int64_t r0 = 0; r0 < R; r0 += ima.rows) {  // one crossbar per chunk of ima.rows rows, each with its own ADC
      const unsigned n = unsigned(std::min<int64_t>(ima.rows, R - r0));
      for (unsigned v = 0; v < held; ++v) ins[v] = xs.data() + v * size_t(R) + r0, outs[v] = parts.data() + v * size_t(C);
      ima_mvm_multi(weights.data() + r0 * C, unsigned(C), n, 0, unsigned(C), ins, held, dac, unsigned(ima.adc_bits),
                    unsigned(adc_shift), outs);
      for (unsigned v = 0; v < held; ++v) {
        int32_t* out = acc.data() + pixels[v] * size_t(C);
        for (int64_t c = 0; c < C; ++c) out[c] = nm_reduce(out[c], outs[v][c]);
      }
    }
    held = 0;
  };
  for_each_input_vector(l, in, [&](size_t pixel, const int8_t* x) {
    std::copy(x, x + R, xs.data() + held * size_t(R));
    pixels[held++] = pixel;
    if (held == kGroup) flush();
  });
  if (held) flush();
  return acc;
}

std::vector<int32_t> analog_partials(const Layer& l, const std::vector<int8_t>& weights, const ImaParams& ima,
                                     const Tensor& in) {
  const int64_t R = l.rows(), C = l.cols();
  const size_t chunks = size_t(ima.row_chunks(l));
  std::vector<int32_t> raw(size_t(l.out.h) * size_t(l.out.w) * chunks * size_t(C));
  for_each_input_vector(l, in, [&](size_t pixel, const int8_t* x) {
    int32_t* out = raw.data() + pixel * chunks * size_t(C);
    for (int64_t r0 = 0; r0 < R; r0 += ima.rows, out += C) {
      const unsigned n = unsigned(std::min<int64_t>(ima.rows, R - r0));
      ima_mvm(weights.data() + r0 * C, unsigned(C), n, 0, unsigned(C), x + r0, unsigned(ima.dac_bits), 32, 0, out);
    }
  });
  return raw;
}

std::vector<int32_t> adc_accumulate(const Layer& l, const std::vector<int32_t>& raw, int adc_shift,
                                    const ImaParams& ima) {
  const size_t C = size_t(l.cols()), chunks = size_t(ima.row_chunks(l));
  std::vector<int32_t> acc(raw.size() / chunks, 0);
  for (size_t pixel = 0; pixel < acc.size() / C; ++pixel) {
    int32_t* out = acc.data() + pixel * C;
    const int32_t* part = raw.data() + pixel * chunks * C;
    for (size_t k = 0; k < chunks; ++k, part += C)
      for (size_t c = 0; c < C; ++c)
        out[c] = nm_reduce(out[c], ima_adc(part[c], unsigned(ima.adc_bits), unsigned(adc_shift)));
  }
  return acc;
}

std::vector<int32_t> depthwise_accumulate(const Layer& l, const std::vector<int8_t>& weights, const Tensor& in) {
  const Shape o = l.out;
  const size_t C = size_t(in.shape.c);
  if (weights.size() != size_t(l.kernel) * size_t(l.kernel) * C)
    throw std::invalid_argument(fmt::format("layer {}: {} depthwise weights for {}x{}x{}", l.name, weights.size(),
                                            l.kernel, l.kernel, C));
  std::vector<int32_t> acc(size_t(o.size()), 0);
  for (int oy = 0; oy < o.h; ++oy)
    for (int ox = 0; ox < o.w; ++ox) {
      int32_t* out = acc.data() + (size_t(oy) * size_t(o.w) + size_t(ox)) * C;
      for (int ky = 0; ky < l.kernel; ++ky) {
        const int iy = oy * l.stride - l.padding + ky;
        if (iy < 0 || iy >= in.shape.h) continue;  // padding: 0
        for (int kx = 0; kx < l.kernel; ++kx) {
          const int ix = ox * l.stride - l.padding + kx;
          if (ix < 0 || ix >= in.shape.w) continue;
          const int8_t* x = in.data.data() + (size_t(iy) * size_t(in.shape.w) + size_t(ix)) * C;
          const int8_t* w = weights.data() + (size_t(ky) * size_t(l.kernel) + size_t(kx)) * C;
          for (size_t c = 0; c < C; ++c) out[c] += int32_t(w[c]) * int32_t(x[c]);
        }
      }
    }
  return acc;
}

static Tensor pool(const Layer& l, const Tensor& in) {
  Tensor out(l.out);
  const int C = in.shape.c;
  std::vector<int32_t> sum(static_cast<size_t>(C));
  std::vector<int8_t> mx(static_cast<size_t>(C));
  for (int oy = 0; oy < l.out.h; ++oy)
    for (int ox = 0; ox < l.out.w; ++ox) {
      std::fill(sum.begin(), sum.end(), 0);
      std::fill(mx.begin(), mx.end(), int8_t(-128));
      int count = 0;
      for (int ky = 0; ky < l.kernel; ++ky) {
        int iy = oy * l.stride - l.padding + ky;
        if (iy < 0 || iy >= in.shape.h) continue;
        for (int kx = 0; kx < l.kernel; ++kx) {
          int ix = ox * l.stride - l.padding + kx;
          if (ix < 0 || ix >= in.shape.w) continue;
          const int8_t* p = in.data.data() + (size_t(iy) * size_t(in.shape.w) + size_t(ix)) * size_t(C);
          for (int c = 0; c < C; ++c) {
            sum[size_t(c)] += p[c];
            mx[size_t(c)] = nm_max(mx[size_t(c)], p[c]);
          }
          ++count;
        }
      }
      // Average pooling divides by the window's in-bounds elements.
      int8_t* q = out.data.data() + (size_t(oy) * size_t(l.out.w) + size_t(ox)) * size_t(C);
      for (int c = 0; c < C; ++c)
        q[c] = l.op == Op::MaxPool ? mx[size_t(c)] : nm_average_mode(sum[size_t(c)], count, l.avg_rounding);
    }
  return out;
}

Tensor requantize(const Layer& l, const LayerParams& p, const std::vector<int32_t>& acc) {
  Tensor out(l.out);
  const size_t C = size_t(l.cols());
  for (size_t i = 0; i < acc.size(); ++i) {
    const size_t c = i % C;  // HWC: the channel is innermost
    out.data[i] = nm_floor(
        nm_requant_ch(acc[i], p.bias_of(c), p.mult_of(c), unsigned(p.shift_of(c)), l.relu, l.quant.act_max),
        l.act_min());
  }
  return out;
}

Tensor run_layer(const Layer& l, const LayerParams& p, const ImaParams& ima,
                 const std::vector<const Tensor*>& inputs, const ProgrammedLayer* prog) {
  const Tensor& in = *inputs.at(0);
  if (l.weighted()) {
    return requantize(l, p, l.analog() ? analog_accumulate(l, p.weights, p.adc_shift, ima, in, prog)
                                       : depthwise_accumulate(l, p.weights, in));
  }
  if (l.op == Op::Add) {
    const Tensor& b = *inputs.at(1);
    Tensor out(l.out);
    for (size_t i = 0; i < out.data.size(); ++i)
      out.data[i] = nm_floor(nm_add_rescaled(in.data[i], b.data[i], l.add_mult_a(), l.add_mult_b(),
                                             unsigned(l.add_shift()), l.relu, l.quant.act_max),
                             l.act_min());
    return out;
  }
  return pool(l, in);
}

Reference::Reference(const Network& net, const Params& params, const ImaParams& ima)
    : net_(net), params_(params), ima_(ima) {
  check_numerics(net, ima);
  if (params.layers.size() != net.layers.size())
    throw std::invalid_argument("parameters do not belong to this network");
  if (ima.noise.enabled) {
    programmed_.resize(net.layers.size());
    for (size_t i = 0; i < net.layers.size(); ++i)
      if (net.layers[i].analog()) programmed_[i] = program_layer(net.layers[i], params.layers[i].weights, ima.of(i));
  }
}

std::vector<Tensor> Reference::run(const Tensor& image, const std::atomic<bool>* cancel) const {
  std::vector<Tensor> out(net_.layers.size());
  for (size_t i = 0; i < net_.layers.size(); ++i) {
    if (cancel && cancel->load(std::memory_order_relaxed)) return {};
    const Layer& l = net_.layers[i];
    std::vector<const Tensor*> ins;
    for (int k : l.inputs) ins.push_back(k < 0 ? &image : &out[size_t(k)]);
    out[i] = run_layer(l, params_.layers[i], ima_.of(i), ins, programmed_.empty() ? nullptr : &programmed_[i]);
  }
  return out;
}

std::vector<std::vector<Tensor>> run_batch(const Reference& ref, const Network& net, uint64_t seed, int n,
                                           int threads) {
  std::vector<std::vector<Tensor>> out(size_t(std::max(n, 0)));
  auto work = [&](int first) {
    for (int i = first; i < n; i += threads) out[size_t(i)] = ref.run(make_image(net, seed, i));
  };
  threads = std::max(1, std::min(threads, n));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& t : pool) t.join();
  return out;
}

namespace {
void put32(std::ostream& f, uint32_t v) {
  unsigned char b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  f.write(reinterpret_cast<const char*>(b), 4);
}
}  // namespace

void save_activations(const Network& net, const std::vector<std::vector<Tensor>>& per_image,
                      const std::vector<int>& layers, const std::string& path) {
  std::ostringstream f;
  put32(f, 0x43415056u);  // "VPAC"
  put32(f, 1);
  put32(f, uint32_t(per_image.size()));
  put32(f, uint32_t(layers.size()));
  for (int li : layers) {
    const Layer& l = net.layers[size_t(li)];
    put32(f, uint32_t(li));
    put32(f, uint32_t(l.out.c));
    put32(f, uint32_t(l.out.h));
    put32(f, uint32_t(l.out.w));
  }
  for (const auto& img : per_image)
    for (int li : layers) {
      const auto& d = img[size_t(li)].data;
      f.write(reinterpret_cast<const char*>(d.data()), long(d.size()));
    }
  write_output(path, f.str());  // OutputError: vp-map exit 1
}

}  // namespace vp::map
