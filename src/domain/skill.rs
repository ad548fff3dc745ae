//! The organisation's skills catalogue and what each person offers or wants to learn.

use super::{DomainError, text, text_enum};

text_enum! {
    /// The catalogue's categories; reverse mentoring centres on the first few.
    SkillCategory {
        Technology => "TECHNOLOGY",
        SocialMedia => "SOCIAL_MEDIA",
        DigitalTools => "DIGITAL_TOOLS",
        Business => "BUSINESS",
        Leadership => "LEADERSHIP",
        Industry => "INDUSTRY",
        CultureAndInclusion => "CULTURE_AND_INCLUSION",
        Communication => "COMMUNICATION",
        Other => "OTHER",
    }
}

text_enum! {
    /// Which way a person relates to a skill.
    SkillRelation {
        /// Can teach it; strength is proficiency 1-5.
        Offers => "OFFERS",
        /// Wants to learn it; strength is priority 1-5.
        Wants => "WANTS",
    }
}

/// A skill's display name, checked.
pub fn skill_name(value: &str) -> Result<String, DomainError> {
    text::required("name", value, 120)
}

/// The key that makes names unique per organisation regardless of case and spacing.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Proficiency (OFFERS) or priority (WANTS), 1 to 5.
pub fn strength(relation: SkillRelation, value: i32) -> Result<i32, DomainError> {
    let field = match relation {
        SkillRelation::Offers => "proficiency",
        SkillRelation::Wants => "priority",
    };
    text::in_range(field, value, 1, 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_collide_regardless_of_case_and_spacing() {
        assert_eq!(name_key("  Prompt   Engineering "), name_key("prompt engineering"));
    }

    #[test]
    fn strength_names_its_meaning() {
        assert_eq!(strength(SkillRelation::Offers, 5), Ok(5));
        assert!(strength(SkillRelation::Offers, 6).unwrap_err().to_string().contains("proficiency"));
        assert!(strength(SkillRelation::Wants, 0).unwrap_err().to_string().contains("priority"));
    }
}
