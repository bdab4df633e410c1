#include "qwb/ui/data_sample_grid.h"

#include <QGridLayout>
#include <QLabel>
#include <QPixmap>

#include <algorithm>
#include <cmath>
#include <limits>

namespace qwb::ui {

QImage sampleToImage(const float* values, const Shape& shape, const std::string& layout) {
  if (!values) return {};
  // Leading 1s (a batch of one inside the sample, e.g. ONNX test data) carry no pixels.
  Shape s = shape;
  while (s.size() > 2 && s.front() == 1) s.erase(s.begin());
  int64_t h = 0, w = 0, c = 1;
  bool channels_last = false;
  auto is_channels = [](int64_t n) { return n == 1 || n == 3 || n == 4; };
  if (s.size() == 1) {
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(s[0]))));
    if (side * side == s[0]) h = w = side;
    else h = 1, w = s[0];  // a feature vector: one row
  } else if (s.size() == 2) {
    h = s[0], w = s[1];
  } else if (s.size() >= 3) {
    // Only the last three dimensions; anything before them is the first slice.
    const size_t r = s.size();
    const int64_t a = s[r - 3], b = s[r - 2], d = s[r - 1];
    if (layout == "NHWC" && is_channels(d)) channels_last = true;
    else if (is_channels(a)) channels_last = false;
    else if (is_channels(d)) channels_last = true;
    if (channels_last) h = a, w = b, c = d;
    else c = a, h = b, w = d;
  }
  if (h <= 0 || w <= 0 || h * w > 4096 * 4096) return {};
  const bool rgb = c >= 3;
  auto at = [&](int64_t y, int64_t x, int64_t ch) -> float {
    return channels_last ? values[(y * w + x) * c + ch] : values[(ch * h + y) * w + x];
  };
  const int64_t used = rgb ? 3 : 1;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (int64_t y = 0; y < h; ++y) {
    for (int64_t x = 0; x < w; ++x) {
      for (int64_t ch = 0; ch < used; ++ch) {
        const float v = at(y, x, ch);
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      }
    }
  }
  const float range = hi > lo ? hi - lo : 1.0f;
  auto level = [&](float v) -> uchar {
    if (!std::isfinite(v) || !std::isfinite(lo)) return 0;
    return static_cast<uchar>(std::clamp(std::lround((v - lo) / range * 255.0f), 0L, 255L));
  };
  QImage img(static_cast<int>(w), static_cast<int>(h), rgb ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
  for (int64_t y = 0; y < h; ++y) {
    uchar* line = img.scanLine(static_cast<int>(y));
    for (int64_t x = 0; x < w; ++x) {
      for (int64_t ch = 0; ch < used; ++ch) line[x * used + ch] = level(at(y, x, ch));
    }
  }
  return img;
}

DataSampleGrid::DataSampleGrid(int columns, QWidget* parent)
    : QWidget(parent), columns_(std::max(1, columns)), grid_(new QGridLayout(this)) {
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setHorizontalSpacing(8);
  grid_->setVerticalSpacing(4);
}

void DataSampleGrid::setCellSize(int pixels) {
  cell_ = std::max(16, pixels);
  rebuild();
}

void DataSampleGrid::setSamples(const QList<QImage>& images, const QStringList& captions) {
  images_ = images;
  captions_ = captions;
  rebuild();
}

void DataSampleGrid::rebuild() {
  while (QLayoutItem* item = grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  for (int i = 0; i < images_.size(); ++i) {
    auto* image = new QLabel;
    image->setFixedSize(cell_, cell_);
    image->setAlignment(Qt::AlignCenter);
    image->setStyleSheet(QStringLiteral("background: black;"));
    const QImage& img = images_[i];
    if (!img.isNull()) {
      // Nearest neighbour for upscaling: a 28x28 sample should show its pixels, not a blur.
      const bool up = img.width() < cell_ && img.height() < cell_;
      image->setPixmap(QPixmap::fromImage(img.scaled(cell_, cell_, Qt::KeepAspectRatio,
                                                     up ? Qt::FastTransformation : Qt::SmoothTransformation)));
    }
    auto* caption = new QLabel(i < captions_.size() ? captions_[i] : QString());
    caption->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    caption->setFixedWidth(cell_ + 8);
    caption->setToolTip(caption->text());
    // Long class names are elided rather than widening the column.
    caption->setText(caption->fontMetrics().elidedText(caption->text(), Qt::ElideRight, cell_ + 8));
    const int row = (i / columns_) * 2, col = i % columns_;
    grid_->addWidget(image, row, col, Qt::AlignHCenter);
    grid_->addWidget(caption, row + 1, col, Qt::AlignHCenter | Qt::AlignTop);
  }
  grid_->setColumnStretch(columns_, 1);
}

}  // namespace qwb::ui
