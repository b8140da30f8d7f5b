-- Program reach: per shipped program, the children on the panel on the period's last day, born
-- by then, within the ages of that program as their practice runs it (its own active row) on
-- some day of the period; reached: enrolled on some day of the period (Reach Out and Read: a
-- contact dated in it); offered: offered by the period's end. Starts from the practices'
-- program rows (a handful), so a practice that runs none costs nothing.
WITH measures(measure, definition, what) AS (
    VALUES ('prog_ror_reach', 'reach_out_and_read', 'contact'),
           ('prog_vip_reach', 'vip', 'enrolled'), ('prog_vip_offered', 'vip', 'offered'),
           ('prog_hs_reach', 'healthysteps', 'enrolled'),
           ('prog_hs_offered', 'healthysteps', 'offered'),
           ('prog_dulce_reach', 'dulce', 'enrolled'), ('prog_dulce_offered', 'dulce', 'offered'),
           ('prog_chw_reach', 'chw', 'enrolled'), ('prog_chw_offered', 'chw', 'offered')
),
eligible AS (
    SELECT DISTINCT c.id AS child_id, p.definition
    FROM programs_program p
    JOIN families_child c
      ON c.practice_id = p.practice_id AND c.date_of_birth <= %(end)s
     AND (p.min_age_days IS NULL OR p.min_age_days <= %(end)s::date - c.date_of_birth)
     AND (p.max_age_days IS NULL OR p.max_age_days > %(start)s::date - c.date_of_birth)
    WHERE p.practice_id = ANY(%(practices)s) AND p.is_active
      AND p.definition IN (SELECT definition FROM measures)
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = c.id AND m.starts_on <= %(end)s
            AND (m.ends_on IS NULL OR m.ends_on > %(end)s)
      )
)
SELECT m.measure,
       count(e.child_id) FILTER (WHERE CASE m.what
           WHEN 'contact' THEN EXISTS (
               SELECT FROM programs_contact k JOIN programs_program kp ON kp.id = k.program_id
               WHERE k.child_id = e.child_id AND kp.definition = m.definition
                 AND k.on BETWEEN %(start)s AND %(end)s)
           WHEN 'enrolled' THEN EXISTS (
               SELECT FROM programs_enrolment n JOIN programs_program np ON np.id = n.program_id
               WHERE n.child_id = e.child_id AND np.definition = m.definition
                 AND n.enrolled_on <= %(end)s AND (n.ended_on IS NULL OR n.ended_on >= %(start)s))
           ELSE EXISTS (
               SELECT FROM programs_enrolment n JOIN programs_program np ON np.id = n.program_id
               WHERE n.child_id = e.child_id AND np.definition = m.definition
                 AND n.offered_on <= %(end)s)
       END),
       count(e.child_id),
       NULL
FROM measures m
LEFT JOIN eligible e ON e.definition = m.definition
GROUP BY m.measure
