// Cast and CastLike.
#include "exec/kernel.h"
#include "exec/kernel_util.h"

namespace qwb {

void register_cast_kernels(KernelRegistry& r) { (void)r; }

}  // namespace qwb
