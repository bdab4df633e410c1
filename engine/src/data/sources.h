// Internal: dataset sources beyond IDX/NPY (one file each) and helpers they share.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "qwb/data.h"

namespace qwb::data_internal {

// Checks that `t` holds labels (1-D, integer, non-negative); `ctx` names the file or key.
Result<std::vector<int64_t>> labels_from_tensor(const Tensor& t, const std::string& ctx);
// The first n rows of t (dim 0), copied.
Tensor first_rows(const Tensor& t, int64_t n);
std::vector<std::string> split(const std::string& s, char sep);

// images:DIR
Result<Dataset> load_image_folder(const std::string& spec, const std::string& dir, const DatasetOptions& options);
// npz:FILE[,KEY[,LABELKEY]] (args = everything after "npz:")
Result<Dataset> load_npz_dataset(const std::string& spec, const std::string& args, const DatasetOptions& options);
// pb:DIR[,INPUT]
Result<Dataset> load_pb_dataset(const std::string& spec, const std::string& args, const DatasetOptions& options);

// Decoded image, interleaved channels (HWC), uint8.
struct Image {
  int64_t height = 0, width = 0, channels = 0;
  std::vector<uint8_t> pixels;
};
// Decodes JPEG/PNG/BMP bytes to `channels` (1 or 3) channels; `name` is used in messages.
Result<Image> decode_image(const std::string& bytes, int64_t channels, const std::string& name);
// Shorter side to `shorter` (longer side scaled and truncated, as torchvision), bilinear with
// half-pixel centres, no antialiasing.
Image resize_shorter(const Image& in, int64_t shorter);
// Center crop; the caller checks that the image is at least h x w.
Image center_crop(const Image& in, int64_t h, int64_t w);

}  // namespace qwb::data_internal
