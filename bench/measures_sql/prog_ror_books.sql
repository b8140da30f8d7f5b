-- Reach Out and Read books: completed well-child visits in the period at a practice whose
-- active Reach Out and Read row covers the child's age (in days) on the visit's day, of a child
-- on the panel that day; in the numerator with a book given at that visit or on its day. Starts
-- from the program rows.
WITH visits AS (
    SELECT v.id, v.child_id, v.practice_id, (v.starts_at AT TIME ZONE %(tz)s)::date AS day, c.date_of_birth
    FROM visits_visit v
    JOIN families_child c ON c.id = v.child_id
    WHERE v.practice_id = ANY(%(practices)s)
      AND v.practice_id IN (
          SELECT p.practice_id FROM programs_program p
          WHERE p.definition = 'reach_out_and_read' AND p.is_active
      )
      AND v.starts_at >= %(start_at)s AND v.starts_at < %(end_at)s
      AND v.kind IN ('well_child', 'group') AND v.status = 'completed'
      AND v.modality IN ('in_person', 'video')
),
units AS (
    SELECT EXISTS (
               SELECT FROM programs_contact k JOIN programs_program kp ON kp.id = k.program_id
               WHERE k.child_id = v.child_id AND kp.definition = 'reach_out_and_read'
                 AND k.kind = 'book_given' AND (k.visit_id = v.id OR k.on = v.day)
           ) AS met
    FROM visits v
    WHERE EXISTS (
        SELECT FROM programs_program p
        WHERE p.practice_id = v.practice_id AND p.definition = 'reach_out_and_read' AND p.is_active
          AND (p.min_age_days IS NULL OR p.min_age_days <= v.day - v.date_of_birth)
          AND (p.max_age_days IS NULL OR p.max_age_days > v.day - v.date_of_birth)
    )
      AND EXISTS (
          SELECT FROM families_panelmembership m
          WHERE m.child_id = v.child_id AND m.starts_on <= v.day
            AND (m.ends_on IS NULL OR m.ends_on > v.day)
      )
)
SELECT 'prog_ror_books', count(*) FILTER (WHERE met), count(*), NULL FROM units
