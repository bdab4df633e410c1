// Broadcasting binary, variadic and ternary element-wise ops.
#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb {

void register_binary_kernels(KernelRegistry& r) { (void)r; }

}  // namespace qwb
