#pragma once
// FST, the compact waveform format GTKWave prefers for large traces. Debian
// packages no FST writer library (its gtkwave package ships the converter
// vcd2fst, not libfst), so the VCD text is converted by that tool: written to
// a temporary file, converted into another, renamed into place.
#include <string>

namespace vp {

// The vcd2fst found on PATH, or empty.
std::string find_vcd2fst();

// Writes `vcd_text` as FST to `path` atomically. Throws std::runtime_error
// (vcd2fst missing, failed, or a file not writable) with vcd2fst's message.
void write_fst_file(const std::string& path, const std::string& vcd_text);

}  // namespace vp
