-- wrk: POST /api/orders as distinct buyers (as ../shared/bench/order.lua) and records every accepted order, one
-- "orderNo<TAB>amount<TAB>currency" line per 202, in $ORDERS_OUT.<thread>. env: SKU, ORDERS_OUT.
local created, threads = 0, {}
function setup(thread) thread:set("tid", created); created = created + 1; table.insert(threads, thread) end
function init(args)
  n, accepted = 0, 0
  run = tostring(os.time()) .. tostring(math.random(100000, 999999))
  sku = os.getenv("SKU")
  out = io.open(os.getenv("ORDERS_OUT") .. "." .. tid, "w")
end
function request()
  n = n + 1
  local id = run .. "t" .. tid .. "n" .. n
  return wrk.format("POST", "/api/orders",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = id,
     ["X-Forwarded-For"] = "198.18." .. (n % 250) .. "." .. ((tid * 97 + math.floor(n / 250)) % 250 + 1)},
    '{"sku":"' .. sku .. '","quantity":1,"email":"w' .. id .. '@perf.test"}')
end
function response(status, headers, body)
  if status == 202 then
    local no = string.match(body, '"orderNo"%s*:%s*"([^"]+)"')
    local amount = string.match(body, '"amount"%s*:%s*"([^"]+)"')
    local currency = string.match(body, '"currency"%s*:%s*"([^"]+)"')
    if no then out:write(no .. "\t" .. amount .. "\t" .. currency .. "\n"); accepted = accepted + 1 end
  end
end
function done(summary, latency, requests)
  local a = 0
  for _, th in ipairs(threads) do a = a + th:get("accepted") end
  io.write(string.format("WRKJSON {\"accepted\":%d,\"secs\":%.2f}\n", a, summary.duration / 1e6))
end
