DROP INDEX claims_by_account;
DROP INDEX claims_by_email;
DROP INDEX claims_by_phone;
CREATE INDEX claims_by_account ON claims (account_number, bank_code);
CREATE INDEX claims_by_email ON claims (claimant_email);
CREATE INDEX claims_by_phone ON claims (claimant_phone);
