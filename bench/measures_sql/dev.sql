-- DEV-CH: children with a 1st, 2nd or 3rd birthday in the period (each date of birth with its
-- screening window and enrollment bounds: dev_births), continuously enrolled up to the
-- birthday; in the numerator with a scored general developmental screen in that window.
WITH births AS (
    SELECT *
    FROM jsonb_to_recordset(%(dev_births)s::jsonb)
        AS b(dob date, part text, first date, last date, joined_by date, anchor date)
),
units AS (
    SELECT b.part,
           EXISTS (
               SELECT FROM screening_administration a
               WHERE a.child_id = c.id AND a.instrument_key = ANY(%(dev_instruments)s)
                 AND a.administered_on BETWEEN b.first AND b.last AND a.status = 'scored'
           ) AS met
    FROM births b
    JOIN families_child c ON c.date_of_birth = b.dob AND c.practice_id = ANY(%(practices)s)
     AND c.date_of_birth BETWEEN %(dev_born_from)s AND %(dev_born_to)s
    WHERE EXISTS (
        SELECT FROM families_panelmembership m
        WHERE m.child_id = c.id AND m.starts_on <= b.joined_by
          AND (m.ends_on IS NULL OR m.ends_on > b.anchor)
    )
)
SELECT coalesce(part, 'dev'), count(*) FILTER (WHERE met), count(*), NULL
FROM units
GROUP BY GROUPING SETS ((part), ())
