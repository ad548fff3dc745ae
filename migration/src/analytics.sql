-- Read-only views for BI tools (Metabase, Superset) on PostgreSQL, named after README's
-- "Outcome metrics" definitions and evaluated as of today (UTC). Figures about fewer than the
-- organisation's minGroupSize people are withheld exactly as GraphQL withholds them; a test
-- proves that the views and GraphQL give the same numbers. Every view has org_id: a BI
-- connection for one organisation filters on it (or uses row-level security on top).
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE VIEW analytics.as_of AS
SELECT CAST(now() AT TIME ZONE 'UTC' AS date) AS day,
       CAST(CAST(now() AT TIME ZONE 'UTC' AS date) + 1 AS timestamp) AT TIME ZONE 'UTC' AS day_ends;

CREATE VIEW analytics.relationships AS
SELECT m.org_id, m.program_id, m.id AS relationship_id, m.started_on,
       CASE WHEN m.ended_on <= d.day THEN m.ended_on END AS ended_on,
       CASE WHEN m.ended_on IS NULL OR m.ended_on > d.day THEN 'ACTIVE' ELSE m.status END AS status,
       LEAST(COALESCE(m.ended_on, d.day), d.day) - m.started_on + 1 AS active_days,
       (SELECT COUNT(*) FROM meetings x WHERE x.match_id = m.id AND x.held_at < d.day_ends) AS meetings,
       CAST((SELECT COALESCE(SUM(x.minutes), 0) FROM meetings x WHERE x.match_id = m.id AND x.held_at < d.day_ends)
         AS double precision) / 60 AS hours,
       (SELECT COUNT(*) FROM learnings l WHERE l.match_id = m.id AND l.created_at < d.day_ends) AS learnings_recorded,
       (SELECT COUNT(*) FROM learnings l WHERE l.match_id = m.id AND l.created_at < d.day_ends
           AND l.confirmed_at < d.day_ends) AS learnings_confirmed
  FROM matches m CROSS JOIN analytics.as_of d
 WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day;

CREATE VIEW analytics.retention AS
WITH sides AS (
  SELECT m.org_id, m.program_id, m.mentor_person_id AS person_id, 'MENTOR' AS role, m.started_on
    FROM matches m CROSS JOIN analytics.as_of d
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day
  UNION ALL
  SELECT m.org_id, m.program_id, m.mentee_person_id, 'MENTEE', m.started_on
    FROM matches m CROSS JOIN analytics.as_of d
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day
), participants AS (
  SELECT org_id, program_id, person_id, role, MIN(started_on) AS anchor FROM sides
   GROUP BY org_id, program_id, person_id, role
), scored AS (
  SELECT pa.org_id, pa.program_id, h.months, pa.role, CAST(pa.anchor + make_interval(months => h.months) AS date) AS day,
         pe.hired_on, pe.left_on
    FROM participants pa JOIN people pe ON pe.id = pa.person_id AND pe.org_id = pa.org_id
   CROSS JOIN (VALUES (3), (6), (12)) h(months)
), counted AS (
  SELECT s.org_id, s.program_id, s.months, s.role,
         COUNT(*) FILTER (WHERE s.day <= d.day) AS observable,
         COUNT(*) FILTER (WHERE s.day <= d.day AND (s.hired_on IS NULL OR s.hired_on <= s.day)
                          AND (s.left_on IS NULL OR s.left_on >= s.day)) AS retained
    FROM scored s CROSS JOIN analytics.as_of d
   GROUP BY s.org_id, s.program_id, s.months, s.role
), cells AS (
  SELECT p.org_id, p.id AS program_id, h.months, r.role,
         COALESCE(c.observable, 0) AS observable, COALESCE(c.retained, 0) AS retained,
         COALESCE(o.min_group_size, 5) AS k
    FROM programs p CROSS JOIN (VALUES (3), (6), (12)) h(months) CROSS JOIN (VALUES ('MENTOR'), ('MENTEE')) r(role)
    LEFT JOIN counted c ON c.program_id = p.id AND c.months = h.months AND c.role = r.role
    LEFT JOIN org_settings o ON o.org_id = p.org_id
), rows AS (
  -- A role cell is withheld when either role is under the smallest group (with two cells, a
  -- lone small one would be the total minus the other).
  SELECT org_id, program_id, months, role, observable, retained,
         MIN(observable) OVER (PARTITION BY program_id, months) < k AS suppressed
    FROM cells
  UNION ALL
  SELECT org_id, program_id, months, 'ALL', SUM(observable), SUM(retained), SUM(observable) < MIN(k)
    FROM cells GROUP BY org_id, program_id, months
)
SELECT org_id, program_id, months, role,
       CASE WHEN NOT suppressed THEN observable END AS observable,
       CASE WHEN NOT suppressed THEN retained END AS retained,
       CASE WHEN NOT suppressed AND observable > 0 THEN CAST(retained AS double precision) / observable END AS rate,
       suppressed
  FROM rows;

