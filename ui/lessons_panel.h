// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/lesson_file.h"
#include "io/lesson_grade.h"

#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QTextBrowser;

namespace poollab {

class RunController;

// Lessons (docs/LESSONS.md): choose a lesson, read a step, enter a prediction for each
// of its questions, run the step in the window, then see each prediction next to the
// measurement with a verdict and the step's explanation, and go on. The run is the
// window's own (the step's scenario loaded into the controls, virtual time at the
// window's pace, which the pace box here shows and sets); it is graded as `poollab lesson check` grades, from
// the summary the run ends with. Lesson, step and predictions are remembered (QSettings);
// the pace is not (it is the window's, which starts at 10x or --pace).
class LessonsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit LessonsPanel(const RunController* controller, QWidget* parent = nullptr);

    // The lessons offered, in order (the built-in ones, then the user's).
    void setLessons(std::vector<Lesson> lessons);
    const std::vector<Lesson>& lessons() const { return m_lessons; }
    // Adds a lesson file to the list (or replaces the one of its name) and shows it;
    // remembered, so it is offered again next time. False with *error if it does not load.
    bool openLessonFile(const QString& path, QString* error = nullptr);
    // By name; false if there is none.
    bool selectLesson(const QString& name);
    void setStep(int index);
    int lessonIndex() const { return m_lesson; }
    int stepIndex() const { return m_step; }
    const Lesson* currentLesson() const;
    const LessonStep* currentStep() const;

    // The prediction typed for a question of the step shown (a number as text, or a
    // choice's id); setting it is what typing does.
    void setPrediction(const QString& questionId, const QString& value);
    QString prediction(const QString& questionId) const;
    // Run is enabled once every question of the step has a prediction.
    QPushButton* runButton() const { return m_run; }
    QPushButton* nextButton() const { return m_next; }
    // "Load this step's settings": puts the step's pool into the controls on request,
    // for when the window kept the learner's own settings or run (see stepShown).
    QPushButton* loadButton() const { return m_load; }
    // The step's scenario as it runs here (virtual time); none without a step.
    std::optional<Scenario> stepScenario() const;
    // The window says whether its controls hold the step's settings: if not, the panel
    // says so next to "Load this step's settings".
    void setStepSettingsShown(bool shown);
    QString loadNoteText() const;
    QComboBox* lessonBox() const { return m_lessonBox; }
    QComboBox* paceBox() const { return m_pace; }
    // The pace box mirrors the window's pace (the controls' Pace): the window calls this
    // when that changes, and a choice here is reported with paceChanged for the window to
    // take. One pace, shown in two places. A pace the box has no item for is ignored.
    void setPace(double pace);
    double pace() const;
    QTextBrowser* stepText() const { return m_text; }
    QTextBrowser* explanation() const { return m_explanation; }
    // The verdicts of the last graded run of this step, in question order (empty until then).
    const std::vector<Verdict>& verdicts() const { return m_verdicts; }
    // What the verdict area says: "Right", "Wrong", or why there is none yet.
    QString verdictText(const QString& questionId) const;
    QString statusText() const;

    // Lesson, step and predictions, as QSettings keeps them under "lessons/".
    void restoreProgress();
    void saveProgress() const;

signals:
    // Load this scenario into the window and start it at the window's pace.
    void runRequested(const poollab::Scenario& scenario);
    // A step is shown (a lesson chosen, Next, Previous): its scenario, for the window to
    // show in its controls while the learner reads it, unless that would overwrite the
    // learner's edits or a run on screen.
    void stepShown(const poollab::Scenario& scenario);
    // "Load this step's settings" was clicked: the window puts them into the controls.
    void loadRequested(const poollab::Scenario& scenario);
    // The learner chose a pace here (simulated seconds per second; 0 = as fast as possible).
    void paceChanged(double pace);
    // The step's run ended (graded, or not because it was stopped or changed).
    void runGraded();

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitTextToFont();
    // What the lesson box, the buttons and the pace box do, and what the run tells.
    void connectInputs();
    void buildQuestions();
    void clearResults();
    void updateRunButton();
    void onRunFinished();
    void grade(const QJsonObject& summary);
    void showVerdict(std::size_t index, const Verdict& verdict);
    QString predictionKey() const;

    const RunController* m_controller;
    std::vector<Lesson> m_lessons;
    int m_lesson = -1;
    int m_step = 0;
    bool m_awaitingRun = false;
    std::vector<Verdict> m_verdicts;

    QComboBox* m_lessonBox;
    QLabel* m_stepLabel;
    QPushButton* m_open;
    QPushButton* m_previous;
    QPushButton* m_next;
    QTextBrowser* m_text;
    QWidget* m_questionsBox;
    QGridLayout* m_questions;
    std::vector<QWidget*> m_inputs; // a QLineEdit or a QComboBox per question
    std::vector<QLabel*> m_results; // the measurement and verdict per question
    QComboBox* m_pace;
    QPushButton* m_run;
    QPushButton* m_load;
    QLabel* m_loadNote; // why the controls do not show the step, when they do not
    QLabel* m_status;
    QTextBrowser* m_explanation;
};

} // namespace poollab
