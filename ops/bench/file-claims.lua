-- wrk script: every request files a distinct, valid claim (an individual with a unique email),
-- with its own bank account, so the service does real intake work: validation, verification,
-- duplicate check, integrity screening (a shared account would be a signal), audit.
-- With REFUSED=1 the same request carries a negative amount: refused at validation (422), it
-- measures the HTTP path alone (authentication, body parsing, validation, the error answer).
-- Set INCIDENT_ID and TOKEN in the environment.

local incident = os.getenv("INCIDENT_ID")
local token = os.getenv("TOKEN")
local amount = (os.getenv("REFUSED") == "1") and "-1" or "120000"
local threads = {}
local counter = 0

-- Runs in the main state: give each thread its own id (a global in that thread's state).
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function request()
  counter = counter + 1
  local body = string.format([[{"incident_id":"%s","service":"messenger",
"claimant":{"kind":"individual","name":"Bench User","email":"bench-%d-%d@example.kr"},
"loss_started_at":"2022-10-15T16:00:00+09:00","loss_ended_at":"2022-10-15T20:00:00+09:00",
"currency":"KRW","claimed_amount":"%s",
"payout_account":{"bank_code":"004","account_number":"%d%09d","holder":"Bench User"}}]],
    incident, thread_id or 0, counter, amount, thread_id or 0, counter)
  return wrk.format("POST", "/api/v1/claims", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests: %d in %.1f s = %.0f req/s; errors: connect %d, read %d, write %d, status %d, timeout %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s latency: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
