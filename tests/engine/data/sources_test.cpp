// Dataset sources: image folders (stb_image), .npz archives and ONNX test-data .pb directories.
// Expected values: pixels of images written by the test itself (stb_image_write, lossless PNG/
// BMP; JPEG only within a tolerance), resize and crop results computed by hand below, stb's
// documented grayscale formula (77 r + 150 g + 29 b) >> 8, arrays from numpy-written fixtures
// (see fixtures/README.md) and from zip archives assembled by hand in this file.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "data/sources.h"
#include "qwb/data.h"
#include "qwb/tensor_io.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

using namespace qwb;
namespace fs = std::filesystem;

namespace {

fs::path tmpdir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("qwb_sources_test_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// An RGB image whose pixel (y, x) is (base + 10 y + x, 2 * (y + x), 200 - y).
std::vector<uint8_t> pattern(int h, int w, int base) {
  std::vector<uint8_t> px;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      px.push_back(static_cast<uint8_t>(base + 10 * y + x));
      px.push_back(static_cast<uint8_t>(2 * (y + x)));
      px.push_back(static_cast<uint8_t>(200 - y));
    }
  return px;
}

void write_png(const fs::path& p, int h, int w, const std::vector<uint8_t>& px, int comp = 3) {
  fs::create_directories(p.parent_path());
  ASSERT_TRUE(stbi_write_png(p.c_str(), w, h, comp, px.data(), w * comp)) << p;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::string npy_bytes(const Tensor& t) {
  auto p = tmpdir("npy") / "t.npy";
  EXPECT_TRUE(write_npy(p.string(), t));
  return read_bytes(p);
}

// A minimal zip archive (no zip64), members stored or raw-deflated, as the zip spec lays out:
// local header + data per member, then the central directory and its end record.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& members, bool deflated) {
  auto u16 = [](std::string& s, uint32_t v) { s += static_cast<char>(v & 255); s += static_cast<char>((v >> 8) & 255); };
  auto u32 = [&](std::string& s, uint32_t v) { u16(s, v & 0xffff); u16(s, v >> 16); };
  std::string out, cd;
  for (const auto& [name, data] : members) {
    std::string body = data;
    if (deflated) {
      z_stream zs{};
      deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
      body.assign(deflateBound(&zs, data.size()), '\0');
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      zs.avail_in = static_cast<uInt>(data.size());
      zs.next_out = reinterpret_cast<Bytef*>(body.data());
      zs.avail_out = static_cast<uInt>(body.size());
      deflate(&zs, Z_FINISH);
      body.resize(zs.total_out);
      deflateEnd(&zs);
    }
    const uint32_t crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t method = deflated ? 8 : 0;
    u32(out, 0x04034b50); u16(out, 20); u16(out, 0); u16(out, method); u16(out, 0); u16(out, 0);
    u32(out, crc); u32(out, static_cast<uint32_t>(body.size())); u32(out, static_cast<uint32_t>(data.size()));
    u16(out, static_cast<uint32_t>(name.size())); u16(out, 0);
    out += name + body;
    u32(cd, 0x02014b50); u16(cd, 20); u16(cd, 20); u16(cd, 0); u16(cd, method); u16(cd, 0); u16(cd, 0);
    u32(cd, crc); u32(cd, static_cast<uint32_t>(body.size())); u32(cd, static_cast<uint32_t>(data.size()));
    u16(cd, static_cast<uint32_t>(name.size())); u16(cd, 0); u16(cd, 0); u16(cd, 0); u16(cd, 0); u32(cd, 0);
    u32(cd, offset);
    cd += name;
  }
  const uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += cd;
  u32(out, 0x06054b50); u16(out, 0); u16(out, 0);
  u16(out, static_cast<uint32_t>(members.size())); u16(out, static_cast<uint32_t>(members.size()));
  u32(out, static_cast<uint32_t>(cd.size())); u32(out, cd_offset); u16(out, 0);
  return out;
}

std::string fixture(const std::string& name) { return std::string(QWB_SOURCE_DIR) + "/tests/engine/data/fixtures/" + name; }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

// ---- images ---------------------------------------------------------------------------------

TEST(DataImages, ClassFoldersNchwAndNhwc) {
  auto dir = tmpdir("classes");
  write_png(dir / "cat" / "b.png", 2, 3, pattern(2, 3, 50));
  write_png(dir / "cat" / "a.png", 2, 3, pattern(2, 3, 10));
  fs::create_directories(dir / "dog" / "sub");
  // BMP, in a nested folder (subfolders of a class belong to it).
  auto dog = pattern(2, 3, 90);
  ASSERT_TRUE(stbi_write_bmp((dir / "dog" / "sub" / "c.bmp").c_str(), 3, 2, 3, dog.data()));
  write_bytes(dir / "dog" / "notes.txt", "not an image, ignored");

  DatasetOptions opt;
  auto ds = load_dataset("images:" + dir.string(), opt);
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->size(), 3);
  EXPECT_EQ(ds->raw_samples().dtype(), DType::kUInt8);
  EXPECT_EQ(ds->sample_shape(), (Shape{3, 2, 3}));
  EXPECT_EQ(ds->labels(), (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(ds->class_names(), (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(ds->num_classes(), 2);
  // Sample 0 is cat/a.png (sorted). NCHW: [c][y][x]; pixel (1, 2) is (10 + 12, 6, 199).
  const auto* p = ds->raw_samples().data<uint8_t>();
  EXPECT_EQ(p[0 * 6 + 1 * 3 + 2], 22);
  EXPECT_EQ(p[1 * 6 + 1 * 3 + 2], 6);
  EXPECT_EQ(p[2 * 6 + 1 * 3 + 2], 199);
  // Sample 2 is the BMP: pixel (0, 1) red = 90 + 1.
  EXPECT_EQ(p[2 * 18 + 0 * 6 + 0 * 3 + 1], 91);
  // batch() applies the usual scale: 22 / 255.
  auto b = ds->batch(0, 1);
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_NEAR(b->data<float>()[5], 22.0 / 255.0, 1e-6);

  opt.preprocess.layout = "NHWC";
  auto nhwc = load_dataset("images:" + dir.string(), opt);
  ASSERT_TRUE(nhwc) << nhwc.status().message();
  EXPECT_EQ(nhwc->sample_shape(), (Shape{2, 3, 3}));
  const auto* q = nhwc->raw_samples().data<uint8_t>();
  EXPECT_EQ(q[(1 * 3 + 2) * 3 + 0], 22);
  EXPECT_EQ(q[(1 * 3 + 2) * 3 + 1], 6);
  EXPECT_EQ(q[(1 * 3 + 2) * 3 + 2], 199);

  opt.limit = 2;
  auto lim = load_dataset("images:" + dir.string(), opt);
  ASSERT_TRUE(lim);
  EXPECT_EQ(lim->size(), 2);
  EXPECT_EQ(lim->labels(), (std::vector<int64_t>{0, 0}));
}

TEST(DataImages, GrayscaleUsesStbLuma) {
  auto dir = tmpdir("gray");
  write_png(dir / "x.png", 1, 2, {100, 200, 50, 0, 0, 255});
  DatasetOptions opt;
  opt.preprocess.channels = 1;
  auto ds = load_dataset("images:" + dir.string(), opt);
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_FALSE(ds->has_labels());  // images directly in DIR: unlabeled
  EXPECT_EQ(ds->sample_shape(), (Shape{1, 1, 2}));
  // (77*100 + 150*200 + 29*50) >> 8 = 39150 >> 8 = 152;  (29*255) >> 8 = 7395 >> 8 = 28.
  EXPECT_EQ(ds->raw_samples().get_int64(0), 152);
  EXPECT_EQ(ds->raw_samples().get_int64(1), 28);
}

TEST(DataImages, ResizeShorterSideAndCenterCrop) {
  // 4x4 -> shorter side 2: with half-pixel centres each output pixel sits at source 2y + 0.5,
  // i.e. the mean of a 2x2 block. Block means of v(y, x) = 16 y + 4 x: 10, 18 / 42, 50.
  data_internal::Image im{4, 4, 1, {}};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) im.pixels.push_back(static_cast<uint8_t>(16 * y + 4 * x));
  auto r = data_internal::resize_shorter(im, 2);
  EXPECT_EQ(r.height, 2);
  EXPECT_EQ(r.width, 2);
  EXPECT_EQ(r.pixels, (std::vector<uint8_t>{10, 18, 42, 50}));
  // 2x1 -> shorter side 2 upsamples to 4x2; source rows at (y + 0.5) / 2 - 0.5 = -0.25 (clamped
  // to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, 25, 75, 100 for rows 0 and 100.
  data_internal::Image col{2, 1, 1, {0, 100}};
  auto up = data_internal::resize_shorter(col, 2);
  EXPECT_EQ(up.height, 4);
  EXPECT_EQ(up.width, 2);
  EXPECT_EQ(up.pixels, (std::vector<uint8_t>{0, 0, 25, 25, 75, 75, 100, 100}));
  // 3 x 7 -> shorter 2: longer side int(7 * 2 / 3) = 4, truncated as torchvision does.
  data_internal::Image odd{3, 7, 1, std::vector<uint8_t>(21, 9)};
  auto o = data_internal::resize_shorter(odd, 2);
  EXPECT_EQ(o.height, 2);
  EXPECT_EQ(o.width, 4);
  // Center crop 2x2 of a 2x5 row-major 0..9: left = round((5 - 2) / 2) = round(1.5) = 2 (ties to
  // even, as Python's round in torchvision), so columns 2, 3.
  data_internal::Image row{2, 5, 1, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
  auto c = data_internal::center_crop(row, 2, 2);
  EXPECT_EQ(c.pixels, (std::vector<uint8_t>{2, 3, 7, 8}));

  // Through load_dataset: a 4x8 and an 8x4 image, resize 2 then crop 2x2, become equal size.
  auto dir = tmpdir("resize");
  write_png(dir / "a" / "wide.png", 4, 8, pattern(4, 8, 0));
  write_png(dir / "b" / "tall.png", 8, 4, pattern(8, 4, 0));
  DatasetOptions opt;
  opt.preprocess.resize = 2;
  opt.preprocess.crop_height = 2;
  opt.preprocess.crop_width = 2;
  auto ds = load_dataset("images:" + dir.string(), opt);
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->sample_shape(), (Shape{3, 2, 2}));
  // wide.png red channel is 10 y + x; resized to 2x4 (block means of 2x2: 5.5 + 20 y' + 2 x'),
  // cropped at column 1: 7.5 -> 8, 9.5 -> 10, 27.5 -> 28, 29.5 -> 30 (round half up).
  const auto* p = ds->raw_samples().data<uint8_t>();
  EXPECT_EQ(std::vector<uint8_t>(p, p + 4), (std::vector<uint8_t>{8, 10, 28, 30}));
}

TEST(DataImages, JpegDecodes) {
  auto dir = tmpdir("jpeg");
  std::vector<uint8_t> px;
  for (int i = 0; i < 16 * 16; ++i) { px.push_back(200); px.push_back(100); px.push_back(30); }
  ASSERT_TRUE(stbi_write_jpg((dir / "flat.jpg").c_str(), 16, 16, 3, px.data(), 100));
  auto ds = load_dataset("images:" + dir.string(), {});
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->sample_shape(), (Shape{3, 16, 16}));
  // Lossy: a flat colour comes back within a few levels.
  EXPECT_NEAR(ds->raw_samples().get_double(0), 200, 3);
  EXPECT_NEAR(ds->raw_samples().get_double(256), 100, 3);
  EXPECT_NEAR(ds->raw_samples().get_double(512 + 17), 30, 3);
}

TEST(DataImages, ErrorsNameTheFile) {
  // Corrupt image.
  auto dir = tmpdir("corrupt");
  write_png(dir / "c0" / "good.png", 2, 2, pattern(2, 2, 0));
  write_bytes(dir / "c0" / "bad.png", "\x89PNG but not really a PNG file");
  auto r = load_dataset("images:" + dir.string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "bad.png")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "cannot decode")) << r.status().message();

