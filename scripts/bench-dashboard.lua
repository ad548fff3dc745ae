-- wrk script for scripts/bench-dashboard.sh: POSTs the JSON bodies of $BODY_FILES (space
-- separated) in turn, with $TOKEN as a bearer token when set, and counts the answers that are
-- not a 200 without GraphQL errors. Prints one machine-readable RESULT line.
local bodies = {}
for path in string.gmatch(os.getenv("BODY_FILES"), "%S+") do
  local f = assert(io.open(path, "rb"))
  table.insert(bodies, f:read("*a"))
  f:close()
end
local token = os.getenv("TOKEN")

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  good = 0; bad = 0; next_body = 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end
function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, body)
end
function response(status, headers, body)
  if status == 200 and not body:find('"errors"', 1, true) then good = good + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local g, b = 0, 0
  for _, t in ipairs(threads) do g = g + t:get("good"); b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.2f p50_ms=%.2f p99_ms=%.2f good=%d bad=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, g, b,
    e.connect + e.read + e.write + e.status + e.timeout))
end
