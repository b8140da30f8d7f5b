-- Positive screens with a program contact: positive screens found from the period's start to
-- program_contact_days before its end, of a child on the panel that day and within the ages of
-- a program the practice runs in the clinic (active, not a partner's); in the numerator with a
-- contact of any program from the day found to program_contact_days after. Starts from the
-- in-clinic program rows.
WITH screens AS (
    SELECT p.child_id, p.found_on
    FROM nextsteps_positivescreen p
    JOIN families_child c ON c.id = p.child_id
    WHERE p.practice_id = ANY(%(practices)s)
      AND p.practice_id IN (
          SELECT practice_id FROM programs_program WHERE is_active AND referral_need = ''
      )
      AND p.found_on BETWEEN %(start)s AND %(contact_last)s
      AND EXISTS (
          SELECT FROM programs_program g
          WHERE g.practice_id = p.practice_id AND g.is_active AND g.referral_need = ''
            AND (g.min_age_days IS NULL OR g.min_age_days <= p.found_on - c.date_of_birth)
            AND (g.max_age_days IS NULL OR g.max_age_days > p.found_on - c.date_of_birth)
      )
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = p.child_id AND m.starts_on <= p.found_on
            AND (m.ends_on IS NULL OR m.ends_on > p.found_on)
      )
)
SELECT 'prog_screen_contact',
       count(*) FILTER (WHERE EXISTS (
           SELECT FROM programs_contact k
           WHERE k.child_id = s.child_id
             AND k.on BETWEEN s.found_on AND s.found_on + %(contact_days)s
       )),
       count(*),
       NULL
FROM screens s
