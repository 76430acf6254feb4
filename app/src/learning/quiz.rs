//! The quiz: the question bank's text form, checking a course as written, drawing
//! questions for an attempt and grading it. Server only: answers never reach the browser
//! before an attempt is submitted, and grading happens here.
//!
//! The bank's text form, one block per question:
//!
//! ```text
//! ? Which stages can a partner register a deal in?
//! topic: Deal registration
//! * Qualified
//! * Proposal
//! - Closed won
//! ```
//!
//! `*` marks a right option and `-` a wrong one; two or more right options make a
//! multiple-choice question, and the options `True` and `False` a true/false one.

use super::{AnswerInput, CourseInput, LessonInput, QuestionKind};
use crate::error::{AppError, Problems};
use rand::seq::SliceRandom;

pub const MAX_TITLE: usize = 160;
pub const MAX_SUMMARY: usize = 2_000;
pub const MAX_LESSON_BODY: usize = 50_000;
pub const MAX_LESSONS: usize = 50;
pub const MAX_QUESTIONS: usize = 200;
pub const MAX_OPTIONS: usize = 8;
pub const MAX_BANK: usize = 100_000;

/// A question of the bank, with its answer (server only).
#[derive(Debug, Clone, PartialEq)]
pub struct BankQuestion {
    pub kind: QuestionKind,
    pub prompt: String,
    pub topic: String,
    pub options: Vec<String>,
    /// Indexes of the right options, ascending.
    pub answer: Vec<usize>,
}

/// Reads the bank's text form. Errors are i18n keys for the `questions` field.
pub fn parse_bank(text: &str) -> Result<Vec<BankQuestion>, &'static str> {
    let mut out: Vec<BankQuestion> = Vec::new();
    let mut current: Option<BankQuestion> = None;
    let finish = |q: BankQuestion, out: &mut Vec<BankQuestion>| -> Result<(), &'static str> {
        if q.options.len() < 2 {
            return Err("err.bank_two_options");
        }
        if q.answer.is_empty() {
            return Err("err.bank_no_right_option");
        }
        let mut q = q;
        let true_false = q.options.len() == 2
            && q.options[0].eq_ignore_ascii_case("true")
            && q.options[1].eq_ignore_ascii_case("false");
        q.kind = if true_false {
            QuestionKind::TrueFalse
        } else if q.answer.len() > 1 {
            QuestionKind::Multiple
        } else {
            QuestionKind::Single
        };
        out.push(q);
        Ok(())
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().any(char::is_control) {
            return Err("err.invalid_chars");
        }
        if let Some(prompt) = line.strip_prefix('?') {
            if let Some(q) = current.take() {
                finish(q, &mut out)?;
            }
            let prompt = prompt.trim();
            if prompt.is_empty() || prompt.chars().count() > 500 {
                return Err("err.bank_syntax");
            }
            current = Some(BankQuestion {
                kind: QuestionKind::Single,
                prompt: prompt.to_string(),
                topic: String::new(),
                options: Vec::new(),
                answer: Vec::new(),
            });
            continue;
        }
        let Some(q) = current.as_mut() else {
            return Err("err.bank_syntax");
        };
        if let Some(topic) = line.strip_prefix("topic:") {
            q.topic = topic.trim().chars().take(80).collect();
        } else if let Some(rest) = line.strip_prefix('*').or_else(|| line.strip_prefix('-')) {
            let option = rest.trim();
            if option.is_empty() || option.chars().count() > 300 {
                return Err("err.bank_syntax");
            }
            if q.options.len() >= MAX_OPTIONS {
                return Err("err.bank_too_many_options");
            }
            if line.starts_with('*') {
                q.answer.push(q.options.len());
            }
            q.options.push(option.to_string());
        } else {
            return Err("err.bank_syntax");
        }
    }
    if let Some(q) = current.take() {
        finish(q, &mut out)?;
    }
    if out.is_empty() {
        return Err("err.bank_empty");
    }
    if out.len() > MAX_QUESTIONS {
        return Err("err.too_many");
    }
    Ok(out)
}

