// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lessons_panel.h"

#include "core/queueing_theory.h"
#include "core/summary.h"
#include "io/summary_json.h"
#include "ui/run_controller.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>
#include <optional>

namespace poollab {

namespace {

// The pace box's items, in simulated seconds per second (0 = as fast as possible), as
// the controls' pace box has them: the two show the same pace.
constexpr double kPaces[] = {1, 10, 100, 1000, 0};
constexpr int kDefaultPaceIndex = 1; // 10x, the window's own default (RunController)

const QString kSettingsGroup = QStringLiteral("lessons");

// A number as typed, in the user's locale or with a '.' (1,5 and 1.5 in German).
std::optional<double> typedNumber(const QString& text)
{
    const QString t = text.trimmed();
    bool ok = false;
    double v = QLocale().toDouble(t, &ok);
    if (!ok)
        v = QLocale::c().toDouble(t, &ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

QString withUnit(const QString& number, const QString& unit)
{
    return unit.isEmpty() ? number : number + QLatin1Char(' ') + unit;
}

// The verdict's word for the value, as the window says it (lesson check says the same).
QString sourceText(ValueSource source)
{
    switch (source) {
    case ValueSource::Predicted:
        return LessonsPanel::tr("theory predicts");
    case ValueSource::Model:
        return LessonsPanel::tr("the model gives");
    case ValueSource::RelativeError:
        return LessonsPanel::tr("the relative error is");
    case ValueSource::Measured:
        break;
    }
    return LessonsPanel::tr("measured");
}

QString choiceText(const LessonQuestion& q, const QString& id)
{
    for (const LessonChoice& ch : q.choices)
        if (ch.id == id)
            return ch.text;
    return id;
}

} // namespace

LessonsPanel::LessonsPanel(const RunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    // The step scrolls rather than squeezes when the tab is short (Presentation mode on
    // a 1024x768 projector): its text, questions, verdicts and explanation stay whole.
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setObjectName(QStringLiteral("lessonScroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* content = new QWidget;
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    auto* top = new QHBoxLayout;
    m_lessonBox = new QComboBox;
    m_lessonBox->setObjectName(QStringLiteral("lessonBox"));
    // Its longest title must not widen the tab (the side columns keep their width).
    m_lessonBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_lessonBox->setMinimumContentsLength(16);
    m_lessonBox->setToolTip(tr("The lesson: each step asks you to predict, then runs and compares"));
    m_stepLabel = new QLabel;
    m_stepLabel->setObjectName(QStringLiteral("stepLabel"));
    m_open = new QPushButton(tr("Open\u2026"));
    m_open->setToolTip(tr("Open a lesson file (poollab-lesson/1, e.g. one your teacher gave you)"));
    m_previous = new QPushButton(tr("\u25c0 Previous"));
    m_next = new QPushButton(tr("Next step \u25b6"));
    m_next->setObjectName(QStringLiteral("nextStep"));
    top->addWidget(new QLabel(tr("Lesson")));
    top->addWidget(m_lessonBox, 1);
    top->addWidget(m_open);
    layout->addLayout(top);

    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("stepText"));
    m_text->setOpenExternalLinks(true);
    layout->addWidget(m_text, 2);

    auto* box = new QGroupBox(tr("Your predictions"));
    m_questionsBox = box;
    m_questions = new QGridLayout(box);
    m_questions->setColumnStretch(0, 2);
    m_questions->setColumnStretch(2, 5);
    layout->addWidget(box);

    auto* runRow = new QHBoxLayout;
    m_pace = new QComboBox;
    m_pace->setObjectName(QStringLiteral("lessonPace"));
    m_pace->addItems({QStringLiteral("1\u00d7"), QStringLiteral("10\u00d7"), QStringLiteral("100\u00d7"),
                      QStringLiteral("1000\u00d7"), tr("max")});
    m_pace->setCurrentIndex(kDefaultPaceIndex);
    m_pace->setToolTip(tr("Simulated seconds per real second while the step runs (virtual time); the "
                          "result is the same at any pace. The window's pace: the Pace in the controls "
                          "changes with it"));
    m_run = new QPushButton(tr("Run this step"));
    m_run->setObjectName(QStringLiteral("runStep"));
    m_load = new QPushButton(tr("Load this step's settings"));
    m_load->setObjectName(QStringLiteral("loadStep"));
    m_load->setToolTip(tr("Put this step's pool into the controls, replacing your settings there and "
                          "clearing a finished run's charts and summary"));
    m_loadNote = new QLabel(tr("The controls keep your settings and run; Run loads the step's."));
    m_loadNote->setObjectName(QStringLiteral("loadNote"));
    m_loadNote->setWordWrap(true);
    m_loadNote->hide();
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("lessonStatus"));
    m_status->setWordWrap(true);
    runRow->addWidget(new QLabel(tr("Pace")));
    runRow->addWidget(m_pace);
    runRow->addWidget(m_run);
    runRow->addStretch(1);
    layout->addLayout(runRow);
    // Its own row: the run row must fit a narrow tab.
    auto* loadRow = new QHBoxLayout;
    loadRow->addWidget(m_load);
    loadRow->addWidget(m_loadNote, 1);
    loadRow->addStretch(); // the button stays its own width while the note is hidden
    layout->addLayout(loadRow);
    layout->addWidget(m_status);

    m_explanation = new QTextBrowser;
    m_explanation->setObjectName(QStringLiteral("explanation"));
    m_explanation->setOpenExternalLinks(true);
    m_explanation->hide();
    layout->addWidget(m_explanation, 2);

    // Where the learner is, and on to the next step: under the explanation, read last.
    // A row of its own, so that the run row and this one each fit a narrow tab.
    auto* stepRow = new QHBoxLayout;
    stepRow->addWidget(m_stepLabel);
    stepRow->addStretch(1);
    stepRow->addWidget(m_previous);
    stepRow->addWidget(m_next);
    layout->addLayout(stepRow);
    fitTextToFont();

    connectInputs();
    setStep(0);
}

void LessonsPanel::connectInputs()
{
    connect(m_lessonBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_lesson = index;
        m_step = -1;
        const Lesson* lesson = currentLesson();
        const int remembered =
            lesson ? QSettings().value(kSettingsGroup + QStringLiteral("/step/") + lesson->name, 0).toInt()
                   : 0;
        setStep(remembered);
        saveProgress();
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open lesson"), QString(),
                                                          tr("Lessons (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !openLessonFile(path, &error))
            QMessageBox::warning(this, tr("Cannot open the lesson"), error);
    });
    connect(m_previous, &QPushButton::clicked, this, [this] {
        setStep(m_step - 1);
        saveProgress();
    });
    connect(m_load, &QPushButton::clicked, this, [this] {
        if (const std::optional<Scenario> scenario = stepScenario())
            emit loadRequested(*scenario);
    });
    connect(m_next, &QPushButton::clicked, this, [this] {
        setStep(m_step + 1);
        saveProgress();
    });
    // The pace is the window's and, like it, not remembered: not part of the progress.
    connect(m_pace, &QComboBox::currentIndexChanged, this,
            [this](int i) { emit paceChanged(kPaces[static_cast<std::size_t>(i)]); });
    connect(m_run, &QPushButton::clicked, this, [this] {
        const LessonStep* step = currentStep();
        if (!step)
            return;
        clearResults();
        m_awaitingRun = true;
        m_status->setText(tr("Running\u2026 watch the Charts tab."));
        Scenario scenario = step->scenario;
        scenario.timeMode = TimeMode::Virtual;
        emit runRequested(scenario);
    });
    connect(m_controller, &RunController::runFinished, this, &LessonsPanel::onRunFinished);
    connect(m_controller, &RunController::stateChanged, this, &LessonsPanel::updateRunButton);
}

void LessonsPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitTextToFont();
}

void LessonsPanel::fitTextToFont()
{
    // A few lines of the step and of the explanation in view at any font size; more
    // scrolls inside them.
    const int line = fontMetrics().lineSpacing();
    m_text->setMinimumHeight(6 * line);
    m_explanation->setMinimumHeight(5 * line);
}

void LessonsPanel::setLessons(std::vector<Lesson> lessons)
{
    m_lessons = std::move(lessons);
    const QSignalBlocker block(m_lessonBox);
    m_lessonBox->clear();
    for (const Lesson& l : m_lessons) {
        m_lessonBox->addItem(l.title, l.name);
        m_lessonBox->setItemData(m_lessonBox->count() - 1,
                                 QStringLiteral("%1 (%2): %3").arg(l.title, l.level, l.summary),
                                 Qt::ToolTipRole);
    }
    m_lesson = m_lessons.empty() ? -1 : 0;
    m_lessonBox->setCurrentIndex(m_lesson);
    m_step = -1;
    setStep(0);
}

bool LessonsPanel::openLessonFile(const QString& path, QString* error)
{
    Lesson lesson;
    if (!loadLessonFile(path, lesson, error))
        return false;
    const QString name = lesson.name;
    std::vector<Lesson> all = m_lessons;
    const auto same = std::find_if(all.begin(), all.end(), [&](const Lesson& l) { return l.name == name; });
    if (same != all.end())
        *same = std::move(lesson);
    else
        all.push_back(std::move(lesson));
    setLessons(std::move(all));
    QSettings settings;
    QStringList files = settings.value(kSettingsGroup + QStringLiteral("/files")).toStringList();
    if (!files.contains(path))
        files << path;
    settings.setValue(kSettingsGroup + QStringLiteral("/files"), files);
    return selectLesson(name);
}

bool LessonsPanel::selectLesson(const QString& name)
{
    const int index = m_lessonBox->findData(name);
    if (index < 0)
        return false;
    if (index == m_lessonBox->currentIndex())
        setStep(m_step);
    m_lessonBox->setCurrentIndex(index);
    return true;
}

void LessonsPanel::setPace(double pace)
{
    const auto* it = std::find(std::begin(kPaces), std::end(kPaces), pace);
    if (it == std::end(kPaces))
        return;
    // Shown, not reported back: the window already has this pace.
    const QSignalBlocker block(m_pace);
    m_pace->setCurrentIndex(static_cast<int>(it - std::begin(kPaces)));
}

double LessonsPanel::pace() const
{
    return kPaces[static_cast<std::size_t>(m_pace->currentIndex())];
}

const Lesson* LessonsPanel::currentLesson() const
{
    return m_lesson >= 0 && m_lesson < static_cast<int>(m_lessons.size())
               ? &m_lessons[static_cast<std::size_t>(m_lesson)]
               : nullptr;
}

const LessonStep* LessonsPanel::currentStep() const
{
    const Lesson* lesson = currentLesson();
    return lesson && m_step >= 0 && m_step < static_cast<int>(lesson->steps.size())
               ? &lesson->steps[static_cast<std::size_t>(m_step)]
               : nullptr;
}

void LessonsPanel::setStep(int index)
{
    const Lesson* lesson = currentLesson();
    const int count = lesson ? static_cast<int>(lesson->steps.size()) : 0;
    m_step = std::clamp(index, 0, std::max(0, count - 1));
    m_awaitingRun = false;
    const LessonStep* step = currentStep();
    m_previous->setEnabled(m_step > 0);
    m_next->setEnabled(m_step + 1 < count);
    if (!step) {
        m_stepLabel->clear();
        m_text->setMarkdown(tr("No lessons are available."));
        buildQuestions();
        return;
    }
    m_stepLabel->setText(tr("%1 \u00b7 step %2 of %3").arg(lesson->level).arg(m_step + 1).arg(count));
    QString markdown = QStringLiteral("## %1\n\n%2").arg(step->title, step->text);
    if (m_step == 0)
        markdown = QStringLiteral("# %1\n\n*%2*\n\n%3").arg(lesson->title, lesson->summary, markdown);
    m_text->setMarkdown(markdown);
    buildQuestions();
    emit stepShown(*stepScenario());
}

std::optional<Scenario> LessonsPanel::stepScenario() const
{
    const LessonStep* step = currentStep();
    if (!step)
        return std::nullopt;
    Scenario scenario = step->scenario;
    scenario.timeMode = TimeMode::Virtual;
    return scenario;
}

void LessonsPanel::setStepSettingsShown(bool shown)
{
    m_loadNote->setVisible(!shown && currentStep());
}

QString LessonsPanel::loadNoteText() const
{
    return m_loadNote->isHidden() ? QString() : m_loadNote->text();
}

// One row per question: its text, an input, and where the verdict goes.
void LessonsPanel::buildQuestions()
{
    while (QLayoutItem* item = m_questions->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_inputs.clear();
    m_results.clear();
    m_verdicts.clear();
    const LessonStep* step = currentStep();
    const std::size_t count = step ? step->questions.size() : 0;
    m_questionsBox->setVisible(count > 0);
    const QJsonObject remembered =
        QJsonDocument::fromJson(QSettings().value(predictionKey()).toString().toUtf8()).object();
    for (std::size_t i = 0; i < count; ++i) {
        const LessonQuestion& q = step->questions[i];
        const int row = static_cast<int>(i);
        auto* text = new QLabel(q.text);
        text->setWordWrap(true);
        m_questions->addWidget(text, row, 0);
        QWidget* input = nullptr;
        const QString value = remembered.value(q.id).toString();
        if (q.kind == LessonQuestion::Kind::Number) {
            auto* edit = new QLineEdit(value);
            edit->setPlaceholderText(q.unit.isEmpty() ? tr("a number") : tr("in %1").arg(q.unit));
            edit->setToolTip(tr("Your prediction%1, before you run the step")
                                 .arg(q.unit.isEmpty() ? QString() : tr(", in %1").arg(q.unit)));
            connect(edit, &QLineEdit::textChanged, this, [this] {
                updateRunButton();
                saveProgress();
            });
            input = edit;
        } else {
            auto* combo = new QComboBox;
            combo->addItem(tr("Choose\u2026"), QString());
            for (const LessonChoice& ch : q.choices)
                combo->addItem(ch.text, ch.id);
            combo->setCurrentIndex(std::max(0, combo->findData(value)));
            connect(combo, &QComboBox::currentIndexChanged, this, [this] {
                updateRunButton();
                saveProgress();
            });
            input = combo;
        }
        input->setObjectName(q.id);
        // The verdict beside it gets the room: a number or a choice is short.
        input->setMaximumWidth(input->fontMetrics().horizontalAdvance(QLatin1Char('M')) * 16);
        m_questions->addWidget(input, row, 1);
        auto* result = new QLabel;
        result->setObjectName(q.id + QStringLiteral("-result"));
        result->setWordWrap(true);
        result->setTextFormat(Qt::RichText);
        m_questions->addWidget(result, row, 2);
        m_inputs.push_back(input);
        m_results.push_back(result);
    }
    clearResults();
}

void LessonsPanel::clearResults()
{
    m_verdicts.clear();
    for (QLabel* r : m_results)
        r->clear();
    m_explanation->clear();
    m_explanation->hide();
    const LessonStep* step = currentStep();
    m_status->setText(step && !step->questions.empty() ? tr("Enter a prediction for each question, then run.")
                                                       : QString());
    updateRunButton();
}

void LessonsPanel::setPrediction(const QString& questionId, const QString& value)
{
    for (QWidget* input : m_inputs) {
        if (input->objectName() != questionId)
            continue;
        if (auto* edit = qobject_cast<QLineEdit*>(input))
            edit->setText(value);
        else if (auto* combo = qobject_cast<QComboBox*>(input))
            combo->setCurrentIndex(std::max(0, combo->findData(value)));
    }
}

QString LessonsPanel::prediction(const QString& questionId) const
{
    for (QWidget* input : m_inputs) {
        if (input->objectName() != questionId)
            continue;
        if (auto* edit = qobject_cast<QLineEdit*>(input))
            return edit->text().trimmed();
        if (auto* combo = qobject_cast<QComboBox*>(input))
            return combo->currentData().toString();
    }
    return {};
}

void LessonsPanel::updateRunButton()
{
    const LessonStep* step = currentStep();
    bool ready = step != nullptr;
    for (std::size_t i = 0; ready && i < m_inputs.size(); ++i) {
        const LessonQuestion& q = step->questions[i];
        const QString value = prediction(q.id);
        ready = q.kind == LessonQuestion::Kind::Number ? typedNumber(value).has_value() : !value.isEmpty();
    }
    const bool busy = m_controller->isActive();
    m_run->setEnabled(ready && !busy);
    m_load->setEnabled(step && !busy); // a run going keeps its settings
    m_run->setToolTip(!ready ? tr("Predict first: enter an answer for every question")
                      : busy ? tr("A run is going: stop it or let it finish")
                             : tr("Load this step's scenario into the window and run it"));
}

void LessonsPanel::onRunFinished()
{
    if (!m_awaitingRun)
        return;
    m_awaitingRun = false;
    // Whatever the verdict, the learner reads it here.
    emit runGraded();
    const LessonStep* step = currentStep();
    Scenario expected = step ? step->scenario : Scenario{};
    expected.timeMode = TimeMode::Virtual;
    // Only the step's own run, to its end, unchanged, is the one `lesson check` grades.
    if (!step || m_controller->cancelRequested() || m_controller->drainRequested() ||
        !m_controller->markers().empty() || m_controller->scenario() != expected) {
        m_status->setText(tr("The run was stopped or changed, so it is not this step's run: run the step "
                             "again to see the verdict."));
        return;
    }
    const Snapshot& last = m_controller->snapshot();
    const RunSummary summary = RunSummary::from(last, "virtual");
    const QByteArray json = summaryToJson(summary, QString::fromStdString(expected.name),
                                          compareWithTheory(expected, last, m_controller->averageInSystem()));
    grade(QJsonDocument::fromJson(json).object());
}

void LessonsPanel::grade(const QJsonObject& summary)
{
    const LessonStep* step = currentStep();
    int right = 0;
    for (std::size_t i = 0; i < step->questions.size(); ++i) {
        const LessonQuestion& q = step->questions[i];
        const QString typed = prediction(q.id);
        QJsonValue answer(typed);
        if (q.kind == LessonQuestion::Kind::Number)
            answer = typedNumber(typed) ? QJsonValue(*typedNumber(typed)) : QJsonValue();
        const Verdict v = gradeQuestion(q, summary, answer);
        right += v.isRight() ? 1 : 0;
        m_verdicts.push_back(v);
        showVerdict(i, v);
    }
    const int total = static_cast<int>(step->questions.size());
    const bool last = m_step + 1 >= static_cast<int>(currentLesson()->steps.size());
    m_status->setText(
        tr("%1 of %2 right.").arg(right).arg(total) + QLatin1Char(' ') +
        (last ? tr("That was the last step of this lesson.") : tr("Read why below, then go on.")));
    m_explanation->setMarkdown(QStringLiteral("### Why\n\n") + step->explanation);
    m_explanation->show();
}

void LessonsPanel::showVerdict(std::size_t index, const Verdict& v)
{
    const LessonQuestion& q = currentStep()->questions[index];
    const bool right = v.isRight();
    const QString mark = right ? QStringLiteral("<b style='color:#2ea043'>\u2714 Right</b>")
                               : QStringLiteral("<b style='color:#dc2626'>\u2718 Wrong</b>");
    QString detail;
    if (!v.problem.isEmpty()) {
        detail = tr("cannot be measured: %1").arg(v.problem.toHtmlEscaped());
    } else if (q.kind == LessonQuestion::Kind::Number) {
        // What the value is: a theory question is graded against theory's prediction.
        detail = tr("you said <b>%1</b> \u00b7 %5 <b>%2</b><br><small>right from %3 to %4</small>")
                     .arg(withUnit(v.given, q.unit).toHtmlEscaped(),
                          withUnit(lessonNumber(v.measured), q.unit).toHtmlEscaped(), lessonNumber(v.low),
                          withUnit(lessonNumber(v.high), q.unit).toHtmlEscaped(), sourceText(v.source));
    } else {
        detail =
            tr("you chose <b>%1</b> \u00b7 right: <b>%2</b>")
                .arg(choiceText(q, v.given).toHtmlEscaped(), choiceText(q, v.rightChoice).toHtmlEscaped());
    }
    m_results[index]->setText(mark + QStringLiteral(" \u2014 ") + detail);
}

QString LessonsPanel::verdictText(const QString& questionId) const
{
    for (const Verdict& v : m_verdicts)
        if (v.questionId == questionId)
            return v.isRight() ? QStringLiteral("Right") : QStringLiteral("Wrong");
    return {};
}

QString LessonsPanel::statusText() const
{
    return m_status->text();
}

QString LessonsPanel::predictionKey() const
{
    const Lesson* lesson = currentLesson();
    return kSettingsGroup + QStringLiteral("/predictions/") + (lesson ? lesson->name : QString());
}

void LessonsPanel::saveProgress() const
{
    const Lesson* lesson = currentLesson();
    if (!lesson)
        return;
    QSettings settings;
    settings.setValue(kSettingsGroup + QStringLiteral("/current"), lesson->name);
    settings.setValue(kSettingsGroup + QStringLiteral("/step/") + lesson->name, m_step);
    // Earlier versions kept the pace here, which made every later window start at it.
    settings.remove(kSettingsGroup + QStringLiteral("/pace"));
    // Every prediction typed in this lesson, the other steps' kept.
    QJsonObject predictions =
        QJsonDocument::fromJson(settings.value(predictionKey()).toString().toUtf8()).object();
    if (const LessonStep* step = currentStep())
        for (const LessonQuestion& q : step->questions)
            predictions.insert(q.id, prediction(q.id));
    settings.setValue(predictionKey(),
                      QString::fromUtf8(QJsonDocument(predictions).toJson(QJsonDocument::Compact)));
}

void LessonsPanel::restoreProgress()
{
    // Read first: showing the lesson saves the progress shown. The pace is not progress:
    // the window's starts at its default (or --pace) every time.
    QSettings settings;
    const QString name = settings.value(kSettingsGroup + QStringLiteral("/current")).toString();
    const int step = settings.value(kSettingsGroup + QStringLiteral("/step/") + name, 0).toInt();
    // The lesson files opened before; one that no longer loads is forgotten.
    const QStringList files = settings.value(kSettingsGroup + QStringLiteral("/files")).toStringList();
    QStringList kept;
    for (const QString& file : files)
        if (openLessonFile(file))
            kept << file;
    settings.setValue(kSettingsGroup + QStringLiteral("/files"), kept);
    if (name.isEmpty() || !selectLesson(name))
        return;
    setStep(step);
}

} // namespace poollab
