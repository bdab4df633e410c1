#include "qwb/ui/report_pdf.h"

#include <QAbstractTextDocumentLayout>
#include <QByteArray>
#include <QCoreApplication>
#include <QFile>
#include <QFont>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QList>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgRenderer>
#include <QTextBoundaryFinder>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextLayout>
#include <QTextTable>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "qwb/report.h"

// The resolution QTextDocument lays text out at when it has no paint device (the screen's
// logical DPI, 96 on the offscreen platform). QTextDocument::print() scales by it too.
Q_GUI_EXPORT int qt_defaultDpiY();

namespace qwb::ui {

namespace {

constexpr double kMarginMm = 15;     // page margins (left, right, top, and below the body)
constexpr double kFooterGapMm = 7;   // the footer sits in the bottom margin, this far below the body
constexpr int kSvgScale = 3;         // charts rasterised at 3x their display size: crisp in print
constexpr double kCssDpi = 96;       // <img width=...> is in CSS pixels (1/96 inch)
constexpr double kShortTable = 0.6;  // tables up to this fraction of a page are kept on one page

// QTextDocument's CSS subset, a fallback: the report's own <style> comes after and wins where it
// sets the same property (today it sets most of them; cell padding is set again in fitTables).
const char* const kStyleSheet = R"(
body { font-size: 10pt; color: #1b1f24; }
h1 { font-size: 17pt; font-weight: bold; margin-top: 0px; margin-bottom: 6px; }
h2 { font-size: 13pt; font-weight: bold; color: #1d3557; margin-top: 16px; margin-bottom: 6px; }
h3 { font-size: 11pt; font-weight: bold; margin-top: 12px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 5px; }
table { border-collapse: collapse; border-color: #b9c2cc; border-style: solid; margin-top: 4px; margin-bottom: 10px; }
th { background-color: #e9eef4; font-weight: bold; border-color: #b9c2cc; border-style: solid; border-width: 1px; padding: 2px 5px; }
td { border-color: #c9d0d8; border-style: solid; border-width: 1px; padding: 2px 5px; }
code, pre, tt { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; }
)";

QtMessageHandler previousHandler = nullptr;

// CI containers often have no XDG_RUNTIME_DIR; Qt's warning about it says nothing about the PDF
// and would end up in every `qwb-cli report` log. Everything else passes through.
void quietMessages(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (type == QtWarningMsg && message.contains(QLatin1String("XDG_RUNTIME_DIR"))) return;
  if (previousHandler) previousHandler(type, context, message);
  else std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

// A QGuiApplication for the text layout and fonts. qwb-cli has none: create one on the offscreen
// platform (no display needed) unless the user chose a platform. It is never destroyed: tearing a
// QGuiApplication down during static destruction can run after Qt's own globals are gone.
Status ensureGuiApplication() {
  if (qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return Status::ok();
  if (QCoreApplication::instance()) return unsupported("PDF reports need a QGuiApplication (this process has a QCoreApplication)");
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  previousHandler = qInstallMessageHandler(quietMessages);
  static int argc = 1;
  static char name[] = "qwb-cli";
  static char* argv[] = {name, nullptr};
  static QGuiApplication* app = new QGuiApplication(argc, argv);
  (void)app;
  return Status::ok();
}

// The report's images as QImages: SVG charts rendered at kSvgScale times their display size on
// white (the page colour), PNGs decoded as they are.
QImage toImage(const ReportImage& img) {
  const QByteArray data = QByteArray::fromStdString(img.data);
  if (img.mime == "image/svg+xml") {
    QSvgRenderer svg(data);
    if (!svg.isValid()) return {};
    QSize size(img.width, img.height);
    if (size.isEmpty()) size = svg.defaultSize();
    QImage out(size * kSvgScale, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::SmoothPixmapTransform);
    svg.render(&p, QRectF(QPointF(0, 0), QSizeF(out.size())));
    p.end();
    out.setDevicePixelRatio(kSvgScale);
    return out;
  }
  return QImage::fromData(data);
}

// Images take their CSS size (1/96 inch) on paper, shrunk to fit the page where they would not.
// The layout works in units of qt_defaultDpiY(), so CSS pixels are converted.
void fitImages(QTextDocument& doc, const QSizeF& page, double unitsPerCssPx) {
  struct Change {
    int pos, len;
    QTextImageFormat format;
  };
  std::vector<Change> changes;
  for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
    for (auto it = b.begin(); !it.atEnd(); ++it) {
      const QTextFragment f = it.fragment();
      if (!f.isValid() || !f.charFormat().isImageFormat()) continue;
      QTextImageFormat fmt = f.charFormat().toImageFormat();
      QSizeF size(fmt.width(), fmt.height());
      if (size.width() <= 0 || size.height() <= 0) {
        const QImage img = doc.resource(QTextDocument::ImageResource, QUrl(fmt.name())).value<QImage>();
        if (img.isNull()) continue;
        size = img.deviceIndependentSize();
      }
      size *= unitsPerCssPx;
      // Inside table cells the cell's padding also takes room; 96% of the page is a safe bound.
      const double maxW = page.width() * 0.96, maxH = page.height() * 0.9;
      const double shrink = std::min({1.0, maxW / size.width(), maxH / size.height()});
      size *= shrink;
      fmt.setWidth(size.width());
      fmt.setHeight(size.height());
      changes.push_back({f.position(), f.length(), fmt});
    }
  }
  QTextCursor c(&doc);
  for (const Change& ch : changes) {
    c.setPosition(ch.pos);
    c.setPosition(ch.pos + ch.len, QTextCursor::KeepAnchor);
    c.setCharFormat(ch.format);
  }
}

// Table columns for paper. Qt's automatic column widths may wrap a column inside a word
// ("Suppo|rt") as soon as a table is wider than the page, because its minimum column width is one
// character, and may squeeze a column even when the table would fit at its natural width. Here a
// table that fits gets its natural column widths; otherwise each column gets at least its longest
// unbreakable piece (only the widest give way when even those do not fit: a SHA-256 or a long
// path breaks) and the rest of the page in proportion to how much more its text would want.
// Cells also get a narrower horizontal padding than a screen needs.
void fitTables(QTextDocument& doc, double pageWidth) {
  constexpr double kPadX = 4, kPadY = 2;  // cell padding, CSS pixels
  constexpr double kSlack = 1.03, kSlackPx = 2;  // measured widths are a little short of the laid-out ones
  const QFont base = doc.defaultFont();
  std::vector<QTextTable*> tables;
  for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
    QTextCursor c(b);
    QTextTable* t = c.currentTable();
    if (t && std::find(tables.begin(), tables.end(), t) == tables.end()) tables.push_back(t);
  }
  for (QTextTable* t : tables) {
    const int cols = t->columns();
    if (cols <= 0) continue;
    std::vector<double> minW(cols, 0), natW(cols, 0);
    double cellBorders = 0;  // collapsed cell borders (CSS on th/td) take room inside the columns
    for (int r = 0; r < t->rows(); ++r) {
      for (int col = 0; col < cols; ++col) {
        QTextTableCell cell = t->cellAt(r, col);
        if (!cell.isValid() || cell.row() != r || cell.column() != col) continue;
        QTextTableCellFormat cf = cell.format().toTableCellFormat();
        cf.setLeftPadding(kPadX);
        cf.setRightPadding(kPadX);
        cf.setTopPadding(kPadY);
        cf.setBottomPadding(kPadY);
        cell.setFormat(cf);
        cellBorders = std::max(cellBorders, cf.leftBorder() + cf.rightBorder());
        if (cell.columnSpan() > 1) continue;  // spans do not size single columns
        for (auto it = cell.begin(); !it.atEnd(); ++it) {
          const QTextBlock b = it.currentBlock();
          if (!b.isValid()) continue;
          double line = 0;
          for (auto f = b.begin(); !f.atEnd(); ++f) {
            const QTextFragment frag = f.fragment();
            if (!frag.isValid()) continue;
            if (frag.charFormat().isImageFormat()) {
              const double w = frag.charFormat().toImageFormat().width();
              line += w;
              minW[col] = std::max(minW[col], w);
              continue;
            }
            const QFontMetricsF fm(frag.charFormat().font().resolve(base));
            const QString text = frag.text();
            // <br> is a line separator inside the block: the natural width is the widest line.
            const QStringList lines = text.split(QChar::LineSeparator);
            for (qsizetype i = 0; i < lines.size(); ++i) {
              if (i > 0) {
                natW[col] = std::max(natW[col], line);
                line = 0;
              }
              line += fm.horizontalAdvance(lines[i]);
            }
            // The pieces between line-break opportunities, without their trailing spaces.
            QTextBoundaryFinder finder(QTextBoundaryFinder::Line, text);
            qsizetype from = 0;
            for (qsizetype to = finder.toNextBoundary(); to > 0; to = finder.toNextBoundary()) {
              minW[col] = std::max(minW[col], fm.horizontalAdvance(text.mid(from, to - from).trimmed()));
              from = to;
            }
          }
          natW[col] = std::max(natW[col], line);
        }
      }
    }
    const QTextTableFormat tf = t->format();
    const double perColumn = 2 * kPadX + cellBorders + 2 * tf.border() + tf.cellSpacing() + kSlackPx;
    const double overhead = cols * perColumn + 2 * tf.border() + tf.cellSpacing() + tf.leftMargin() + tf.rightMargin();
    const double avail = pageWidth * 0.99 - overhead;
    double sumMin = 0, sumNat = 0;
    for (int col = 0; col < cols; ++col) {
      minW[col] *= kSlack;
      natW[col] = std::max(natW[col] * kSlack, minW[col]);
      sumMin += minW[col];
      sumNat += natW[col];
    }
    if (avail <= 0) continue;
    // Fits at its natural width: Qt's own column widths would still squeeze some columns.
    if (sumNat <= avail) minW = natW, sumMin = sumNat;
    if (sumMin > avail) {
      // Even the longest pieces do not fit side by side: only the widest columns give way (their
      // long words break, a hash or a path), up to a common cap found by bisection.
      double lo = 0, hi = *std::max_element(minW.begin(), minW.end());
      for (int i = 0; i < 40; ++i) {
        const double cap = (lo + hi) / 2;
        double sum = 0;
        for (double w : minW) sum += std::min(w, cap);
        (sum > avail ? hi : lo) = cap;
      }
      sumMin = 0;
      for (double& w : minW) sumMin += (w = std::min(w, lo));
    }
    QList<QTextLength> widths;
    for (int col = 0; col < cols; ++col) {
      const double extra = sumNat > sumMin ? (avail - sumMin) * (natW[col] - minW[col]) / (sumNat - sumMin) : 0;
      widths << QTextLength(QTextLength::FixedLength, minW[col] + extra + 2 * kPadX + cellBorders + kSlackPx);
    }
    QTextTableFormat nf = tf;
    nf.setColumnWidthConstraints(widths);
    t->setFormat(nf);
  }
}

// Page breaks a reader expects: a heading stays with what follows it; a table or chart stays with
// the heading and one- or two-line introduction above it (and a chart above a table with the
// table); and a table short enough to fit on one page moves, with what belongs to it, to the next
// page instead of splitting. Long tables still split, repeating their header row (<thead> becomes
// the table's header rows).
void keepTogether(QTextDocument& doc, double pageHeight) {
  QAbstractTextDocumentLayout* layout = doc.documentLayout();
  auto pageOf = [&](double y) { return static_cast<int>(std::floor(y / pageHeight)); };
  struct Item {
    QTextBlock block;             // a paragraph, heading or chart of the root frame ...
    QTextFrame* frame = nullptr;  // ... or a table
  };
  auto rect = [&](const Item& i) { return i.frame ? layout->frameBoundingRect(i.frame) : layout->blockBoundingRect(i.block); };
  // Where an item's first line is: Qt pushes a line that does not fit to the next page but
  // leaves the block (or table) starting where it was.
  auto firstLine = [&](const QTextBlock& b) {
    const double top = layout->blockBoundingRect(b).top();
    return b.layout() && b.layout()->lineCount() > 0 ? top + b.layout()->lineAt(0).y() : top;
  };
  auto contentTop = [&](const Item& i) {
    if (!i.frame) return firstLine(i.block);
    if (auto* t = qobject_cast<QTextTable*>(i.frame); t && t->rows() > 0 && t->columns() > 0) {
      return firstLine(t->cellAt(0, 0).firstCursorPosition().block());
    }
    return layout->frameBoundingRect(i.frame).top();
  };
  auto isTable = [](const Item& i) { return i.frame && qobject_cast<QTextTable*>(i.frame); };
  auto isHeading = [](const Item& i) { return !i.frame && i.block.blockFormat().headingLevel() > 0; };
  auto hasImage = [](const Item& i) {
    if (i.frame) return false;
    for (auto f = i.block.begin(); !f.atEnd(); ++f) {
      if (f.fragment().charFormat().isImageFormat()) return true;
    }
    return false;
  };
  auto breaksBefore = [](const Item& i) {
    const auto policy = i.frame ? i.frame->frameFormat().pageBreakPolicy() : i.block.blockFormat().pageBreakPolicy();
    return (policy & QTextFormat::PageBreak_AlwaysBefore) != 0;
  };
  auto breakBefore = [](const Item& i) {
    if (i.frame) {
      QTextFrameFormat f = i.frame->frameFormat();
      f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
      i.frame->setFrameFormat(f);
    } else {
      QTextBlockFormat f = i.block.blockFormat();
      f.setPageBreakPolicy(QTextFormat::PageBreak_AlwaysBefore);
      QTextCursor(i.block).setBlockFormat(f);
    }
  };

  // Walks the root frame again after each break: a break moves everything after it.
  for (int guard = 0; guard < 200; ++guard) {
    std::vector<Item> items;
    for (auto it = doc.rootFrame()->begin(); !it.atEnd(); ++it) {
      if (it.currentFrame()) items.push_back({{}, it.currentFrame()});
      // Empty blocks (Qt puts one after each table) show nothing and belong to nothing.
      else if (it.currentBlock().isValid() && it.currentBlock().length() > 1) items.push_back({it.currentBlock(), nullptr});
    }
    // A short paragraph introduces the table after it ("Calibration-data validation: warning"),
    // or the chart after it unless it is the note under a table ("P: precision, R: recall").
    auto isIntro = [&](size_t i, bool forTable) {
      const Item& it = items[i];
      return !it.frame && !isHeading(it) && !hasImage(it) && it.block.layout() && it.block.layout()->lineCount() <= 2 &&
             (forTable || !(i > 0 && isTable(items[i - 1])));
    };
    bool changed = false;
    for (size_t k = 0; k < items.size() && !changed; ++k) {
      if (breaksBefore(items[k])) continue;
      const QRectF r = rect(items[k]);
      const bool table = isTable(items[k]);
      const bool figure = table || hasImage(items[k]);
      // The first item of what must stay together: the item itself, then (for a table or chart)
      // a chart, an introduction and the headings above it.
      size_t first = k;
      while (first > 0 && !breaksBefore(items[first])) {
        const size_t p = first - 1;
        const bool take = isHeading(items[first])
                              ? isHeading(items[p])  // a section heading right above a subsection's
                              : isHeading(items[p]) || (figure && (isIntro(p, table) || (table && hasImage(items[p]) && p + 1 == k)));
        if (!take) break;
        first = p;
      }
      const QRectF top = rect(items[first]);
      if (r.bottom() - top.top() > 0.95 * pageHeight) continue;  // would not fit on a page anyway
      // Already at the top of a page: a break would only leave an empty page behind.
      if (top.top() - pageOf(top.top()) * pageHeight < 0.05 * pageHeight) continue;
      // A heading whose content starts on the next page, or at the very bottom with its content
      // going on to the next page.
      const bool headingOrphaned =
          isHeading(items[k]) && k + 1 < items.size() &&
          (pageOf(r.top()) != pageOf(contentTop(items[k + 1]) + 1) ||
           (r.top() - pageOf(r.top()) * pageHeight > 0.85 * pageHeight && pageOf(r.top()) != pageOf(rect(items[k + 1]).bottom() - 1)));
      const bool shortTableSplit = table && pageOf(top.top() + 1) != pageOf(r.bottom() - 1) && r.bottom() - top.top() <= kShortTable * pageHeight;
      // The heading and introduction at the bottom of one page, their table or chart on the next.
      const bool figureAway = figure && first < k && pageOf(top.top() + 1) != pageOf(contentTop(items[k]) + 1);
      if (headingOrphaned || shortTableSplit || figureAway) {
        breakBefore(items[first]);
        changed = true;
      }
    }
    if (!changed) return;
    (void)layout->documentSize();  // lays the document out again with the new break
  }
}

}  // namespace

Status write_pdf_report(const nlohmann::json& report, const std::string& path) {
  try {
    QWB_RETURN_IF_ERROR(ensureGuiApplication());
    const HtmlReport html = render_html(report, HtmlImages::kReferenced);

    QFile out(QFile::decodeName(path.c_str()));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
      return io_error("file '" + path + "': cannot be opened for writing (" + out.errorString().toStdString() + ")");
    }
    QPdfWriter writer(&out);
    writer.setCreator(QStringLiteral("Quantization Workbench"));
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm - kFooterGapMm),
                                     QPageLayout::Millimeter));

    // The layout is in units of the document's own resolution (as QTextDocument::print does for
    // paginated documents); the painter scales them to the writer's.
    const double sourceDpi = qt_defaultDpiY() > 0 ? qt_defaultDpiY() : kCssDpi;
    const double scale = writer.resolution() / sourceDpi;
    const double mm = writer.resolution() / 25.4;  // device pixels per millimetre
    const QSizeF body(writer.width() / scale, (writer.height() - kFooterGapMm * mm) / scale);

    QTextDocument doc;
    doc.setUseDesignMetrics(true);  // glyph advances independent of the screen: print spacing stays even
    doc.setDocumentMargin(0);       // the writer's margins are the page margins
    QFont font = QGuiApplication::font();
    font.setPointSizeF(10);
    doc.setDefaultFont(font);
    doc.setDefaultStyleSheet(QString::fromUtf8(kStyleSheet));
    for (const ReportImage& img : html.images) {
      const QImage image = toImage(img);
      if (!image.isNull()) doc.addResource(QTextDocument::ImageResource, QUrl(QString::fromStdString(img.name)), image);
    }
    doc.setHtml(QString::fromStdString(html.html));
    doc.setPageSize(body);
    fitImages(doc, body, sourceDpi / kCssDpi);
    fitTables(doc, body.width());
    keepTogether(doc, body.height());
    const QString title = doc.metaInformation(QTextDocument::DocumentTitle);
    writer.setTitle(title.isEmpty() ? QStringLiteral("Quantization Workbench report") : title);

    QPainter p;
    if (!p.begin(&writer)) return io_error("file '" + path + "': cannot be written as PDF");
    // Lossless: charts are line art, and JPEG (Qt's default for PDF images) blurs their edges.
    p.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing | QPainter::LosslessImageRendering);
    QFont footerFont = font;
    footerFont.setPointSizeF(7.5);
    const int pages = doc.pageCount();
    for (int i = 0; i < pages; ++i) {
      if (i > 0 && !writer.newPage()) return io_error("file '" + path + "': cannot add a page");
      p.save();
      p.scale(scale, scale);
      const QRectF clip(0, i * body.height(), body.width(), body.height());
      p.translate(0, -clip.top());
      p.setClipRect(clip);
      QAbstractTextDocumentLayout::PaintContext ctx;
      ctx.clip = clip;
      // Black on white whatever the desktop theme (the GUI's palette may be dark).
      ctx.palette.setColor(QPalette::Text, Qt::black);
      ctx.palette.setColor(QPalette::Link, QColor(0x1d, 0x4e, 0x89));
      doc.documentLayout()->draw(&p, ctx);
      p.restore();

      // Footer in device pixels (its font resolves against the writer's resolution): a thin rule,
      // then the text. English like the report body, which the engine writes.
      const double top = writer.height() - (kFooterGapMm - 2.5) * mm;
      p.setPen(QPen(QColor(0xb9, 0xc2, 0xcc), 0.2 * mm));
      p.drawLine(QPointF(0, top), QPointF(writer.width(), top));
      p.setPen(QColor(0x55, 0x5d, 0x66));
      p.setFont(footerFont);
      p.drawText(QRectF(0, top + 0.8 * mm, writer.width(), writer.height() - top), Qt::AlignRight | Qt::AlignTop,
                 QStringLiteral("Quantization Workbench report \u00b7 page %1 of %2").arg(i + 1).arg(pages));
    }
    if (!p.end() || out.error() != QFileDevice::NoError || !out.flush()) {
      const std::string why = out.errorString().toStdString();
      out.remove();
      return io_error("file '" + path + "': write failed (" + why + ")");
    }
    out.close();
    return Status::ok();
  } catch (const std::exception& e) {
    return internal_error("file '" + path + "': PDF report failed: " + e.what());
  }
}

}  // namespace qwb::ui
