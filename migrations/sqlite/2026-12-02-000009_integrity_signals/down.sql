DROP INDEX claims_by_peers;
DROP INDEX claims_by_phone;
DROP INDEX claims_by_email;
DROP INDEX claims_by_account;
DROP TABLE claim_screenings;
