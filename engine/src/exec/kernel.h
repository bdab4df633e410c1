// Kernel API (engine-internal). One kernel instance per node: the constructor (or factory)
// parses attributes once; compute() is const and reads inputs, writes outputs.
//
//   class ReluKernel final : public Kernel {
//    public:
//     explicit ReluKernel(const Node&) {}
//     Status compute(KernelContext& ctx) const override { ... ctx.output(0) = Tensor(...); }
//   };
//   void register_unary_kernels(KernelRegistry& r) {
//     r.add("Relu", 6, kMaxOpset, make_kernel<ReluKernel>);
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "qwb/model.h"
#include "qwb/status.h"
#include "qwb/tensor.h"

namespace qwb {

constexpr int kMaxOpset = 1000;

struct KernelContext {
  // One entry per node input; nullptr marks a missing optional input.
  std::vector<const Tensor*> inputs;
  // Sized to the node's output count; the kernel assigns each one it produces.
  std::vector<Tensor> outputs;
  int threads = 1;
  const Node* node = nullptr;

  int num_inputs() const { return static_cast<int>(inputs.size()); }
  bool has_input(int i) const { return i < num_inputs() && inputs[i] != nullptr; }
  const Tensor& input(int i) const { return *inputs[i]; }
  Tensor& output(int i) { return outputs[i]; }
  int num_outputs() const { return static_cast<int>(outputs.size()); }
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual Status compute(KernelContext& ctx) const = 0;
};

using KernelFactory = std::function<Result<std::unique_ptr<Kernel>>(const Node& node)>;

// Factory for kernels whose constructor takes (const Node&) and cannot fail.
template <typename K>
Result<std::unique_ptr<Kernel>> make_kernel(const Node& node) {
  return std::unique_ptr<Kernel>(std::make_unique<K>(node));
}

struct KernelEntry {
  std::string op_type;
  std::string domain;
  int since = 1;   // first opset version this kernel handles
  int until = kMaxOpset;  // last opset version (inclusive)
  KernelFactory factory;
};

class KernelRegistry {
 public:
  static const KernelRegistry& global();

  void add(const std::string& op_type, int since, int until, KernelFactory factory,
           const std::string& domain = "");
  const KernelEntry* find(const std::string& op_type, const std::string& domain, int opset) const;
  std::vector<const KernelEntry*> entries() const;

 private:
  std::vector<KernelEntry> entries_;
};

// Kernel families register themselves here (engine/src/exec/kernels/**).
void register_unary_kernels(KernelRegistry& r);       // elementwise/unary.cpp
void register_activation_kernels(KernelRegistry& r);  // elementwise/activation.cpp
void register_binary_kernels(KernelRegistry& r);      // elementwise/binary.cpp
void register_cast_kernels(KernelRegistry& r);        // elementwise/cast.cpp
void register_shape_kernels(KernelRegistry& r);       // shape/shape_ops.cpp
void register_gather_kernels(KernelRegistry& r);      // shape/gather.cpp
void register_slice_kernels(KernelRegistry& r);       // shape/slice_concat.cpp
void register_conv_kernels(KernelRegistry& r);        // nn/conv.cpp
void register_matmul_kernels(KernelRegistry& r);      // nn/matmul.cpp
void register_pool_kernels(KernelRegistry& r);        // nn/pool.cpp
void register_norm_kernels(KernelRegistry& r);        // nn/norm.cpp
void register_softmax_kernels(KernelRegistry& r);     // nn/softmax.cpp
void register_reduce_kernels(KernelRegistry& r);      // reduce/reduce.cpp
void register_resize_kernels(KernelRegistry& r);      // shape/resize.cpp
void register_quant_kernels(KernelRegistry& r);       // quant/quant_linear.cpp

}  // namespace qwb
