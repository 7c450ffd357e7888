-- Give a live reservation's units back. Idempotent: only a RESERVED reservation moves, once.
-- KEYS: 1 stock, 2 reservation hash, 3 per-buyer hash, 4 pending zset, 5 rebuilding flag
-- ARGV: 1 orderNo, 2 retention ms, 3 latest deadline ms that may be released ('' = any), 4 tombstone retention ms
-- Returns "STATE|attempt|qty": RELEASED when this call released it; otherwise MISSING (a tombstone is left),
-- FOUND_<state> for a reservation already REJECTED/RELEASED/CONFIRMED/TOMBSTONE, NEWER for a later one,
-- UNAVAILABLE while rebuilding.
local r = redis.call('HMGET', KEYS[2], 'state', 'qty', 'buyer', 'attempt', 'deadline')
if not r[1] then
  -- The reserve may still be on its way (its caller timed out and released first). The tombstone makes that late
  -- first attempt reserve nothing; a later attempt (re-reservation after expiry) replaces it.
  redis.call('HSET', KEYS[2], 'attempt', 1, 'outcome', 'RELEASED', 'available', -1, 'state', 'TOMBSTONE',
    'qty', 0, 'buyer', '', 'deadline', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return 'MISSING|0|0'
end
if r[1] ~= 'RESERVED' then
  return 'FOUND_' .. r[1] .. '|' .. r[4] .. '|' .. r[2]
end
if ARGV[3] ~= '' and tonumber(r[5]) > tonumber(ARGV[3]) then
  return 'NEWER|' .. r[4] .. '|' .. r[2]
end
if redis.call('EXISTS', KEYS[5]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then
  return 'UNAVAILABLE|' .. r[4] .. '|' .. r[2]
end
local q = tonumber(r[2])
redis.call('INCRBY', KEYS[1], q)
if redis.call('HINCRBY', KEYS[3], r[3], -q) <= 0 then
  redis.call('HDEL', KEYS[3], r[3])
end
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[2], 'state', 'RELEASED')
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 'RELEASED|' .. r[4] .. '|' .. r[2]