CREATE VIEW analytics.matched_comparison AS
WITH started AS (
  SELECT m.org_id, m.program_id, m.mentor_person_id, m.mentee_person_id, m.started_on
    FROM matches m CROSS JOIN analytics.as_of d
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day
), ever AS (
  SELECT mentor_person_id AS person_id FROM started UNION SELECT mentee_person_id FROM started
), participants AS (
  SELECT org_id, program_id, person_id, MIN(started_on) AS anchor
    FROM (SELECT org_id, program_id, mentor_person_id AS person_id, started_on FROM started
          UNION ALL SELECT org_id, program_id, mentee_person_id, started_on FROM started) s
   GROUP BY org_id, program_id, person_id
), banded AS (
  SELECT pa.org_id, pa.program_id, pa.anchor, pe.hired_on, pe.left_on,
         COALESCE(pe.department, '') AS department, COALESCE(pe.generation, '') AS generation,
         (pe.level - 1) / 3 AS level_band, CAST(EXTRACT(YEAR FROM age(pa.anchor, pe.hired_on)) AS integer) AS years,
         CAST(pa.anchor + make_interval(months => 3) AS date) AS day_3,
         CAST(pa.anchor + make_interval(months => 6) AS date) AS day_6,
         CAST(pa.anchor + make_interval(months => 12) AS date) AS day_12
    FROM participants pa JOIN people pe ON pe.id = pa.person_id AND pe.org_id = pa.org_id
), observable AS (
  SELECT b.*,
         CAST(b.anchor + make_interval(months => -12 * CASE WHEN b.years < 1 THEN 1 WHEN b.years < 3 THEN 3
              WHEN b.years < 5 THEN 5 WHEN b.years < 10 THEN 10 ELSE 1000 END) AS date) AS hired_after,
         CAST(b.anchor + make_interval(months => -12 * CASE WHEN b.years < 1 THEN 0 WHEN b.years < 3 THEN 1
              WHEN b.years < 5 THEN 3 WHEN b.years < 10 THEN 5 ELSE 10 END) AS date) AS hired_by
    FROM banded b CROSS JOIN analytics.as_of d WHERE b.day_3 <= d.day
), pooled AS (
  -- The comparison group: same stratum, employed on the anchor, same tenure band (as a range of
  -- hire dates, or both unknown), never a participant of any program; counted once per
  -- participant for the three horizons.
  SELECT o.*, pool.*
    FROM observable o CROSS JOIN LATERAL (
      SELECT COUNT(*) AS size,
             COUNT(*) FILTER (WHERE np.left_on IS NULL OR np.left_on >= o.day_3) AS stayed_3,
             COUNT(*) FILTER (WHERE np.left_on IS NULL OR np.left_on >= o.day_6) AS stayed_6,
             COUNT(*) FILTER (WHERE np.left_on IS NULL OR np.left_on >= o.day_12) AS stayed_12
        FROM people np
       WHERE np.org_id = o.org_id AND COALESCE(np.department, '') = o.department
         AND COALESCE(np.generation, '') = o.generation AND (np.level - 1) / 3 = o.level_band
         AND (np.left_on IS NULL OR np.left_on >= o.anchor)
         AND ((o.hired_on IS NULL AND np.hired_on IS NULL)
              OR (np.hired_on > o.hired_after AND np.hired_on <= o.hired_by))
         AND np.id NOT IN (SELECT person_id FROM ever)
    ) pool
), scored AS (
  SELECT p.org_id, p.program_id, h.months, p.size,
         CASE WHEN (p.hired_on IS NULL OR p.hired_on <= h.day) AND (p.left_on IS NULL OR p.left_on >= h.day)
              THEN CAST(1 AS double precision) ELSE 0 END AS retained,
         CAST(h.stayed AS double precision) / NULLIF(p.size, 0) AS share
    FROM pooled p CROSS JOIN LATERAL (VALUES (3, p.day_3, p.stayed_3), (6, p.day_6, p.stayed_6),
                                             (12, p.day_12, p.stayed_12)) h(months, day, stayed)
   CROSS JOIN analytics.as_of d WHERE h.day <= d.day
), sums AS (
  SELECT org_id, program_id, months, COUNT(*) AS observable,
         COUNT(*) FILTER (WHERE size > 0) AS matched,
         SUM(retained) FILTER (WHERE size > 0) AS retained,
         SUM(share) FILTER (WHERE size > 0) AS comparison,
         SUM(retained - share) FILTER (WHERE size > 0) AS difference,
         SUM((retained - share) * (retained - share)) FILTER (WHERE size > 0) AS squared
    FROM scored GROUP BY org_id, program_id, months
), crude AS (
  SELECT p.id AS program_id, h.months, COUNT(np.id) AS base,
         COUNT(np.id) FILTER (WHERE np.left_on IS NULL
                              OR np.left_on >= CAST(p.starts_on + make_interval(months => h.months) AS date)) AS stayed
    FROM programs p CROSS JOIN (VALUES (3), (6), (12)) h(months) CROSS JOIN analytics.as_of d
    JOIN people np ON np.org_id = p.org_id AND (np.hired_on IS NULL OR np.hired_on <= p.starts_on)
     AND (np.left_on IS NULL OR np.left_on >= p.starts_on) AND np.id NOT IN (SELECT person_id FROM ever)
   WHERE CAST(p.starts_on + make_interval(months => h.months) AS date) <= d.day
   GROUP BY p.id, h.months
), joined AS (
  SELECT p.org_id, p.id AS program_id, h.months, COALESCE(s.observable, 0) AS observable,
         COALESCE(s.matched, 0) AS matched, s.retained, s.comparison, s.difference, s.squared,
         COALESCE(c.base, 0) AS crude_base, c.stayed AS crude_stayed, COALESCE(o.min_group_size, 5) AS k
    FROM programs p CROSS JOIN (VALUES (3), (6), (12)) h(months)
    LEFT JOIN sums s ON s.program_id = p.id AND s.months = h.months
    LEFT JOIN crude c ON c.program_id = p.id AND c.months = h.months
    LEFT JOIN org_settings o ON o.org_id = p.org_id
)
SELECT org_id, program_id, months,
       CASE WHEN matched >= k THEN matched END AS matched,
       CASE WHEN matched >= k THEN observable - matched END AS unmatched,
       CASE WHEN matched >= k THEN retained / matched END AS participant_rate,
       CASE WHEN matched >= k THEN comparison / matched END AS comparison_rate,
       CASE WHEN matched >= k THEN difference / matched END AS difference,
       CASE WHEN matched >= k AND matched >= 2 THEN difference / matched - 1.96 * sqrt(
         GREATEST((squared - difference * difference / matched) / (matched - 1), 0)) / sqrt(matched) END AS interval_low,
       CASE WHEN matched >= k AND matched >= 2 THEN difference / matched + 1.96 * sqrt(
         GREATEST((squared - difference * difference / matched) / (matched - 1), 0)) / sqrt(matched) END AS interval_high,
       CASE WHEN crude_base >= k THEN CAST(crude_stayed AS double precision) / crude_base END AS crude_rate,
       matched < k AS suppressed
  FROM joined;

