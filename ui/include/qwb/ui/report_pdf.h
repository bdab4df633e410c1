// PDF review reports: the report's HTML (qwb::render_html with HtmlImages::kReferenced) laid out
// by QTextDocument and printed page by page with QPdfWriter. Qt's rich text cannot show inline
// SVG, so the charts arrive as named images and are rasterised here at 3x their display size
// (crisp in print); PNG images are used as they are. A4, 15 mm margins, a footer "Quantization
// Workbench report · page X of Y" on each page. Made for paper on the Qt side: the CSS body indent
// goes (the page margins replace it), images shrink to the page, table columns get at least their
// longest word, tables repeat their header row on a new page, and headings, short introductions,
// charts and short tables move to the next page together rather than split.
//
// Lives in its own library (qwb::report_pdf: QtGui and QtSvg, no Widgets) so qwb-cli can write
// PDFs without the GUI stack.
//
//   auto doc = qwb::build_report(project, run, {}, progress);
//   if (doc) qwb::Status st = qwb::ui::write_pdf_report(*doc, "review.pdf");
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "qwb/status.h"

namespace qwb::ui {

// Renders the report's HTML (render_html kReferenced) with QTextDocument into an A4 PDF with
// QPdfWriter: SVG charts rasterised with QSvgRenderer at 3x (crisp in print), PNG images as they
// are, a footer with "Quantization Workbench report · page X of Y" on each page. Needs a
// QGuiApplication; creates one on the offscreen platform when none exists (qwb-cli). Errors name
// the file. May run on a worker thread when the application already exists (the GUI does so).
qwb::Status write_pdf_report(const nlohmann::json& report, const std::string& path);

}  // namespace qwb::ui
