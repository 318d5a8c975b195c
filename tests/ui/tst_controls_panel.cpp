// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"
#include "io/scenario_fields.h"
#include "ui/controls_panel.h"
#include "ui/field_editor.h"

#include <QComboBox>
#include <QDirIterator>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <string_view>

using namespace poollab;

namespace {

const FieldEditor* editorFor(const ControlsPanel& panel, std::string_view key)
{
    for (const FieldEditor* e : panel.editors())
        if (key == e->field().key)
            return e;
    return nullptr;
}

} // namespace

class TstControlsPanel : public QObject
{
    Q_OBJECT

private slots:
    // Every control takes its range, default, words and tooltip from its field.
    void everyControlIsItsField()
    {
        ControlsPanel panel;
        std::size_t shown = 0;
        for (const ScenarioField& f : scenarioFields()) {
            const std::string_view key = f.key;
            const FieldEditor* e = editorFor(panel, key);
            if (f.type == FieldType::Text || key == "seed" || key == "sample_interval") {
                QVERIFY2(!e, f.key);
                continue;
            }
            ++shown;
            QVERIFY2(e, f.key);
            QWidget* control = e->control();
            const FieldValue defaultValue = defaultFieldValue(f);
            const QString unit = *f.unit ? QStringLiteral(" ") + QString::fromUtf8(f.unit) : QString();
            if (key == "workers") {
                // The maximum and the range sentence follow the time mode (real by default).
                QVERIFY(control->toolTip().startsWith(QString::fromUtf8(f.explain)));
            } else {
                QCOMPARE(control->toolTip(), fieldToolTip(f));
            }
            switch (f.type) {
            case FieldType::Integer: {
                auto* box = qobject_cast<QSpinBox*>(control);
                QVERIFY2(box, f.key);
                QCOMPARE(box->minimum(), static_cast<int>(f.min));
                QCOMPARE(box->maximum(),
                         key == "workers" ? PoolConfig::kMaxWorkers : static_cast<int>(f.max));
                QCOMPARE(box->value(), static_cast<int>(std::get<std::int64_t>(defaultValue)));
                QCOMPARE(box->suffix(), unit);
                QCOMPARE(box->specialValueText(), QString::fromUtf8(f.zero));
                break;
            }
            case FieldType::Number: {
                auto* box = qobject_cast<QDoubleSpinBox*>(control);
                QVERIFY2(box, f.key);
                QCOMPARE(box->minimum(), f.min);
                QCOMPARE(box->maximum(), f.max);
                QCOMPARE(box->value(), std::get<double>(defaultValue));
                QCOMPARE(box->suffix(), unit);
                QCOMPARE(box->specialValueText(), QString::fromUtf8(f.zero));
                // 3 decimals: the smallest rate above 0 (0.001/s) can be entered, nothing below it.
                QCOMPARE(box->decimals(), 3);
                break;
            }
            case FieldType::Duration: {
                auto* edit = qobject_cast<QLineEdit*>(control);
                QVERIFY2(edit, f.key);
                QCOMPARE(edit->text(), formatFieldValue(f, defaultValue));
                break;
            }
            case FieldType::Choice: {
                auto* box = qobject_cast<QComboBox*>(control);
                QVERIFY2(box, f.key);
                QCOMPARE(static_cast<std::size_t>(box->count()), f.choices.size());
                for (int i = 0; i < box->count(); ++i)
                    QCOMPARE(box->itemText(i),
                             QString::fromUtf8(f.choiceLabels[static_cast<std::size_t>(i)]));
                QCOMPARE(QString::fromUtf8(f.choices[static_cast<std::size_t>(box->currentIndex())]),
                         formatFieldValue(f, defaultValue));
                break;
            }
            case FieldType::Latency: {
                QCOMPARE(control->objectName(), QStringLiteral("latencyKind"));
                QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("latencyA"))->text(),
                         formatFieldValue(f, defaultValue));
                break;
            }
            case FieldType::Text:
                break;
            }
        }
        QCOMPARE(panel.editors().size(), shown);
        QCOMPARE(shown, scenarioFields().size() - 4);
    }

    void workersMaximumFollowsTheTimeMode()
    {
        ControlsPanel panel;
        auto* box = panel.findChild<QSpinBox*>(QStringLiteral("workers"));
        QCOMPARE(box->maximum(), PoolConfig::kMaxWorkers);
        Scenario s;
        s.timeMode = TimeMode::Virtual;
        panel.setScenario(s);
        QCOMPARE(box->maximum(), Scenario::kMaxVirtualWorkers);
    }

    // No literal ranges in ui/: they come from the table (or a named limit).
    void uiHasNoLiteralRanges()
    {
        const QRegularExpression literal(
            QStringLiteral(R"(set(Range|Minimum|Maximum)\((\s*-?[0-9.]|[^)]*[,(]\s*-?[0-9.]))"));
        QDirIterator it(QStringLiteral(POOLLAB_SOURCE_DIR "/ui"),
                        {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                        QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(file.readAll());
            QVERIFY2(!literal.match(text).hasMatch(), qPrintable(file.fileName()));
            ++files;
        }
        QVERIFY(files > 5);
    }

    void latencySpecShowsItsKind_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("second");
        QTest::newRow("constant") << QStringLiteral("500ms") << 0 << QStringLiteral("500ms") << QString();
        QTest::newRow("exp") << QStringLiteral("exp(50ms)") << 2 << QStringLiteral("50ms") << QString();
        QTest::newRow("Exp") << QStringLiteral("Exp(50ms)") << 2 << QStringLiteral("50ms") << QString();
        QTest::newRow("EXPONENTIAL") << QStringLiteral("EXPONENTIAL(7ms)") << 2 << QStringLiteral("7ms")
                                     << QString();
        QTest::newRow("Uniform") << QStringLiteral("Uniform( 1ms , 9ms )") << 1 << QStringLiteral("1ms")
                                 << QStringLiteral("9ms");
        QTest::newRow("LogNormal") << QStringLiteral("LogNormal(50ms,0.5)") << 4 << QStringLiteral("50ms")
                                   << QStringLiteral("0.5");
    }
    void latencySpecShowsItsKind()
    {
        QFETCH(QString, spec);
        QFETCH(int, kind);
        QFETCH(QString, first);
        QFETCH(QString, second);
        ControlsPanel panel;
        Scenario s;
        s.latency = spec.toStdString();
        panel.setScenario(s);
        QCOMPARE(panel.findChild<QComboBox*>(QStringLiteral("latencyKind"))->currentIndex(), kind);
        QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("latencyA"))->text(), first);
        if (!second.isEmpty())
            QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("latencyB"))->text(), second);
        QCOMPARE(panel.scenario().latency, spec.toStdString()); // shown, not rewritten
    }

    void latencyEditorEmitsTheSpec()
    {
        ControlsPanel panel;
        QSignalSpy spy(&panel, &ControlsPanel::scenarioEdited);
        panel.findChild<QComboBox*>(QStringLiteral("latencyKind"))->setCurrentIndex(2);
        QCOMPARE(spy.size(), 1);
        QCOMPARE(panel.scenario().latency, std::string("exp(50ms)"));
        auto* a = panel.findChild<QLineEdit*>(QStringLiteral("latencyA"));
        a->setText(QStringLiteral("20ms"));
        emit a->editingFinished();
        QCOMPARE(spy.size(), 2);
        QCOMPARE(panel.scenario().latency, std::string("exp(20ms)"));
        QCOMPARE(spy.last().at(1).toString(), QStringLiteral("service time"));
        QCOMPARE(spy.last().at(2).toString(), QStringLiteral("exp(50ms)"));
        QCOMPARE(spy.last().at(3).toString(), QStringLiteral("exp(20ms)"));
        a->setText(QStringLiteral("20 parsecs"));
        emit a->editingFinished();
        QCOMPARE(spy.size(), 2); // not applied
        QCOMPARE(panel.scenario().latency, std::string("exp(20ms)"));
    }

    // A value the old window's literal ranges clamped (rate_end 0, a 0 ms spike) stays
    // as loaded when something else is edited.
    void valuesAtTheTablesBoundsSurviveOtherEdits()
    {
        ControlsPanel panel;
        Scenario s;
        s.arrival = ArrivalKind::Ramp;
        s.rate = 5;
        s.rateEnd = 0;
        s.rampDuration = 0;
        s.spikeDuration = 0;
        s.maxAttempts = 100;
        panel.setScenario(s);
        QSignalSpy spy(&panel, &ControlsPanel::scenarioEdited);
        panel.findChild<QSpinBox*>(QStringLiteral("workers"))->setValue(9);
        QCOMPARE(spy.size(), 1);
        Scenario expected = s;
        expected.workers = 9;
        QVERIFY(panel.scenario() == expected);
        QCOMPARE(panel.findChild<QDoubleSpinBox*>(QStringLiteral("rateEnd"))->value(), 0.0);
        QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("maxAttempts"))->value(), 100);
    }

    void durationOutsideItsRangeIsNotApplied_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("applied");
        QTest::newRow("ok") << QStringLiteral("90s") << true;
        QTest::newRow("zero") << QStringLiteral("0s") << true;
        QTest::newRow("no unit") << QStringLiteral("90") << false;
        QTest::newRow("too long") << QStringLiteral("2h") << false; // think_time: up to 1h
    }
    void durationOutsideItsRangeIsNotApplied()
    {
        QFETCH(QString, text);
        QFETCH(bool, applied);
        ControlsPanel panel;
        auto* edit = panel.findChild<QLineEdit*>(QStringLiteral("thinkTime"));
        QVERIFY(edit);
        edit->setText(text);
        emit edit->editingFinished();
        QCOMPARE(panel.scenario().thinkTime != 0, applied && text != QStringLiteral("0s"));
        QCOMPARE(edit->styleSheet().isEmpty(), applied);
    }

    // A duration control takes exactly its field's range: the bounds themselves, and
    // nothing a millisecond beyond them.
    void everyDurationControlTakesItsFieldsRange_data()
    {
        QTest::addColumn<QString>("key");
        for (const ScenarioField& f : scenarioFields())
            if (f.type == FieldType::Duration && std::string_view(f.key) != "sample_interval")
                QTest::newRow(f.key) << QString::fromUtf8(f.key);
    }
    void everyDurationControlTakesItsFieldsRange()
    {
        QFETCH(QString, key);
        const ScenarioField& f = *findScenarioField(key.toStdString());
        ControlsPanel panel;
        const FieldEditor* editor = editorFor(panel, f.key);
        QVERIFY(editor);
        auto* edit = qobject_cast<QLineEdit*>(editor->control());
        QVERIFY(edit);
        const auto tryText = [&](std::int64_t ns) {
            edit->setText(formatFieldValue(f, FieldValue{ns}));
            emit edit->editingFinished();
            return std::get<std::int64_t>(f.get(panel.scenario())) == ns && edit->styleSheet().isEmpty();
        };
        const auto min = static_cast<std::int64_t>(f.min);
        const auto max = static_cast<std::int64_t>(f.max);
        QVERIFY2(tryText(max), qPrintable(formatFieldValue(f, FieldValue{max})));
        QVERIFY2(tryText(min), qPrintable(formatFieldValue(f, FieldValue{min})));
        QVERIFY(!tryText(max + kMilli));
        QCOMPARE(std::get<std::int64_t>(f.get(panel.scenario())), min); // the last good value stays
        if (min > 0)
            QVERIFY(!tryText(min - 1));
    }

    void rowsFollowTheArrivalKind()
    {
        ControlsPanel panel;
        panel.show();
        auto* arrival = panel.findChild<QComboBox*>(QStringLiteral("arrival"));
        arrival->setCurrentIndex(static_cast<int>(ArrivalKind::Spike));
        QCOMPARE(panel.scenario().arrival, ArrivalKind::Spike);
        QVERIFY(panel.findChild<QWidget*>(QStringLiteral("spikeRate"))->isVisible());
        QVERIFY(panel.findChild<QWidget*>(QStringLiteral("rate"))->isVisible());
        QVERIFY(!panel.findChild<QWidget*>(QStringLiteral("rateEnd"))->isVisible());
        QVERIFY(!panel.findChild<QWidget*>(QStringLiteral("clients"))->isVisible());
        arrival->setCurrentIndex(static_cast<int>(ArrivalKind::Closed));
        QVERIFY(panel.findChild<QWidget*>(QStringLiteral("clients"))->isVisible());
        QVERIFY(panel.findChild<QWidget*>(QStringLiteral("thinkTime"))->isVisible());
        QVERIFY(!panel.findChild<QWidget*>(QStringLiteral("rate"))->isVisible());
        QVERIFY(panel.findChild<QWidget*>(QStringLiteral("jobs"))->isVisible());
    }
};

QTEST_MAIN(TstControlsPanel)
#include "tst_controls_panel.moc"
