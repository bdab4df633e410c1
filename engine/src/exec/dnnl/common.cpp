// Values and layouts shared by the fast ops.
#include "core/block_cache.h"
#include "exec/dnnl/fast.h"

namespace qwb::fast {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

dt to_dnnl(DType t) {
  switch (t) {
    case DType::kFloat32: return dt::f32;
    case DType::kUInt8: return dt::u8;
    case DType::kInt8: return dt::s8;
    case DType::kInt32: return dt::s32;
    case DType::kBFloat16: return dt::bf16;
    case DType::kFloat16: return dt::f16;
    default: return dt::undef;
  }
}

dnnl::memory::dims to_dims(const Shape& s) {
  if (s.empty()) return {1};
  return dnnl::memory::dims(s.begin(), s.end());
}

dnnl::memory::dims row_major(const dnnl::memory::dims& d) {
  dnnl::memory::dims s(d.size(), 1);
  for (int i = static_cast<int>(d.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * d[i + 1];
  return s;
}

md_t plain_md(const Shape& s, DType t) {
  const auto dims = to_dims(s);
  return md_t(dims, to_dnnl(t), row_major(dims));
}

void append_eltwise_post_ops(dnnl::post_ops& po, const std::vector<Eltwise>& post, float out_unit) {
  for (const Eltwise& e : post) {
    const bool bounds = e.alg == dnnl::algorithm::eltwise_clip || e.alg == dnnl::algorithm::eltwise_clip_v2;
    po.append_eltwise(1.0f, e.alg, bounds ? e.alpha * out_unit : e.alpha, bounds ? e.beta * out_unit : e.beta);
  }
}

dnnl::memory wrap(const Tensor& t) {
  return dnnl::memory(plain_md(t.shape(), t.dtype()), cpu_engine(), const_cast<void*>(t.raw()));
}

dnnl::memory new_memory(const md_t& md, std::shared_ptr<void>& owner) {
  owner = acquire_block(md.get_size());
  return dnnl::memory(md, cpu_engine(), owner.get());
}

md_t md_of(const Value& v) { return v.mem ? v.mem.get_desc() : plain_md(v.shape, v.dtype); }

const Tensor& to_plain(Value& v, dnnl::stream& s) {
  if (v.plain.defined()) return v.plain;
  Tensor t = Tensor::uninitialized(v.dtype, v.shape);
  dnnl::memory dst = wrap(t);
  dnnl::reorder(v.mem, dst).execute(s, v.mem, dst);
  s.wait();
  v.plain = std::move(t);
  return v.plain;
}

dnnl::memory as_md(Value& v, const md_t& md, dnnl::stream& s) {
  if (v.mem && v.mem.get_desc() == md) return v.mem;
  if (!v.mem && v.plain.defined() && plain_md(v.shape, v.dtype) == md) return wrap(v.plain);
  dnnl::memory src = v.mem ? v.mem : wrap(v.plain);
  dnnl::memory dst(md, cpu_engine());
  dnnl::reorder(src, dst).execute(s, src, dst);
  return dst;
}

}  // namespace qwb::fast
