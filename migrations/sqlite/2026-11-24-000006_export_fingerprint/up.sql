-- The payment file is fixed when a batch is approved: its line count, total and SHA-256
-- (without and with the byte order mark) are stored then. An export streams the file once
-- with these in its headers, and the approval's audit event names the exact file approved.
-- Batches approved before this migration have NULLs and are fingerprinted on export.
ALTER TABLE payout_batches ADD COLUMN export_line_count BIGINT;
ALTER TABLE payout_batches ADD COLUMN export_total_minor BIGINT;
ALTER TABLE payout_batches ADD COLUMN export_sha256 TEXT;
ALTER TABLE payout_batches ADD COLUMN export_sha256_bom TEXT;