CREATE VIEW analytics.cadence AS
WITH counted AS (
  SELECT r.program_id, COUNT(*) AS relationships, SUM(r.meetings) AS meetings, SUM(r.hours) AS hours,
         SUM(r.active_days) AS active_days, COUNT(*) FILTER (WHERE r.active_days >= 30) AS eligible,
         COUNT(*) FILTER (WHERE r.active_days >= 30 AND r.meetings * 30.4375 >= COALESCE(t.target, 1) * r.active_days)
           AS reaching
    FROM analytics.relationships r
    LEFT JOIN program_objectives t ON t.program_id = r.program_id AND t.kind = 'MEETINGS_PER_MONTH_PER_MATCH'
   GROUP BY r.program_id
), people AS (
  SELECT m.program_id, COUNT(DISTINCT p.person_id) AS people
    FROM matches m CROSS JOIN analytics.as_of d
   CROSS JOIN LATERAL (VALUES (m.mentor_person_id), (m.mentee_person_id)) p(person_id)
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day
   GROUP BY m.program_id
), joined AS (
  SELECT p.org_id, p.id AS program_id, COALESCE(c.relationships, 0) AS relationships,
         COALESCE(c.meetings, 0) AS meetings, COALESCE(c.hours, 0) AS hours,
         CAST(COALESCE(c.active_days, 0) AS double precision) / 30.4375 AS active_months, COALESCE(c.eligible, 0) AS eligible,
         COALESCE(c.reaching, 0) AS reaching, COALESCE(t.target, 1) AS target,
         COALESCE(pp.people, 0) AS people, COALESCE(o.min_group_size, 5) AS k
    FROM programs p LEFT JOIN counted c ON c.program_id = p.id
    LEFT JOIN people pp ON pp.program_id = p.id
    LEFT JOIN program_objectives t ON t.program_id = p.id AND t.kind = 'MEETINGS_PER_MONTH_PER_MATCH'
    LEFT JOIN org_settings o ON o.org_id = p.org_id
)
SELECT org_id, program_id,
       CASE WHEN people >= k THEN relationships END AS relationships,
       CASE WHEN people >= k THEN meetings END AS meetings,
       CASE WHEN people >= k THEN hours END AS hours,
       CASE WHEN people >= k THEN active_months END AS active_months,
       CASE WHEN people >= k AND active_months > 0 THEN meetings / active_months END AS meetings_per_active_month,
       CASE WHEN people >= k AND active_months > 0 THEN hours / active_months END AS hours_per_active_month,
       CASE WHEN people >= k THEN eligible END AS eligible_relationships,
       target,
       CASE WHEN people >= k AND eligible > 0 THEN CAST(reaching AS double precision) / eligible END
         AS share_reaching_target,
       people < k AS suppressed
  FROM joined;

