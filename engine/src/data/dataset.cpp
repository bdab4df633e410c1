#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "qwb/data.h"
#include "qwb/tensor_io.h"

namespace qwb {

namespace {

std::vector<float> parse_floats(const std::string& s) {
  std::vector<float> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      v.push_back(std::stof(item));
    } catch (...) {
      return {};
    }
  }
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) parts.push_back(item);
  return parts;
}

Result<std::vector<int64_t>> read_labels(const std::string& path) {
  Result<Tensor> t = path.size() > 4 && path.substr(path.size() - 4) == ".npy" ? read_npy(path) : read_idx(path);
  if (!t) return t.status();
  if (!dtype_is_integer(t->dtype())) {
    return invalid_argument("file '" + path + "': labels must be integers, got " + dtype_name(t->dtype()));
  }
  if (t->rank() != 1) return invalid_argument("file '" + path + "': labels must be 1-D, got " + shape_str(t->shape()));
  auto v = t->to_int64_vector();
  for (int64_t l : v) {
    if (l < 0) return invalid_argument("file '" + path + "': negative label " + std::to_string(l));
  }
  return v;
}

}  // namespace

Preprocess Preprocess::from_metadata(const std::map<std::string, std::string>& md) {
  Preprocess p;
  if (auto it = md.find("qwb.mean"); it != md.end()) p.mean = parse_floats(it->second);
  if (auto it = md.find("qwb.std"); it != md.end()) p.stddev = parse_floats(it->second);
  if (auto it = md.find("qwb.scale"); it != md.end()) {
    auto v = parse_floats(it->second);
    if (v.size() == 1) p.scale = v[0];
  }
  if (auto it = md.find("qwb.layout"); it != md.end()) p.layout = it->second;
  return p;
}

std::string Preprocess::describe() const {
  std::ostringstream os;
  auto list = [&](const std::vector<float>& v, float dflt) {
    if (v.empty()) { os << dflt; return; }
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  };
  os << "scale " << scale << ", mean ";
  list(mean, 0);
  os << ", std ";
  list(stddev, 1);
  os << ", " << layout;
  return os.str();
}

Result<Tensor> read_idx(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return not_found("file '" + path + "': no such file");
  // gzread reads plain files transparently, so one path serves .gz and raw IDX.
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return io_error("file '" + path + "': cannot be opened");
  std::string bytes;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string gzmsg = msg ? msg : "";
  gzclose(f);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
    return invalid_argument("file '" + path + "': corrupt gzip data (" + gzmsg + ")");
  }
  const std::string ctx = "file '" + path + "'";
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) {
    return invalid_argument(ctx + ": not an IDX file (bad magic number)");
  }
  DType dt;
  switch (static_cast<uint8_t>(bytes[2])) {
    case 0x08: dt = DType::kUInt8; break;
    case 0x09: dt = DType::kInt8; break;
    case 0x0B: dt = DType::kInt16; break;
    case 0x0C: dt = DType::kInt32; break;
    case 0x0D: dt = DType::kFloat32; break;
    case 0x0E: dt = DType::kFloat64; break;
    default: return invalid_argument(ctx + ": unknown IDX element type 0x" + std::to_string(static_cast<uint8_t>(bytes[2])));
  }
  int rank = static_cast<uint8_t>(bytes[3]);
  if (rank == 0 || bytes.size() < 4 + 4 * static_cast<size_t>(rank)) return invalid_argument(ctx + ": truncated IDX header");
  Shape shape;
  for (int i = 0; i < rank; ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + 4 + 4 * i);
    shape.push_back((int64_t{p[0]} << 24) | (int64_t{p[1]} << 16) | (int64_t{p[2]} << 8) | p[3]);
  }
  Tensor t(dt, shape);
  size_t off = 4 + 4 * static_cast<size_t>(rank);
  if (bytes.size() - off < t.nbytes()) {
    return invalid_argument(ctx + ": IDX data is truncated (" + std::to_string(bytes.size() - off) + " bytes, header says " +
                            std::to_string(t.nbytes()) + ")");
  }
  // IDX is big-endian.
  const size_t es = dtype_size(dt);
  auto* dst = static_cast<uint8_t*>(t.raw());
  for (int64_t i = 0; i < t.numel(); ++i)
    for (size_t b = 0; b < es; ++b) dst[i * es + b] = static_cast<uint8_t>(bytes[off + i * es + (es - 1 - b)]);
  return t;
}

Dataset::Dataset(std::string name, Tensor samples, std::vector<int64_t> labels, Preprocess pre)
    : name_(std::move(name)), samples_(std::move(samples)), labels_(std::move(labels)), pre_(std::move(pre)) {}

Shape Dataset::sample_shape() const {
  if (!samples_.defined()) return {};
  return Shape(samples_.shape().begin() + 1, samples_.shape().end());
}

int64_t Dataset::num_classes() const {
  int64_t m = -1;
  for (int64_t l : labels_) m = std::max(m, l);
  return m + 1;
}

