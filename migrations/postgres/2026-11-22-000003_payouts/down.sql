DROP TABLE payout_lines;
DROP TABLE payout_batches;
