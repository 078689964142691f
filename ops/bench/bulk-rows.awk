# Prints a bulk-upload CSV of COUNT distinct, valid business claims (docs/contract.md §6 columns):
# registration numbers 1000000001.. with their check digits, unique emails and external refs.
#
#   awk -v count=100000 -f ops/bench/bulk-rows.awk > claims.csv
BEGIN {
    split("1 3 7 1 3 7 1 3 5", w, " ")
    print "external_ref,claimant_kind,name,business_registration_number,email,phone,service," \
          "loss_started_at,loss_ended_at,currency,claimed_amount,baseline_revenue,outage_revenue," \
          "monthly_fee,bank_code,account_number,account_holder,description"
    for (n = 1; n <= count; n++) {
        nine = sprintf("%09d", 100000000 + n)
        sum = 0
        for (i = 1; i <= 9; i++) sum += substr(nine, i, 1) * w[i]
        sum += int(substr(nine, 9, 1) * 5 / 10)
        brn = nine ((10 - sum % 10) % 10)
        printf "bench-%d,business,Shop %d,%s,shop%d@example.kr,010-1234-5678,messenger," \
               "2022-10-15T15:30:00+09:00,2022-10-15T19:30:00+09:00,KRW,%d,1400000,900000,," \
               "004,110-%06d-01,Owner %d,\n", n, n, brn, n, 100000 + n % 400000, n, n
    }
}
