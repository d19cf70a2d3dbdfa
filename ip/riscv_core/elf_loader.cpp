// ELF reading with libelf; every size and offset is checked against the file
// before use, so a truncated or hostile file ends in a clear error.
#include "elf_loader.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sim/simulation_error.hpp"

namespace vp::rv {
namespace {

struct ElfHandle {
  int fd = -1;
  Elf* elf = nullptr;
  ~ElfHandle() {
    if (elf) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

}  // namespace

namespace {

SimulationError malformed(const std::string& path, const std::string& what) {
  return SimulationError(fmt::format("{}: malformed ELF: {}", path, what));
}

// libelf's message for the last error, prefixed with the part being read.
SimulationError libelf_error(const std::string& path, const std::string& part) {
  return malformed(path, fmt::format("{}: {}", part, elf_errmsg(-1)));
}

// Opens and checks the identification and the ELF header.
GElf_Ehdr open_elf(const std::string& path, ElfHandle& h, uint64_t& file_size) {
  if (elf_version(EV_CURRENT) == EV_NONE) throw SimulationError("libelf initialisation failed");
  h.fd = open(path.c_str(), O_RDONLY);
  if (h.fd < 0) throw SimulationError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  struct stat st {};
  if (fstat(h.fd, &st) != 0 || !S_ISREG(st.st_mode))
    throw SimulationError(fmt::format("{}: {}", path, S_ISDIR(st.st_mode) ? "is a directory, not an ELF file"
                                                                         : "not a regular file"));
  file_size = static_cast<uint64_t>(st.st_size);
  h.elf = elf_begin(h.fd, ELF_C_READ, nullptr);
  if (!h.elf || elf_kind(h.elf) != ELF_K_ELF) throw malformed(path, "not an ELF file (no ELF magic)");
  size_t ident_len = 0;
  const char* ident = elf_getident(h.elf, &ident_len);
  if (!ident || ident_len < EI_NIDENT) throw malformed(path, "identification: truncated");
  if (ident[EI_CLASS] != ELFCLASS32) throw malformed(path, "identification: not a 32-bit ELF (RV32 expected)");
  if (ident[EI_DATA] != ELFDATA2LSB) throw malformed(path, "identification: not little-endian");
  GElf_Ehdr eh;
  if (!gelf_getehdr(h.elf, &eh)) throw libelf_error(path, "ELF header");
  if (eh.e_machine != EM_RISCV) throw malformed(path, fmt::format("ELF header: machine {} is not RISC-V", eh.e_machine));
  if (eh.e_type != ET_EXEC) throw malformed(path, "ELF header: not an executable (ET_EXEC)");
  return eh;
}

}  // namespace

uint32_t read_elf_entry(const std::string& path) {
  ElfHandle h;
  uint64_t file_size = 0;
  return static_cast<uint32_t>(open_elf(path, h, file_size).e_entry);
}

ElfImage load_elf(const std::string& path, const SegmentCheck& fits) {
  ElfHandle h;
  uint64_t file_size = 0;
  const GElf_Ehdr eh = open_elf(path, h, file_size);
  ElfImage img;
  img.path = path;
  img.entry = static_cast<uint32_t>(eh.e_entry);

  size_t phnum = 0;
  if (elf_getphdrnum(h.elf, &phnum) != 0) throw libelf_error(path, "program header count");
  // All segments are checked first: a later bad one must not cost the host
  // the earlier ones' memory.
  std::vector<GElf_Phdr> loads;
  uint64_t total = 0;
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(h.elf, static_cast<int>(i), &ph)) throw libelf_error(path, fmt::format("program header {}", i));
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    const auto seg = [&](const std::string& what) {
      return malformed(path, fmt::format("segment {} (program header {}) at {:#x}, {} bytes: {}", loads.size(), i,
                                         ph.p_paddr, ph.p_memsz, what));
    };
    if (ph.p_filesz > ph.p_memsz) throw seg(fmt::format("file size {} exceeds the memory size", ph.p_filesz));
    if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
      throw seg(fmt::format("file bytes [{:#x}, +{}) extend past the end of the {}-byte file", ph.p_offset,
                            ph.p_filesz, file_size));
    if (ph.p_paddr > 0xFFFFFFFFull || ph.p_memsz > 0x100000000ull - ph.p_paddr)
      throw seg("extends past the 32-bit address space");
    total += ph.p_memsz;
    if (total > 0x100000000ull) throw seg("the segments together exceed the 4 GiB address space");
    if (fits) {
      const std::string why = fits(static_cast<uint32_t>(ph.p_paddr), ph.p_memsz);
      if (!why.empty())
        throw SimulationError(
            fmt::format("{}: segment {} at {:#x} ({} bytes) is {}", path, loads.size(), ph.p_paddr, ph.p_memsz, why));
    }
    loads.push_back(ph);
  }
  if (loads.empty()) throw malformed(path, "no loadable segment (PT_LOAD)");
  for (size_t i = 0; i < loads.size(); ++i) {
    const GElf_Phdr& ph = loads[i];
    ElfSegment seg;
    seg.addr = static_cast<uint32_t>(ph.p_paddr);
    seg.bytes.assign(ph.p_memsz, 0);
    if (ph.p_filesz &&
        pread(h.fd, seg.bytes.data(), ph.p_filesz, static_cast<off_t>(ph.p_offset)) != static_cast<ssize_t>(ph.p_filesz))
      throw malformed(path, fmt::format("segment {}: cannot read its file bytes", i));
    img.segments.push_back(std::move(seg));
  }

  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(h.elf, scn)) != nullptr) {
    const size_t index = elf_ndxscn(scn);
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) throw libelf_error(path, fmt::format("section header {}", index));
    if (sh.sh_type != SHT_SYMTAB) continue;
    const std::string part = fmt::format("symbol table (section {})", index);
    if (sh.sh_entsize == 0) throw malformed(path, part + ": zero entry size");
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data) throw libelf_error(path, part);
    const size_t n = data->d_size / sh.sh_entsize;
    for (size_t k = 0; k < n; ++k) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(k), &sym)) throw libelf_error(path, fmt::format("{}, symbol {}", part, k));
      if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF) continue;
      const char* name = elf_strptr(h.elf, sh.sh_link, sym.st_name);
      if (!name)
        throw malformed(path, fmt::format("{}, symbol {}: name offset {} outside the string table (section {})", part,
                                          k, sym.st_name, sh.sh_link));
      // A global definition wins over a local one of the same name.
      if (GELF_ST_BIND(sym.st_info) == STB_GLOBAL || !img.symbols.count(name))
        img.symbols[name] = static_cast<uint32_t>(sym.st_value);
    }
  }
  return img;
}

}  // namespace vp::rv
