// The translation catalogues: translations/qwb_de.ts must be complete (every message translated,
// placeholders, rich-text tags, accelerators and final punctuation kept), qwb_en.ts must hold the
// English plural forms of every %n message, and the catalogues compiled into the binary (:/i18n)
// must say what the .ts files say.
// Expected strings: translations/qwb_de.ts and qwb_en.ts (written by hand; refreshed from the
// sources with `cmake --build build --target update_translations`).
#include <QCoreApplication>
#include <QFile>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QTranslator>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "qt_printers.h"
#include "qwb/ui/application.h"
#include "qwb/ui/main_window.h"

namespace {

// The translations folder sits two levels above resources/samples (QWB_UI_TEST_SAMPLES) in the
// source tree; deriving it keeps tests/ui/CMakeLists.txt, which others edit too, untouched.
QString tsPath(const char* file) {
  return QStringLiteral(QWB_UI_TEST_SAMPLES "/../../translations/") + QLatin1String(file);
}

struct Message {
  QString context;
  QString source;
  bool numerus = false;
  QString type;          // the <translation type="..."> attribute: unfinished, vanished, obsolete
  QString translation;   // non-numerus messages
  QStringList forms;     // numerus messages: one entry per <numerusform>
  qint64 line = 0;

  // Where a failing message is in the file, for the failure message.
  QString where() const { return QStringLiteral("qwb_*.ts:%1 [%2] \"%3\"").arg(QString::number(line), context, source); }
  QStringList translations() const { return numerus ? forms : QStringList{translation}; }
};

struct Catalogue {
  QString language;
  std::vector<Message> messages;
  QString error;  // empty when the file was read completely
};

Catalogue readTs(const QString& path) {
  Catalogue cat;
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    cat.error = QStringLiteral("cannot open ") + path;
    return cat;
  }
  QXmlStreamReader xml(&file);
  QString context;
  Message msg;
  bool inMessage = false;
  while (!xml.atEnd()) {
    xml.readNext();
    if (!xml.isStartElement()) {
      if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
        cat.messages.push_back(msg);
        inMessage = false;
      }
      continue;
    }
    const auto name = xml.name();
    if (name == QLatin1String("TS")) {
      cat.language = xml.attributes().value(QLatin1String("language")).toString();
    } else if (name == QLatin1String("name") && !inMessage) {
      context = xml.readElementText();
    } else if (name == QLatin1String("message")) {
      msg = Message{};
      msg.context = context;
      msg.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
      msg.line = xml.lineNumber();
      inMessage = true;
    } else if (name == QLatin1String("source") && inMessage) {
      msg.source = xml.readElementText();
    } else if (name == QLatin1String("translation") && inMessage) {
      msg.type = xml.attributes().value(QLatin1String("type")).toString();
      if (!msg.numerus) msg.translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
    } else if (name == QLatin1String("numerusform") && inMessage) {
      msg.forms << xml.readElementText();
    }
  }
  if (xml.hasError()) cat.error = QStringLiteral("%1: line %2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
  return cat;
}

// %1..%9 (also %L1) and %n: what QString::arg and tr(..., n) substitute.
QStringList placeholders(const QString& s) {
  static const QRegularExpression re(QStringLiteral("%L?([1-9]|n)"));
  QSet<QString> found;
  for (const auto& m : re.globalMatch(s)) found.insert(m.captured(1));
  QStringList list(found.begin(), found.end());
  list.sort();
  return list;
}

// Rich-text tags the views render (sources also contain literal "<dir>"-style text, which may
// be translated, so only HTML tag names count).
QStringList htmlTags(const QString& s) {
  static const QRegularExpression re(QStringLiteral("</?([a-zA-Z][a-zA-Z0-9]*)"));
  static const QSet<QString> html = {QStringLiteral("b"),  QStringLiteral("i"),     QStringLiteral("br"),
                                     QStringLiteral("p"),  QStringLiteral("h2"),    QStringLiteral("h3"),
                                     QStringLiteral("code"), QStringLiteral("table"), QStringLiteral("tr"),
                                     QStringLiteral("td"), QStringLiteral("th"),    QStringLiteral("li"),
                                     QStringLiteral("ol"), QStringLiteral("ul"),    QStringLiteral("span"),
                                     QStringLiteral("a"),  QStringLiteral("nobr")};
  QStringList tags;
  for (const auto& m : re.globalMatch(s)) {
    if (html.contains(m.captured(1).toLower())) tags << m.captured(0).toLower();
  }
  tags.sort();
  return tags;
}

