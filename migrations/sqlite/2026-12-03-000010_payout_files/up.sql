-- The bank payment file of an approved batch, as rendered once at approval, in parts of a few
-- thousand lines (without the header row, which depends on the byte order mark). An export
-- streams these bytes instead of joining and rendering every line again, so it reads what
-- was approved and fingerprinted, byte for byte.
CREATE TABLE payout_files (
    batch_id TEXT NOT NULL REFERENCES payout_batches (id),
    part INTEGER NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (batch_id, part)
);