  // Different sizes without resize/crop: names the mismatching file and both sizes.
  auto mixed = tmpdir("mixed");
  write_png(mixed / "a.png", 2, 2, pattern(2, 2, 0));
  write_png(mixed / "b.png", 2, 3, pattern(2, 3, 0));
  r = load_dataset("images:" + mixed.string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "b.png' is 2x3")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "a.png' is 2x2")) << r.status().message();

  // Crop larger than the image.
  DatasetOptions opt;
  opt.preprocess.crop_height = opt.preprocess.crop_width = 3;
  r = load_dataset("images:" + mixed.string(), opt);
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "a.png")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "smaller than the center crop 3x3")) << r.status().message();

  // Empty folder, empty class subfolders, missing folder.
  auto empty = tmpdir("empty");
  r = load_dataset("images:" + empty.string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "no images")) << r.status().message();
  fs::create_directories(empty / "class_a");
  r = load_dataset("images:" + empty.string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "no images")) << r.status().message();
  r = load_dataset("images:" + (empty / "nope").string(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);

  // Loose images beside class folders are ambiguous.
  write_png(empty / "loose.png", 2, 2, pattern(2, 2, 0));
  write_png(empty / "class_a" / "x.png", 2, 2, pattern(2, 2, 0));
  r = load_dataset("images:" + empty.string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "loose.png")) << r.status().message();

  // Bad options.
  DatasetOptions bad;
  bad.preprocess.channels = 2;
  r = load_dataset("images:" + mixed.string(), bad);
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "channels")) << r.status().message();
}