// Keyboard accelerators: '&' followed by a character, but not an entity like &nbsp; or "&&".
int accelerators(const QString& s) {
  static const QRegularExpression re(QStringLiteral("&(?![a-zA-Z]+;)(?!&)."));
  int n = 0;
  for ([[maybe_unused]] const auto& m : re.globalMatch(s)) ++n;
  return n;
}

// The ending a translation must keep: ellipsis (an action opens a dialog), colon (a form label),
// full stop or question mark (a sentence).
QString requiredEnding(const QString& source) {
  for (const char* e : {"...", "…", ":", ".", "?", "!"}) {
    const QString end = QString::fromUtf8(e);
    if (source.endsWith(end)) return end;
  }
  return {};
}

// Every structural rule one translated text must follow; returns the broken ones.
QStringList structureProblems(const QString& source, const QString& text) {
  QStringList problems;
  if (text.isEmpty()) return {QStringLiteral("empty")};
  if (placeholders(source) != placeholders(text))
    problems << QStringLiteral("placeholders %1 instead of %2")
                    .arg(placeholders(text).join(QLatin1Char(',')), placeholders(source).join(QLatin1Char(',')));
  if (htmlTags(source) != htmlTags(text)) problems << QStringLiteral("rich-text tags differ");
  if (accelerators(source) != accelerators(text)) problems << QStringLiteral("accelerator count differs");
  if (source.count(QLatin1Char('\n')) != text.count(QLatin1Char('\n'))) problems << QStringLiteral("line count differs");
  if (source.startsWith(QLatin1Char(' ')) != text.startsWith(QLatin1Char(' '))) problems << QStringLiteral("leading space");
  if (const QString end = requiredEnding(source); !end.isEmpty() && !text.endsWith(end))
    problems << QStringLiteral("does not end with '%1'").arg(end);
  return problems;
}

// The rules every message of a catalogue follows (German: all messages; English: the plurals).
void expectComplete(const Catalogue& cat) {
  for (const Message& m : cat.messages) {
    EXPECT_NE(m.type, QStringLiteral("unfinished")) << m.where();
    EXPECT_NE(m.type, QStringLiteral("vanished")) << m.where();
    EXPECT_NE(m.type, QStringLiteral("obsolete")) << m.where();
    if (m.numerus) {
      // German and English both have two plural forms: n == 1 and everything else.
      EXPECT_EQ(m.forms.size(), 2) << m.where();
    }
    for (const QString& text : m.translations()) {
      const QStringList problems = structureProblems(m.source, text);
      EXPECT_TRUE(problems.isEmpty()) << m.where() << " -> \"" << text.toStdString() << "\": " << problems;
    }
  }
}

