-- Social-needs follow-up: the social-needs children (sns_screen.sql's denominator) with a
-- positive screen for a domain from the period's start to 30 days before its end; in the
-- numerator when such a screen was followed within sns_followup_days (by local calendar day) by
-- a referral for the domain's needs or a plan action on that screen. Starts from the positive
-- screens (few), one row per screen and domain found positive, gathered first (MATERIALIZED:
-- the planner guesses a few hundred of them and would probe every child's visits before the
-- domain test).
WITH positives AS MATERIALIZED (
    SELECT a.id, a.child_id, a.administered_on, d.domain
    FROM screening_administration a
    CROSS JOIN LATERAL jsonb_array_elements_text(a.positive_domains) AS d(domain)
    WHERE a.status = 'scored' AND a.positive IS NOT NULL
      AND a.administered_on BETWEEN %(start)s AND %(sns_last)s
      AND jsonb_typeof(a.positive_domains) = 'array'
      AND (a.instrument_key = ANY(%(food_instruments)s)
           OR a.instrument_key = ANY(%(housing_instruments)s)
           OR a.instrument_key = ANY(%(transport_instruments)s))
      AND ((d.domain = 'food' AND a.instrument_key = ANY(%(food_instruments)s))
           OR (d.domain = 'housing' AND a.instrument_key = ANY(%(housing_instruments)s))
           OR (d.domain = 'transportation'
               AND a.instrument_key = ANY(%(transport_instruments)s)))
),
screens AS (
    SELECT p.child_id, p.domain,
           EXISTS (
               SELECT FROM referrals_referral r
               WHERE r.child_id = p.child_id
                 AND r.need = ANY(CASE p.domain WHEN 'food' THEN %(food_needs)s::text[]
                                                WHEN 'housing' THEN %(housing_needs)s::text[]
                                                ELSE %(transport_needs)s::text[] END)
                 AND r.status NOT IN ('draft', 'entered_in_error')
                 AND r.created_at >= (p.administered_on::timestamp AT TIME ZONE %(tz)s)
                 AND r.created_at < ((p.administered_on + %(sns_followup_days)s + 1)::timestamp
                                     AT TIME ZONE %(tz)s)
           ) OR EXISTS (
               SELECT FROM careplan_planaction pa
               WHERE pa.screening_id = p.id AND pa.status <> 'cancelled'
                 AND pa.created_at >= (p.administered_on::timestamp AT TIME ZONE %(tz)s)
                 AND pa.created_at < ((p.administered_on + %(sns_followup_days)s + 1)::timestamp
                                      AT TIME ZONE %(tz)s)
           ) AS followed
    FROM positives p
),
children AS (
    SELECT s.child_id,
           bool_or(s.domain = 'food') AS food,
           bool_or(s.domain = 'food' AND s.followed) AS food_followed,
           bool_or(s.domain = 'housing') AS housing,
           bool_or(s.domain = 'housing' AND s.followed) AS housing_followed,
           bool_or(s.domain = 'transportation') AS transport,
           bool_or(s.domain = 'transportation' AND s.followed) AS transport_followed
    FROM screens s
    JOIN families_child c ON c.id = s.child_id AND c.practice_id = ANY(%(practices)s)
    WHERE EXISTS (
        SELECT FROM visits_visit v
        WHERE v.child_id = s.child_id AND v.status = 'completed'
          AND v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s
    )
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = s.child_id AND m.starts_on <= %(end)s
            AND (m.ends_on IS NULL OR m.ends_on > %(end)s)
      )
    GROUP BY s.child_id
),
figures AS (
    SELECT count(*) FILTER (WHERE food) AS food,
           count(*) FILTER (WHERE food_followed) AS food_followed,
           count(*) FILTER (WHERE housing) AS housing,
           count(*) FILTER (WHERE housing_followed) AS housing_followed,
           count(*) FILTER (WHERE transport) AS transport,
           count(*) FILTER (WHERE transport_followed) AS transport_followed
    FROM children
)
SELECT measure, numerator, units, NULL
FROM figures, LATERAL (VALUES
    ('sns_food_followup', food_followed, food),
    ('sns_housing_followup', housing_followed, housing),
    ('sns_transport_followup', transport_followed, transport)
) AS each(measure, numerator, units)
