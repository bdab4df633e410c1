// Sampling, subsets and SHA-256. Expected values: FIPS 180-2 example digests ("abc", the
// 448-bit message, a million 'a'), digests of the id texts from coreutils' sha256sum
// (printf '0\n1\n2' | sha256sum), stratified quotas computed by hand (largest remainder), and
// for the seeded random draw a list recorded from this implementation: std::mt19937_64 is
// specified bit for bit and the bounded draw is ours, so it must not change across platforms
// or releases (stored calibration ids depend on it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "qwb/data.h"
#include "qwb/hash.h"

using namespace qwb;
namespace fs = std::filesystem;

namespace {

Dataset make_dataset(int64_t n, std::vector<int64_t> labels = {}) {
  std::vector<float> v(static_cast<size_t>(n) * 2);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return Dataset("synthetic", Tensor::from_vector<float>({n, 2}, v), std::move(labels), {});
}

std::map<int64_t, int> per_class(const Dataset& ds, const std::vector<int64_t>& ids) {
  std::map<int64_t, int> m;
  for (int64_t id : ids) ++m[ds.labels()[static_cast<size_t>(id)]];
  return m;
}

}  // namespace

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // A million 'a', fed in uneven pieces (exercises the block buffer), and as a file.
  const std::string million(1000000, 'a');
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  Sha256 h;
  for (size_t off = 0, step = 1; off < million.size(); off += step, step = step * 3 % 1000 + 1) {
    h.update(million.data() + off, std::min(step, million.size() - off));
  }
  EXPECT_EQ(h.hex_digest(), expected);
  fs::path p = fs::temp_directory_path() / ("qwb_sha_" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << million;
  auto f = sha256_file(p.string());
  ASSERT_TRUE(f) << f.status().message();
  EXPECT_EQ(*f, expected);
  fs::remove(p);
  auto missing = sha256_file(p.string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(Sha256, SampleIdsText) {
  EXPECT_EQ(sample_ids_sha256({0, 1, 2}), "c4276dce1d5952cafea6aebd872c389f0945e4a2400859fa3998138d2e006f34");
  EXPECT_EQ(sample_ids_sha256({3, 17, 42}), "905b55b72033383f46a042c1f6f91cb223913b740959ee3a9c1d27947bade880");
  EXPECT_EQ(sample_ids_sha256({}), sha256_hex("", 0));
}

TEST(Sampling, ParseAndName) {
  for (Sampling s : {Sampling::kFirst, Sampling::kRandom, Sampling::kStratified}) {
    auto p = parse_sampling(sampling_name(s));
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, s);
  }
  auto bad = parse_sampling("shuffle");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("first, random or stratified"), std::string::npos);
}

TEST(Sampling, FirstAndAll) {
  auto ds = make_dataset(10);
  auto f = sample_ids(ds, 3, Sampling::kFirst, 0);
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (std::vector<int64_t>{0, 1, 2}));
  for (Sampling s : {Sampling::kFirst, Sampling::kRandom}) {
    auto all = sample_ids(ds, 50, s, 7);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 10u);
    EXPECT_EQ(all->back(), 9);
  }
  EXPECT_TRUE(sample_ids(ds, 0, Sampling::kRandom, 1)->empty());
  auto neg = sample_ids(ds, -1, Sampling::kRandom, 1);
  ASSERT_FALSE(neg);
  EXPECT_NE(neg.status().message().find(">= 0"), std::string::npos);
}

