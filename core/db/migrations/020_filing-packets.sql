-- Up Migration
-- Filing packets (issue 15 item 1; core/use-cases/packets.ts, core/law/packets.ts).
--
-- What Forthright files with each authority other than the individuals (a supervisory authority, an
-- attorney general, HHS, the credit bureaus, the media, the State Police) is a notice too: drafted
-- from the incident and a template snapshot, approved four-eyes through approval_decisions, bound to
-- its content hash. One incident has many packets — one per obligation (rule and jurisdiction), and
-- for one obligation the filing and its supplements (GDPR Art. 33(4) phasing, corrections) — so a
-- notice gains a `subject` naming which text of its audience it is: '' for the individuals' notice
-- and the substitute texts (one each per incident), '<ruleId>@<jurisdiction>#<sequence>' for a
-- packet (sequence 1: the filing; 2, 3, …: supplements). Versions count per subject.
ALTER TABLE notices DROP CONSTRAINT notices_audience_check;
ALTER TABLE notices
  ADD CONSTRAINT notices_audience_check
  CHECK (audience IN ('individuals', 'substitute_website', 'substitute_media', 'filing_packet'));

ALTER TABLE notices ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE notices
  ADD CONSTRAINT notices_subject_check
  CHECK ((audience = 'filing_packet') = (subject <> ''));

ALTER TABLE notices DROP CONSTRAINT notices_incident_id_audience_version_key;
ALTER TABLE notices
  ADD CONSTRAINT notices_incident_id_audience_subject_version_key
  UNIQUE (incident_id, audience, subject, version);

-- Down Migration
-- Forward-only.
