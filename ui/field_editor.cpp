// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/field_editor.h"

#include "core/distribution.h"
#include "core/duration.h"
#include "io/scenario_fields.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>
#include <climits>
#include <type_traits>

namespace poollab {

namespace {

// Rates step to 0.001/s, their smallest value above 0; probabilities to 0.1 %.
constexpr int kDecimals = 3;

const char* const kLatencyKinds[] = {"constant", "uniform", "exp", "normal", "lognormal", "bimodal"};

// "queue_capacity" -> "queueCapacity": the control's object name.
QString camelCase(const char* key)
{
    QString name;
    bool upper = false;
    for (const char* c = key; *c; ++c) {
        if (*c == '_') {
            upper = true;
            continue;
        }
        name += upper ? QChar::fromLatin1(*c).toUpper() : QChar::fromLatin1(*c);
        upper = false;
    }
    return name;
}

void markInvalid(QWidget* w, bool invalid)
{
    w->setStyleSheet(invalid ? QStringLiteral("QLineEdit { border: 2px solid #dc2626; }") : QString());
}

// A spin box: QSpinBox for Integer fields (std::int64_t), QDoubleSpinBox for Number
// fields (double).
template <typename Box, typename Value> class SpinEditor : public FieldEditor
{
public:
    SpinEditor(const ScenarioField& f, QFormLayout* form, Box* box) : FieldEditor(f, form, box), m_box(box)
    {
        if constexpr (std::is_same_v<Box, QDoubleSpinBox>) {
            box->setDecimals(kDecimals); // before the range, which it rounds
            box->setRange(f.min, f.max);
            box->setSingleStep(f.max <= 1 ? 0.01 : 1);
        } else {
            // QSpinBox holds an int: the seed's 2^53 does not fit (the window does not show it).
            box->setRange(static_cast<int>(f.min), static_cast<int>(std::min<double>(f.max, INT_MAX)));
        }
        box->setSuffix(*f.unit ? QLatin1Char(' ') + QString::fromUtf8(f.unit) : QString());
        if (*f.zero && f.min == 0)
            box->setSpecialValueText(QString::fromUtf8(f.zero));
        box->setGroupSeparatorShown(true);
        // Typing "40" applies 40, not 4 then 40; the arrows still apply each step.
        box->setKeyboardTracking(false);
        box->setAccelerated(true);
        connect(box, &Box::valueChanged, this, [this](auto v) { report(Value{v}); });
    }
    void show(const FieldValue& v) override
    {
        const QSignalBlocker blocker(m_box);
        m_box->setValue(static_cast<decltype(m_box->value())>(std::get<Value>(v)));
    }

private:
    Box* m_box;
};

// A line edit whose text parses into the field's value; applied when editing finishes.
class TextLikeEditor : public FieldEditor
{
public:
    TextLikeEditor(const ScenarioField& f, QFormLayout* form, QLineEdit* edit)
        : FieldEditor(f, form, edit), m_edit(edit)
    {
        if (f.type == FieldType::Text)
            edit->setMaxLength(static_cast<int>(f.max));
        connect(edit, &QLineEdit::editingFinished, this, [this] {
            const auto v = parseFieldText(m_field, m_edit->text().trimmed(), nullptr);
            markInvalid(m_edit, !v);
            if (v)
                report(*v);
        });
    }
    void show(const FieldValue& v) override
    {
        m_edit->setText(formatFieldValue(m_field, v));
        markInvalid(m_edit, false);
    }

private:
    QLineEdit* m_edit;
};

class ChoiceEditor : public FieldEditor
{
public:
    ChoiceEditor(const ScenarioField& f, QFormLayout* form, QComboBox* box)
        : FieldEditor(f, form, box), m_box(box)
    {
        for (const char* label : f.choiceLabels)
            box->addItem(QString::fromUtf8(label));
        connect(box, &QComboBox::currentIndexChanged, this, [this](int i) {
            if (i >= 0 && static_cast<std::size_t>(i) < m_field.choices.size())
                report(std::string(m_field.choices[static_cast<std::size_t>(i)]));
        });
    }
    void show(const FieldValue& v) override
    {
        const QSignalBlocker blocker(m_box);
        const auto& words = m_field.choices;
        const auto it = std::find(words.begin(), words.end(), std::get<std::string>(v));
        m_box->setCurrentIndex(it == words.end() ? 0 : static_cast<int>(it - words.begin()));
    }

private:
    QComboBox* m_box;
};

// A kind box and up to three arguments, labelled for the kind; emits the spec.
class LatencyEditor : public FieldEditor
{
public:
    LatencyEditor(const ScenarioField& f, QFormLayout* form, QComboBox* kind);
    void show(const FieldValue& v) override;
    void setRowVisible(bool visible) override;

private:
    void updateLabels();
    QString spec() const;
    void edited();

