#include "qwb/ui/model_summary_panel.h"

#include <QFormLayout>
#include <QLabel>

#include "qwb/model.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

// "input: float32 [1, 3, 224, 224]" per line.
QString describeValues(const std::vector<ValueInfo>& values) {
  QStringList lines;
  for (const ValueInfo& v : values) {
    lines << QStringLiteral("%1: %2 %3").arg(qstr(v.name), QLatin1String(dtype_name(v.dtype)), qstr(v.shape_str()));
  }
  return lines.join(QChar(u'\n'));
}

// "11.69 M (11,689,512)", or just the number below 1000.
QString describeCount(int64_t n) {
  if (n < 1000) return formatInteger(n);
  return QStringLiteral("%1 (%2)").arg(formatCompact(n), formatInteger(n));
}

}  // namespace

ModelSummaryPanel::ModelSummaryPanel(QWidget* parent) : QWidget(parent), form_(new QFormLayout(this)) {
  form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form_->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
  addField(QStringLiteral("path"), tr("File:"));
  addField(QStringLiteral("producer"), tr("Producer:"));
  addField(QStringLiteral("ir_version"), tr("IR version:"));
  addField(QStringLiteral("opset"), tr("Opset:"));
  addField(QStringLiteral("nodes"), tr("Nodes:"));
  addField(QStringLiteral("parameters"), tr("Parameters:"));
  addField(QStringLiteral("parameter_bytes"), tr("Parameter size:"));
  addField(QStringLiteral("macs"), tr("MACs (batch 1):"));
  addField(QStringLiteral("architecture"), tr("Architecture:"));
  addField(QStringLiteral("inputs"), tr("Inputs:"));
  addField(QStringLiteral("outputs"), tr("Outputs:"));
  addField(QStringLiteral("notices"), tr("Notices:"));
  addField(QStringLiteral("unsupported"), tr("Unsupported ops:"))->setStyleSheet(QStringLiteral("color: #c62828;"));
  addField(QStringLiteral("metadata"), tr("Metadata:"));
  clear();
}

QLabel* ModelSummaryPanel::addField(const QString& key, const QString& label) {
  auto* value = new QLabel(this);
  value->setObjectName(key);
  value->setWordWrap(true);
  value->setTextFormat(Qt::PlainText);
  value->setTextInteractionFlags(Qt::TextSelectableByMouse);
  // Wrap to the panel's width rather than widening it; a token too long to wrap (a path, a
  // shape) is cut at the edge and shown whole in the tooltip.
  QSizePolicy policy = value->sizePolicy();
  policy.setHorizontalPolicy(QSizePolicy::Ignored);
  value->setSizePolicy(policy);
  auto* caption = new QLabel(label, this);
  caption->setBuddy(value);
  form_->addRow(caption, value);
  return value;
}

QLabel* ModelSummaryPanel::field(const QString& key) const { return findChild<QLabel*>(key); }

void ModelSummaryPanel::setField(const QString& key, const QString& text) {
  QLabel* label = field(key);
  label->setText(text);
  label->setToolTip(text);
  form_->setRowVisible(label, !text.isEmpty());
}

void ModelSummaryPanel::clear() {
  const QList<QLabel*> labels = findChildren<QLabel*>();
  for (QLabel* label : labels) {
    if (!label->objectName().isEmpty()) setField(label->objectName(), QString());
  }
}

void ModelSummaryPanel::setSummary(const ModelSummary& s) {
  setField(QStringLiteral("path"), qstr(s.path));
  setField(QStringLiteral("producer"), s.producer.empty() ? tr("unknown") : qstr(s.producer));
  setField(QStringLiteral("ir_version"), QString::number(s.ir_version));

  QStringList otherDomains;
  for (const auto& [domain, version] : s.opsets) {
    if (!domain.empty()) otherDomains << QStringLiteral("%1 %2").arg(qstr(domain)).arg(version);
  }
  QString opset = QString::number(s.opset);
  if (!otherDomains.isEmpty()) opset += QStringLiteral(" (%1)").arg(otherDomains.join(QStringLiteral(", ")));
  setField(QStringLiteral("opset"), opset);

  setField(QStringLiteral("nodes"), formatInteger(static_cast<int64_t>(s.nodes.size())));
  setField(QStringLiteral("parameters"), describeCount(s.parameters));
  setField(QStringLiteral("parameter_bytes"), formatBytes(s.parameter_bytes));
  setField(QStringLiteral("macs"), describeCount(s.macs));

  QString arch = architectureName(s.architecture);
  if (!s.architecture_reason.empty()) arch += QStringLiteral(" \u2014 ") + qstr(s.architecture_reason);
  setField(QStringLiteral("architecture"), arch);

  setField(QStringLiteral("inputs"), describeValues(s.inputs));
  setField(QStringLiteral("outputs"), describeValues(s.outputs));

  QStringList metadata;
  for (const auto& [key, value] : s.metadata) metadata << QStringLiteral("%1 = %2").arg(qstr(key), qstr(value));
  setField(QStringLiteral("metadata"), metadata.join(QChar(u'\n')));

  QStringList notices;
  for (const auto& n : s.notices) notices << qstr(n);
  setField(QStringLiteral("notices"), notices.join(QChar(u'\n')));

  QStringList unsupported;
  for (const auto& op : s.unsupported_ops) unsupported << qstr(op);
  setField(QStringLiteral("unsupported"), unsupported.join(QStringLiteral(", ")));
}

}  // namespace qwb::ui
