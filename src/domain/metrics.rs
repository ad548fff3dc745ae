//! Outcome metrics, the parts that are pure: what a small group is and which cells of a
//! breakdown must be hidden so that nothing is recovered by subtraction, rates, and how days
//! become months. README ("Outcome metrics") defines every figure; the store's SQL follows it.

use chrono::{Datelike, Months, NaiveDate};

use super::{DomainError, invalid, text_enum};

/// Groups smaller than this many distinct people are suppressed unless the organisation says otherwise.
pub const DEFAULT_MIN_GROUP_SIZE: i32 = 5;
/// No organisation may show groups smaller than this.
pub const LOWEST_MIN_GROUP_SIZE: i32 = 3;
/// Days in an average month: active months = active days / this.
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// Horizons of retention when the caller names none, in months.
pub const DEFAULT_HORIZONS: [i32; 3] = [3, 6, 12];

/// Checks an organisation's smallest shown group.
pub fn min_group_size(value: i32) -> Result<i32, DomainError> {
    if (LOWEST_MIN_GROUP_SIZE..=1_000).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(format!("minGroupSize must be between {LOWEST_MIN_GROUP_SIZE} and 1000, got {value}")))
    }
}

/// Checks retention horizons: 1 to 10 of them, each 1 to 120 months.
pub fn horizons(values: &[i32]) -> Result<Vec<i32>, DomainError> {
    if values.is_empty() || values.len() > 10 {
        return Err(invalid(format!("give 1 to 10 horizons, got {}", values.len())));
    }
    match values.iter().find(|months| !(1..=120).contains(*months)) {
        Some(bad) => Err(invalid(format!("horizons are 1 to 120 months, got {bad}"))),
        None => Ok(values.to_vec()),
    }
}

/// `numerator / denominator`, or `None` when there is nothing to divide by.
pub fn rate(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

/// Months of a relationship's active days.
pub fn active_months(days: i64) -> f64 {
    days as f64 / DAYS_PER_MONTH
}

/// The matched comparison over the matched participants, from the database's sums: n, Σ retained(p),
/// Σ r(p), Σ d(p) and Σ d(p)² with d(p) = retained(p) - r(p).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchedSums {
    /// Matched participants.
    pub matched: i64,
    /// Σ retained(p), each 0 or 1.
    pub retained: f64,
    /// Σ r(p): each participant's comparison set's share still employed.
    pub comparison: f64,
    /// Σ d(p).
    pub difference: f64,
    /// Σ d(p)².
    pub difference_squared: f64,
}

/// What the matched comparison shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchedComparison {
    /// Mean of retained(p).
    pub participant_rate: f64,
    /// Mean of r(p).
    pub comparison_rate: f64,
    /// Mean of d(p).
    pub difference: f64,
    /// difference ± 1.96 s / √n, s the sample standard deviation of d(p); none below 2 matched.
    pub interval: Option<(f64, f64)>,
}

/// The means and the 95% interval of the matched comparison; none without a matched participant.
pub fn matched_comparison(sums: MatchedSums) -> Option<MatchedComparison> {
    if sums.matched < 1 {
        return None;
    }
    let n = sums.matched as f64;
    let difference = sums.difference / n;
    let interval = (sums.matched >= 2).then(|| {
        let variance = ((sums.difference_squared - n * difference * difference) / (n - 1.0)).max(0.0);
        let half = 1.96 * variance.sqrt() / n.sqrt();
        (difference - half, difference + half)
    });
    Some(MatchedComparison {
        participant_rate: sums.retained / n,
        comparison_rate: sums.comparison / n,
        difference,
        interval,
    })
}

text_enum! {
    /// Where an objective stands on the day evaluated.
    ObjectiveStatus {
        /// Reached (a count: at any time; a rate: on its due day or after).
        Met => "MET",
        /// The due day passed without reaching it.
        Missed => "MISSED",
        /// Before the due day, at or above the line to the target.
        OnTrack => "ON_TRACK",
        /// Before the due day, below that line.
        AtRisk => "AT_RISK",
        /// Nothing is observable yet (or the group is too small to show).
        NoData => "NO_DATA",
    }
}

