-- wrk: one distinct, correctly signed webhook per request from $REQUESTS (lines "signature<TAB>body", written by
-- side-by-side-webhooks); each thread takes every THREADS-th line. A provider calls from a handful of addresses, so
-- X-Forwarded-For cycles through eight. Prints one WRKJSON line (acks = 200 answers). env: REQUESTS, THREADS, LABEL.
local created, threads = 0, {}
function setup(thread) thread:set("tid", created); created = created + 1; table.insert(threads, thread) end
function init(args)
  local nthreads = tonumber(os.getenv("THREADS") or "2")
  lines, i = {}, 0
  for line in io.lines(os.getenv("REQUESTS")) do
    if i % nthreads == tid then table.insert(lines, line) end
    i = i + 1
  end
  nxt, ok, bad, s503, n = 1, 0, 0, 0, 0
end
function request()
  local line = lines[nxt]
  nxt = nxt % #lines + 1
  n = n + 1
  local tab = string.find(line, "\t", 1, true)
  return wrk.format("POST", "/webhooks/payments/simpay",
    {["Content-Type"] = "application/json", ["Payment-Signature"] = string.sub(line, 1, tab - 1),
     ["X-Forwarded-For"] = "203.0.113." .. (n % 8 + 1)}, string.sub(line, tab + 1))
end
function response(status)
  if status == 200 then ok = ok + 1 elseif status == 503 then s503 = s503 + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local o, b, u = 0, 0, 0
  for _, th in ipairs(threads) do o = o + th:get("ok"); b = b + th:get("bad"); u = u + th:get("s503") end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format('WRKJSON {"label":"%s","secs":%.2f,"requests":%d,"ok":%d,"ok_per_s":%.1f,"not_ok":%d,' ..
    '"unavailable_503":%d,"sock_err":%d,"timeouts":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n', os.getenv("LABEL") or "webhook",
    secs, summary.requests, o, o / secs, b, u, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
