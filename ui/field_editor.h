// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario_fields.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

class QFormLayout;
class QWidget;

namespace poollab {

// The window's control for one field of the table (core/scenario_fields.h), one kind
// per field type: a spin box for Integer and Number, a line edit for Duration and
// Text, a combo box for Choice, a kind box with its arguments for Latency. Range,
// default, unit, what 0 means, words and tooltip all come from the field, so the
// window cannot differ from the command line and scenario files.
//
// It lives as long as its control (a child of it). show() sets a value without
// reporting it; what the user enters is reported through onEdited, and only when
// it passes the field's check (a malformed duration or spec is shown red instead).
class FieldEditor : public QObject
{
public:
    // Makes the editor and adds its row(s) to form, labelled with the field's label.
    static FieldEditor* create(const ScenarioField& field, QFormLayout* form);

    const ScenarioField& field() const { return m_field; }
    // The control in the form's field column (the kind box for Latency).
    QWidget* control() const { return m_control; }
    virtual void show(const FieldValue& value) = 0;
    // Hides or shows every row of the editor.
    virtual void setRowVisible(bool visible);

    std::function<void(const FieldValue&)> onEdited;

protected:
    FieldEditor(const ScenarioField& field, QFormLayout* form, QWidget* control);
    void report(const FieldValue& value);

    const ScenarioField& m_field;
    QFormLayout* m_form;
    QWidget* m_control;
    bool m_showing = false;
};

// A latency spec split into its kind (index into latencyKindNames()) and arguments.
struct LatencyParts
{
    int kind = 0;
    QStringList args;
};
// "Exp(50ms)" is {2, {"50ms"}}: kind names compare case-insensitively, as the parser
// reads them; a spec without parentheses is a constant.
LatencyParts splitLatencySpec(const QString& spec);

} // namespace poollab