/// An objective's status. A count (RELATIONSHIPS_FORMED) is MET once reached, MISSED after the
/// due day, else ON_TRACK when `actual >= target x elapsed` (the share of startsOn..due gone by),
/// else AT_RISK. A rate is MET or MISSED after the due day and ON_TRACK or AT_RISK before it;
/// NO_DATA while nothing is observable.
pub fn objective_status(
    counts_up: bool,
    actual: Option<f64>,
    target: f64,
    elapsed: f64,
    past_due: bool,
) -> ObjectiveStatus {
    let Some(actual) = actual else { return ObjectiveStatus::NoData };
    let reached = actual >= target;
    match (counts_up, past_due, reached) {
        (true, _, true) => ObjectiveStatus::Met,
        (true, true, false) => ObjectiveStatus::Missed,
        (true, false, false) if actual >= target * elapsed.clamp(0.0, 1.0) => ObjectiveStatus::OnTrack,
        (true, false, false) => ObjectiveStatus::AtRisk,
        (false, true, true) => ObjectiveStatus::Met,
        (false, true, false) => ObjectiveStatus::Missed,
        (false, false, true) => ObjectiveStatus::OnTrack,
        (false, false, false) => ObjectiveStatus::AtRisk,
    }
}

text_enum! {
    /// How a series cuts time.
    Interval {
        /// Calendar months.
        Month => "MONTH",
        /// Calendar quarters.
        Quarter => "QUARTER",
    }
}

/// One period of a series: its label (`2026-09`, `2026-Q3`) and its days, both counted (the last
/// one ends on the day evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM` or `YYYY-Qn`.
    pub label: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// The most periods a series returns (ten years of months).
pub const MAX_PERIODS: usize = 120;

/// The periods from the one holding `from` to the one holding `to` (empty when `to` is earlier);
/// the latest `MAX_PERIODS` when there are more.
pub fn periods(from: NaiveDate, to: NaiveDate, interval: Interval) -> Vec<Period> {
    let months = match interval {
        Interval::Month => 1,
        Interval::Quarter => 3,
    };
    let first_month = |day: NaiveDate| (day.month0() / months) * months + 1;
    let mut start = NaiveDate::from_ymd_opt(from.year(), first_month(from), 1).unwrap_or(from);
    let mut out = Vec::new();
    while start <= to {
        let next = start.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
        let label = match interval {
            Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Interval::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
        };
        let end = next.pred_opt().unwrap_or(next).min(to);
        out.push(Period { label, start, end });
        start = next;
    }
    let excess = out.len().saturating_sub(MAX_PERIODS);
    out.split_off(excess)
}