// ---- npz --------------------------------------------------------------------------------------

TEST(DataNpz, NumpyWrittenFixtures) {
  // small.npz: np.savez(x=float32 arange(12).reshape(3,2,2)/4, y=int64 [1, 0, 2]).
  auto ds = load_dataset("npz:" + fixture("small.npz"), {});
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->sample_shape(), (Shape{2, 2}));
  EXPECT_EQ(ds->size(), 3);
  EXPECT_EQ(ds->raw_samples().dtype(), DType::kFloat32);
  EXPECT_EQ(ds->raw_samples().get_double(7), 7.0 / 4);
  EXPECT_EQ(ds->labels(), (std::vector<int64_t>{1, 0, 2}));

  // small_compressed.npz (deflated): images uint8 arange(24).reshape(4, 6), labels int32
  // [3, 1, 0, 2], extra float64 ones(2). Defaults pick images/labels.
  auto c = load_dataset("npz:" + fixture("small_compressed.npz"), {});
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->sample_shape(), (Shape{6}));
  EXPECT_EQ(c->raw_samples().get_int64(23), 23);
  EXPECT_EQ(c->labels(), (std::vector<int64_t>{3, 1, 0, 2}));

  // Explicit key: `extra` has 2 samples and the auto-detected labels (4) don't fit, so none.
  auto e = load_dataset("npz:" + fixture("small_compressed.npz") + ",extra", {});
  ASSERT_TRUE(e) << e.status().message();
  EXPECT_EQ(e->size(), 2);
  EXPECT_FALSE(e->has_labels());

  auto all = read_npz(fixture("small_compressed.npz"));
  ASSERT_TRUE(all) << all.status().message();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].first, "images");
  EXPECT_EQ((*all)[2].first, "extra");
}

