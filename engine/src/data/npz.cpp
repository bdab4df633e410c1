// NumPy .npz: a zip archive of .npy members. The zip central directory is parsed here (it is
// small and we need only stored/deflated members); deflate goes through zlib's raw inflate.
// numpy writes members with zip64 local headers (force_zip64), so sizes are taken from the
// central directory, with zip64 extra fields honoured.
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>

#include "data/sources.h"
#include "qwb/tensor_io.h"

namespace qwb {

namespace {

uint64_t le(const std::string& b, size_t off, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[off + i])) << (8 * i);
  return v;
}

struct Member {
  std::string name;  // as stored, e.g. "x.npy"
  uint16_t flags = 0, method = 0;
  uint32_t crc = 0;
  uint64_t comp_size = 0, size = 0, local_offset = 0;
};

class NpzArchive {
 public:
  static Result<NpzArchive> open(const std::string& path);
  // Keys: member names without ".npy", in archive order.
  std::vector<std::string> keys() const;
  bool has(const std::string& key) const { return find(key) != nullptr; }
  Result<Tensor> get(const std::string& key) const;
  std::string ctx() const { return "file '" + path_ + "'"; }

 private:
  const Member* find(const std::string& key) const {
    for (const Member& m : members_) if (m.name == key + ".npy" || m.name == key) return &m;
    return nullptr;
  }
  Status parse();
  std::string path_;
  std::string bytes_;
  std::vector<Member> members_;
};

Result<NpzArchive> NpzArchive::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("file '" + path + "': no such file");
  std::ifstream f(path, std::ios::binary);
  if (!f) return io_error("file '" + path + "': cannot be opened for reading");
  NpzArchive a;
  a.path_ = path;
  a.bytes_.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  if (f.bad()) return io_error("file '" + path + "': read failed");
  QWB_RETURN_IF_ERROR(a.parse());
  return a;
}

Status NpzArchive::parse() {
  const std::string& b = bytes_;
  const std::string bad = ctx() + ": not a .npz (zip) archive or truncated";
  if (b.size() < 22) return invalid_argument(bad + " (" + std::to_string(b.size()) + " bytes)");
  // End-of-central-directory record: last 22 bytes plus a comment of up to 65535 bytes.
  size_t eocd = std::string::npos;
  for (size_t i = b.size() - 22 + 1; i-- > 0 && b.size() - i <= 22 + 65535;) {
    if (le(b, i, 4) == 0x06054b50) { eocd = i; break; }
  }
  if (eocd == std::string::npos) return invalid_argument(bad + " (no end-of-central-directory record)");
  uint64_t count = le(b, eocd + 10, 2), cd_size = le(b, eocd + 12, 4), cd_off = le(b, eocd + 16, 4);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF) {
    // zip64: a locator just before the record points at the zip64 end-of-central-directory.
    if (eocd < 20 || le(b, eocd - 20, 4) != 0x07064b50) return invalid_argument(bad + " (zip64 locator missing)");
    uint64_t z = le(b, eocd - 20 + 8, 8);
    if (z > b.size() || b.size() - z < 56 || le(b, z, 4) != 0x06064b50) {
      return invalid_argument(bad + " (bad zip64 end-of-central-directory record)");
    }
    count = le(b, z + 32, 8);
    cd_size = le(b, z + 40, 8);
    cd_off = le(b, z + 48, 8);
  }
  if (cd_off > b.size() || cd_size > b.size() - cd_off) return invalid_argument(bad + " (central directory out of range)");
  size_t p = cd_off;
  for (uint64_t i = 0; i < count; ++i) {
    if (p + 46 > b.size() || le(b, p, 4) != 0x02014b50) return invalid_argument(bad + " (bad central directory entry)");
    Member m;
    m.flags = static_cast<uint16_t>(le(b, p + 8, 2));
    m.method = static_cast<uint16_t>(le(b, p + 10, 2));
    m.crc = static_cast<uint32_t>(le(b, p + 16, 4));
    m.comp_size = le(b, p + 20, 4);
    m.size = le(b, p + 24, 4);
    size_t name_len = le(b, p + 28, 2), extra_len = le(b, p + 30, 2), comment_len = le(b, p + 32, 2);
    m.local_offset = le(b, p + 42, 4);
    if (p + 46 + name_len + extra_len + comment_len > b.size()) return invalid_argument(bad + " (bad central directory entry)");
    m.name = b.substr(p + 46, name_len);
    // zip64 extra field (id 1): 8-byte values for whichever 32-bit fields are 0xFFFFFFFF, in
    // the order uncompressed size, compressed size, local header offset.
    for (size_t e = p + 46 + name_len, end = e + extra_len; e + 4 <= end;) {
      uint64_t id = le(b, e, 2), len = le(b, e + 2, 2);
      if (e + 4 + len > end) break;
      if (id == 1) {
        size_t q = e + 4, qe = q + len;
        auto take = [&](uint64_t& field) {
          if (field == 0xFFFFFFFF && q + 8 <= qe) { field = le(b, q, 8); q += 8; }
        };
        take(m.size);
        take(m.comp_size);
        take(m.local_offset);
      }
      e += 4 + len;
    }
    members_.push_back(std::move(m));
    p += 46 + name_len + extra_len + comment_len;
  }
  return Status::ok();
}

