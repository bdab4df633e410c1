// A grid of data samples drawn as small images with a caption each (label, class name), and the
// conversion of one preprocessed sample tensor into an image. Used by the Data view's preview;
// meant for any view that shows samples (e.g. flipped predictions).
#pragma once

#include <QImage>
#include <QList>
#include <QStringList>
#include <QWidget>

#include <string>

#include "qwb/tensor.h"

class QGridLayout;

namespace qwb::ui {

// One sample's values (`shape` without the batch dimension) as an image: [H, W] or a square
// [H*W] is grayscale, [C, H, W] / [H, W, C] with C = 3 or 4 is RGB (the first three channels),
// other channel counts show their first channel. `layout` ("NCHW" / "NHWC") decides where the
// channels are when both ends could be. Values are min-max normalised over the image (all
// channels together), non-finite values draw black. A null image when nothing can be drawn.
QImage sampleToImage(const float* values, const Shape& shape, const std::string& layout);

class DataSampleGrid : public QWidget {
  Q_OBJECT

 public:
  explicit DataSampleGrid(int columns = 8, QWidget* parent = nullptr);

  // Images and captions of equal count (missing captions are empty). Small images are scaled up
  // without smoothing so pixels stay visible.
  void setSamples(const QList<QImage>& images, const QStringList& captions);
  void clear() { setSamples({}, {}); }
  void setCellSize(int pixels);

 private:
  void rebuild();

  int columns_;
  int cell_ = 88;
  QList<QImage> images_;
  QStringList captions_;
  QGridLayout* grid_;
};

}  // namespace qwb::ui
