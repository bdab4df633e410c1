// Sampling: which samples a calibration run uses. Ids are stored with the run (and hashed), so
// the draw must be reproducible: std::mt19937_64 is specified bit for bit by the standard, and
// the bounded draw below is ours (std::uniform_int_distribution differs between libraries).
#include <algorithm>
#include <numeric>
#include <random>

#include "qwb/data.h"
#include "qwb/hash.h"

namespace qwb {

namespace {

// Uniform in [0, range), range > 0, without modulo bias: reject the 2^64 mod range lowest draws.
uint64_t bounded(std::mt19937_64& rng, uint64_t range) {
  const uint64_t reject_below = (0 - range) % range;
  uint64_t r;
  do r = rng(); while (r < reject_below);
  return r % range;
}

// Partial Fisher-Yates: the first k entries of `pool` become a uniform random k-subset.
void choose(std::vector<int64_t>& pool, size_t k, std::mt19937_64& rng) {
  for (size_t i = 0; i < k && i + 1 < pool.size(); ++i) {
    size_t j = i + static_cast<size_t>(bounded(rng, pool.size() - i));
    std::swap(pool[i], pool[j]);
  }
  pool.resize(std::min(k, pool.size()));
}

}  // namespace

Result<Sampling> parse_sampling(const std::string& s) {
  if (s == "first") return Sampling::kFirst;
  if (s == "random") return Sampling::kRandom;
  if (s == "stratified") return Sampling::kStratified;
  return invalid_argument("unknown sampling '" + s + "' (use first, random or stratified)");
}

const char* sampling_name(Sampling s) {
  switch (s) {
    case Sampling::kFirst: return "first";
    case Sampling::kRandom: return "random";
    case Sampling::kStratified: return "stratified";
  }
  return "?";
}

Result<std::vector<int64_t>> sample_ids(const Dataset& ds, int64_t n, Sampling how, uint64_t seed) {
  if (n < 0) return invalid_argument("sample count must be >= 0, got " + std::to_string(n));
  const int64_t size = ds.size();
  if (how == Sampling::kStratified && !ds.has_labels()) {
    return invalid_argument("dataset '" + ds.name() + "': stratified sampling needs labels and the dataset has none "
                            "(use random or first)");
  }
  std::vector<int64_t> all(static_cast<size_t>(size));
  std::iota(all.begin(), all.end(), 0);
  if (n >= size) return all;
  std::mt19937_64 rng(seed);
  std::vector<int64_t> ids;
  switch (how) {
    case Sampling::kFirst:
      all.resize(static_cast<size_t>(n));
      return all;
    case Sampling::kRandom:
      choose(all, static_cast<size_t>(n), rng);
      ids = std::move(all);
      break;
    case Sampling::kStratified: {
      const auto& labels = ds.labels();
      if (static_cast<int64_t>(labels.size()) != size) {
        return invalid_argument("dataset '" + ds.name() + "': " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(size) + " samples");
      }
      std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(ds.num_classes()));
      for (int64_t i = 0; i < size; ++i) by_class[static_cast<size_t>(labels[static_cast<size_t>(i)])].push_back(i);
      // Quota n * c_k / size, floored; the remaining slots go to the largest remainders (ties:
      // lower label). Exact integer arithmetic so the result does not depend on rounding.
      const size_t k = by_class.size();
      std::vector<int64_t> quota(k);
      std::vector<__int128> rem(k);
      int64_t given = 0;
      for (size_t c = 0; c < k; ++c) {
        __int128 num = static_cast<__int128>(n) * static_cast<__int128>(by_class[c].size());
        quota[c] = static_cast<int64_t>(num / size);
        rem[c] = num % size;
        given += quota[c];
      }
      std::vector<size_t> order(k);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rem[a] > rem[b]; });
      for (size_t i = 0; given < n && i < k; ++i) {
        if (rem[order[i]] > 0) { ++quota[order[i]]; ++given; }
      }
      for (size_t c = 0; c < k; ++c) {
        choose(by_class[c], static_cast<size_t>(quota[c]), rng);
        ids.insert(ids.end(), by_class[c].begin(), by_class[c].end());
      }
      break;
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string sample_ids_sha256(const std::vector<int64_t>& ids) {
  Sha256 h;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) h.update("\n", 1);
    const std::string s = std::to_string(ids[i]);
    h.update(s.data(), s.size());
  }
  return h.hex_digest();
}

}  // namespace qwb