/// A course as checked: every field with its own message when it is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCourse {
    pub title: String,
    pub summary: String,
    pub lessons: Vec<ValidLesson>,
    pub bank: Vec<BankQuestion>,
    pub draw_count: i64,
    pub pass_percent: i64,
    pub max_attempts: i64,
    pub cooldown_minutes: i64,
    pub time_limit_minutes: i64,
    pub certification: Option<(String, i64)>,
    /// `tier=count` pairs, normalised (`gold=2,platinum=3`).
    pub tier_requirements: String,
}

/// A lesson as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLesson {
    pub module: String,
    pub title: String,
    pub body: String,
    pub video_url: Option<String>,
    pub asset_id: Option<i64>,
}

/// The field name of lesson `i`'s `field` in errors: `lessons.0.title`.
pub fn lesson_field(i: usize, field: &str) -> String {
    format!("lessons.{i}.{field}")
}

fn validate_lesson(p: &mut Problems, i: usize, l: &LessonInput) -> ValidLesson {
    let f = |name: &str| lesson_field(i, name);
    let module = text(p, &f("module"), &l.module, MAX_TITLE, false);
    let title = text(p, &f("title"), &l.title, MAX_TITLE, true);
    let body = text(p, &f("body"), &l.body, MAX_LESSON_BODY, false);
    let video = l.video_url.trim();
    let https = video.starts_with("https://") && video.len() <= 500;
    if !(video.is_empty() || https) || video.chars().any(|c| c.is_control() || c.is_whitespace()) {
        p.add(&f("video_url"), "err.url_invalid");
    }
    let asset_id = match parse_asset_ref(&l.asset) {
        Ok(a) => a,
        Err(key) => {
            p.add(&f("asset"), key);
            None
        }
    };
    ValidLesson {
        module,
        title,
        body,
        video_url: (!video.is_empty()).then(|| video.to_string()),
        asset_id,
    }
}

/// Reads a content-library asset given by id (`12`) or address (`/content/12`,
/// `https://portal.example/content/12`); empty is none.
pub fn parse_asset_ref(raw: &str) -> Result<Option<i64>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let tail = match raw.rfind("/content/") {
        Some(at) => &raw[at + "/content/".len()..],
        None => raw,
    };
    let digits = tail.split(['/', '?', '#']).next().unwrap_or("");
    match digits.parse::<i64>() {
        Ok(n) if n > 0 && raw.len() <= 500 => Ok(Some(n)),
        _ => Err("err.asset_ref"),
    }
}

/// The bank in its text form, as `parse_bank` reads it (to edit a course).
pub fn bank_text(bank: &[BankQuestion]) -> String {
    let mut out = String::new();
    for q in bank {
        out.push_str(&format!("? {}\n", q.prompt));
        if !q.topic.is_empty() {
            out.push_str(&format!("topic: {}\n", q.topic));
        }
        for (i, o) in q.options.iter().enumerate() {
            let mark = if q.answer.contains(&i) { '*' } else { '-' };
            out.push_str(&format!("{mark} {o}\n"));
        }
        out.push('\n');
    }
    out
}

/// A random order of `n` options: the indexes into the stored options, in the order
/// shown. True/false keeps its order.
pub fn option_order(kind: QuestionKind, n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if kind != QuestionKind::TrueFalse {
        order.shuffle(&mut rand::thread_rng());
    }
    order
}

/// Maps chosen indexes of the options as shown back to the stored options' indexes;
/// an index outside the options is dropped (and so never right).
pub fn unshuffle(order: &[usize], chosen: &[usize]) -> Vec<usize> {
    chosen
        .iter()
        .filter_map(|i| order.get(*i).copied())
        .collect()
}

fn number(p: &mut Problems, field: &str, raw: &str, min: i64, max: i64) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        Ok(_) => {
            p.add(field, "err.out_of_range");
            min
        }
        Err(_) => {
            p.add(field, "err.number_invalid");
            min
        }
    }
}

