-- Caregiver depression at the 1-, 2-, 4- and 6-month visits: per child and visit, the first
-- completed well-child visit in that visit's window (each date of birth's windows:
-- cdep_births; a child's windows do not overlap), counted when it is dated in the period and
-- the child was on the panel that day; in the numerator with a scored caregiver screen in the
-- window. cdep_visits: all four. Each (child, visit) takes its first visit with a LIMIT 1 probe of
-- the (child, starts_at, …) index, read from the index alone.
WITH windows AS (
    SELECT *
    FROM jsonb_to_recordset(%(cdep_births)s::jsonb) AS w(dob date, part text, first date, last date)
),
firsts AS (
    SELECT c.id AS child_id, w.part, w.first, w.last, v.starts_at,
           (v.starts_at AT TIME ZONE %(tz)s)::date AS day
    FROM windows w
    JOIN families_child c ON c.date_of_birth = w.dob AND c.practice_id = ANY(%(practices)s)
     AND c.date_of_birth BETWEEN %(cdep_born_from)s AND %(cdep_born_to)s
    CROSS JOIN LATERAL (
        SELECT v.starts_at
        FROM visits_visit v
        WHERE v.child_id = c.id
          AND v.starts_at >= (w.first::timestamp AT TIME ZONE %(tz)s)
          AND v.starts_at < ((w.last + 1)::timestamp AT TIME ZONE %(tz)s)
          AND v.kind IN ('well_child', 'group') AND v.status = 'completed'
          AND v.modality IN ('in_person', 'video')
        ORDER BY v.starts_at
        LIMIT 1
    ) AS v
),
units AS (
    SELECT f.part,
           EXISTS (
               SELECT FROM screening_administration a
               WHERE a.child_id = f.child_id AND a.instrument_key = ANY(%(cdep_instruments)s)
                 AND a.administered_on BETWEEN f.first AND f.last
                 AND a.status = 'scored' AND a.respondent = ANY(%(cdep_respondents)s)
           ) AS met
    FROM firsts f
    WHERE f.starts_at >= %(start_at)s AND f.starts_at < %(end_at)s
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = f.child_id AND m.starts_on <= f.day
            AND (m.ends_on IS NULL OR m.ends_on > f.day)
      )
)
SELECT coalesce('cdep_' || replace(part, 'mo', 'm'), 'cdep_visits'),
       count(*) FILTER (WHERE met), count(*), NULL
FROM units
GROUP BY GROUPING SETS ((part), ())
