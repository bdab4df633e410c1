// The German catalogue is compiled into the binary and translates the UI strings.
// Expected strings: translations/qwb_de.ts (written by hand).
#include <QCoreApplication>
#include <QTranslator>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "qwb/ui/application.h"

namespace {

TEST(Translations, GermanCatalogueIsEmbedded) {
  QTranslator de;
  ASSERT_TRUE(de.load(QLocale(QLocale::German, QLocale::Germany), "qwb", "_", ":/i18n"));
  EXPECT_EQ(de.translate("qwb::ui::MainWindow", "&File"), "&Datei");
  EXPECT_EQ(de.translate("qwb::ui::LayerTableModel", "Op type"), "Op-Typ");
  EXPECT_EQ(de.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 1), "%n Schicht");
  EXPECT_EQ(de.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 5), "%n Schichten");
  EXPECT_EQ(de.translate("qwb::ui::SensitivityView", "only %1"), "nur %1");
}

TEST(Translations, EnglishPluralsAreEmbedded) {
  QTranslator en;
  ASSERT_TRUE(en.load(QLocale(QLocale::English), "qwb", "_", ":/i18n"));
  EXPECT_EQ(en.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 1), "%n layer");
  EXPECT_EQ(en.translate("qwb::ui::ModelView", "%n layer(s)", nullptr, 2), "%n layers");
}

TEST(Translations, LanguageFollowsQwbLang) {
  const QByteArray old = qgetenv("QWB_LANG");
  qputenv("QWB_LANG", "de_DE");
  EXPECT_EQ(qwb::ui::uiLocale().language(), QLocale::German);
  qputenv("QWB_LANG", old);
}

}  // namespace
