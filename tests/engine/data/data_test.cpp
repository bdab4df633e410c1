// Data: IDX and NPY readers and the Fashion-MNIST test set. Expected values: the IDX header of
// Debian's Fashion-MNIST files (10000 x 28 x 28), its first test labels (9 ankle boot, 2
// pullover, 1 trouser, 1, 6 shirt: the published dataset), and round trips through our writer.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "qwb/data.h"
#include "qwb/tensor_io.h"

using namespace qwb;
namespace fs = std::filesystem;

namespace {
fs::path tmp(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("qwb_data_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}
}  // namespace

TEST(Data, FashionMnistTestSet) {
  auto ds = load_dataset("fashion-mnist:test", {});
  ASSERT_TRUE(ds) << ds.status().message();
  EXPECT_EQ(ds->size(), 10000);
  EXPECT_EQ(ds->sample_shape(), (Shape{28, 28}));
  ASSERT_TRUE(ds->has_labels());
  EXPECT_EQ(ds->num_classes(), 10);
  std::vector<int64_t> first(ds->labels().begin(), ds->labels().begin() + 5);
  EXPECT_EQ(first, (std::vector<int64_t>{9, 2, 1, 1, 6}));
  // Label names as the dataset documents them (Zalando's README); label 9 is "Ankle boot".
  ASSERT_EQ(ds->class_names().size(), 10u);
  EXPECT_EQ(ds->class_names().front(), "T-shirt/top");
  EXPECT_EQ(ds->class_names()[9], "Ankle boot");
}

TEST(Data, BatchAppliesScaleMeanStdAndReshapes) {
  DatasetOptions opt;
  opt.preprocess.mean = {0.5f};
  opt.preprocess.stddev = {0.25f};
  opt.limit = 4;
  auto ds = load_dataset("fashion-mnist:test", opt);
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->size(), 4);
  auto b = ds->batch(1, 3, {1, 28, 28});
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(b->shape(), (Shape{2, 1, 28, 28}));
  double raw = ds->raw_samples().get_double(28 * 28 + 100);
  EXPECT_NEAR(b->data<float>()[100], (raw / 255.0 - 0.5) / 0.25, 1e-5);
  auto bad = ds->batch(0, 1, {3, 28, 28});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("[28, 28]"), std::string::npos) << bad.status().message();
}

TEST(Data, NpyRoundTrip) {
  auto t = Tensor::from_vector<float>({2, 3}, {1, -2, 3.5f, 4, 5, 6});
  auto path = tmp("a.npy").string();
  ASSERT_TRUE(write_npy(path, t));
  auto r = read_npy(path);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->shape(), t.shape());
  EXPECT_EQ(r->data<float>()[2], 3.5f);
  auto i = Tensor::from_vector<int64_t>({3}, {7, -1, 9});
  ASSERT_TRUE(write_npy(path, i));
  auto ri = read_npy(path);
  ASSERT_TRUE(ri);
  EXPECT_EQ(ri->to_int64_vector(), (std::vector<int64_t>{7, -1, 9}));
}

TEST(Data, BadNpyAndIdxFilesGiveClearErrors) {
  auto p = tmp("bad.npy").string();
  std::ofstream(p) << "hello";
  auto r = read_npy(p);
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("not a NumPy"), std::string::npos);
  auto t = Tensor::from_vector<float>({100}, std::vector<float>(100, 1.0f));
  ASSERT_TRUE(write_npy(p, t));
  fs::resize_file(p, 200);
  auto cut = read_npy(p);
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.status().message().find("truncated"), std::string::npos);
  auto idx = read_idx(tmp("missing.idx").string());
  ASSERT_FALSE(idx);
  EXPECT_EQ(idx.status().code(), StatusCode::kNotFound);
}

TEST(Data, PlainAndGzippedIdxAgree) {
  // A 2 x 2 x 3 uint8 IDX file written by hand: magic 0x00000803, dims big-endian.
  std::string bytes = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};
  for (int i = 0; i < 12; ++i) bytes.push_back(static_cast<char>(i * 10));
  auto plain = tmp("x.idx").string();
  std::ofstream(plain, std::ios::binary) << bytes;
  auto gz = tmp("x.idx.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  auto a = read_idx(plain), b = read_idx(gz);
  ASSERT_TRUE(a) << a.status().message();
  ASSERT_TRUE(b) << b.status().message();
  EXPECT_EQ(a->shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(b->get_int64(11), 110);
  EXPECT_EQ(a->get_int64(5), b->get_int64(5));
  auto ds = load_dataset("idx:" + plain + "," + plain, {});
  ASSERT_FALSE(ds);  // labels must be 1-D
  EXPECT_NE(ds.status().message().find("1-D"), std::string::npos) << ds.status().message();
}
