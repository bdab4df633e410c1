// Report files: writing each format, and the encodings reports embed (PNG, base64, CSV, HTML).
#include <cstring>
#include <filesystem>
#include <fstream>

#include "qwb/report.h"
#include "report/report_text.h"

// stb_image_write is header-only; its implementation lives here only, static so its symbols
// stay out of the engine library.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace qwb {

namespace {
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Status write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return io_error("file '" + path + "': cannot be opened for writing");
  f << text;
  f.close();
  if (!f) return io_error("file '" + path + "': write failed");
  return Status::ok();
}
}  // namespace

std::string base64_encode(const std::string& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kBase64[(v >> s) & 63];
  }
  if (i < in.size()) {
    const uint32_t v = (uint8_t(in[i]) << 16) | (i + 1 < in.size() ? uint8_t(in[i + 1]) << 8 : 0);
    out += kBase64[(v >> 18) & 63];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string encode_png(const uint8_t* pixels, int width, int height, int channels) {
  std::string out;
  auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size); };
  if (!stbi_write_png_to_func(sink, &out, width, height, channels, pixels, width * channels)) return {};
  return out;
}

namespace report {

std::string base64_decode(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(kBase64, c);
    if (c == '=' || !p || !*p) continue;
    acc = (acc << 6) | static_cast<uint32_t>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. A leading = + - @
// gets a quote mark in front so spreadsheets do not run it as a formula (layer names are user data).
std::string csv_field(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '@') ) v = "'" + v;
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace report

std::string classes_csv_path(const std::string& csv_path) {
  std::filesystem::path p(csv_path);
  return (p.parent_path() / (p.stem().string() + ".classes.csv")).string();
}

Result<std::vector<std::string>> write_report(const nlohmann::json& report, ReportFormat format, const std::string& path) {
  switch (format) {
    case ReportFormat::kHtml:
      QWB_RETURN_IF_ERROR(write_file(path, render_html(report).html));
      return std::vector<std::string>{path};
    case ReportFormat::kMarkdown:
      QWB_RETURN_IF_ERROR(write_file(path, render_markdown(report)));
      return std::vector<std::string>{path};
    case ReportFormat::kJson:
      QWB_RETURN_IF_ERROR(write_file(path, report.dump(2) + "\n"));
      return std::vector<std::string>{path};
    case ReportFormat::kCsv: {
      const std::string classes = classes_csv_path(path);
      QWB_RETURN_IF_ERROR(write_file(path, render_csv_layers(report)));
      QWB_RETURN_IF_ERROR(write_file(classes, render_csv_classes(report)));
      return std::vector<std::string>{path, classes};
    }
    case ReportFormat::kPdf:
      return unsupported("PDF reports are rendered by Qt (qwb::ui::write_pdf_report); this build's caller has no Qt");
  }
  return invalid_argument("unknown report format");
}

}  // namespace qwb
