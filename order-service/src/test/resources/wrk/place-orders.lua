-- wrk script: POST /api/orders with a distinct Idempotency-Key and buyer e-mail per request.
-- wrk -t2 -c50 -d20s --latency -s place-orders.lua http://127.0.0.1:18083
-- SKU from the environment (default PERF-1, which LocalOrderStack stocks generously).
local sku = os.getenv("SKU") or "PERF-1"
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  accepted = 0
  other = 0
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  local id = run .. "-" .. tid .. "-" .. counter
  local body = '{"sku":"' .. sku .. '","quantity":1,"email":"buyer' .. id .. '@example.com"}'
  return wrk.format("POST", "/api/orders",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "wrk-" .. id }, body)
end

function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("accepted(202): %d  other: %d  accepted/s: %.0f\n", a, o, a / seconds))
  io.write(string.format("latency p50: %.1f ms  p90: %.1f ms  p99: %.1f ms  max: %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
