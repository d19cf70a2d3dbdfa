#pragma once
// When the last byte of a transfer has crossed the latest link of the network (absolute
// time), for cut-through timing: a link never passes the last byte before it has crossed
// the previous one. Added by the node or router where the transfer enters the network,
// removed there on return. Shared by the tree's AxiNode and the mesh's MeshRouter.
#include <systemc>
#include <tlm>

namespace vp {

struct NocTail : tlm::tlm_extension<NocTail> {
  sc_core::sc_time tail;
  tlm_extension_base* clone() const override { return new NocTail(*this); }
  void copy_from(const tlm_extension_base& e) override { tail = static_cast<const NocTail&>(e).tail; }
};

}  // namespace vp
