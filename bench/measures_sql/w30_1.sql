-- W30 rate 1: children whose 15-month birthday falls in the period (each date of birth
-- with its window and enrollment bounds: w30_1_births), continuously enrolled; in the
-- numerator with 6 well-child visits on different days at least w30_min_days_between_visits
-- apart in the window, counted greedily as the reference does (the first day, then each day far
-- enough from the last one counted): a short recursive walk over each child's sorted days.
WITH RECURSIVE births AS (
    SELECT *
    FROM jsonb_to_recordset(%(w30_1_births)s::jsonb)
        AS b(dob date, first date, last date, joined_by date, anchor date)
),
children AS (
    SELECT c.id, b.first, b.last
    FROM births b
    JOIN families_child c ON c.date_of_birth = b.dob AND c.practice_id = ANY(%(practices)s)
     AND c.date_of_birth BETWEEN %(w30_1_born_from)s AND %(w30_1_born_to)s
    WHERE EXISTS (
        SELECT FROM families_panelmembership m
        WHERE m.child_id = c.id AND m.starts_on <= b.joined_by
          AND (m.ends_on IS NULL OR m.ends_on > b.anchor)
    )
),
days AS (
    SELECT k.id, array_agg(DISTINCT (v.starts_at AT TIME ZONE %(tz)s)::date
                           ORDER BY (v.starts_at AT TIME ZONE %(tz)s)::date) AS days
    FROM children k
    JOIN visits_visit v
      ON v.child_id = k.id
     AND v.starts_at >= (k.first::timestamp AT TIME ZONE %(tz)s)
     AND v.starts_at < ((k.last + 1)::timestamp AT TIME ZONE %(tz)s)
     AND v.kind IN ('well_child', 'group') AND v.status = 'completed'
     AND v.modality IN ('in_person', 'video')
    GROUP BY k.id
    HAVING count(DISTINCT (v.starts_at AT TIME ZONE %(tz)s)::date) >= 6
),
walk(id, days, day, counted) AS (
    SELECT id, days, days[1], 1 FROM days
    UNION ALL
    SELECT id, days,
           (SELECT min(d) FROM unnest(days) AS d WHERE d >= day + %(w30_spacing)s),
           counted + 1
    FROM walk
    WHERE counted < 6 AND day IS NOT NULL
)
SELECT 'w30_1',
       (SELECT count(*) FROM walk WHERE counted = 6 AND day IS NOT NULL),
       (SELECT count(*) FROM children),
       NULL
