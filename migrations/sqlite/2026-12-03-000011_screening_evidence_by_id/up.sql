-- The evidence of a shared account or contact names the first few other claims by id. With
-- the id in these indexes that is a walk of a few entries in id order; without it, every claim
-- carrying the value was read and sorted, for every claim filed with it: a phone number on
-- every row of a large upload made the upload quadratic.
DROP INDEX claims_by_account;
DROP INDEX claims_by_email;
DROP INDEX claims_by_phone;
CREATE INDEX claims_by_account ON claims (account_number, bank_code, id);
CREATE INDEX claims_by_email ON claims (claimant_email, id);
CREATE INDEX claims_by_phone ON claims (claimant_phone, id);
