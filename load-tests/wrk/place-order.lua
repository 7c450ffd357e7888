-- wrk script for POST /api/orders: a unique Idempotency-Key and buyer e-mail on every request, so each one is a
-- new order (not a replay) and no per-buyer limit is reached. SKU from the environment (BENCH_SKU).
-- At the end it prints one line per status, "status <code> <count>", for the bench script to read.
local sku = os.getenv("BENCH_SKU") or "BENCH-1"
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = {}
local counter = 0
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  prefix = run .. "-" .. tostring(tid) .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local key = prefix .. counter
  wrk.headers["Idempotency-Key"] = "bench-" .. key
  local body = '{"sku":"' .. sku .. '","quantity":1,"email":"b' .. key .. '@bench.example"}'
  return wrk.format(nil, "/api/orders", nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("status %d %d\n", code, n))
  end
  io.write(string.format("latency p50_ms %.2f p99_ms %.2f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("duration_s %.3f\n", summary.duration / 1e6))
end
