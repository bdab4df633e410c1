#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "qwb/data.h"
#include "qwb/tensor_io.h"
#include "data/sources.h"

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

Result<std::vector<int64_t>> read_labels(const std::string& path) {
  Result<Tensor> t = path.size() > 4 && path.substr(path.size() - 4) == ".npy" ? read_npy(path) : read_idx(path);
  if (!t) return t.status();
  return data_internal::labels_from_tensor(*t, "file '" + path + "'");
}

// "224" -> {224, 224}; "224,192" -> {224, 192}; anything else -> {}.
std::vector<int64_t> parse_crop(const std::string& s) {
  auto v = parse_floats(s);
  if (v.size() == 1) v.push_back(v[0]);
  if (v.size() != 2 || v[0] < 1 || v[1] < 1) return {};
  return {static_cast<int64_t>(v[0]), static_cast<int64_t>(v[1])};
}

}  // namespace

namespace data_internal {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) parts.push_back(item);
  return parts;
}

Result<std::vector<int64_t>> labels_from_tensor(const Tensor& t, const std::string& ctx) {
  if (!dtype_is_integer(t.dtype())) {
    return invalid_argument(ctx + ": labels must be integers, got " + dtype_name(t.dtype()));
  }
  if (t.rank() != 1) return invalid_argument(ctx + ": labels must be 1-D, got " + shape_str(t.shape()));
  auto v = t.to_int64_vector();
  for (int64_t l : v) {
    if (l < 0) return invalid_argument(ctx + ": negative label " + std::to_string(l));
  }
  return v;
}

Tensor first_rows(const Tensor& t, int64_t n) {
  Shape s = t.shape();
  s[0] = std::clamp<int64_t>(n, 0, s[0]);
  Tensor cut(t.dtype(), s);
  if (cut.nbytes()) std::memcpy(cut.raw(), t.raw(), cut.nbytes());
  return cut;
}

}  // namespace data_internal

using data_internal::split;

Preprocess Preprocess::from_metadata(const std::map<std::string, std::string>& md) {
  Preprocess p;
  if (auto it = md.find("qwb.mean"); it != md.end()) p.mean = parse_floats(it->second);
  if (auto it = md.find("qwb.std"); it != md.end()) p.stddev = parse_floats(it->second);
  if (auto it = md.find("qwb.scale"); it != md.end()) {
    auto v = parse_floats(it->second);
    if (v.size() == 1) p.scale = v[0];
  }
  if (auto it = md.find("qwb.layout"); it != md.end()) p.layout = it->second;
  if (auto it = md.find("qwb.resize"); it != md.end()) {
    auto v = parse_floats(it->second);
    if (v.size() == 1 && v[0] >= 1) p.resize = static_cast<int64_t>(v[0]);
  }
  if (auto it = md.find("qwb.crop"); it != md.end()) {
    if (auto c = parse_crop(it->second); !c.empty()) { p.crop_height = c[0]; p.crop_width = c[1]; }
  }
  if (auto it = md.find("qwb.channels"); it != md.end()) {
    auto v = parse_floats(it->second);
    if (v.size() == 1 && (v[0] == 1 || v[0] == 3)) p.channels = static_cast<int64_t>(v[0]);
  }
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
  // Image options only when set, so descriptions of non-image data stay as they were.
  if (resize > 0) os << ", resize " << resize;
  if (crop_height > 0 || crop_width > 0) os << ", crop " << crop_height << "x" << crop_width;
  if (resize > 0 || crop_height > 0 || crop_width > 0) os << ", " << channels << (channels == 1 ? " channel" : " channels");
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

Dataset::Dataset(std::string name, Tensor samples, std::vector<int64_t> labels, Preprocess pre,
                 std::vector<std::string> class_names)
    : name_(std::move(name)),
      samples_(std::move(samples)),
      labels_(std::move(labels)),
      pre_(std::move(pre)),
      class_names_(std::move(class_names)) {}

Shape Dataset::sample_shape() const {
  if (!samples_.defined()) return {};
  return Shape(samples_.shape().begin() + 1, samples_.shape().end());
}

int64_t Dataset::num_classes() const {
  int64_t m = -1;
  for (int64_t l : labels_) m = std::max(m, l);
  return std::max(m + 1, static_cast<int64_t>(class_names_.size()));
}

Dataset Dataset::subset(const std::vector<int64_t>& ids) const {
  if (!samples_.defined()) return *this;
  std::vector<int64_t> keep;
  keep.reserve(ids.size());
  for (int64_t id : ids) if (id >= 0 && id < size()) keep.push_back(id);
  Shape s = samples_.shape();
  s[0] = static_cast<int64_t>(keep.size());
  Tensor out(samples_.dtype(), s);
  const size_t row = shape_numel(sample_shape()) * dtype_size(samples_.dtype());
  const auto* src = static_cast<const char*>(samples_.raw());
  auto* dst = static_cast<char*>(out.raw());
  std::vector<int64_t> labels;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (row) std::memcpy(dst + i * row, src + keep[i] * row, row);
    if (static_cast<size_t>(keep[i]) < labels_.size()) labels.push_back(labels_[static_cast<size_t>(keep[i])]);
  }
  return Dataset(name_, std::move(out), std::move(labels), pre_, class_names_);
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

namespace {
const char* const kKnownSpecs =
    "fashion-mnist:test, fashion-mnist:train, idx:IMAGES[,LABELS], npy:FILE[,LABELS], "
    "npz:FILE[,KEY[,LABELKEY]], images:DIR or pb:DIR[,INPUT]";
}  // namespace

Result<Dataset> load_dataset(const std::string& spec, const DatasetOptions& options) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) {
    return invalid_argument("data spec '" + spec + "' has no source prefix; use " + kKnownSpecs);
  }
  std::string kind = spec.substr(0, colon), rest = spec.substr(colon + 1);
  if (kind == "images") {
    if (rest.empty()) return invalid_argument("data spec '" + spec + "': expected images:DIR");
    return data_internal::load_image_folder(spec, rest, options);
  }
  if (kind == "npz") return data_internal::load_npz_dataset(spec, rest, options);
  if (kind == "pb") return data_internal::load_pb_dataset(spec, rest, options);
  std::string images_path, labels_path;
  std::vector<std::string> class_names;
  Result<Tensor> samples = invalid_argument("unset");
  if (kind == "fashion-mnist") {
    // The IDX files carry only label numbers; these are the names the dataset documents.
    class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
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
    return invalid_argument("data spec '" + spec + "': unknown source '" + kind + "' (known: " + kKnownSpecs + ")");
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
    all = data_internal::first_rows(all, options.limit);
    if (!labels.empty()) labels.resize(static_cast<size_t>(options.limit));
  }
  return Dataset(spec, std::move(all), std::move(labels), options.preprocess, std::move(class_names));
}

}  // namespace qwb