/// A text field: required ones are one line, optional ones may hold line breaks.
fn text(p: &mut Problems, field: &str, raw: &str, max: usize, required: bool) -> String {
    let parsed = if required {
        crate::domain::parse_required_text(raw, max)
    } else {
        crate::domain::parse_optional_text(raw, max)
    };
    parsed.unwrap_or_else(|key| {
        p.add(field, key);
        raw.trim().to_string()
    })
}

pub fn validate_course(input: &CourseInput) -> Result<ValidCourse, AppError> {
    let mut p = Problems::new();
    let title = text(&mut p, "title", &input.title, MAX_TITLE, true);
    let summary = text(&mut p, "summary", &input.summary, MAX_SUMMARY, false);
    if input.lessons.is_empty() {
        p.add("lessons", "err.required");
    }
    if input.lessons.len() > MAX_LESSONS {
        p.add("lessons", "err.too_many");
    }
    let lessons: Vec<ValidLesson> = input
        .lessons
        .iter()
        .take(MAX_LESSONS)
        .enumerate()
        .map(|(i, l)| validate_lesson(&mut p, i, l))
        .collect();
    let bank = if input.questions.len() > MAX_BANK {
        p.add("questions", "err.too_long");
        Vec::new()
    } else {
        match parse_bank(&input.questions) {
            Ok(b) => b,
            Err(key) => {
                p.add("questions", key);
                Vec::new()
            }
        }
    };
    let draw_count = number(
        &mut p,
        "draw_count",
        &input.draw_count,
        1,
        MAX_QUESTIONS as i64,
    );
    if !bank.is_empty() && draw_count > bank.len() as i64 {
        p.add("draw_count", "err.draw_more_than_bank");
    }
    let pass_percent = number(&mut p, "pass_percent", &input.pass_percent, 1, 100);
    let max_attempts = number(&mut p, "max_attempts", &input.max_attempts, 1, 100);
    let cooldown_minutes = number(
        &mut p,
        "cooldown_minutes",
        &input.cooldown_minutes,
        0,
        43_200,
    );
    let time_limit_minutes = number(
        &mut p,
        "time_limit_minutes",
        &input.time_limit_minutes,
        0,
        600,
    );
    let cert_name = text(
        &mut p,
        "certification_name",
        &input.certification_name,
        MAX_TITLE,
        false,
    );
    let certification = if cert_name.is_empty() {
        None
    } else {
        let days = number(
            &mut p,
            "certification_validity_days",
            &input.certification_validity_days,
            1,
            3650,
        );
        Some((cert_name, days))
    };
    let tier_requirements = match parse_tier_requirements(&input.tier_requirements) {
        Ok(t) => t,
        Err(key) => {
            p.add("tier_requirements", key);
            String::new()
        }
    };
    p.into_result()?;
    Ok(ValidCourse {
        tier_requirements,
        title,
        summary,
        lessons,
        bank,
        draw_count,
        pass_percent,
        max_attempts,
        cooldown_minutes,
        time_limit_minutes,
        certification,
    })
}

/// Reads `gold=2, platinum=3` (any tier at most once, counts 1 to 10,000) into its
/// normal form `gold=2,platinum=3`; empty is no requirement.
pub fn parse_tier_requirements(raw: &str) -> Result<String, &'static str> {
    let mut out: Vec<(crate::domain::Tier, i64)> = Vec::new();
    for part in raw
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (tier, n) = part.split_once('=').ok_or("err.tier_requirements")?;
        let tier = crate::domain::Tier::parse(tier.trim()).map_err(|_| "err.tier_requirements")?;
        let n: i64 = n.trim().parse().map_err(|_| "err.tier_requirements")?;
        if !(1..=10_000).contains(&n) || out.iter().any(|(t, _)| *t == tier) {
            return Err("err.tier_requirements");
        }
        out.push((tier, n));
    }
    Ok(out
        .iter()
        .map(|(t, n)| format!("{}={n}", t.code()))
        .collect::<Vec<_>>()
        .join(","))
}