TEST(Sampling, RandomIsSeededSortedDistinctAndUniform) {
  auto ds = make_dataset(20);
  auto a = sample_ids(ds, 5, Sampling::kRandom, 42);
  auto b = sample_ids(ds, 5, Sampling::kRandom, 42);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(std::is_sorted(a->begin(), a->end()));
  EXPECT_EQ(std::adjacent_find(a->begin(), a->end()), a->end());
  // From the Python re-implementation (see the file comment).
  EXPECT_EQ(*a, (std::vector<int64_t>{0, 1, 2, 6, 9}));
  EXPECT_EQ(*sample_ids(make_dataset(1000), 8, Sampling::kRandom, 7), (std::vector<int64_t>{13, 15, 113, 167, 493, 495, 548, 683}));
  EXPECT_NE(*sample_ids(ds, 5, Sampling::kRandom, 43), *a);
  // Uniform: 3 of 10 over 2000 seeds, each id is picked 600 times on average (binomial sd 20.5);
  // 5 sd either way.
  auto ten = make_dataset(10);
  std::vector<int> count(10);
  for (uint64_t seed = 0; seed < 2000; ++seed) {
    auto ids = sample_ids(ten, 3, Sampling::kRandom, seed);
    ASSERT_TRUE(ids);
    for (int64_t id : *ids) ++count[static_cast<size_t>(id)];
  }
  for (int c : count) EXPECT_NEAR(c, 600, 103);
}

TEST(Sampling, StratifiedLargestRemainder) {
  // 100 samples, labels 0/1/2 with 50/30/20 samples, interleaved.
  std::vector<int64_t> labels;
  for (int i = 0; i < 100; ++i) labels.push_back(i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2);
  auto ds = make_dataset(100, labels);
  // n = 10: quotas 5, 3, 2 exactly.
  auto ten = sample_ids(ds, 10, Sampling::kStratified, 3);
  ASSERT_TRUE(ten) << ten.status().message();
  EXPECT_EQ(per_class(ds, *ten), (std::map<int64_t, int>{{0, 5}, {1, 3}, {2, 2}}));
  // n = 7: 3.5, 2.1, 1.4 -> floors 3, 2, 1 (6); the one left goes to the largest remainder
  // (class 0, .5) -> 4, 2, 1.
  auto seven = sample_ids(ds, 7, Sampling::kStratified, 3);
  ASSERT_TRUE(seven);
  EXPECT_EQ(per_class(ds, *seven), (std::map<int64_t, int>{{0, 4}, {1, 2}, {2, 1}}));
  EXPECT_TRUE(std::is_sorted(seven->begin(), seven->end()));
  EXPECT_EQ(*seven, *sample_ids(ds, 7, Sampling::kStratified, 3));
  // Equal remainders go to the lower label: labels 0, 1, 2 once each, n = 2 -> classes 0 and 1.
  auto three = make_dataset(3, {2, 0, 1});
  auto two = sample_ids(three, 2, Sampling::kStratified, 9);
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, (std::vector<int64_t>{1, 2}));
  // A label with no samples (1) is fine.
  auto gap = make_dataset(4, {0, 0, 2, 2});
  auto g = sample_ids(gap, 2, Sampling::kStratified, 1);
  ASSERT_TRUE(g);
  EXPECT_EQ(per_class(gap, *g), (std::map<int64_t, int>{{0, 1}, {2, 1}}));
  // No labels: a clear error.
  auto none = sample_ids(make_dataset(5), 2, Sampling::kStratified, 1);
  ASSERT_FALSE(none);
  EXPECT_NE(none.status().message().find("needs labels"), std::string::npos) << none.status().message();
}

TEST(Sampling, SubsetCopiesSamplesLabelsAndClassNames) {
  Dataset ds("d", Tensor::from_vector<uint8_t>({4, 2}, {0, 1, 10, 11, 20, 21, 30, 31}), {0, 1, 1, 0}, {},
             {"cat", "dog"});
  auto s = ds.subset({3, 1, 99});  // 99 is out of range: skipped
  EXPECT_EQ(s.size(), 2);
  EXPECT_EQ(s.raw_samples().dtype(), DType::kUInt8);
  EXPECT_EQ(s.raw_samples().to_int64_vector(), (std::vector<int64_t>{30, 31, 10, 11}));
  EXPECT_EQ(s.labels(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(s.class_names(), ds.class_names());
  // A copy, not a view.
  EXPECT_NE(s.raw_samples().raw(), ds.raw_samples().raw());
}
