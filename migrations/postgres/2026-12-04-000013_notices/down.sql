DROP INDEX claims_cure_deadlines;
DROP TABLE notice_attempts;
DROP TABLE notices;
ALTER TABLE claims DROP COLUMN locale;
