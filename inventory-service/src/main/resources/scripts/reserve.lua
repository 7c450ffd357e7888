-- Reserve stock for one or more orders of ONE SKU, atomically, in the order given (a batch of one is the single
-- reserve). Idempotent per (orderNo, attempt): a replay returns the first answer, also within one call.
-- KEYS: 1 stock counter, 2 per-buyer units hash, 3 pending zset (by deadline), 4 rebuilding flag, then one
--       reservation hash per order (5, 6, ...). All carry the {sku} hash tag, so they share one cluster slot.
-- ARGV: 1 retention ms of rejected answers, then 8 per order: orderNo, attempt, qty, buyer (normalised),
--       per-buyer limit, sale start ms, sale end ms, deadline ms
-- Returns one "OUTCOME|available|supersededAttempt|replay" per order; RELEASED when a release of the order came
-- first (tombstone), UNAVAILABLE while rebuilding, UNINITIALISED when the counter is missing.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rebuilding = redis.call('EXISTS', KEYS[4]) == 1
local stock = redis.call('GET', KEYS[1])
if stock then
  stock = tonumber(stock)
end
local retention = ARGV[1]

local function reserve(key, orderNo, attempt, qty, buyer, limit, starts, ends, deadline)
  local prev = redis.call('HMGET', key, 'attempt', 'outcome', 'available', 'state', 'qty', 'buyer')
  if prev[1] then
    local prevAttempt = tonumber(prev[1])
    if prev[4] == 'TOMBSTONE' and attempt <= prevAttempt then
      -- The order was released before this reserve arrived: whoever asked has given up on it.
      return 'RELEASED|-1|0|0'
    end
    if prevAttempt == attempt then
      return prev[2] .. '|' .. prev[3] .. '|0|1'
    end
    if prevAttempt > attempt then
      return 'STALE|-1|0|0'
    end
    if prev[4] == 'CONFIRMED' then
      return 'CONFIRMED|-1|0|0'
    end
  end
  if rebuilding then
    return 'UNAVAILABLE|-1|0|0'
  end
  if not stock then
    return 'UNINITIALISED|-1|0|0'
  end
  local superseded = 0
  if prev[1] and prev[4] == 'RESERVED' then
    -- A new attempt of the same order replaces its old reservation: the old units go back first.
    local q = tonumber(prev[5])
    stock = redis.call('INCRBY', KEYS[1], q)
    if redis.call('HINCRBY', KEYS[2], prev[6], -q) <= 0 then
      redis.call('HDEL', KEYS[2], prev[6])
    end
    redis.call('ZREM', KEYS[3], orderNo)
    superseded = tonumber(prev[1])
  end
  local outcome
  if now < starts or now >= ends then
    outcome = 'NOT_ON_SALE'
  elseif stock < qty then
    outcome = 'SOLD_OUT'
  elseif tonumber(redis.call('HGET', KEYS[2], buyer) or '0') + qty > limit then
    outcome = 'LIMIT_EXCEEDED'
  else
    stock = redis.call('DECRBY', KEYS[1], qty)
    redis.call('HINCRBY', KEYS[2], buyer, qty)
    redis.call('ZADD', KEYS[3], deadline, orderNo)
    outcome = 'RESERVED'
  end
  local state = 'REJECTED'
  if outcome == 'RESERVED' then state = 'RESERVED' end
  redis.call('HSET', key, 'attempt', attempt, 'outcome', outcome, 'available', stock, 'state', state,
    'qty', qty, 'buyer', buyer, 'deadline', deadline)
  if state == 'RESERVED' then
    redis.call('PERSIST', key)
  else
    redis.call('PEXPIRE', key, retention)
  end
  return outcome .. '|' .. stock .. '|' .. superseded .. '|0'
end

local answers = {}
for i = 1, #KEYS - 4 do
  local a = 1 + (i - 1) * 8
  answers[i] = reserve(KEYS[4 + i], ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4],
    tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), tonumber(ARGV[a + 7]), ARGV[a + 8])
end
return answers
