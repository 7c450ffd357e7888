-- wrk script: every request is a distinct, correctly signed simpay event (pre-signed by simpay_requests.py).
-- wrk -t2 -c50 -d20s -s simpay.lua http://127.0.0.1:18084   (REQUESTS=path/to/requests.tsv)
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  nthreads = tonumber(os.getenv("THREADS") or "2")
  lines = {}
  local path = os.getenv("REQUESTS") or "requests.tsv"
  local i = 0
  for line in io.lines(path) do
    -- each thread takes every nthreads-th line, so no two threads send the same event
    if i % nthreads == id then table.insert(lines, line) end
    i = i + 1
  end
  next_line = 1
end

function request()
  local line = lines[next_line]
  next_line = next_line % #lines + 1
  local tab = string.find(line, "\t", 1, true)
  local headers = { ["Content-Type"] = "application/json", ["Payment-Signature"] = string.sub(line, 1, tab - 1) }
  return wrk.format("POST", "/webhooks/payments/simpay", headers, string.sub(line, tab + 1))
end
