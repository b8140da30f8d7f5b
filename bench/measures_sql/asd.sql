-- Autism screening: children whose 18- or 24-month birthday falls in the period (with each
-- visit's window: asd_births) and who were on the panel that day; in the numerator with a
-- scored autism screen in the window. asd: the child screened in the window of every birthday
-- reached.
WITH births AS (
    SELECT *
    FROM jsonb_to_recordset(%(asd_births)s::jsonb)
        AS b(dob date, part text, first date, last date, anchor date)
),
parts AS (
    SELECT c.id, b.part,
           EXISTS (
               SELECT FROM screening_administration a
               WHERE a.child_id = c.id AND a.instrument_key = ANY(%(asd_instruments)s)
                 AND a.administered_on BETWEEN b.first AND b.last AND a.status = 'scored'
           ) AS met
    FROM births b
    JOIN families_child c ON c.date_of_birth = b.dob AND c.practice_id = ANY(%(practices)s)
     AND c.date_of_birth BETWEEN %(asd_born_from)s AND %(asd_born_to)s
    WHERE EXISTS (
        SELECT FROM families_panelmembership m
        WHERE m.child_id = c.id AND m.starts_on <= b.anchor
          AND (m.ends_on IS NULL OR m.ends_on > b.anchor)
    )
)
SELECT 'asd_' || replace(part, 'mo', ''), count(*) FILTER (WHERE met), count(*), NULL
FROM parts
GROUP BY part
UNION ALL
SELECT 'asd', count(*) FILTER (WHERE met), count(*), NULL
FROM (SELECT bool_and(met) AS met FROM parts GROUP BY id) AS children
