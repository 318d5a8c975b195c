// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scenario_fields.h"

#include <QTest>

#include <set>
#include <string>

using namespace poollab;

namespace {

// Another valid value of the field than the default one.
FieldValue otherValue(const ScenarioField& f)
{
    const FieldValue d = defaultFieldValue(f);
    switch (f.type) {
    case FieldType::Integer:
    case FieldType::Duration: {
        const auto v = std::get<std::int64_t>(d);
        return v < static_cast<std::int64_t>(f.max) ? v + 1 : v - 1;
    }
    case FieldType::Number:
        return std::get<double>(d) < f.max ? f.max : 0.0;
    case FieldType::Choice:
        return std::string(std::get<std::string>(d) == f.choices[0] ? f.choices[1] : f.choices[0]);
    case FieldType::Latency:
        return std::string("exp(50ms)");
    case FieldType::Text:
        return std::get<std::string>(d) + "x";
    }
    return d;
}

} // namespace

class TstScenarioFields : public QObject
{
    Q_OBJECT

private slots:
    void keysAreUniqueAndFound()
    {
        std::set<std::string> keys;
        for (const ScenarioField& f : scenarioFields()) {
            QVERIFY2(keys.insert(f.key).second, f.key);
            QCOMPARE(findScenarioField(f.key), &f);
            QVERIFY2(*f.label && *f.help, f.key);
            QVERIFY2(f.type != FieldType::Choice || f.choices.size() == f.choiceLabels.size(), f.key);
            QVERIFY2(f.arrivals != 0, f.key);
        }
        QCOMPARE(keys.size(), std::size_t{29});
        QVERIFY(!findScenarioField("nope"));
    }

    void equalScenariosHaveNoDiff()
    {
        const Scenario a;
        Scenario b;
        QVERIFY(a == b);
        QVERIFY(diff(a, b).empty());
        QCOMPARE(diff(a, b).affects, AffectsMask{AffectsNothing});
        b.rate = 250;
        QVERIFY(a != b);
    }

    // Each field alone: the diff names it and what it affects, and == sees it.
    void diffNamesEachField_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("affects");
        const struct
        {
            const char* key;
            AffectsMask affects;
        } expected[] = {
            {"name", AffectsNothing},
            {"description", AffectsNothing},
            {"workers", AffectsPool},
            {"queue_capacity", AffectsPool},
            {"overflow", AffectsPool},
            {"job_kind", AffectsWorkload},
            {"latency", AffectsWorkload},
            {"arrival", AffectsArrivals},
            {"rate", AffectsArrivals},
            {"rate_end", AffectsArrivals},
            {"ramp_duration", AffectsArrivals},
            {"spike_rate", AffectsArrivals},
            {"spike_start", AffectsArrivals},
            {"spike_duration", AffectsArrivals},
            {"clients", AffectsArrivals},
            {"think_time", AffectsArrivals},
            {"jobs", AffectsArrivals},
            {"duration", AffectsArrivals},
            {"failure_rate", AffectsWorkload},
            {"timeout", AffectsWorkload},
            {"max_attempts", AffectsWorkload},
            {"backoff_base", AffectsWorkload},
            {"backoff_cap", AffectsWorkload},
            {"jitter", AffectsWorkload},
            {"rate_limit", AffectsRateLimit},
            {"burst", AffectsRateLimit},
            {"seed", AffectsWorkload},
            {"time_mode", AffectsNothing},
            {"sample_interval", AffectsSampling},
        };
        QCOMPARE(std::size(expected), scenarioFields().size());
        for (const auto& e : expected)
            QTest::newRow(e.key) << QString::fromLatin1(e.key) << int{e.affects};
    }
    void diffNamesEachField()
    {
        QFETCH(QString, key);
        QFETCH(int, affects);
        const ScenarioField* f = findScenarioField(key.toStdString());
        QVERIFY(f);
        QCOMPARE(int{f->affects}, affects);
        const Scenario before;
        Scenario after;
        f->set(after, otherValue(*f));
        QVERIFY(before != after);
        const ScenarioDiff d = diff(before, after);
        QCOMPARE(d.fields.size(), std::size_t{1});
        QCOMPARE(d.fields.front(), f);
        QCOMPARE(int{d.affects}, affects);
    }

    void diffJoinsWhatTheFieldsAffect()
    {
        const Scenario before;
        Scenario after;
        after.workers = 9;
        after.rateLimit = 5;
        after.latency = "exp(10ms)";
        const ScenarioDiff d = diff(before, after);
        QCOMPARE(d.fields.size(), std::size_t{3});
        QCOMPARE(int{d.affects}, AffectsPool | AffectsWorkload | AffectsRateLimit);
        QVERIFY(d.has(AffectsPool) && d.has(AffectsWorkload) && d.has(AffectsRateLimit));
        QVERIFY(!d.has(AffectsArrivals) && !d.has(AffectsSampling));
    }

    void arrivalKindsReadTheirFields()
    {
        const auto reads = [](const char* key, ArrivalKind kind) {
            return (findScenarioField(key)->arrivals & arrivalBit(kind)) != 0;
        };
        QVERIFY(!reads("rate", ArrivalKind::Burst));
        QVERIFY(reads("rate", ArrivalKind::Poisson));
        QVERIFY(reads("rate", ArrivalKind::Spike));
        QVERIFY(!reads("rate", ArrivalKind::Closed));
        QVERIFY(reads("rate_end", ArrivalKind::Ramp));
        QVERIFY(!reads("rate_end", ArrivalKind::Spike));
        QVERIFY(reads("spike_start", ArrivalKind::Spike));
        QVERIFY(reads("think_time", ArrivalKind::Closed));
        QVERIFY(!reads("clients", ArrivalKind::Constant));
        QVERIFY(reads("workers", ArrivalKind::Burst));
    }
};

QTEST_GUILESS_MAIN(TstScenarioFields)
#include "tst_scenario_fields.moc"
