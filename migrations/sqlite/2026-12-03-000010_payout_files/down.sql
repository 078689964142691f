DROP TABLE payout_files;