TEST(DataNpz, HandBuiltStoredAndDeflatedArchives) {
  auto dir = tmpdir("npz");
  auto a = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto b = Tensor::from_vector<int64_t>({2}, {5, 7});
  auto lab = Tensor::from_vector<int64_t>({2}, {1, 0});
  for (bool deflate : {false, true}) {
    auto path = dir / (deflate ? "d.npz" : "s.npz");
    write_bytes(path, make_zip({{"a.npy", npy_bytes(a)}, {"b.npy", npy_bytes(b)}, {"lab.npy", npy_bytes(lab)}}, deflate));
    // No x/images: the first array; no y/labels: no labels unless LABELKEY is given.
    auto ds = load_dataset("npz:" + path.string(), {});
    ASSERT_TRUE(ds) << ds.status().message();
    EXPECT_EQ(ds->sample_shape(), (Shape{3}));
    EXPECT_EQ(ds->raw_samples().get_double(5), 6.0);
    EXPECT_FALSE(ds->has_labels());
    auto with = load_dataset("npz:" + path.string() + ",a,lab", {});
    ASSERT_TRUE(with) << with.status().message();
    EXPECT_EQ(with->labels(), (std::vector<int64_t>{1, 0}));
    auto bk = load_dataset("npz:" + path.string() + ",b", {});
    ASSERT_TRUE(bk);
    EXPECT_EQ(bk->raw_samples().to_int64_vector(), (std::vector<int64_t>{5, 7}));

    // Missing keys name the key and the keys that exist.
    auto miss = load_dataset("npz:" + path.string() + ",nope", {});
    ASSERT_FALSE(miss);
    EXPECT_EQ(miss.status().code(), StatusCode::kNotFound);
    EXPECT_TRUE(contains(miss.status().message(), "no array 'nope'")) << miss.status().message();
    EXPECT_TRUE(contains(miss.status().message(), "'a', 'b', 'lab'")) << miss.status().message();
    auto miss_label = load_dataset("npz:" + path.string() + ",a,y", {});
    ASSERT_FALSE(miss_label);
    EXPECT_TRUE(contains(miss_label.status().message(), "no array 'y'")) << miss_label.status().message();
    // Float labels are refused when asked for explicitly.
    auto float_labels = load_dataset("npz:" + path.string() + ",b,a", {});
    ASSERT_FALSE(float_labels);
    EXPECT_TRUE(contains(float_labels.status().message(), "labels must be")) << float_labels.status().message();
  }
}

