// SPDX-License-Identifier: GPL-3.0-or-later
// The Lessons tab (issue #17): a learner predicts, runs the step in the window,
// reads the verdicts and the explanation, and goes on; progress is remembered;
// Presentation mode enlarges the window's text and the charts' lines.
#include "io/lesson_file.h"
#include "io/lesson_grade.h"
#include "ui/chart_panel.h"
#include "ui/controls_panel.h"
#include "ui/engine_factory.h"
#include "ui/lessons_panel.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace poollab;
using namespace Qt::StringLiterals;

static void registerResources()
{
    Q_INIT_RESOURCE(poollab_resources);
}

namespace {

constexpr int kMaxPaceIndex = 4; // the pace box's "max"

WindowHooks hooks()
{
    WindowHooks h;
    h.makeEngine = makeEngineFor;
    h.lessons = [] {
        QStringList problems;
        return loadLessons(QString(), &problems);
    };
    return h;
}

// What the headless grader measures for a question: the window must agree.
double headlessMeasure(const Lesson& lesson, int step, const QString& id)
{
    const LessonStep& s = lesson.steps[static_cast<std::size_t>(step)];
    StepRun run;
    if (!runLessonStep(s, run, nullptr))
        return -1;
    for (const LessonQuestion& q : s.questions)
        if (q.id == id)
            return questionValue(q, run.summary).value_or(-1);
    return -1;
}

} // namespace

class TestLessonsPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        registerResources();
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    }
    void init() { QSettings().clear(); }

    void walksOneLessonEndToEnd()
    {
        MainWindow w(hooks());
        w.resize(1280, 800);
        w.show();
        LessonsPanel* p = w.lessons();
        QCOMPARE(w.centreTabs()->tabText(w.centreTabs()->indexOf(p)), u"Lessons"_s);
        QCOMPARE(p->lessons().size(), std::size_t(9));
        QVERIFY(p->selectLesson(u"signup-burst"_s));
        QCOMPARE(p->stepIndex(), 0);
        QVERIFY(p->stepText()->toPlainText().contains(u"10,000 people sign up"_s));
        p->paceBox()->setCurrentIndex(kMaxPaceIndex);

        // Run waits for a prediction to every question.
        QVERIFY(!p->runButton()->isEnabled());
        p->setPrediction(u"burst20-elapsed"_s, u"250"_s);
        QVERIFY(!p->runButton()->isEnabled());
        p->setPrediction(u"burst20-wait-p50"_s, u"not a number"_s);
        QVERIFY(!p->runButton()->isEnabled());
        p->setPrediction(u"burst20-wait-p50"_s, u"60"_s); // half of the right 124 s
        QVERIFY(p->runButton()->isEnabled());
        QVERIFY(p->explanation()->isHidden());

        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        // The step's scenario runs in the window, in virtual time, at the pace chosen.
        QCOMPARE(w.controller()->scenario().workers, 20);
        QCOMPARE(w.controller()->timeMode(), TimeMode::Virtual);
        QCOMPARE(w.controller()->pace(), 0.0);
        QCOMPARE(w.centreTabs()->currentWidget(), w.charts());
        QVERIFY(!p->runButton()->isEnabled()); // while it runs
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(2), 30000);

        // Back on the Lessons tab: each prediction beside the measurement, the verdict
        // and the explanation.
        QCOMPARE(w.centreTabs()->currentWidget(), p);
        QCOMPARE(p->verdictText(u"burst20-elapsed"_s), u"Right"_s);
        QCOMPARE(p->verdictText(u"burst20-wait-p50"_s), u"Wrong"_s);
        const Lesson& lesson = *p->currentLesson();
        QCOMPARE(p->verdicts()[0].measured, headlessMeasure(lesson, 0, u"burst20-elapsed"_s));
        QCOMPARE(p->verdicts()[0].measured, 250.0);
        QCOMPARE(p->verdicts()[1].measured, headlessMeasure(lesson, 0, u"burst20-wait-p50"_s));
        const auto* result = p->findChild<QLabel*>(u"burst20-wait-p50-result"_s);
        QVERIFY(result);
        QVERIFY2(result->text().contains(u"you said <b>60 s</b>"_s) &&
                     result->text().contains(u"measured <b>124 s</b>"_s),
                 qPrintable(result->text()));
        QVERIFY(!p->explanation()->isHidden());
        QVERIFY(p->explanation()->toPlainText().contains(u"10,000 jobs \u00f7 40 jobs/s = 250 s"_s));
        QVERIFY2(p->statusText().startsWith(u"1 of 2 right."_s), qPrintable(p->statusText()));

        // On to the next step: new questions, no verdicts, Run waits again.
        QVERIFY(p->nextButton()->isEnabled());
        QTest::mouseClick(p->nextButton(), Qt::LeftButton);
        QCOMPARE(p->stepIndex(), 1);
        QVERIFY(p->verdicts().empty());
        QVERIFY(p->explanation()->isHidden());
        QVERIFY(!p->runButton()->isEnabled());
        p->setPrediction(u"burst40-elapsed"_s, u"125"_s);
        p->setPrediction(u"burst40-wait-p99"_s, u"124"_s);
        QTest::mouseClick(p->runButton(), Qt::LeftButton);
        QCOMPARE(w.controller()->scenario().workers, 40);
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(2), 30000);
        QCOMPARE(p->verdictText(u"burst40-elapsed"_s), u"Right"_s);
        QCOMPARE(p->verdictText(u"burst40-wait-p99"_s), u"Right"_s);
        QVERIFY(p->statusText().contains(u"last step"_s));
        QVERIFY(!p->nextButton()->isEnabled());
    }

    // The Lessons tab's pace box and the window's (the controls' Pace) are one pace:
    // either sets it, both show it, and the step runs at it.
    void paceIsTheWindowsPace_data()
    {
        QTest::addColumn<bool>("fromLessons"); // which box the learner uses
        QTest::addColumn<int>("index");
        QTest::addColumn<double>("pace");
        QTest::newRow("window 1x") << false << 0 << 1.0;
        QTest::newRow("window 1000x") << false << 3 << 1000.0;
        QTest::newRow("window max") << false << 4 << 0.0;
        QTest::newRow("lessons 1x") << true << 0 << 1.0;
        QTest::newRow("lessons 100x") << true << 2 << 100.0;
        QTest::newRow("lessons max") << true << 4 << 0.0;
    }
    void paceIsTheWindowsPace()
    {
        QFETCH(bool, fromLessons);
        QFETCH(int, index);
        QFETCH(double, pace);
        MainWindow w(hooks());
        LessonsPanel* p = w.lessons();
        auto* windowPace = w.controls()->findChild<QComboBox*>(u"pace"_s);
        QVERIFY(windowPace);
        // They agree from the start (10x, the window's default).
        QCOMPARE(p->pace(), 10.0);
        QCOMPARE(p->paceBox()->currentText(), windowPace->currentText());
        QCOMPARE(w.controller()->pace(), 10.0);

        (fromLessons ? p->paceBox() : windowPace)->setCurrentIndex(index);
        QCOMPARE(p->paceBox()->currentIndex(), index);
        QCOMPARE(windowPace->currentIndex(), index);
        QCOMPARE(p->paceBox()->currentText(), windowPace->currentText());
        QCOMPARE(p->pace(), pace);
        QCOMPARE(w.controller()->pace(), pace);

        // The step runs at that pace, and the pace stays what both boxes show.
        QVERIFY(p->selectLesson(u"signup-burst"_s));
        p->setPrediction(u"burst20-elapsed"_s, u"250"_s);
        p->setPrediction(u"burst20-wait-p50"_s, u"124"_s);
        p->runButton()->click();
        QVERIFY(w.controller()->isActive());
        QCOMPARE(w.controller()->pace(), pace);
        QCOMPARE(windowPace->currentIndex(), index);
        QCOMPARE(p->paceBox()->currentIndex(), index);
        // Changed in the window while it runs: the Lessons box follows.
        windowPace->setCurrentIndex(4);
        QCOMPARE(p->paceBox()->currentIndex(), 4);
        QCOMPARE(w.controller()->pace(), 0.0);
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(2), 30000);
        QCOMPARE(p->verdictText(u"burst20-elapsed"_s), u"Right"_s);
    }

    // A verdict says what its value is: Erlang C's prediction is not a measurement.
    void verdictSaysTheoryPredicts()
    {
        MainWindow w(hooks());
        LessonsPanel* p = w.lessons();
        QVERIFY(p->selectLesson(u"utilization"_s));
        p->paceBox()->setCurrentIndex(kMaxPaceIndex);
        p->setPrediction(u"u50-prob-wait"_s, u"3.6"_s);  // theory.measures.prob_wait.predicted
        p->setPrediction(u"u50-utilization"_s, u"50"_s); // utilization, measured
        p->runButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(2), 30000);
        const QString predicted = p->findChild<QLabel*>(u"u50-prob-wait-result"_s)->text();
        QVERIFY2(predicted.contains(u"you said <b>3.6 %</b> \u00b7 theory predicts <b>3.6"_s) &&
                     !predicted.contains(u"measured"_s),
                 qPrintable(predicted));
        const QString measured = p->findChild<QLabel*>(u"u50-utilization-result"_s)->text();
        QVERIFY2(measured.contains(u"you said <b>50 %</b> \u00b7 measured <b>5"_s) &&
                     !measured.contains(u"theory"_s),
                 qPrintable(measured));
        QCOMPARE(p->verdicts()[0].source, ValueSource::Predicted);
        QCOMPARE(p->verdicts()[1].source, ValueSource::Measured);
    }

    // A learner reading a step sees its pool in the controls, not the last preset's;
    // only on the Lessons tab, and never under a run that is going.
    void theControlsShowTheStepBeingRead()
    {
        MainWindow w(hooks());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonsPanel* p = w.lessons();
        const int before = w.controller()->scenario().workers;
        QVERIFY(p->selectLesson(u"signup-burst"_s)); // on the Charts tab: nothing loaded
        QCOMPARE(w.controller()->scenario().workers, before);
        QVERIFY(before != 20);
        // Going to the Lessons tab shows the step read (clean controls, no run on screen).
        w.centreTabs()->setCurrentWidget(p);
        QCOMPARE(w.controller()->scenario().workers, 20); // signup-burst's first step
        QVERIFY(p->loadNoteText().isEmpty());
        QVERIFY(p->selectLesson(u"littles-law"_s));
        QCOMPARE(w.controller()->scenario().workers, 20);
        QCOMPARE(w.controller()->timeMode(), TimeMode::Virtual);
        QVERIFY(!w.controller()->isActive()); // shown, not started
        auto* workers = w.controls()->findChild<QSpinBox*>(u"workers"_s);
        QVERIFY(workers);
        QCOMPARE(workers->value(), 20);
        p->nextButton()->click(); // step 2: 40 workers
        QCOMPARE(w.controller()->scenario().workers, 40);
        QCOMPARE(workers->value(), 40);
        // A run going keeps its settings.
        p->paceBox()->setCurrentIndex(0); // 1x: still going below
        p->setPrediction(u"random-l"_s, u"10"_s);
        p->runButton()->click();
        QVERIFY(w.controller()->isActive());
        w.centreTabs()->setCurrentWidget(p);
        p->nextButton()->click(); // step 3 (5 workers) shown while step 2 runs
        QCOMPARE(w.controller()->scenario().workers, 40);
        w.controller()->cancel();
        QTRY_VERIFY(w.controller()->isFinished());
    }

    // The user's own settings ("(modified)") stay in the controls when the Lessons tab
    // or another step is shown; "Load this step's settings" loads them on request.
    void editedControlsAreKept()
    {
        MainWindow w(hooks());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonsPanel* p = w.lessons();
        QVERIFY(p->selectLesson(u"signup-burst"_s));
        auto* workers = w.controls()->findChild<QSpinBox*>(u"workers"_s);
        QVERIFY(workers);
        workers->setValue(33);
        QVERIFY(w.controls()->isModified());
        QCOMPARE(w.controller()->scenario().workers, 33);

        w.centreTabs()->setCurrentWidget(p); // the tab: kept
        QCOMPARE(w.controller()->scenario().workers, 33);
        QCOMPARE(workers->value(), 33);
        QVERIFY(w.controls()->isModified());
        QCOMPARE(p->loadNoteText(), u"The controls keep your settings and run; Run loads the step's."_s);
        QVERIFY(p->loadButton()->isEnabled());
        p->nextButton()->click(); // another step: kept
        QCOMPARE(p->stepIndex(), 1);
        QCOMPARE(workers->value(), 33);
        QVERIFY(w.controls()->isModified());

        // Asked for: the step's pool (40 workers) in clean controls, and navigation
        // shows each step again.
        QTest::mouseClick(p->loadButton(), Qt::LeftButton);
        QCOMPARE(workers->value(), 40);
        QCOMPARE(w.controller()->scenario().workers, 40);
        QCOMPARE(w.controller()->timeMode(), TimeMode::Virtual);
        QVERIFY(!w.controls()->isModified());
        QVERIFY(p->loadNoteText().isEmpty());
        p->setStep(0);
        QCOMPARE(workers->value(), 20);
        // An edit shows the note again.
        workers->setValue(21);
        QVERIFY(!p->loadNoteText().isEmpty());
        QVERIFY(!w.controller()->isActive());
    }

    // A finished run (its charts and summary) stays on screen when the learner goes on
    // to the next step: the reported case, Signup burst at 40 workers run to the end.
    void aFinishedRunIsKept_data()
    {
        QTest::addColumn<bool>("edited");
        QTest::newRow("edited controls, run finished") << true;
        QTest::newRow("lesson's run finished") << false;
    }
    void aFinishedRunIsKept()
    {
        QFETCH(bool, edited);
        MainWindow w(hooks());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonsPanel* p = w.lessons();
        QVERIFY(p->selectLesson(u"signup-burst"_s));
        p->paceBox()->setCurrentIndex(kMaxPaceIndex);
        auto* workers = w.controls()->findChild<QSpinBox*>(u"workers"_s);
        QVERIFY(workers);
        if (edited) {
            w.centreTabs()->setCurrentWidget(p); // loads step 1 (20 workers): clean controls
            w.centreTabs()->setCurrentWidget(w.charts());
            workers->setValue(40);
            QVERIFY(w.controller()->start());
        } else {
            w.centreTabs()->setCurrentWidget(p);
            p->setPrediction(u"burst20-elapsed"_s, u"250"_s);
            p->setPrediction(u"burst20-wait-p50"_s, u"124"_s);
            p->runButton()->click();
        }
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
        const std::uint64_t completed = w.controller()->snapshot().completed();
        QCOMPARE(completed, std::uint64_t(10000));
        const int runWorkers = edited ? 40 : 20;
        QCOMPARE(w.controller()->scenario().workers, runWorkers);

        w.centreTabs()->setCurrentWidget(p);
        p->nextButton()->click();
        QCOMPARE(p->stepIndex(), 1);
        // The run and its settings are still there; the panel offers the step's.
        QVERIFY(w.controller()->hasRun());
        QVERIFY(w.controller()->isFinished());
        QCOMPARE(w.controller()->snapshot().completed(), completed);
        QCOMPARE(w.controller()->scenario().workers, runWorkers);
        QCOMPARE(workers->value(), runWorkers);
        QCOMPARE(w.controls()->isModified(), edited);
        if (!edited) // step 2's 40 workers are not in the controls, and the panel says so
            QVERIFY(!p->loadNoteText().isEmpty());
        QVERIFY(p->loadButton()->isEnabled());
    }

    void aStoppedRunIsNotGraded()
    {
        MainWindow w(hooks());
        LessonsPanel* p = w.lessons();
        QVERIFY(p->selectLesson(u"signup-burst"_s));
        p->paceBox()->setCurrentIndex(0); // 1x: still going when stopped
        p->setPrediction(u"burst20-elapsed"_s, u"250"_s);
        p->setPrediction(u"burst20-wait-p50"_s, u"124"_s);
        p->runButton()->click();
        QVERIFY(w.controller()->isActive());
        w.controller()->cancel();
        QTRY_VERIFY(w.controller()->isFinished());
        QTRY_VERIFY(p->statusText().contains(u"run the step again"_s));
        QVERIFY(p->verdicts().empty());
        QVERIFY(p->runButton()->isEnabled());
    }

    void progressIsRemembered()
    {
        {
            MainWindow w(hooks());
            LessonsPanel* p = w.lessons();
            QVERIFY(p->selectLesson(u"token-bucket"_s));
            p->nextButton()->click();
            p->setPrediction(u"bucket40-elapsed"_s, u"14"_s);
            p->setPrediction(u"bucket40-limit"_s, u"tokens"_s);
            p->paceBox()->setCurrentIndex(3);
            w.saveSettings();
        }
        MainWindow w(hooks());
        w.restoreSettings();
        LessonsPanel* p = w.lessons();
        QCOMPARE(p->currentLesson()->name, u"token-bucket"_s);
        QCOMPARE(p->stepIndex(), 1);
        QCOMPARE(p->prediction(u"bucket40-elapsed"_s), u"14"_s);
        QCOMPARE(p->prediction(u"bucket40-limit"_s), u"tokens"_s);
        // The pace is the window's and not remembered: the default 10x again.
        QCOMPARE(p->paceBox()->currentIndex(), 1);
        QCOMPARE(p->pace(), 10.0);
        QCOMPARE(w.controller()->pace(), 10.0);
        QCOMPARE(w.controls()->findChild<QComboBox*>(u"pace"_s)->currentIndex(), 1);
        QVERIFY(p->runButton()->isEnabled());
        // Another lesson keeps its own place.
        QVERIFY(p->selectLesson(u"littles-law"_s));
        QCOMPARE(p->stepIndex(), 0);
        QVERIFY(p->selectLesson(u"token-bucket"_s));
        QCOMPARE(p->stepIndex(), 1);
    }

    // A pace an earlier version kept with the progress (lessons/pace) is not the
    // window's next time either, and it is dropped when the progress is saved.
    void aRememberedPaceIsIgnored()
    {
        QSettings().setValue(u"lessons/current"_s, u"token-bucket"_s);
        QSettings().setValue(u"lessons/pace"_s, kMaxPaceIndex);
        MainWindow w(hooks());
        w.restoreSettings();
        QCOMPARE(w.lessons()->currentLesson()->name, u"token-bucket"_s);
        QCOMPARE(w.controller()->pace(), 10.0);
        QCOMPARE(w.lessons()->pace(), 10.0);
        w.saveSettings();
        QVERIFY(!QSettings().contains(u"lessons/pace"_s));
    }

    // A teacher's lesson file: opened, offered again next time, and forgotten once gone.
    void aLessonFileOpensAndIsRemembered()
    {
        const QString path = m_settings.filePath(u"my-lesson.json"_s);
        {
            QFile in(u":/lessons/cpu-vs-io.json"_s);
            QVERIFY(in.open(QIODevice::ReadOnly));
            QByteArray json = in.readAll();
            json.replace("\"name\": \"cpu-vs-io\"", "\"name\": \"my-lesson\"");
            QFile out(path);
            QVERIFY(out.open(QIODevice::WriteOnly) && out.write(json) == json.size());
        }
        {
            MainWindow w(hooks());
            LessonsPanel* p = w.lessons();
            QString error;
            QVERIFY(!p->openLessonFile(m_settings.filePath(u"missing.json"_s), &error));
            QVERIFY2(error.contains(u"cannot read"_s), qPrintable(error));
            QVERIFY2(p->openLessonFile(path, &error), qPrintable(error));
            QCOMPARE(p->lessons().size(), std::size_t(10));
            QCOMPARE(p->currentLesson()->name, u"my-lesson"_s);
            QCOMPARE(p->currentLesson()->source, path);
            w.saveSettings();
        }
        {
            MainWindow w(hooks());
            w.restoreSettings();
            QCOMPARE(w.lessons()->currentLesson()->name, u"my-lesson"_s);
        }
        QVERIFY(QFile::remove(path));
        MainWindow w(hooks());
        w.restoreSettings();
        QCOMPARE(w.lessons()->lessons().size(), std::size_t(9));
        QCOMPARE(QSettings().value(u"lessons/files"_s).toStringList(), QStringList());
    }

    void presentationModeEnlargesTextAndLines()
    {
        MainWindow w(hooks());
        const qreal base = QApplication::font().pointSizeF();
        QAction* mode = w.action(u"presentationMode"_s);
        QVERIFY(mode && mode->isCheckable());
        QVERIFY(
            w.action(u"presentationLarger"_s)->shortcuts().contains(QKeySequence(Qt::CTRL | Qt::Key_Plus)));
        QCOMPARE(w.action(u"presentationSmaller"_s)->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Minus));
        QCOMPARE(w.action(u"presentationReset"_s)->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_0));
        const auto lineWidth = [&w] {
            return qobject_cast<QLineSeries*>(w.charts()->throughputChart()->series().first())
                ->pen()
                .widthF();
        };
        QCOMPARE(lineWidth(), 2.0);

        mode->trigger();
        QVERIFY(mode->isChecked());
        QCOMPARE(w.presentationScale(), 1.5);
        QCOMPARE(QApplication::font().pointSizeF(), base * 1.5);
        QCOMPARE(lineWidth(), 3.0);
        w.action(u"presentationLarger"_s)->trigger();
        QCOMPARE(w.presentationScale(), 1.75);
        QCOMPARE(QApplication::font().pointSizeF(), base * 1.75);
        w.action(u"presentationSmaller"_s)->trigger();
        QCOMPARE(w.presentationScale(), 1.5);
        // A new theme keeps the enlarged lines.
        w.setTheme(Theme::Dark);
        QCOMPARE(lineWidth(), 3.0);
        w.action(u"presentationReset"_s)->trigger();
        QVERIFY(!mode->isChecked());
        QCOMPARE(QApplication::font().pointSizeF(), base);
        QCOMPARE(lineWidth(), 2.0);
        w.setTheme(Theme::Light);
    }

    // scripts/lessons-screenshot.sh: the Lessons tab mid-lesson, a verdict showing.
    void readmeScreenshot()
    {
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (out.isEmpty())
            QSKIP("POOLLAB_SHOT_DIR is not set");
        MainWindow w(hooks());
        w.resize(1280, 800);
        w.setTheme(Theme::Light);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonsPanel* p = w.lessons();
        QVERIFY(p->selectLesson(u"backpressure"_s));
        p->nextButton()->click();
        p->paceBox()->setCurrentIndex(kMaxPaceIndex);
        p->setPrediction(u"reject-count"_s, u"500"_s);
        p->setPrediction(u"reject-elapsed"_s, u"20"_s);
        p->setPrediction(u"reject-share"_s, u"half"_s);
        p->runButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(3), 30000);
        QCoreApplication::processEvents();
        QVERIFY(w.grab().save(QDir(out).filePath(u"screenshot-lessons.png"_s)));
    }

    // With POOLLAB_SHOT_DIR set: a learner's walk through one lesson (choose, read,
    // predict, run, verdict, next), then the window in Presentation mode at projector
    // sizes, each saved as a PNG to look at.
    void learnerWalkScreenshots()
    {
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (out.isEmpty())
            QSKIP("POOLLAB_SHOT_DIR is not set");
        const auto shot = [&out](QWidget& w, const QString& name) {
            for (int i = 0; i < 3; ++i) // the layout settles, then reflows
                QCoreApplication::processEvents();
            QVERIFY(w.grab().save(QDir(out).filePath(name + u".png"_s)));
        };
        MainWindow w(hooks());
        w.resize(1280, 800);
        w.setTheme(Theme::Light);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        LessonsPanel* p = w.lessons();
        w.centreTabs()->setCurrentWidget(p);
        QVERIFY(p->selectLesson(u"littles-law"_s));
        shot(w, u"walk-1-first-step"_s);
        const LessonStep* step = p->currentStep();
        for (const LessonQuestion& q : step->questions)
            p->setPrediction(q.id, q.kind == LessonQuestion::Kind::Number ? u"10"_s : q.choices[0].id);
        shot(w, u"walk-2-predicted"_s);
        p->runButton()->click();
        shot(w, u"walk-3-running"_s);
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), step->questions.size(), 60000);
        shot(w, u"walk-4-verdict"_s);
        p->nextButton()->click();
        shot(w, u"walk-5-next-step"_s);
        // Graded again, for the projector's pictures: the tallest the tab gets.
        for (const LessonQuestion& q : p->currentStep()->questions)
            p->setPrediction(q.id, q.kind == LessonQuestion::Kind::Number ? u"10"_s : q.choices[0].id);
        p->paceBox()->setCurrentIndex(kMaxPaceIndex);
        p->runButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), p->currentStep()->questions.size(), 60000);
        shot(w, u"walk-6-graded-max-pace"_s);
        for (const QSize size : {QSize(1280, 800), QSize(1024, 768)}) {
            for (const double scale : {1.5, 2.0}) {
                w.setPresentationScale(scale);
                w.resize(size);
                for (QWidget* tab : {static_cast<QWidget*>(p), static_cast<QWidget*>(w.charts())}) {
                    w.centreTabs()->setCurrentWidget(tab);
                    shot(w, u"present-%1x%2-%3-%4"_s.arg(size.width())
                                .arg(size.height())
                                .arg(scale)
                                .arg(tab == p ? u"lessons"_s : u"charts"_s));
                }
            }
        }
        w.setPresentationScale(1.0);
    }

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestLessonsPanel)
#include "tst_lessons_panel.moc"