QTranslator* loadCompiled(const QLocale& locale, QObject* parent) {
  auto* t = new QTranslator(parent);
  if (!t->load(locale, QStringLiteral("qwb"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete t;
    return nullptr;
  }
  return t;
}

TEST(Translations, GermanCatalogueIsComplete) {
  const Catalogue de = readTs(tsPath("qwb_de.ts"));
  ASSERT_TRUE(de.error.isEmpty()) << de.error;
  EXPECT_EQ(de.language, QStringLiteral("de_DE"));
  // The catalogue holds the views of the main window, not only the first Model view (97
  // messages); a wrong path or a truncated file shows up here.
  EXPECT_GE(de.messages.size(), 500u);
  EXPECT_GE(std::count_if(de.messages.begin(), de.messages.end(), [](const Message& m) { return m.numerus; }), 10);
  expectComplete(de);
}

TEST(Translations, EnglishCatalogueHoldsEveryPluralAndOnlyPlurals) {
  const Catalogue de = readTs(tsPath("qwb_de.ts"));
  const Catalogue en = readTs(tsPath("qwb_en.ts"));
  ASSERT_TRUE(de.error.isEmpty()) << de.error;
  ASSERT_TRUE(en.error.isEmpty()) << en.error;
  EXPECT_EQ(en.language, QStringLiteral("en"));
  QSet<QString> dePlurals, enPlurals;
  for (const Message& m : de.messages)
    if (m.numerus) dePlurals.insert(m.context + QLatin1Char('|') + m.source);
  for (const Message& m : en.messages) {
    // English is the source language: a non-plural message would only repeat its source.
    EXPECT_TRUE(m.numerus) << m.where() << " is not a plural message (refresh with lupdate -pluralonly)";
    enPlurals.insert(m.context + QLatin1Char('|') + m.source);
  }
  EXPECT_EQ(enPlurals.size(), dePlurals.size());
  for (const QString& key : dePlurals) EXPECT_TRUE(enPlurals.contains(key)) << "qwb_en.ts lacks " << key;
  expectComplete(en);
  // The singular form differs from the plural one ("1 layer", "2 layers"), unless the noun has
  // no separate plural in the sentence.
  for (const Message& m : en.messages)
    if (m.forms.size() == 2) {
      EXPECT_NE(m.forms[0], m.forms[1]) << m.where();
    }
}

// The .qm embedded under :/i18n is compiled from the .ts at build time: every message of the
// file must come out of the compiled catalogue (catches a stale or missing .qm).
TEST(Translations, CompiledGermanCatalogueMatchesTheTsFile) {
  const Catalogue de = readTs(tsPath("qwb_de.ts"));
  ASSERT_TRUE(de.error.isEmpty()) << de.error;
  QObject owner;
  QTranslator* t = loadCompiled(QLocale(QLocale::German, QLocale::Germany), &owner);
  ASSERT_NE(t, nullptr);
  for (const Message& m : de.messages) {
    const QByteArray ctx = m.context.toUtf8(), src = m.source.toUtf8();
    if (m.numerus) {
      ASSERT_EQ(m.forms.size(), 2) << m.where();
      EXPECT_EQ(t->translate(ctx.constData(), src.constData(), nullptr, 1), m.forms[0]) << m.where();
      EXPECT_EQ(t->translate(ctx.constData(), src.constData(), nullptr, 7), m.forms[1]) << m.where();
    } else {
      EXPECT_EQ(t->translate(ctx.constData(), src.constData()), m.translation) << m.where();
    }
  }
}

TEST(Translations, GermanCatalogueIsEmbedded) {
  QTranslator de;
  ASSERT_TRUE(de.load(QLocale(QLocale::German, QLocale::Germany), "qwb", "_", ":/i18n"));
  EXPECT_EQ(de.translate("qwb::ui::MainWindow", "&File"), "&Datei");
  EXPECT_EQ(de.translate("qwb::ui::LayerTableModel", "Op type"), "Op-Typ");
  EXPECT_EQ(de.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 1), "%n Schicht");
  EXPECT_EQ(de.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 5), "%n Schichten");
  EXPECT_EQ(de.translate("qwb::ui::SensitivityView", "only %1"), "nur %1");
}

// Strings of the views added after the Model view, as written in qwb_de.ts.
TEST(Translations, GermanCatalogueTranslatesTheNewViews) {
  QTranslator de;
  ASSERT_TRUE(de.load(QLocale(QLocale::German, QLocale::Germany), "qwb", "_", ":/i18n"));
  auto tr = [&de](const char* ctx, const char* src, int n = -1) { return de.translate(ctx, src, nullptr, n); };
  EXPECT_EQ(tr("qwb::ui::MainWindow", "Compare"), QStringLiteral("Vergleich"));
  EXPECT_EQ(tr("qwb::ui::MainWindow", "Tensors"), QStringLiteral("Tensoren"));
  EXPECT_EQ(tr("qwb::ui::MainWindow", "Decision"), QStringLiteral("Entscheidung"));
  EXPECT_EQ(tr("qwb::ui::MainWindow", "&Run"), QStringLiteral("&Lauf"));
  EXPECT_EQ(tr("qwb::ui::CompareView", "Flipped samples"), QStringLiteral("Geänderte Vorhersagen"));
  EXPECT_EQ(tr("qwb::ui::CompareView", "Agreement (A vs B)"), QStringLiteral("Übereinstimmung (A vs. B)"));
  EXPECT_EQ(tr("qwb::ui::TensorsView", "Zero point"), QStringLiteral("Nullpunkt"));
  EXPECT_EQ(tr("qwb::ui::TensorsView", "Range of each output channel (axis %1, %n channel(s))", 1),
            QStringLiteral("Bereich jedes Ausgabekanals (Achse %1, %n Kanal)"));
  EXPECT_EQ(tr("qwb::ui::TensorsView", "Range of each output channel (axis %1, %n channel(s))", 32),
            QStringLiteral("Bereich jedes Ausgabekanals (Achse %1, %n Kanäle)"));
  EXPECT_EQ(tr("qwb::ui::DataView", "Calibration data validation"), QStringLiteral("Prüfung der Kalibrierdaten"));
  EXPECT_EQ(tr("qwb::ui::DataView", "Attach to project"), QStringLiteral("Zum Projekt hinzufügen"));
  EXPECT_EQ(tr("qwb::ui::DecisionView", "Accuracy budget:"), QStringLiteral("Genauigkeitsbudget:"));
  EXPECT_EQ(tr("qwb::ui::DecisionView", "Recommendation: %1"), QStringLiteral("Empfehlung: %1"));
  EXPECT_EQ(tr("qwb::ui::DecisionTreeView", "measured, %n run(s)", 3), QStringLiteral("gemessen, %n Läufe"));
  EXPECT_EQ(tr("qwb::ui::GraphView", "Laying out %n node(s)…", 1), QStringLiteral("%n Knoten wird angeordnet…"));
  EXPECT_EQ(tr("qwb::ui::GraphView", "Attributes"), QStringLiteral("Attribute"));
  EXPECT_EQ(tr("qwb::ui::RunsPanel", "Job"), QStringLiteral("Auftrag"));
  EXPECT_EQ(tr("qwb::ui::RunManager", "succeeded"), QStringLiteral("erfolgreich"));
  EXPECT_EQ(tr("qwb::ui::NewRunDialog", "Calibration data:"), QStringLiteral("Kalibrierdaten:"));
  EXPECT_EQ(tr("qwb::ui::NewRunDialog", "Keep in float:"), QStringLiteral("In Float belassen:"));
  // Through the application (as tr() does): %n becomes the number, the %1..%3 stay for arg().
  QCoreApplication::installTranslator(&de);
  const QString explorer =
      QCoreApplication::translate("qwb::ui::ProjectExplorer", "%1: %n sample(s), %2 classes\n%3", nullptr, 10000);
  QCoreApplication::removeTranslator(&de);
  EXPECT_EQ(explorer.arg(QStringLiteral("fashion-mnist:test"), QStringLiteral("10"), QStringLiteral("Std")),
            QStringLiteral("fashion-mnist:test: 10000 Stichproben, 10 Klassen\nStd"));
}

