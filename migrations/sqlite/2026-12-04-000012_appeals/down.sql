DROP INDEX payout_lines_by_claim;
ALTER TABLE claims DROP COLUMN appealed_at;
ALTER TABLE claims DROP COLUMN rejected_by;
ALTER TABLE claims DROP COLUMN rejected_at;
ALTER TABLE incidents DROP COLUMN appeal_days;
