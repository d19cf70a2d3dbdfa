// ELF reading with libelf; every size and offset is checked against the file
// before use, so a truncated or hostile file ends in a clear error.
#include "elf_loader.hpp"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

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

ElfImage load_elf(const std::string& path) {
  auto fail = [&](const std::string& what) -> SimulationError {
    return SimulationError(fmt::format("{}: malformed ELF: {}", path, what));
  };
  if (elf_version(EV_CURRENT) == EV_NONE) throw SimulationError("libelf initialisation failed");
  ElfHandle h;
  h.fd = open(path.c_str(), O_RDONLY);
  if (h.fd < 0) throw SimulationError(fmt::format("{}: cannot open", path));
  struct stat st {};
  if (fstat(h.fd, &st) != 0 || !S_ISREG(st.st_mode)) throw SimulationError(fmt::format("{}: not a regular file", path));
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  h.elf = elf_begin(h.fd, ELF_C_READ, nullptr);
  if (!h.elf || elf_kind(h.elf) != ELF_K_ELF) throw fail("not an ELF file");

  size_t ident_len = 0;
  const char* ident = elf_getident(h.elf, &ident_len);
  if (!ident || ident_len < EI_NIDENT) throw fail("truncated identification");
  if (ident[EI_CLASS] != ELFCLASS32) throw fail("not a 32-bit ELF (RV32 expected)");
  if (ident[EI_DATA] != ELFDATA2LSB) throw fail("not little-endian");
  GElf_Ehdr eh;
  if (!gelf_getehdr(h.elf, &eh)) throw fail(elf_errmsg(-1));
  if (eh.e_machine != EM_RISCV) throw fail(fmt::format("machine {} is not RISC-V", eh.e_machine));
  if (eh.e_type != ET_EXEC) throw fail("not an executable (ET_EXEC)");

  ElfImage img;
  img.path = path;
  img.entry = static_cast<uint32_t>(eh.e_entry);

  size_t phnum = 0;
  if (elf_getphdrnum(h.elf, &phnum) != 0) throw fail(elf_errmsg(-1));
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(h.elf, static_cast<int>(i), &ph)) throw fail(elf_errmsg(-1));
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz) throw fail(fmt::format("segment {}: file size exceeds memory size", i));
    if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
      throw fail(fmt::format("segment {}: extends past the end of the file", i));
    if (ph.p_paddr + ph.p_memsz > 0x100000000ull)
      throw fail(fmt::format("segment {}: extends past the 32-bit address space", i));
    ElfSegment seg;
    seg.addr = static_cast<uint32_t>(ph.p_paddr);
    seg.bytes.assign(ph.p_memsz, 0);
    if (ph.p_filesz) {
      if (pread(h.fd, seg.bytes.data(), ph.p_filesz, static_cast<off_t>(ph.p_offset)) !=
          static_cast<ssize_t>(ph.p_filesz))
        throw fail(fmt::format("segment {}: cannot read", i));
    }
    img.segments.push_back(std::move(seg));
  }
  if (img.segments.empty()) throw fail("no loadable segment");

  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(h.elf, scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) throw fail(elf_errmsg(-1));
    if (sh.sh_type != SHT_SYMTAB) continue;
    if (sh.sh_entsize == 0) throw fail("symbol table with zero entry size");
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data) throw fail(elf_errmsg(-1));
    const size_t n = data->d_size / sh.sh_entsize;
    for (size_t k = 0; k < n; ++k) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(k), &sym)) throw fail(elf_errmsg(-1));
      if (sym.st_name == 0 || sym.st_shndx == SHN_UNDEF) continue;
      const char* name = elf_strptr(h.elf, sh.sh_link, sym.st_name);
      if (!name) throw fail("symbol name outside the string table");
      // A global definition wins over a local one of the same name.
      if (GELF_ST_BIND(sym.st_info) == STB_GLOBAL || !img.symbols.count(name))
        img.symbols[name] = static_cast<uint32_t>(sym.st_value);
    }
  }
  return img;
}

}  // namespace vp::rv
