-- Reserve stock for one order, atomically. Idempotent per (orderNo, attempt): a replay returns the first answer.
-- KEYS: 1 stock counter, 2 reservation hash of the order, 3 per-buyer units hash, 4 pending zset (by deadline),
--       5 rebuilding flag. All carry the {sku} hash tag, so they share one cluster slot.
-- ARGV: 1 orderNo, 2 attempt, 3 qty, 4 buyer (normalised), 5 per-buyer limit, 6 sale start ms, 7 sale end ms,
--       8 deadline ms, 9 retention ms of rejected answers
-- Returns "OUTCOME|available|supersededAttempt|replay"; RELEASED when a release of the order came first (tombstone).
local attempt = tonumber(ARGV[2])
local prev = redis.call('HMGET', KEYS[2], 'attempt', 'outcome', 'available', 'state', 'qty', 'buyer')
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
if redis.call('EXISTS', KEYS[5]) == 1 then
  return 'UNAVAILABLE|-1|0|0'
end
local stock = redis.call('GET', KEYS[1])
if not stock then
  return 'UNINITIALISED|-1|0|0'
end
stock = tonumber(stock)
local superseded = 0
if prev[1] and prev[4] == 'RESERVED' then
  -- A new attempt of the same order replaces its old reservation: the old units go back first.
  local q = tonumber(prev[5])
  stock = redis.call('INCRBY', KEYS[1], q)
  if redis.call('HINCRBY', KEYS[3], prev[6], -q) <= 0 then
    redis.call('HDEL', KEYS[3], prev[6])
  end
  redis.call('ZREM', KEYS[4], ARGV[1])
  superseded = tonumber(prev[1])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local qty = tonumber(ARGV[3])
local outcome
if now < tonumber(ARGV[6]) or now >= tonumber(ARGV[7]) then
  outcome = 'NOT_ON_SALE'
elseif stock < qty then
  outcome = 'SOLD_OUT'
elseif tonumber(redis.call('HGET', KEYS[3], ARGV[4]) or '0') + qty > tonumber(ARGV[5]) then
  outcome = 'LIMIT_EXCEEDED'
else
  stock = redis.call('DECRBY', KEYS[1], qty)
  redis.call('HINCRBY', KEYS[3], ARGV[4], qty)
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[1])
  outcome = 'RESERVED'
end
local state = 'REJECTED'
if outcome == 'RESERVED' then state = 'RESERVED' end
redis.call('HSET', KEYS[2], 'attempt', attempt, 'outcome', outcome, 'available', stock, 'state', state,
  'qty', qty, 'buyer', ARGV[4], 'deadline', ARGV[8])
if state == 'RESERVED' then
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return outcome .. '|' .. stock .. '|' .. superseded .. '|0'