/// `count` of `ids`, in a random order.
pub fn draw(ids: &[i64], count: usize) -> Vec<i64> {
    let mut rng = rand::thread_rng();
    let mut drawn = ids.to_vec();
    drawn.shuffle(&mut rng);
    drawn.truncate(count);
    drawn
}

/// One graded question.
#[derive(Debug, Clone, PartialEq)]
pub struct Graded {
    pub question_id: i64,
    pub correct: bool,
}

/// Grades the answers to the drawn questions: a question is right when exactly its right
/// options were chosen. Answers to questions that were not drawn are ignored; an
/// unanswered question is wrong. Returns each question's grade and the score in percent
/// (rounded down).
pub fn grade(drawn: &[(i64, &BankQuestion)], answers: &[AnswerInput]) -> (Vec<Graded>, i64) {
    let graded: Vec<Graded> = drawn
        .iter()
        .map(|(id, q)| {
            let mut chosen: Vec<usize> = answers
                .iter()
                .filter(|a| a.question_id == *id)
                .flat_map(|a| a.chosen.iter().copied())
                .collect();
            chosen.sort_unstable();
            chosen.dedup();
            let single = !matches!(q.kind, QuestionKind::Multiple);
            let correct = chosen == q.answer && !(single && chosen.len() != 1);
            Graded {
                question_id: *id,
                correct,
            }
        })
        .collect();
    let right = graded.iter().filter(|g| g.correct).count() as i64;
    let score = if graded.is_empty() {
        0
    } else {
        right * 100 / graded.len() as i64
    };
    (graded, score)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const BANK: &str = "? Which stages can be registered?\ntopic: Deals\n* Qualified\n* Proposal\n- Closed won\n\n? Registrations protect the partner.\n* True\n- False\n\n? Who approves?\ntopic: Review\n- The partner\n* The channel manager\n";

    #[test]
    fn the_bank_text_form_reads_kinds_topics_and_answers() {
        let bank = parse_bank(BANK).unwrap();
        assert_eq!(bank.len(), 3);
        assert_eq!(bank[0].kind, QuestionKind::Multiple);
        assert_eq!(bank[0].answer, vec![0, 1]);
        assert_eq!(bank[0].topic, "Deals");
        assert_eq!(bank[1].kind, QuestionKind::TrueFalse);
        assert_eq!(bank[2].kind, QuestionKind::Single);
        assert_eq!(bank[2].answer, vec![1]);
    }

    #[test]
    fn bad_banks_say_why() {
        assert_eq!(parse_bank(""), Err("err.bank_empty"));
        assert_eq!(parse_bank("* orphan"), Err("err.bank_syntax"));
        assert_eq!(parse_bank("? Q\n* only"), Err("err.bank_two_options"));
        assert_eq!(parse_bank("? Q\n- a\n- b"), Err("err.bank_no_right_option"));
        assert_eq!(parse_bank("? Q\nwhat\n* a\n- b"), Err("err.bank_syntax"));
    }

    #[test]
    fn grading_needs_exactly_the_right_options() {
        let bank = parse_bank(BANK).unwrap();
        let drawn: Vec<(i64, &BankQuestion)> = bank
            .iter()
            .enumerate()
            .map(|(i, q)| (i as i64 + 1, q))
            .collect();
        let a = |id: i64, chosen: &[usize]| AnswerInput {
            question_id: id,
            chosen: chosen.to_vec(),
        };
        let (g, score) = grade(&drawn, &[a(1, &[1, 0]), a(2, &[0]), a(3, &[1])]);
        assert!(g.iter().all(|g| g.correct));
        assert_eq!(score, 100);
        // One of two right options, both options of a single choice, nothing for the third.
        let (g, score) = grade(&drawn, &[a(1, &[0]), a(2, &[0, 1])]);
        assert!(g.iter().all(|g| !g.correct));
        assert_eq!(score, 0);
        // Answers to undrawn questions do not count.
        let (_, score) = grade(&drawn[..1], &[a(1, &[0, 1]), a(3, &[1])]);
        assert_eq!(score, 100);
        let (_, score) = grade(&drawn, &[a(1, &[0, 1]), a(2, &[0])]);
        assert_eq!(score, 66);
    }

    #[test]
    fn tier_requirements_are_read_and_checked() {
        assert_eq!(
            parse_tier_requirements(" gold = 2; platinum=3 ").unwrap(),
            "gold=2,platinum=3"
        );
        assert_eq!(parse_tier_requirements("").unwrap(), "");
        for bad in ["gold", "gold=0", "gold=x", "bronze=2", "gold=1,gold=2"] {
            assert_eq!(
                parse_tier_requirements(bad),
                Err("err.tier_requirements"),
                "{bad}"
            );
        }
    }

    #[test]
    fn draws_are_distinct_and_bounded() {
        let ids: Vec<i64> = (1..=10).collect();
        let d = draw(&ids, 4);
        assert_eq!(d.len(), 4);
        let mut u = d.clone();
        u.sort_unstable();
        u.dedup();
        assert_eq!(u.len(), 4);
        assert!(d.iter().all(|x| ids.contains(x)));
    }

    #[test]
    fn course_fields_each_get_a_message() {
        let input = CourseInput {
            title: String::new(),
            lessons: vec![
                LessonInput {
                    title: "L".into(),
                    body: "b".into(),
                    video_url: "javascript:alert(1)".into(),
                    ..Default::default()
                },
                LessonInput {
                    title: String::new(),
                    asset: "/content/x".into(),
                    ..Default::default()
                },
            ],
            questions: BANK.into(),
            draw_count: "9".into(),
            pass_percent: "abc".into(),
            max_attempts: "0".into(),
            cooldown_minutes: "0".into(),
            time_limit_minutes: "0".into(),
            ..Default::default()
        };
        let AppError::Validation(map) = validate_course(&input).unwrap_err() else {
            panic!()
        };
        assert_eq!(map["title"], vec!["err.required"]);
        assert_eq!(map["lessons.0.video_url"], vec!["err.url_invalid"]);
        assert_eq!(map["lessons.1.title"], vec!["err.required"]);
        assert_eq!(map["lessons.1.asset"], vec!["err.asset_ref"]);
        assert!(!map.contains_key("lessons.0.title"));
        assert_eq!(map["draw_count"], vec!["err.draw_more_than_bank"]);
        assert_eq!(map["pass_percent"], vec!["err.number_invalid"]);
        assert_eq!(map["max_attempts"], vec!["err.out_of_range"]);
    }

    #[test]
    fn asset_references_by_id_or_address() {
        assert_eq!(parse_asset_ref(""), Ok(None));
        assert_eq!(parse_asset_ref("12"), Ok(Some(12)));
        assert_eq!(parse_asset_ref("/content/12"), Ok(Some(12)));
        assert_eq!(
            parse_asset_ref("https://p.example/content/7?tab=versions"),
            Ok(Some(7))
        );
        for bad in ["0", "-3", "abc", "/content/", "/deals/4x"] {
            assert_eq!(parse_asset_ref(bad), Err("err.asset_ref"), "{bad}");
        }
    }

    #[test]
    fn the_bank_text_reads_back_to_the_same_bank() {
        let bank = parse_bank(BANK).unwrap();
        assert_eq!(parse_bank(&bank_text(&bank)).unwrap(), bank);
    }

    #[test]
    fn shuffled_options_grade_against_the_stored_answer() {
        let order = option_order(QuestionKind::Single, 5);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
        // Whatever the order, choosing the shown position of stored option 3 means 3.
        let shown = order.iter().position(|&i| i == 3).unwrap();
        assert_eq!(unshuffle(&order, &[shown]), vec![3]);
        assert_eq!(unshuffle(&order, &[9]), Vec::<usize>::new());
        assert_eq!(option_order(QuestionKind::TrueFalse, 2), vec![0, 1]);
    }
}
