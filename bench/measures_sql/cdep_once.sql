-- Caregiver depression by 6 months (after CMS82): children whose 6-month birthday falls in the
-- period (cdep_once_births), on the panel that day, with a completed visit (counted
-- modality) before it; in the numerator with a scored caregiver screen by the birth parent from
-- birth to the birthday.
WITH births AS (
    SELECT * FROM jsonb_to_recordset(%(cdep_once_births)s::jsonb) AS b(dob date, anchor date)
),
units AS (
    SELECT EXISTS (
               SELECT FROM screening_administration a
               JOIN families_caregiver g ON g.id = a.caregiver_id AND g.is_birth_parent
               WHERE a.child_id = c.id AND a.instrument_key = ANY(%(cdep_instruments)s)
                 AND a.administered_on BETWEEN b.dob AND b.anchor
                 AND a.status = 'scored' AND a.respondent = ANY(%(cdep_respondents)s)
           ) AS met
    FROM births b
    JOIN families_child c ON c.date_of_birth = b.dob AND c.practice_id = ANY(%(practices)s)
     AND c.date_of_birth BETWEEN %(cdep_once_born_from)s AND %(cdep_once_born_to)s
    WHERE EXISTS (
        SELECT FROM families_panelmembership m
        WHERE m.child_id = c.id AND m.starts_on <= b.anchor
          AND (m.ends_on IS NULL OR m.ends_on > b.anchor)
    )
      AND EXISTS (
          SELECT FROM visits_visit v
          WHERE v.child_id = c.id AND v.status = 'completed'
            AND v.modality IN ('in_person', 'video')
            AND v.starts_at >= (b.dob::timestamp AT TIME ZONE %(tz)s)
            AND v.starts_at < (b.anchor::timestamp AT TIME ZONE %(tz)s)
      )
)
SELECT 'cdep_once', count(*) FILTER (WHERE met), count(*), NULL FROM units