std::vector<std::string> NpzArchive::keys() const {
  std::vector<std::string> k;
  for (const Member& m : members_) {
    k.push_back(m.name.size() > 4 && m.name.compare(m.name.size() - 4, 4, ".npy") == 0 ? m.name.substr(0, m.name.size() - 4)
                                                                                       : m.name);
  }
  return k;
}

Result<Tensor> NpzArchive::get(const std::string& key) const {
  const Member* m = find(key);
  if (!m) {
    std::string have;
    for (const auto& k : keys()) have += (have.empty() ? "'" : ", '") + k + "'";
    return not_found(ctx() + ": no array '" + key + "' (the archive has " + (have.empty() ? "no arrays" : have) + ")");
  }
  const std::string mctx = ctx() + ": array '" + key + "'";
  if (m->flags & 1) return unsupported(mctx + " is encrypted");
  if (m->method != 0 && m->method != 8) {
    return unsupported(mctx + " uses zip compression method " + std::to_string(m->method) + " (only stored and deflate are supported)");
  }
  const std::string& b = bytes_;
  if (m->local_offset > b.size() || b.size() - m->local_offset < 30 || le(b, m->local_offset, 4) != 0x04034b50) {
    return invalid_argument(mctx + ": bad local header (archive truncated or corrupt)");
  }
  uint64_t data = m->local_offset + 30 + le(b, m->local_offset + 26, 2) + le(b, m->local_offset + 28, 2);
  if (data > b.size() || m->comp_size > b.size() - data) {
    return invalid_argument(mctx + " is truncated (archive cut short: " + std::to_string(m->comp_size) +
                            " compressed bytes expected)");
  }
  // Deflate expands at most ~1032:1; checking this before allocating keeps a corrupt size field
  // from asking for gigabytes.
  if (m->method == 8 && m->size / 1032 > m->comp_size + 64) {
    return invalid_argument(mctx + ": implausible size " + std::to_string(m->size) + " for " +
                            std::to_string(m->comp_size) + " compressed bytes (corrupt archive)");
  }
  std::string out;
  if (m->method == 0) {
    if (m->comp_size != m->size) return invalid_argument(mctx + ": stored member with differing sizes");
    out = b.substr(data, m->size);
  } else {
    out.resize(m->size);
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return internal_error(mctx + ": zlib inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(b.data() + data));
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    uint64_t in_left = m->comp_size, out_left = m->size;
    int rc = Z_OK;
    // zlib counts in uInt; feed large members in chunks.
    while (rc == Z_OK) {
      if (zs.avail_in == 0 && in_left) {
        zs.avail_in = static_cast<uInt>(std::min<uint64_t>(in_left, UINT_MAX));
        in_left -= zs.avail_in;
      }
      if (zs.avail_out == 0 && out_left) {
        zs.avail_out = static_cast<uInt>(std::min<uint64_t>(out_left, UINT_MAX));
        out_left -= zs.avail_out;
      }
      rc = inflate(&zs, Z_NO_FLUSH);
      if (rc == Z_BUF_ERROR && zs.avail_in == 0 && in_left == 0) break;
      if (rc == Z_BUF_ERROR && zs.avail_out == 0 && out_left == 0) break;
    }
    const uint64_t produced = zs.total_out;
    const std::string why = rc == Z_STREAM_END ? "size mismatch" : zs.msg ? zs.msg : "stream ends early";
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != m->size) return invalid_argument(mctx + ": corrupt deflate data (" + why + ")");
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t off = 0; off < out.size(); off += UINT_MAX) {
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data() + off), static_cast<uInt>(std::min<size_t>(out.size() - off, UINT_MAX)));
  }
  if (static_cast<uint32_t>(crc) != m->crc) return invalid_argument(mctx + ": CRC mismatch (corrupt archive)");
  return parse_npy(out, path_ + ":" + key);
}

}  // namespace