TEST(DataNpz, TruncatedAndCorruptArchives) {
  auto dir = tmpdir("npzbad");
  auto bytes = read_bytes(fixture("small_compressed.npz"));
  // Cut in the middle: the end-of-central-directory record is gone.
  write_bytes(dir / "cut.npz", bytes.substr(0, bytes.size() / 2));
  auto r = load_dataset("npz:" + (dir / "cut.npz").string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "cut.npz")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "truncated")) << r.status().message();
  // A flipped byte inside a stored member's data: the CRC catches it.
  auto stored = read_bytes(fixture("small.npz"));
  stored[stored.find("NUMPY") + 100] ^= 0x55;
  write_bytes(dir / "flip.npz", stored);
  r = load_dataset("npz:" + (dir / "flip.npz").string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "CRC")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "'x'")) << r.status().message();
  // Not a zip at all, and a missing file.
  write_bytes(dir / "text.npz", std::string(100, 'z'));
  r = load_dataset("npz:" + (dir / "text.npz").string(), {});
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.status().message(), "not a .npz")) << r.status().message();
  r = load_dataset("npz:" + (dir / "none.npz").string(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  // Prefixes and single-byte corruptions of a real archive give a Status, never a crash (most
  // are errors; a flip in unused header bytes may still load). Strided: file writes are slow.
  for (size_t len = 0; len < bytes.size(); len += 2) {
    write_bytes(dir / "p.npz", bytes.substr(0, len));
    EXPECT_FALSE(read_npz((dir / "p.npz").string())) << "prefix " << len;
  }
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0xff);
    write_bytes(dir / "f.npz", b);
    (void)read_npz((dir / "f.npz").string());
  }
}

