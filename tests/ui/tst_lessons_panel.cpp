// SPDX-License-Identifier: GPL-3.0-or-later
// The Lessons tab (issue #17): a learner predicts, runs the step in the window,
// reads the verdicts and the explanation, and goes on; progress is remembered;
// Presentation mode enlarges the window's text and the charts' lines.
#include "io/lesson_file.h"
#include "io/lesson_grade.h"
#include "ui/chart_panel.h"
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
            p->paceBox()->setCurrentIndex(1);
            w.saveSettings();
        }
        MainWindow w(hooks());
        w.restoreSettings();
        LessonsPanel* p = w.lessons();
        QCOMPARE(p->currentLesson()->name, u"token-bucket"_s);
        QCOMPARE(p->stepIndex(), 1);
        QCOMPARE(p->prediction(u"bucket40-elapsed"_s), u"14"_s);
        QCOMPARE(p->prediction(u"bucket40-limit"_s), u"tokens"_s);
        QCOMPARE(p->paceBox()->currentIndex(), 1);
        QVERIFY(p->runButton()->isEnabled());
        // Another lesson keeps its own place.
        QVERIFY(p->selectLesson(u"littles-law"_s));
        QCOMPARE(p->stepIndex(), 0);
        QVERIFY(p->selectLesson(u"token-bucket"_s));
        QCOMPARE(p->stepIndex(), 1);
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

private:
    QTemporaryDir m_settings;
};

QTEST_MAIN(TestLessonsPanel)
#include "tst_lessons_panel.moc"
