# Prints SQL that stores COUNT claims the way a set-based filing does, GROUP per transaction:
# multi-row INSERTs of the claim, its window overlap, its screening row and its audit event,
# and the chain head's update. The limit beside the filing benchmark: the same rows from a plain
# client (sqlite3 or psql), no HTTP and no service code. The audit rows carry placeholder
# hashes, so this runs only after the benchmark's own `audit verify`.
#
#   awk -v count=64000 -v group=64 -v incident=ID -v window=ID -v seq0=N -v tag=T -f floor-rows.awk
function values_claims(n,    id) {
    id = sprintf("floor-%s-%08d", tag, n)
    return sprintf("('%s','FL-%s-%08d','%s','messenger','verified',NULL,'api','partner','bench'," \
        "'individual','Floor User',NULL,'floor-%s-%d@example.kr',NULL,'email:floor-%s-%d@example.kr'," \
        "'2022-10-15 07:00:00','2022-10-15 11:00:00','KRW',120000,NULL,NULL,NULL,'004','9%011d'," \
        "'Floor User',NULL,NULL,14400,NULL,NULL,'2026-12-02 00:00:00','2026-12-02 00:00:00')",
        id, tag, n, incident, tag, n, tag, n, n)
}
BEGIN {
    columns = "id,reference,incident_id,service,status,status_reason,channel,owner_kind,owner," \
        "claimant_kind,claimant_name,claimant_brn,claimant_email,claimant_phone,identity_key," \
        "loss_started_at,loss_ended_at,currency,claimed_minor,baseline_revenue_minor," \
        "outage_revenue_minor,monthly_fee_minor,bank_code,account_number,account_holder," \
        "description,external_ref,outage_seconds,approved_minor,cure_deadline,created_at,updated_at"
    hash = "0000000000000000000000000000000000000000000000000000000000000000"
    for (first = 1; first <= count; first += group) {
        last = first + group - 1; if (last > count) last = count
        print "BEGIN;"
        printf "INSERT INTO claims (%s) VALUES\n", columns
        for (n = first; n <= last; n++) printf "%s%s\n", values_claims(n), (n < last ? "," : ";")
        print "INSERT INTO claim_windows (claim_id,window_id,severity,overlap_seconds) VALUES"
        for (n = first; n <= last; n++)
            printf "('floor-%s-%08d','%s','major_outage',14400)%s\n", tag, n, window, (n < last ? "," : ";")
        print "INSERT INTO claim_screenings (claim_id,client_key,signals,screened_at) VALUES"
        for (n = first; n <= last; n++)
            printf "('floor-%s-%08d','org:bench','[]','2026-12-02 00:00:00')%s\n", tag, n, (n < last ? "," : ";")
        print "INSERT INTO audit_events (seq,id,occurred_at,actor,action,entity_type,entity_id,details,prev_hash,hash) VALUES"
        for (n = first; n <= last; n++)
            printf "(%d,'floor-event-%s-%08d','2026-12-02 00:00:00','partner:bench','claim.filed','claim'," \
                "'floor-%s-%08d','{\"status\":\"verified\"}','%s','%s')%s\n",
                seq0 + n, tag, n, tag, n, hash, hash, (n < last ? "," : ";")
        printf "UPDATE audit_head SET last_seq = %d, last_hash = '%s' WHERE id = 1;\n", seq0 + last, hash
        print "COMMIT;"
    }
}