// ---- pb ---------------------------------------------------------------------------------------

TEST(DataPb, TestDataSetLayout) {
  auto dir = tmpdir("pb");
  // test_data_set_0: one sample [1, 2, 2]; test_data_set_1: a batch of 2; test_data_set_10
  // sorts last (numeric order, not text order).
  for (int s : {0, 1, 10}) fs::create_directories(dir / ("test_data_set_" + std::to_string(s)));
  ASSERT_TRUE(write_tensor_pb((dir / "test_data_set_0" / "input_0.pb").string(),
                              Tensor::from_vector<float>({1, 2, 2}, {0, 1, 2, 3}), "x"));
  ASSERT_TRUE(write_tensor_pb((dir / "test_data_set_1" / "input_0.pb").string(),
                              Tensor::from_vector<float>({2, 2, 2}, {10, 11, 12, 13, 20, 21, 22, 23}), "x"));
  ASSERT_TRUE(write_tensor_pb((dir / "test_data_set_10" / "input_0.pb").string(),
                              Tensor::from_vector<float>({1, 2, 2}, {30, 31, 32, 33}), "x"));
  ASSERT_TRUE(write_npy((dir / "labels.npy").string(), Tensor::from_vector<int64_t>({4}, {0, 1, 1, 2})));
  auto ds = load_dataset("pb:" + dir.string(), {});
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->size(), 4);
  EXPECT_EQ(ds->sample_shape(), (Shape{2, 2}));
  EXPECT_EQ(ds->raw_samples().get_double(4), 10.0);
  EXPECT_EQ(ds->raw_samples().get_double(12), 30.0);
  EXPECT_EQ(ds->labels(), (std::vector<int64_t>{0, 1, 1, 2}));

  DatasetOptions opt;
  opt.limit = 2;
  auto lim = load_dataset("pb:" + dir.string(), opt);
  ASSERT_TRUE(lim) << lim.status().message();
  EXPECT_EQ(lim->size(), 2);
  EXPECT_EQ(lim->labels(), (std::vector<int64_t>{0, 1}));

  // DIR itself one test_data_set.
  auto one = load_dataset("pb:" + (dir / "test_data_set_1").string(), {});
  ASSERT_TRUE(one) << one.status().message();
  EXPECT_EQ(one->size(), 2);

  // Another input index that does not exist names the file.
  auto no = load_dataset("pb:" + dir.string() + ",1", {});
  ASSERT_FALSE(no);
  EXPECT_TRUE(contains(no.status().message(), "input_1.pb")) << no.status().message();

  // Mismatched shapes name both files.
  ASSERT_TRUE(write_tensor_pb((dir / "test_data_set_10" / "input_0.pb").string(),
                              Tensor::from_vector<float>({1, 4}, {30, 31, 32, 33}), "x"));
  auto bad = load_dataset("pb:" + dir.string(), {});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.status().message(), "test_data_set_10")) << bad.status().message();
  EXPECT_TRUE(contains(bad.status().message(), "test_data_set_0")) << bad.status().message();
}

TEST(DataPb, OnnxNodeTestData) {
  // Debian's libonnx-testdata: test_abs holds one set with input_0 float32 [3, 4, 5].
  const std::string dir = "/usr/share/libonnx-testdata/data/node/test_abs";
  if (!fs::exists(dir)) GTEST_SKIP() << dir << " not installed";
  auto ds = load_dataset("pb:" + dir, {});
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->size(), 3);
  EXPECT_EQ(ds->sample_shape(), (Shape{4, 5}));
}

TEST(DataSpecs, UnknownSourceListsAllSources) {
  auto r = load_dataset("csv:foo", {});
  ASSERT_FALSE(r);
  for (const char* k : {"fashion-mnist", "idx:", "npy:", "npz:", "images:", "pb:"}) {
    EXPECT_TRUE(contains(r.status().message(), k)) << r.status().message();
  }
}
