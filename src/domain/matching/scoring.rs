//! Pair scores in integer points (0..=1000) and the skill index that scores a whole
//! program without comparing every mentor with every mentee skill by skill.
//!
//! Score of (mentor, mentee) with weights `a` (wants covered) and `b` (teach back):
//! `wants_points = floor(1000 * a/(a+b) * sum(priority * proficiency) / (5 * sum(priority)))`
//! over the mentee's wants that the mentor offers (the denominator sums all the mentee's
//! wants, so an uncovered want lowers the score), and `teach_back_points` likewise for
//! the mentee's offers against the mentor's wants. The score is their sum. A side with no
//! wants contributes 0. Each part is floored on its own so the parts always add up.

use serde::{Deserialize, Serialize};

use super::rules::ScoreWeights;

/// Highest proficiency or priority; levels are clamped into `1..=MAX_LEVEL`.
pub const MAX_LEVEL: u8 = 5;

/// One skill that matched between a want and an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillMatch {
    /// Skill id.
    pub skill_id: i64,
    /// Priority of the want (1..=5).
    pub priority: u8,
    /// Proficiency of the offer (1..=5).
    pub proficiency: u8,
}

/// A pair's score with both contributions and the skills behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreBreakdown {
    /// Total points, `wants_points + teach_back_points`, 0..=1000.
    pub score: u32,
    /// Points from the mentor's offers covering the mentee's wants.
    pub wants_points: u32,
    /// Points from the mentee's offers covering the mentor's wants.
    pub teach_back_points: u32,
    /// Mentee wants covered by the mentor, by skill id.
    pub wants_covered: Vec<SkillMatch>,
    /// Mentor wants covered by the mentee, by skill id.
    pub taught_back: Vec<SkillMatch>,
}

/// One person's skills, normalised: sorted by id, one entry per skill, levels clamped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Profile {
    pub(super) offers: Vec<(i64, u8)>,
    pub(super) wants: Vec<(i64, u8)>,
    /// `5 * sum(priority)` of the wants: the best coverage any partner could reach.
    pub(super) want_ceiling: u64,
}

impl Profile {
    pub(super) fn new(offers: &[(i64, u8)], wants: &[(i64, u8)]) -> Self {
        let wants = normalise(wants);
        let want_ceiling = wants.iter().map(|&(_, p)| u64::from(p) * u64::from(MAX_LEVEL)).sum();
        Self { offers: normalise(offers), wants, want_ceiling }
    }
}

/// Sorts by skill id and keeps the highest level of a duplicated skill.
fn normalise(list: &[(i64, u8)]) -> Vec<(i64, u8)> {
    let mut v: Vec<(i64, u8)> = list.iter().map(|&(s, l)| (s, l.clamp(1, MAX_LEVEL))).collect();
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    v.dedup_by_key(|e| e.0);
    v
}

/// Points one direction earns: `floor(1000 * weight * covered / (total_weight * ceiling))`.
fn points(weight: u32, total_weight: u64, covered: u64, ceiling: u64) -> u32 {
    if covered == 0 || ceiling == 0 || total_weight == 0 {
        return 0;
    }
    let num = 1000u128 * u128::from(weight) * u128::from(covered);
    let den = u128::from(total_weight) * u128::from(ceiling);
    // covered <= ceiling and weight <= total_weight, so the quotient is <= 1000.
    u32::try_from(num / den).unwrap_or(1000)
}

/// Both contributions from the covered sums; shared by the bulk and the pairwise path.
pub(super) fn split_points(
    weights: ScoreWeights,
    wants_covered: u64,
    mentee_ceiling: u64,
    taught_back: u64,
    mentor_ceiling: u64,
) -> (u32, u32) {
    let total = u64::from(weights.wants_covered) + u64::from(weights.teach_back);
    (
        points(weights.wants_covered, total, wants_covered, mentee_ceiling),
        points(weights.teach_back, total, taught_back, mentor_ceiling),
    )
}

