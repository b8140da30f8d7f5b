-- Program reach: per shipped program, the children on the panel on the period's last day, born
-- by then, within the ages of that program as their practice runs it (its own active row) on
-- some day of the period; reached: enrolled on some day of the period (Reach Out and Read: a
-- contact dated in it); offered: offered by the period's end. Starts from the practices'
-- program rows (a handful), so a practice that runs none costs nothing; each row's ages are
-- bounds on the date of birth, so the (practice, date_of_birth) index can serve the join.
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
     AND (p.min_age_days IS NULL OR c.date_of_birth <= %(end)s::date - p.min_age_days)
     AND (p.max_age_days IS NULL OR c.date_of_birth > %(start)s::date - p.max_age_days)
    WHERE p.practice_id = ANY(%(practices)s) AND p.is_active
      AND p.definition IN (SELECT definition FROM measures)
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = c.id AND m.starts_on <= %(end)s
            AND (m.ends_on IS NULL OR m.ends_on > %(end)s)
      )
),
-- The children each program reached or offered, as sets (hashed once), not a probe per
-- eligible child and measure.
contacted AS (
    SELECT DISTINCT k.child_id, kp.definition
    FROM programs_contact k JOIN programs_program kp ON kp.id = k.program_id
    WHERE k.on BETWEEN %(start)s AND %(end)s
      AND kp.definition IN (SELECT definition FROM measures WHERE what = 'contact')
),
enrolled AS (
    SELECT DISTINCT n.child_id, np.definition
    FROM programs_enrolment n JOIN programs_program np ON np.id = n.program_id
    WHERE n.enrolled_on <= %(end)s AND (n.ended_on IS NULL OR n.ended_on >= %(start)s)
),
offered AS (
    SELECT DISTINCT n.child_id, np.definition
    FROM programs_enrolment n JOIN programs_program np ON np.id = n.program_id
    WHERE n.offered_on <= %(end)s
)
SELECT m.measure,
       count(e.child_id) FILTER (WHERE CASE m.what
           WHEN 'contact' THEN c.child_id IS NOT NULL
           WHEN 'enrolled' THEN n.child_id IS NOT NULL
           ELSE o.child_id IS NOT NULL
       END),
       count(e.child_id),
       NULL
FROM measures m
LEFT JOIN eligible e ON e.definition = m.definition
LEFT JOIN contacted c
  ON m.what = 'contact' AND c.child_id = e.child_id AND c.definition = e.definition
LEFT JOIN enrolled n
  ON m.what = 'enrolled' AND n.child_id = e.child_id AND n.definition = e.definition
LEFT JOIN offered o
  ON m.what = 'offered' AND o.child_id = e.child_id AND o.definition = e.definition
GROUP BY m.measure