Result<std::vector<std::pair<std::string, Tensor>>> read_npz(const std::string& path, const std::vector<std::string>& keys) {
  auto a = NpzArchive::open(path);
  if (!a) return a.status();
  std::vector<std::pair<std::string, Tensor>> out;
  for (const std::string& k : keys.empty() ? a->keys() : keys) {
    auto t = a->get(k);
    if (!t) return t.status();
    out.emplace_back(k, std::move(*t));
  }
  return out;
}

namespace data_internal {

Result<Dataset> load_npz_dataset(const std::string& spec, const std::string& args, const DatasetOptions& options) {
  auto parts = split(args, ',');
  if (parts.empty() || parts.size() > 3 || parts[0].empty()) {
    return invalid_argument("data spec '" + spec + "': expected npz:FILE[,KEY[,LABELKEY]]");
  }
  auto a = NpzArchive::open(parts[0]);
  if (!a) return a.status();
  const std::string key_arg = parts.size() > 1 ? parts[1] : "";
  const std::string label_arg = parts.size() > 2 ? parts[2] : "";
  std::string key = key_arg;
  if (key.empty()) {
    if (a->has("x")) key = "x";
    else if (a->has("images")) key = "images";
    else {
      for (const auto& k : a->keys()) {
        if (k != "y" && k != "labels" && k != label_arg) { key = k; break; }
      }
    }
    if (key.empty()) return invalid_argument(a->ctx() + ": holds no arrays to use as samples");
  }
  auto samples = a->get(key);
  if (!samples) return samples.status();
  if (samples->rank() < 1 || samples->dim(0) == 0) {
    return invalid_argument(a->ctx() + ": array '" + key + "' holds no samples (shape " + shape_str(samples->shape()) + ")");
  }
  const int64_t n = samples->dim(0);
  std::vector<int64_t> labels;
  if (!label_arg.empty()) {
    auto t = a->get(label_arg);
    if (!t) return t.status();
    auto l = labels_from_tensor(*t, a->ctx() + ": array '" + label_arg + "'");
    if (!l) return l.status();
    if (static_cast<int64_t>(l->size()) != n) {
      return invalid_argument(a->ctx() + ": " + std::to_string(n) + " samples in '" + key + "' but " +
                              std::to_string(l->size()) + " labels in '" + label_arg + "'");
    }
    labels = std::move(*l);
  } else {
    // Conventional names are used only when they look like labels; anything else (regression
    // targets, masks) is simply not a label array, so it is no reason to refuse the samples.
    for (const char* cand : {"y", "labels"}) {
      if (cand == key || !a->has(cand)) continue;
      auto t = a->get(cand);
      if (!t) return t.status();  // a corrupt member is still an error
      auto l = labels_from_tensor(*t, cand);
      if (l && static_cast<int64_t>(l->size()) == n) { labels = std::move(*l); break; }
    }
  }
  Tensor all = *samples;
  if (options.limit >= 0 && options.limit < n) {
    all = first_rows(all, options.limit);
    if (!labels.empty()) labels.resize(static_cast<size_t>(options.limit));
  }
  return Dataset(spec, std::move(all), std::move(labels), options.preprocess);
}

}  // namespace data_internal

}  // namespace qwb
