-- Baseline for place-orders.lua: the inventory stand-in's reserve endpoint alone (one HTTP hop, in-memory),
-- run right before/after order-service on the same machine to give a ratio under the same load.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  local id = run .. "-" .. tid .. "-" .. counter
  local body = '{"orderNo":"B' .. id:gsub("-", "") .. '","attempt":1,"sku":"PERF-1","quantity":1,"buyer":"b' .. id
    .. '@example.com","perBuyerLimit":10,"saleStartsAt":"2020-01-01T00:00:00Z","saleEndsAt":"2099-01-01T00:00:00Z",'
    .. '"expiresAt":"2099-01-01T00:00:00Z"}'
  return wrk.format("POST", "/internal/reservations", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests/s: %.0f  errors: %d\n", summary.requests / seconds,
    summary.errors.status + summary.errors.connect + summary.errors.timeout))
  io.write(string.format("latency p50: %.1f ms  p99: %.1f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
