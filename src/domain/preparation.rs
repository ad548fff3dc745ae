//! Preparation courses: the training a program asks of its mentors and mentees before they
//! start (the articles' "advance training" on handling the relationship), which lives in the
//! company's LMS. A required course not completed keeps a person out of matching.

use std::collections::HashSet;

use super::enrollment::EnrollmentRole;
use super::{DomainError, invalid, text, text_enum};

text_enum! {
    /// Who a course is for.
    Audience {
        Mentor => "MENTOR",
        Mentee => "MENTEE",
        Both => "BOTH",
    }
}

impl Audience {
    /// Whether people enrolled as `role` are asked to take it.
    pub fn covers(self, role: EnrollmentRole) -> bool {
        matches!(
            (self, role),
            (Audience::Both, _)
                | (Audience::Mentor, EnrollmentRole::Mentor)
                | (Audience::Mentee, EnrollmentRole::Mentee)
        )
    }
}

/// A course as the gate reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub activity_iri: String,
    pub title: String,
    pub audience: Audience,
    pub required_before_matching: bool,
}

/// Checks a course's activity IRI (absolute, `scheme:...`) and title.
pub fn course(activity_iri: &str, title: &str) -> Result<(String, String), DomainError> {
    let iri = activity_iri.trim();
    let scheme = iri.split_once(':').map(|(scheme, _)| scheme).unwrap_or("");
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid_scheme || iri.len() > 2048 || iri.contains(char::is_whitespace) || iri.len() == scheme.len() + 1 {
        return Err(invalid("activityIri must be an absolute IRI, e.g. https://lms.example.com/courses/42"));
    }
    Ok((iri.to_owned(), text::required("title", title, 200)?))
}

/// Checks a reported score: xAPI's scaled score, from -1 to 1.
pub fn score(score: Option<f64>) -> Result<Option<f64>, DomainError> {
    match score {
        Some(value) if !(-1.0..=1.0).contains(&value) || value.is_nan() => {
            Err(invalid("score is xAPI's scaled score, from -1 to 1"))
        }
        other => Ok(other),
    }
}

/// The required courses a person enrolled as `role` has not completed, in the given order.
pub fn missing<'a>(courses: &'a [Course], role: EnrollmentRole, completed: &HashSet<&str>) -> Vec<&'a Course> {
    courses
        .iter()
        .filter(|course| course.required_before_matching && course.audience.covers(role))
        .filter(|course| !completed.contains(course.activity_iri.as_str()))
        .collect()
}

/// The words naming what is missing, e.g. `'Reverse mentoring 101' (https://lms/courses/1)`.
pub fn describe(missing: &[&Course]) -> String {
    let named: Vec<String> =
        missing.iter().map(|course| format!("'{}' ({})", course.title, course.activity_iri)).collect();
    format!("preparation not completed: {}", named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course_for(iri: &str, audience: Audience, required: bool) -> Course {
        Course {
            activity_iri: iri.into(),
            title: format!("Course {iri}"),
            audience,
            required_before_matching: required,
        }
    }

    #[test]
    fn only_required_courses_of_ones_side_not_yet_completed_are_missing() {
        let courses = [
            course_for("https://lms/1", Audience::Both, true),
            course_for("https://lms/2", Audience::Mentor, true),
            course_for("https://lms/3", Audience::Mentee, true),
            course_for("https://lms/4", Audience::Both, false),
        ];
        let none = HashSet::new();
        let iris = |missing: Vec<&Course>| missing.iter().map(|c| c.activity_iri.clone()).collect::<Vec<_>>();
        assert_eq!(iris(missing(&courses, EnrollmentRole::Mentor, &none)), ["https://lms/1", "https://lms/2"]);
        assert_eq!(iris(missing(&courses, EnrollmentRole::Mentee, &none)), ["https://lms/1", "https://lms/3"]);
        let done = HashSet::from(["https://lms/1"]);
        assert_eq!(iris(missing(&courses, EnrollmentRole::Mentee, &done)), ["https://lms/3"]);
        let text = describe(&missing(&courses, EnrollmentRole::Mentee, &done));
        assert_eq!(text, "preparation not completed: 'Course https://lms/3' (https://lms/3)");
    }

    #[test]
    fn courses_need_an_absolute_iri_and_a_title() {
        assert_eq!(
            course(" https://lms.example.com/courses/42 ", "Intro").unwrap(),
            ("https://lms.example.com/courses/42".into(), "Intro".into())
        );
        assert!(course("urn:lms:course:42", "Intro").is_ok());
        assert!(course("courses/42", "Intro").is_err());
        assert!(course("https:", "Intro").is_err());
        assert!(course("https://lms/a b", "Intro").is_err());
        assert!(course("https://lms/1", " ").is_err());
        assert_eq!(score(Some(0.8)).unwrap(), Some(0.8));
        assert!(score(Some(80.0)).is_err());
        assert!(score(Some(f64::NAN)).is_err());
    }
}