TEST(Translations, EnglishPluralsAreEmbedded) {
  QTranslator en;
  ASSERT_TRUE(en.load(QLocale(QLocale::English), "qwb", "_", ":/i18n"));
  EXPECT_EQ(en.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 1), "%n layer");
  EXPECT_EQ(en.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 2), "%n layers");
  EXPECT_EQ(en.translate("qwb::ui::GraphView", "Laying out %n node(s)…", nullptr, 1), QStringLiteral("Laying out %n node…"));
  EXPECT_EQ(en.translate("qwb::ui::TensorsView", "values (%n stored bins)", nullptr, 1), QStringLiteral("values (%n stored bin)"));
}

// In German every menu of the main window has distinct accelerators (Alt+letter is ambiguous
// otherwise), and so has the menu bar.
TEST(Translations, GermanMenuAcceleratorsAreUnique) {
  QObject owner;
  QTranslator* t = loadCompiled(QLocale(QLocale::German, QLocale::Germany), &owner);
  ASSERT_NE(t, nullptr);
  QCoreApplication::installTranslator(t);
  {
    qwb::ui::MainWindow window;
    auto check = [](const QList<QAction*>& actions, const QString& where) {
      QSet<QString> seen;
      int withAccelerator = 0;
      for (QAction* a : actions) {
        if (a->isSeparator() || a->text().isEmpty()) continue;
        const QString key = QKeySequence::mnemonic(a->text()).toString().toLower();
        if (key.isEmpty()) continue;
        ++withAccelerator;
        EXPECT_FALSE(seen.contains(key)) << where << ": accelerator " << key << " twice (" << a->text() << ")";
        seen.insert(key);
      }
      return withAccelerator;
    };
    const QList<QAction*> top = window.menuBar()->actions();
    ASSERT_FALSE(top.isEmpty());
    EXPECT_EQ(top.first()->text(), QStringLiteral("&Datei"));  // the German catalogue is in use
    EXPECT_EQ(check(top, QStringLiteral("menu bar")), top.size());
    for (QAction* a : top)
      if (a->menu()) check(a->menu()->actions(), a->text());
  }
  QCoreApplication::removeTranslator(t);
}

TEST(Translations, LanguageFollowsQwbLang) {
  const QByteArray old = qgetenv("QWB_LANG");
  qputenv("QWB_LANG", "de_DE");
  EXPECT_EQ(qwb::ui::uiLocale().language(), QLocale::German);
  qputenv("QWB_LANG", old);
}

}  // namespace