/// Skills where `wants` meets `offers`, by merging the two sorted lists.
fn overlap(wants: &[(i64, u8)], offers: &[(i64, u8)]) -> Vec<SkillMatch> {
    let (mut a, mut b, mut out) = (0, 0, Vec::new());
    while a < wants.len() && b < offers.len() {
        match wants[a].0.cmp(&offers[b].0) {
            std::cmp::Ordering::Less => a += 1,
            std::cmp::Ordering::Greater => b += 1,
            std::cmp::Ordering::Equal => {
                out.push(SkillMatch { skill_id: wants[a].0, priority: wants[a].1, proficiency: offers[b].1 });
                a += 1;
                b += 1;
            }
        }
    }
    out
}

fn covered(matches: &[SkillMatch]) -> u64 {
    matches.iter().map(|m| u64::from(m.priority) * u64::from(m.proficiency)).sum()
}

/// Scores one pair with its explanation.
pub(super) fn explain_score(weights: ScoreWeights, mentor: &Profile, mentee: &Profile) -> ScoreBreakdown {
    let wants_covered = overlap(&mentee.wants, &mentor.offers);
    let taught_back = overlap(&mentor.wants, &mentee.offers);
    let (wants_points, teach_back_points) =
        split_points(weights, covered(&wants_covered), mentee.want_ceiling, covered(&taught_back), mentor.want_ceiling);
    ScoreBreakdown {
        score: wants_points + teach_back_points,
        wants_points,
        teach_back_points,
        wants_covered,
        taught_back,
    }
}

/// Inverted index from skill to the mentors offering / wanting it, built once per program.
pub(super) struct SkillIndex {
    skills: Vec<i64>,
    offer_start: Vec<usize>,
    offerers: Vec<(u32, u8)>,
    want_start: Vec<usize>,
    wanters: Vec<(u32, u8)>,
}

impl SkillIndex {
    pub(super) fn new(mentors: &[&Profile]) -> Self {
        let mut skills: Vec<i64> = mentors.iter().flat_map(|p| p.offers.iter().chain(&p.wants).map(|e| e.0)).collect();
        skills.sort_unstable();
        skills.dedup();
        let (offer_start, offerers) = postings(&skills, mentors, |p| p.offers.as_slice());
        let (want_start, wanters) = postings(&skills, mentors, |p| p.wants.as_slice());
        Self { skills, offer_start, offerers, want_start, wanters }
    }

    /// Adds, for every mentor, the covered sums against this mentee into the two
    /// accumulators; work is proportional to the number of skill overlaps.
    pub(super) fn accumulate(&self, mentee: &Profile, wants_acc: &mut [u64], back_acc: &mut [u64]) {
        for &(skill, priority) in &mentee.wants {
            if let Ok(k) = self.skills.binary_search(&skill) {
                for &(j, proficiency) in &self.offerers[self.offer_start[k]..self.offer_start[k + 1]] {
                    wants_acc[j as usize] += u64::from(priority) * u64::from(proficiency);
                }
            }
        }
        for &(skill, proficiency) in &mentee.offers {
            if let Ok(k) = self.skills.binary_search(&skill) {
                for &(j, priority) in &self.wanters[self.want_start[k]..self.want_start[k + 1]] {
                    back_acc[j as usize] += u64::from(priority) * u64::from(proficiency);
                }
            }
        }
    }
}

/// Compressed lists of `(mentor, level)` per skill, mentors in ascending order.
fn postings(
    skills: &[i64],
    mentors: &[&Profile],
    side: impl Fn(&Profile) -> &[(i64, u8)],
) -> (Vec<usize>, Vec<(u32, u8)>) {
    let mut start = vec![0usize; skills.len() + 1];
    let mut keyed = Vec::new();
    for (j, p) in mentors.iter().enumerate() {
        for &(s, level) in side(p) {
            if let Ok(k) = skills.binary_search(&s) {
                start[k + 1] += 1;
                keyed.push((k, j as u32, level));
            }
        }
    }
    for k in 0..skills.len() {
        start[k + 1] += start[k];
    }
    keyed.sort_unstable();
    (start, keyed.into_iter().map(|(_, j, l)| (j, l)).collect())
}
