// images:DIR — an image folder (one subfolder per class, or images directly in DIR), decoded
// with stb_image, resized/cropped and stored as uint8 so that Dataset::batch normalises it.
#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "data/sources.h"

// stb_image is header-only: its implementation lives in this file only. Static linkage keeps
// its symbols out of the engine library; only the formats we document are compiled in.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wtype-limits"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace qwb::data_internal {

namespace fs = std::filesystem;

namespace {

bool is_image_file(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

bool hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string()[0] == '.'; }

std::string size_str(const Image& im) { return std::to_string(im.height) + "x" + std::to_string(im.width); }

Result<std::string> slurp(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return io_error("file '" + path.string() + "': cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) return io_error("file '" + path.string() + "': read failed");
  return bytes;
}

// Image files under `dir` (recursively), sorted by path so that sample order is stable.
std::vector<fs::path> image_files(const fs::path& dir, bool recursive, std::error_code& ec) {
  std::vector<fs::path> files;
  if (recursive) {
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::error_code ec_entry;  // a broken link is skipped, not a listing failure
      if (hidden(it->path())) {
        if (it->is_directory(ec_entry)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec_entry) && is_image_file(it->path())) files.push_back(it->path());
    }
  } else {
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code ec_entry;
      if (!hidden(it->path()) && it->is_regular_file(ec_entry) && is_image_file(it->path())) files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status check_options(const Preprocess& p, const std::string& ctx) {
  if (p.channels != 1 && p.channels != 3) {
    return invalid_argument(ctx + ": channels must be 1 (grayscale) or 3 (RGB), got " + std::to_string(p.channels));
  }
  if (p.layout != "NCHW" && p.layout != "NHWC") {
    return invalid_argument(ctx + ": layout must be NCHW or NHWC, got '" + p.layout + "'");
  }
  if (p.resize < 0) return invalid_argument(ctx + ": resize must be >= 0, got " + std::to_string(p.resize));
  if (p.crop_height < 0 || p.crop_width < 0 || (p.crop_height > 0) != (p.crop_width > 0)) {
    return invalid_argument(ctx + ": center crop needs both height and width > 0 (or neither), got " +
                            std::to_string(p.crop_height) + "x" + std::to_string(p.crop_width));
  }
  return Status::ok();
}

// Decode, resize, crop one file.
Result<Image> load_one(const fs::path& path, const Preprocess& p) {
  auto bytes = slurp(path);
  if (!bytes) return bytes.status();
  auto im = decode_image(*bytes, p.channels, path.string());
  if (!im) return im.status();
  Image out = std::move(*im);
  if (p.resize > 0) out = resize_shorter(out, p.resize);
  if (p.crop_height > 0) {
    if (out.height < p.crop_height || out.width < p.crop_width) {
      return invalid_argument("file '" + path.string() + "': image is " + size_str(out) + " (HxW)" +
                              (p.resize > 0 ? " after resizing to shorter side " + std::to_string(p.resize) : "") +
                              ", smaller than the center crop " + std::to_string(p.crop_height) + "x" +
                              std::to_string(p.crop_width));
    }
    out = center_crop(out, p.crop_height, p.crop_width);
  }
  return out;
}

}  // namespace

Result<Image> decode_image(const std::string& bytes, int64_t channels, const std::string& name) {
  if (bytes.empty()) return invalid_argument("file '" + name + "': empty file, not an image");
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return invalid_argument("file '" + name + "': image file too large");
  int w = 0, h = 0, comp = 0;
  stbi_uc* px = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), static_cast<int>(bytes.size()),
                                      &w, &h, &comp, static_cast<int>(channels));
  if (!px) {
    const char* why = stbi_failure_reason();
    return invalid_argument("file '" + name + "': cannot decode image (" + (why ? why : "unknown error") +
                            "; JPEG, PNG and BMP are supported)");
  }
  Image im;
  im.height = h;
  im.width = w;
  im.channels = channels;
  im.pixels.assign(px, px + static_cast<size_t>(w) * h * channels);
  stbi_image_free(px);
  return im;
}