    QComboBox* m_kind;
    QLineEdit* m_args[3];
    QLabel* m_error;
};

LatencyEditor::LatencyEditor(const ScenarioField& f, QFormLayout* form, QComboBox* kind)
    : FieldEditor(f, form, kind), m_kind(kind)
{
    kind->setObjectName(QStringLiteral("latencyKind"));
    kind->addItems(
        {tr("Constant"), tr("Uniform"), tr("Exponential"), tr("Normal"), tr("Log-normal"), tr("Bimodal")});
    connect(kind, &QComboBox::currentIndexChanged, this, [this] {
        updateLabels();
        edited();
    });
    const char* names[] = {"latencyA", "latencyB", "latencyC"};
    for (int i = 0; i < 3; ++i) {
        m_args[i] = new QLineEdit;
        m_args[i]->setObjectName(QString::fromLatin1(names[i]));
        connect(m_args[i], &QLineEdit::editingFinished, this, &LatencyEditor::edited);
        form->addRow(QStringLiteral("-"), m_args[i]);
    }
    m_error = new QLabel;
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #dc2626;"));
    m_error->hide();
    form->addRow(m_error);
}

void LatencyEditor::show(const FieldValue& v)
{
    m_showing = true;
    const LatencyParts parts = splitLatencySpec(QString::fromStdString(std::get<std::string>(v)));
    m_kind->setCurrentIndex(parts.kind);
    for (int i = 0; i < 3; ++i) {
        m_args[i]->setText(i < parts.args.size() ? parts.args[i] : QString());
        markInvalid(m_args[i], false);
    }
    m_error->hide();
    updateLabels();
    m_showing = false;
}

void LatencyEditor::setRowVisible(bool visible)
{
    FieldEditor::setRowVisible(visible);
    if (visible)
        updateLabels();
    else
        for (QLineEdit* e : m_args)
            m_form->setRowVisible(e, false);
}

void LatencyEditor::updateLabels()
{
    struct Labels
    {
        const char* a;
        const char* b;
        const char* c;
    };
    static const Labels labels[] = {
        {QT_TR_NOOP("Value"), nullptr, nullptr},
        {QT_TR_NOOP("Low"), QT_TR_NOOP("High"), nullptr},
        {QT_TR_NOOP("Mean"), nullptr, nullptr},
        {QT_TR_NOOP("Mean"), QT_TR_NOOP("Std dev"), nullptr},
        {QT_TR_NOOP("Median"), QT_TR_NOOP("Sigma"), nullptr},
        {QT_TR_NOOP("Fast"), QT_TR_NOOP("Slow"), QT_TR_NOOP("Slow share")},
    };
    const Labels& l = labels[std::max(0, m_kind->currentIndex())];
    const auto setRow = [this](QLineEdit* edit, const char* text, const QString& tip) {
        m_form->setRowVisible(edit, text != nullptr);
        if (!text)
            return;
        if (auto* label = qobject_cast<QLabel*>(m_form->labelForField(edit)))
            label->setText(tr(text));
        edit->setToolTip(tip);
    };
    const QString durationTip = tr("A duration with a unit: 50ms, 1.5s, 250us.");
    setRow(m_args[0], l.a, durationTip);
    setRow(m_args[1], l.b,
           m_kind->currentIndex() == 4 ? tr("The spread of the log (0.1 narrow … 2 very heavy tail).")
                                       : durationTip);
    setRow(m_args[2], l.c, tr("The probability (0..1) that a job takes the slow path, e.g. 0.01."));
}

QString LatencyEditor::spec() const
{
    const int kind = m_kind->currentIndex();
    const QString a = m_args[0]->text().trimmed();
    if (kind == 0)
        return a;
    QStringList args{a};
    if (m_form->isRowVisible(m_args[1]))
        args << m_args[1]->text().trimmed();
    if (m_form->isRowVisible(m_args[2]))
        args << m_args[2]->text().trimmed();
    return QLatin1String(kLatencyKinds[kind]) + QLatin1Char('(') + args.join(QLatin1Char(',')) +
           QLatin1Char(')');
}

void LatencyEditor::edited()
{
    if (m_showing)
        return;
    const std::string text = spec().toStdString();
    QString error;
    const bool ok = checkFieldValue(m_field, FieldValue(text), &error);
    for (QLineEdit* e : m_args)
        markInvalid(e, !ok);
    m_error->setVisible(!ok);
    if (!ok) {
        m_error->setText(error);
        return;
    }
    report(text);
}

} // namespace

FieldEditor::FieldEditor(const ScenarioField& field, QFormLayout* form, QWidget* control)
    : QObject(control), m_field(field), m_form(form), m_control(control)
{
    if (control->objectName().isEmpty())
        control->setObjectName(camelCase(field.key));
    control->setToolTip(fieldToolTip(field));
}

FieldEditor* FieldEditor::create(const ScenarioField& field, QFormLayout* form)
{
    FieldEditor* editor = nullptr;
    switch (field.type) {
    case FieldType::Integer:
        editor = new SpinEditor<QSpinBox, std::int64_t>(field, form, new QSpinBox);
        break;
    case FieldType::Number:
        editor = new SpinEditor<QDoubleSpinBox, double>(field, form, new QDoubleSpinBox);
        break;
    case FieldType::Duration:
    case FieldType::Text:
        editor = new TextLikeEditor(field, form, new QLineEdit);
        break;
    case FieldType::Choice:
        editor = new ChoiceEditor(field, form, new QComboBox);
        break;
    case FieldType::Latency: {
        // The kind box's row comes first, then the arguments' rows.
        auto* kind = new QComboBox;
        form->addRow(QString::fromUtf8(field.label), kind);
        return new LatencyEditor(field, form, kind);
    }
    }
    form->addRow(QString::fromUtf8(field.label), editor->control());
    return editor;
}

void FieldEditor::setRowVisible(bool visible)
{
    m_form->setRowVisible(m_control, visible);
}

void FieldEditor::report(const FieldValue& value)
{
    if (!m_showing && onEdited)
        onEdited(value);
}

LatencyParts splitLatencySpec(const QString& spec)
{
    LatencyParts parts;
    const QString text = spec.trimmed();
    const auto open = text.indexOf(QLatin1Char('('));
    if (open < 0 || !text.endsWith(QLatin1Char(')'))) {
        parts.args << text;
        return parts;
    }
    const QString name = text.left(open).trimmed();
    for (int i = 0; i < 6; ++i) {
        const bool exponential =
            i == 2 && name.compare(QLatin1String("exponential"), Qt::CaseInsensitive) == 0;
        if (exponential || name.compare(QLatin1String(kLatencyKinds[i]), Qt::CaseInsensitive) == 0)
            parts.kind = i;
    }
    for (const QString& a : text.mid(open + 1, text.size() - open - 2).split(QLatin1Char(',')))
        parts.args << a.trimmed();
    return parts;
}

} // namespace poollab
