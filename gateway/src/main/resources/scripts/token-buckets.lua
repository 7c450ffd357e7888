-- Decides a batch of requests against token buckets, in arrival order, each all or nothing: a request takes one
-- token from every one of its buckets, or from none. The same outcome as one call per request, in one call.
-- KEYS: the distinct buckets of the batch. ARGV[2i-1], ARGV[2i]: refill rate (tokens per millisecond) and capacity
-- of KEYS[i]. Then, per request: the number m of its buckets, followed by their m indexes into KEYS.
-- Bucket state is a hash {tokens, ts}; a key that expired is a full bucket.
-- Returns, per request, 5 numbers: allowed (1|0), reported bucket (position among the request's own buckets, from 1),
-- remaining tokens (floor), retry-after ms, reset ms. On a denial the reported bucket is the one that forces the
-- longest wait, otherwise the one with the fewest tokens left.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local k = #KEYS
local rates, caps, tokens = {}, {}, {}
for i = 1, k do
  local rate = tonumber(ARGV[2 * i - 1])
  local cap = tonumber(ARGV[2 * i])
  rates[i] = rate
  caps[i] = cap
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tk = tonumber(state[1])
  local ts = tonumber(state[2])
  if tk == nil or ts == nil then
    tk = cap
    ts = now
  end
  local elapsed = now - ts
  if elapsed < 0 then elapsed = 0 end
  tokens[i] = math.min(cap, tk + elapsed * rate)
end
local out = {}
local p = 2 * k + 1
local n = #ARGV
while p <= n do
  local m = tonumber(ARGV[p])
  local idx = {}
  for j = 1, m do
    idx[j] = tonumber(ARGV[p + j])
  end
  p = p + m + 1
  local allowed = 1
  local report = 1
  local retry = 0
  for j = 1, m do
    local i = idx[j]
    local tk = tokens[i]
    if tk < 1 then
      local wait = math.ceil((1 - tk) / rates[i])
      if allowed == 1 or wait > retry then
        retry = wait
        report = j
      end
      allowed = 0
    end
  end
  if allowed == 1 then
    local fewest = nil
    for j = 1, m do
      local i = idx[j]
      tokens[i] = tokens[i] - 1
      if fewest == nil or tokens[i] < fewest then
        fewest = tokens[i]
        report = j
      end
    end
  end
  local r = idx[report]
  local remaining = math.floor(tokens[r])
  if remaining < 0 then remaining = 0 end
  out[#out + 1] = allowed
  out[#out + 1] = report
  out[#out + 1] = remaining
  out[#out + 1] = retry
  out[#out + 1] = math.ceil((caps[r] - tokens[r]) / rates[r])
end
for i = 1, k do
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i]), 'ts', tostring(now))
  -- Once the bucket would be full again the key may go: a missing key reads as full.
  redis.call('PEXPIRE', KEYS[i], math.ceil(caps[i] / rates[i]) + 1000)
end
return out
