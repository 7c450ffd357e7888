-- Takes one token from every bucket in KEYS, or from none: all or nothing, atomically.
-- ARGV: for bucket i, ARGV[2i-1] = refill rate in tokens per millisecond, ARGV[2i] = capacity.
-- Bucket state is a hash {tokens, ts}; a key that expired is a full bucket.
-- Returns {allowed (1|0), reported bucket index, remaining tokens (floor), retry-after ms, reset ms}:
-- on a denial the bucket that forces the longest wait, otherwise the one with the fewest tokens left.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local n = #KEYS
local rates, caps, tokens = {}, {}, {}
local allowed = 1
local report = 1
local retry = 0
for i = 1, n do
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
  tk = math.min(cap, tk + elapsed * rate)
  tokens[i] = tk
  if tk < 1 then
    local wait = math.ceil((1 - tk) / rate)
    if allowed == 1 or wait > retry then
      retry = wait
      report = i
    end
    allowed = 0
  end
end
local fewest = nil
for i = 1, n do
  local tk = tokens[i]
  if allowed == 1 then
    tk = tk - 1
    if fewest == nil or tk < fewest then
      fewest = tk
      report = i
    end
  end
  tokens[i] = tk
  redis.call('HSET', KEYS[i], 'tokens', tostring(tk), 'ts', tostring(now))
  -- Once the bucket would be full again the key may go: a missing key reads as full.
  redis.call('PEXPIRE', KEYS[i], math.ceil(caps[i] / rates[i]) + 1000)
end
local remaining = math.floor(tokens[report])
if remaining < 0 then remaining = 0 end
local reset = math.ceil((caps[report] - tokens[report]) / rates[report])
return {allowed, report, remaining, retry, reset}