CREATE VIEW analytics.skills_learned AS
WITH counted AS (
  SELECT m.program_id, COUNT(*) AS recorded, COUNT(*) FILTER (WHERE l.confirmed_at < d.day_ends) AS confirmed,
         COUNT(DISTINCT l.learner_person_id) AS learners
    FROM learnings l JOIN matches m ON m.id = l.match_id CROSS JOIN analytics.as_of d
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day AND l.created_at < d.day_ends
   GROUP BY m.program_id
)
SELECT p.org_id, p.id AS program_id,
       CASE WHEN COALESCE(c.learners, 0) >= COALESCE(o.min_group_size, 5) THEN c.recorded END AS recorded,
       CASE WHEN COALESCE(c.learners, 0) >= COALESCE(o.min_group_size, 5) THEN c.confirmed END AS confirmed,
       CASE WHEN COALESCE(c.learners, 0) >= COALESCE(o.min_group_size, 5) THEN c.learners END AS learners,
       COALESCE(c.learners, 0) < COALESCE(o.min_group_size, 5) AS suppressed
  FROM programs p LEFT JOIN counted c ON c.program_id = p.id LEFT JOIN org_settings o ON o.org_id = p.org_id;

CREATE VIEW analytics.satisfaction AS
WITH latest AS (
  SELECT m.program_id, f.respondent_person_id, f.satisfaction, f.confidence,
         ROW_NUMBER() OVER (PARTITION BY f.match_id, f.respondent_person_id ORDER BY f.submitted_at DESC, f.id DESC) AS n
    FROM feedback f JOIN matches m ON m.id = f.match_id CROSS JOIN analytics.as_of d
   WHERE m.status IN ('ACTIVE', 'COMPLETED', 'ENDED_EARLY') AND m.started_on <= d.day AND f.submitted_at < d.day_ends
), counted AS (
  SELECT program_id, COUNT(*) AS answers, COUNT(DISTINCT respondent_person_id) AS respondents,
         AVG(satisfaction) AS average_satisfaction, AVG(confidence) AS average_confidence,
         AVG(CASE WHEN satisfaction >= 4 THEN 1.0 ELSE 0.0 END) AS share_satisfied,
         AVG(CASE WHEN confidence >= 4 THEN 1.0 ELSE 0.0 END) AS share_confident
    FROM latest WHERE n = 1 GROUP BY program_id
), joined AS (
  SELECT p.org_id, p.id AS program_id, c.answers, c.average_satisfaction, c.average_confidence, c.share_satisfied,
         c.share_confident, COALESCE(c.respondents, 0) AS respondents, COALESCE(o.min_group_size, 5) AS k
    FROM programs p LEFT JOIN counted c ON c.program_id = p.id LEFT JOIN org_settings o ON o.org_id = p.org_id
)
SELECT org_id, program_id,
       CASE WHEN respondents >= k THEN answers END AS answers,
       CASE WHEN respondents >= k THEN respondents END AS respondents,
       CASE WHEN respondents >= k THEN CAST(average_satisfaction AS double precision) END AS average_satisfaction,
       CASE WHEN respondents >= k THEN CAST(average_confidence AS double precision) END AS average_confidence,
       CASE WHEN respondents >= k THEN CAST(share_satisfied AS double precision) END AS share_satisfied,
       CASE WHEN respondents >= k THEN CAST(share_confident AS double precision) END AS share_confident,
       respondents < k AS suppressed
  FROM joined;
