// Readable GoogleTest failure messages for Qt strings: PrintTo for EXPECT_EQ values (otherwise
// printed as containers of QChar), operator<< for `<< str` notes.
#pragma once

#include <QString>
#include <QStringList>

#include <ostream>

inline std::ostream& operator<<(std::ostream& os, const QString& s) { return os << '"' << s.toStdString() << '"'; }
inline std::ostream& operator<<(std::ostream& os, const QStringList& l) {
  return os << '{' << l.join(QStringLiteral(", ")).toStdString() << '}';
}
inline void PrintTo(const QString& s, std::ostream* os) { *os << s; }
inline void PrintTo(const QStringList& l, std::ostream* os) { *os << l; }