/// Which cells of a breakdown to hide: every cell of fewer than `min_group_size` people, and,
/// when exactly one is hidden while the total is shown, also the smallest shown cell, so the
/// hidden one cannot be recovered by subtracting the others from the total.
pub fn suppressed_cells(people_per_cell: &[i64], min_group_size: i64, total_shown: bool) -> Vec<bool> {
    let mut hidden: Vec<bool> = people_per_cell.iter().map(|people| *people < min_group_size).collect();
    if total_shown && hidden.iter().filter(|hidden| **hidden).count() == 1 {
        let next_smallest = people_per_cell
            .iter()
            .enumerate()
            .filter(|(index, _)| !hidden[*index])
            .min_by_key(|(index, people)| (**people, *index))
            .map(|(index, _)| index);
        if let Some(index) = next_smallest {
            hidden[index] = true;
        }
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_small_cell_takes_the_next_smallest_with_it_when_the_total_is_shown() {
        assert_eq!(suppressed_cells(&[7, 3, 12], 5, true), vec![true, true, false]);
        assert_eq!(suppressed_cells(&[7, 3, 12], 5, false), vec![false, true, false]);
        assert_eq!(suppressed_cells(&[2, 3, 12], 5, true), vec![true, true, false], "two hidden: their sum only");
        assert_eq!(suppressed_cells(&[6, 6, 4], 5, true), vec![true, false, true], "ties go to the first");
        assert_eq!(suppressed_cells(&[8, 9], 5, true), vec![false, false]);
    }

    #[test]
    fn the_matched_comparison_interval_is_worked_out_from_sums() {
        // d = [1 - 0.5, 0 - 0.25, 1 - 1] = [0.5, -0.25, 0]: mean 1/12, s^2 = (0.3125 - 3/144) / 2.
        let sums =
            MatchedSums { matched: 3, retained: 2.0, comparison: 1.75, difference: 0.25, difference_squared: 0.3125 };
        let result = matched_comparison(sums).unwrap();
        assert!((result.participant_rate - 2.0 / 3.0).abs() < 1e-12);
        assert!((result.comparison_rate - 1.75 / 3.0).abs() < 1e-12);
        assert!((result.difference - 1.0 / 12.0).abs() < 1e-12);
        let half = 1.96 * (0.145_833_333_333_333_3_f64).sqrt() / 3.0_f64.sqrt();
        let (low, high) = result.interval.unwrap();
        assert!((low - (1.0 / 12.0 - half)).abs() < 1e-12 && (high - (1.0 / 12.0 + half)).abs() < 1e-12);
        let one = MatchedSums { matched: 1, retained: 1.0, comparison: 0.5, difference: 0.5, difference_squared: 0.25 };
        assert_eq!(matched_comparison(one).unwrap().interval, None, "no interval below 2");
        assert_eq!(matched_comparison(MatchedSums { matched: 0, ..one }), None);
    }

    #[test]
    fn counts_are_met_once_reached_and_rates_only_judged_on_their_due_day() {
        use ObjectiveStatus::*;
        assert_eq!(objective_status(true, Some(20.0), 20.0, 0.1, false), Met);
        assert_eq!(objective_status(true, Some(5.0), 20.0, 0.25, false), OnTrack, "5 >= 20 x 0.25");
        assert_eq!(objective_status(true, Some(4.0), 20.0, 0.25, false), AtRisk);
        assert_eq!(objective_status(true, Some(19.0), 20.0, 1.0, true), Missed);
        assert_eq!(objective_status(false, Some(0.9), 0.8, 0.5, false), OnTrack);
        assert_eq!(objective_status(false, Some(0.7), 0.8, 0.5, false), AtRisk);
        assert_eq!(objective_status(false, Some(0.9), 0.8, 1.0, true), Met);
        assert_eq!(objective_status(false, Some(0.7), 0.8, 1.0, true), Missed);
        assert_eq!(objective_status(false, None, 0.8, 1.0, true), NoData);
    }

    #[test]
    fn series_cut_calendar_months_and_quarters_up_to_the_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let months = periods(day(2026, 1, 15), day(2026, 3, 10), Interval::Month);
        let labels: Vec<&str> = months.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
        assert_eq!((months[1].start, months[1].end), (day(2026, 2, 1), day(2026, 2, 28)));
        assert_eq!(months[2].end, day(2026, 3, 10), "the last period ends on the day evaluated");
        let quarters = periods(day(2026, 5, 1), day(2027, 1, 2), Interval::Quarter);
        let labels: Vec<&str> = quarters.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]);
        assert_eq!((quarters[0].start, quarters[0].end), (day(2026, 4, 1), day(2026, 6, 30)));
        assert!(periods(day(2026, 5, 1), day(2026, 4, 30), Interval::Month).is_empty());
        assert_eq!(periods(day(2000, 1, 1), day(2026, 12, 1), Interval::Month).len(), MAX_PERIODS);
    }

    #[test]
    fn settings_and_arguments_stay_in_range() {
        assert_eq!(min_group_size(5), Ok(5));
        assert!(min_group_size(2).unwrap_err().to_string().contains("between 3 and 1000"));
        assert_eq!(horizons(&[3, 6, 12]), Ok(vec![3, 6, 12]));
        assert!(horizons(&[]).is_err() && horizons(&[0]).is_err() && horizons(&[121]).is_err());
    }

    #[test]
    fn rates_need_a_denominator_and_months_are_average_months() {
        assert_eq!(rate(3.0, 4.0), Some(0.75));
        assert_eq!(rate(0.0, 0.0), None);
        assert!((active_months(61) - 2.004_106_776).abs() < 1e-6);
    }
}