Image resize_shorter(const Image& in, int64_t shorter) {
  if (in.height == 0 || in.width == 0) return in;
  int64_t oh, ow;
  if (in.height <= in.width) {
    oh = shorter;
    ow = std::max<int64_t>(1, in.width * shorter / in.height);
  } else {
    ow = shorter;
    oh = std::max<int64_t>(1, in.height * shorter / in.width);
  }
  if (oh == in.height && ow == in.width) return in;
  Image out;
  out.height = oh;
  out.width = ow;
  out.channels = in.channels;
  out.pixels.resize(static_cast<size_t>(oh * ow * in.channels));
  // Source coordinate of a destination pixel centre, clamped to the image (half-pixel mapping).
  auto axis = [](int64_t dst, int64_t n_in, int64_t n_out, int64_t& i0, int64_t& i1, double& w) {
    double s = (dst + 0.5) * static_cast<double>(n_in) / static_cast<double>(n_out) - 0.5;
    s = std::clamp(s, 0.0, static_cast<double>(n_in - 1));
    i0 = static_cast<int64_t>(std::floor(s));
    i1 = std::min(i0 + 1, n_in - 1);
    w = s - static_cast<double>(i0);
  };
  const int64_t c = in.channels;
  for (int64_t y = 0; y < oh; ++y) {
    int64_t y0, y1;
    double wy;
    axis(y, in.height, oh, y0, y1, wy);
    for (int64_t x = 0; x < ow; ++x) {
      int64_t x0, x1;
      double wx;
      axis(x, in.width, ow, x0, x1, wx);
      for (int64_t k = 0; k < c; ++k) {
        auto at = [&](int64_t yy, int64_t xx) { return static_cast<double>(in.pixels[static_cast<size_t>((yy * in.width + xx) * c + k)]); };
        double v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
        out.pixels[static_cast<size_t>((y * ow + x) * c + k)] = static_cast<uint8_t>(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
      }
    }
  }
  return out;
}

Image center_crop(const Image& in, int64_t h, int64_t w) {
  // Offsets as torchvision: round((size - crop) / 2), ties to even.
  const int64_t top = static_cast<int64_t>(std::nearbyint((in.height - h) / 2.0));
  const int64_t left = static_cast<int64_t>(std::nearbyint((in.width - w) / 2.0));
  Image out;
  out.height = h;
  out.width = w;
  out.channels = in.channels;
  out.pixels.resize(static_cast<size_t>(h * w * in.channels));
  const size_t row = static_cast<size_t>(w * in.channels);
  for (int64_t y = 0; y < h; ++y) {
    std::memcpy(out.pixels.data() + y * row, in.pixels.data() + ((top + y) * in.width + left) * in.channels, row);
  }
  return out;
}

Result<Dataset> load_image_folder(const std::string& spec, const std::string& dir_s, const DatasetOptions& options) {
  const Preprocess& pre = options.preprocess;
  const std::string ctx = "image folder '" + dir_s + "'";
  QWB_RETURN_IF_ERROR(check_options(pre, "data spec '" + spec + "'"));
  const fs::path dir(dir_s);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return not_found(ctx + ": no such directory");

  std::vector<std::string> class_names;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code ec_entry;
    if (!hidden(it->path()) && it->is_directory(ec_entry)) class_names.push_back(it->path().filename().string());
  }
  if (ec) return io_error(ctx + ": cannot be listed (" + ec.message() + ")");
  std::sort(class_names.begin(), class_names.end());

  std::vector<fs::path> files;
  std::vector<int64_t> labels;
  auto loose = image_files(dir, false, ec);
  if (ec) return io_error(ctx + ": cannot be listed (" + ec.message() + ")");
  if (!class_names.empty() && !loose.empty()) {
    // Ambiguous: are the loose files unlabeled samples or misplaced ones? Ask the user to decide.
    return invalid_argument(ctx + ": holds both class subfolders and images ('" + loose[0].filename().string() +
                            "'); put every image in a class subfolder, or use a folder of images only");
  }
  if (class_names.empty()) {
    files = std::move(loose);
  } else {
    for (size_t c = 0; c < class_names.size(); ++c) {
      auto f = image_files(dir / class_names[c], true, ec);
      if (ec) return io_error(ctx + ": subfolder '" + class_names[c] + "' cannot be listed (" + ec.message() + ")");
      files.insert(files.end(), f.begin(), f.end());
      labels.insert(labels.end(), f.size(), static_cast<int64_t>(c));
    }
  }
  if (files.empty()) {
    return invalid_argument(ctx + ": no images (.jpg, .jpeg, .png, .bmp) found" +
                            (class_names.empty() ? std::string() : " in its " + std::to_string(class_names.size()) + " subfolders"));
  }
  if (options.limit >= 0 && options.limit < static_cast<int64_t>(files.size())) {
    files.resize(static_cast<size_t>(options.limit));
    if (!labels.empty()) labels.resize(files.size());
  }
  if (files.empty()) return invalid_argument(ctx + ": limit 0 leaves no samples");

  // Decoding dominates; files are independent. Errors are reported for the first failing file
  // in sample order, whatever the thread timing.
  const int64_t n = static_cast<int64_t>(files.size());
  std::vector<Image> images(files.size());
  std::vector<Status> errors(files.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t i = 0; i < n; ++i) {
    auto im = load_one(files[static_cast<size_t>(i)], pre);
    if (im) images[static_cast<size_t>(i)] = std::move(*im);
    else errors[static_cast<size_t>(i)] = im.status();
  }
  for (const Status& s : errors) if (!s.is_ok()) return s;

  const Image& first = images[0];
  for (size_t i = 1; i < images.size(); ++i) {
    if (images[i].height != first.height || images[i].width != first.width) {
      return invalid_argument(ctx + ": images differ in size: '" + files[i].string() + "' is " + size_str(images[i]) +
                              " (HxW) but '" + files[0].string() + "' is " + size_str(first) +
                              (pre.resize > 0 || pre.crop_height > 0 ? " after resize/crop" : "") +
                              "; set a center crop (and resize) so that all images end up the same size");
    }
  }
  const int64_t h = first.height, w = first.width, c = pre.channels;
  const bool nchw = pre.layout == "NCHW";
  Tensor samples(DType::kUInt8, nchw ? Shape{n, c, h, w} : Shape{n, h, w, c});
  uint8_t* dst = samples.data<uint8_t>();
  const size_t per = static_cast<size_t>(h * w * c);
  for (size_t i = 0; i < images.size(); ++i) {
    const uint8_t* src = images[i].pixels.data();
    uint8_t* out = dst + i * per;
    if (!nchw) {
      std::memcpy(out, src, per);
    } else {
      for (int64_t k = 0; k < c; ++k)
        for (int64_t p = 0; p < h * w; ++p) out[k * h * w + p] = src[p * c + k];
    }
  }
  return Dataset(spec, std::move(samples), std::move(labels), pre, std::move(class_names));
}

}  // namespace qwb::data_internal
