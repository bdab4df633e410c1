// Reductions, ArgMax/ArgMin, TopK.
#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb {

void register_reduce_kernels(KernelRegistry& r) { (void)r; }

}  // namespace qwb
