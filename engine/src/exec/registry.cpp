#include "exec/kernel.h"

#include <algorithm>

namespace qwb {

void KernelRegistry::add(const std::string& op_type, int since, int until, KernelFactory factory,
                         const std::string& domain) {
  entries_.push_back({op_type, domain, since, until, std::move(factory)});
}

const KernelEntry* KernelRegistry::find(const std::string& op_type, const std::string& domain,
                                        int opset) const {
  for (const auto& e : entries_) {
    if (e.op_type == op_type && e.domain == domain && opset >= e.since && opset <= e.until) return &e;
  }
  return nullptr;
}

std::vector<const KernelEntry*> KernelRegistry::entries() const {
  std::vector<const KernelEntry*> v;
  for (const auto& e : entries_) v.push_back(&e);
  return v;
}

const KernelRegistry& KernelRegistry::global() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    register_unary_kernels(r);
    register_activation_kernels(r);
    register_binary_kernels(r);
    register_cast_kernels(r);
    register_shape_kernels(r);
    register_gather_kernels(r);
    register_slice_kernels(r);
    register_conv_kernels(r);
    register_matmul_kernels(r);
    register_pool_kernels(r);
    register_norm_kernels(r);
    register_softmax_kernels(r);
    register_reduce_kernels(r);
    register_resize_kernels(r);
    register_quant_kernels(r);
    return r;
  }();
  return registry;
}

std::vector<std::string> supported_ops() {
  std::vector<std::string> ops;
  for (const auto* e : KernelRegistry::global().entries()) {
    std::string name = e->domain.empty() ? e->op_type : e->domain + ":" + e->op_type;
    if (std::find(ops.begin(), ops.end(), name) == ops.end()) ops.push_back(name);
  }
  std::sort(ops.begin(), ops.end());
  return ops;
}

bool op_supported(const std::string& op_type, const std::string& domain, int opset) {
  return KernelRegistry::global().find(op_type, domain, opset) != nullptr;
}

}  // namespace qwb