Result<Tensor> Dataset::batch(int64_t begin, int64_t end, const Shape& target) const {
  begin = std::clamp<int64_t>(begin, 0, size());
  end = std::clamp<int64_t>(end, begin, size());
  const int64_t per = shape_numel(sample_shape());
  if (shape_numel(target) != per) {
    return invalid_argument("dataset '" + name_ + "': a sample has shape " + shape_str(sample_shape()) + " (" +
                            std::to_string(per) + " values) but the model input needs " + shape_str(target) +
                            " (" + std::to_string(shape_numel(target)) + " values)");
  }
  Shape out_shape = target;
  out_shape.insert(out_shape.begin(), end - begin);
  Tensor out(DType::kFloat32, out_shape);
  float* dst = out.data<float>();
  const bool is_int = !dtype_is_float(samples_.dtype());
  const bool normalise = is_int || pre_.apply_to_float;
  // Channel index of element e within a sample, for per-channel mean/std.
  const bool nhwc = pre_.layout == "NHWC";
  const int64_t channels = target.size() >= 3 ? (nhwc ? target.back() : target[0]) : 1;
  const int64_t inner = (target.size() >= 3 && !nhwc) ? per / std::max<int64_t>(channels, 1) : 1;
  auto pick = [](const std::vector<float>& v, int64_t c, float dflt) {
    if (v.empty()) return dflt;
    return v.size() == 1 ? v[0] : v[static_cast<size_t>(std::min<int64_t>(c, static_cast<int64_t>(v.size()) - 1))];
  };
  for (int64_t s = begin; s < end; ++s) {
    for (int64_t e = 0; e < per; ++e) {
      double x = samples_.get_double(s * per + e);
      if (normalise) {
        int64_t c = nhwc ? e % std::max<int64_t>(channels, 1) : (e / inner) % std::max<int64_t>(channels, 1);
        if (is_int) x *= pre_.scale;
        x = (x - pick(pre_.mean, c, 0.0f)) / pick(pre_.stddev, c, 1.0f);
      }
      *dst++ = static_cast<float>(x);
    }
  }
  return out;
}

Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) {
    return invalid_argument("data spec '" + spec +
                            "' has no source prefix; use fashion-mnist:test, fashion-mnist:train, idx:IMAGES[,LABELS] or npy:FILE[,LABELS]");
  }
  std::string kind = spec.substr(0, colon), rest = spec.substr(colon + 1);
  std::string images_path, labels_path;
  Result<Tensor> samples = invalid_argument("unset");
  if (kind == "fashion-mnist") {
    const std::string dir = "/usr/share/datasets/fashion-mnist/";
    std::string prefix;
    if (rest == "test") prefix = "t10k";
    else if (rest == "train") prefix = "train";
    else return invalid_argument("data spec '" + spec + "': fashion-mnist split must be 'test' or 'train'");
    images_path = dir + prefix + "-images-idx3-ubyte.gz";
    labels_path = dir + prefix + "-labels-idx1-ubyte.gz";
    std::error_code ec;
    if (!std::filesystem::exists(images_path, ec)) {
      return not_found("data spec '" + spec + "': '" + images_path + "' not found (install the Debian package dataset-fashion-mnist)");
    }
    samples = read_idx(images_path);
  } else if (kind == "idx" || kind == "npy") {
    auto parts = split(rest, ',');
    if (parts.empty() || parts.size() > 2 || parts[0].empty()) {
      return invalid_argument("data spec '" + spec + "': expected " + kind + ":FILE[,LABELS]");
    }
    images_path = parts[0];
    if (parts.size() == 2) labels_path = parts[1];
    samples = kind == "idx" ? read_idx(images_path) : read_npy(images_path);
  } else {
    return invalid_argument("data spec '" + spec + "': unknown source '" + kind +
                            "' (known: fashion-mnist, idx, npy)");
  }
  if (!samples) return samples.status();
  if (samples->rank() < 1 || samples->dim(0) == 0) {
    return invalid_argument("file '" + images_path + "': holds no samples (shape " + shape_str(samples->shape()) + ")");
  }
  std::vector<int64_t> labels;
  if (!labels_path.empty()) {
    auto l = read_labels(labels_path);
    if (!l) return l.status();
    labels = std::move(*l);
    if (static_cast<int64_t>(labels.size()) != samples->dim(0)) {
      return invalid_argument("data spec '" + spec + "': " + std::to_string(samples->dim(0)) + " samples in '" +
                              images_path + "' but " + std::to_string(labels.size()) + " labels in '" + labels_path + "'");
    }
  }
  Tensor all = *samples;
  if (options.limit >= 0 && options.limit < all.dim(0)) {
    Shape s = all.shape();
    s[0] = options.limit;
    Tensor cut(all.dtype(), s);
    std::memcpy(cut.raw(), all.raw(), cut.nbytes());
    all = cut;
    if (!labels.empty()) labels.resize(static_cast<size_t>(options.limit));
  }
  return Dataset(spec, std::move(all), std::move(labels), options.preprocess);
}

}  // namespace qwb
