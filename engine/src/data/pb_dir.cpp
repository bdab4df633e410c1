// pb:DIR[,INPUT] — ONNX test data (TensorProto .pb files) as a dataset: DIR/test_data_set_*/
// input_INPUT.pb, or DIR/input_INPUT.pb when DIR is itself one test_data_set. Dim 0 of every
// tensor is its batch, so a file holds one sample ([1, ...]) or several.
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "data/sources.h"
#include "qwb/tensor_io.h"

namespace qwb::data_internal {

namespace fs = std::filesystem;

namespace {

// test_data_set_10 sorts after test_data_set_9.
bool natural_less(const std::string& a, const std::string& b) {
  auto num = [](const std::string& s) {
    size_t p = s.find_last_not_of("0123456789");
    std::string d = s.substr(p == std::string::npos ? 0 : p + 1);
    return std::make_pair(s.substr(0, s.size() - d.size()), d.empty() ? -1LL : std::stoll(d.substr(0, 18)));
  };
  return num(a) < num(b);
}

}  // namespace

Result<Dataset> load_pb_dataset(const std::string& spec, const std::string& args, const DatasetOptions& options) {
  auto parts = split(args, ',');
  if (parts.empty() || parts.size() > 2 || parts[0].empty()) {
    return invalid_argument("data spec '" + spec + "': expected pb:DIR[,INPUT]");
  }
  int64_t input = 0;
  if (parts.size() == 2) {
    const std::string& s = parts[1];
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return invalid_argument("data spec '" + spec + "': INPUT must be an input index (0, 1, ...), got '" + s + "'");
    }
    input = std::stoll(s);
  }
  const fs::path dir(parts[0]);
  const std::string ctx = "directory '" + parts[0] + "'";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found(ctx + ": no such directory");
  std::vector<std::string> sets;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code ec_entry;
    const std::string name = it->path().filename().string();
    if (name.rfind("test_data_set_", 0) == 0 && it->is_directory(ec_entry)) sets.push_back(name);
  }
  if (ec) return io_error(ctx + ": cannot be listed (" + ec.message() + ")");
  std::sort(sets.begin(), sets.end(), natural_less);
  const std::string file = "input_" + std::to_string(input) + ".pb";
  std::vector<fs::path> files;
  if (sets.empty()) {
    if (!fs::is_regular_file(dir / file, ec)) {
      return not_found(ctx + ": no test_data_set_* subfolders and no " + file + " (ONNX test data layout expected)");
    }
    files.push_back(dir / file);
  } else {
    for (const auto& s : sets) files.push_back(dir / s / file);
  }

  std::vector<Tensor> tensors;
  int64_t n = 0;
  bool stopped_early = false;  // the limit was reached before the last file
  for (const auto& f : files) {
    if (options.limit >= 0 && n >= options.limit) { stopped_early = true; break; }
    auto t = read_tensor_pb(f.string());
    if (!t) return t.status();
    Tensor x = t->rank() == 0 ? t->reshaped({1}) : *t;  // a scalar is one sample
    if (!tensors.empty()) {
      const Tensor& first = tensors[0];
      Shape a(first.shape().begin() + 1, first.shape().end()), b(x.shape().begin() + 1, x.shape().end());
      if (x.dtype() != first.dtype() || a != b) {
        return invalid_argument("file '" + f.string() + "': " + dtype_name(x.dtype()) + " " + shape_str(x.shape()) +
                                " does not match '" + files[0].string() + "' (" + dtype_name(first.dtype()) + " " +
                                shape_str(first.shape()) + "); all samples need one dtype and shape past dim 0");
      }
    }
    n += x.dim(0);
    tensors.push_back(std::move(x));
  }
  if (n == 0) return invalid_argument(ctx + ": the tensors hold no samples (dim 0 is 0)");
  Shape shape = tensors[0].shape();
  shape[0] = n;
  Tensor all(tensors[0].dtype(), shape);
  auto* dst = static_cast<char*>(all.raw());
  for (const Tensor& t : tensors) {
    if (t.nbytes()) std::memcpy(dst, t.raw(), t.nbytes());
    dst += t.nbytes();
  }

  std::vector<int64_t> labels;
  const fs::path labels_path = dir / "labels.npy";
  if (fs::is_regular_file(labels_path, ec)) {
    auto t = read_npy(labels_path.string());
    if (!t) return t.status();
    auto l = labels_from_tensor(*t, "file '" + labels_path.string() + "'");
    if (!l) return l.status();
    // With a limit only the first files were read; the labels must cover at least those.
    const int64_t have = static_cast<int64_t>(l->size());
    if (stopped_early ? have < n : have != n) {
      return invalid_argument(ctx + ": " + std::to_string(n) + " samples but " + std::to_string(l->size()) +
                              " labels in '" + labels_path.string() + "'");
    }
    labels = std::move(*l);
  }
  if (options.limit >= 0 && options.limit < n) all = first_rows(all, options.limit);
  labels.resize(labels.empty() ? 0 : static_cast<size_t>(all.dim(0)));
  return Dataset(spec, std::move(all), std::move(labels), options.preprocess);
}

}  // namespace qwb::data_internal
