ALTER TABLE payout_batches DROP COLUMN export_sha256_bom;
ALTER TABLE payout_batches DROP COLUMN export_sha256;
ALTER TABLE payout_batches DROP COLUMN export_total_minor;
ALTER TABLE payout_batches DROP COLUMN export_line_count;
