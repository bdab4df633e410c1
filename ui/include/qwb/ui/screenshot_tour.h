// The screenshot tour (`qwb --screenshot-tour DIR`): creates the demo project in DIR, runs a real
// INT8 quantization (with evaluation and export) and a sensitivity sweep through the runs queue,
// shows each run in its views and writes one PNG per view to DIR. The README's screenshots come
// from it.
#pragma once

#include <QString>
#include <QStringList>

namespace qwb::ui {

class MainWindow;

// Returns 0 when every PNG was written, 1 when one could not be written, 2 when a step failed
// (the reason goes to stderr). `written` receives the PNG paths.
int runScreenshotTour(MainWindow& window, const QString& dir, QStringList* written = nullptr);

}  // namespace qwb::ui
