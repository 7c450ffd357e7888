-- Rebuild: put back a live reservation that Redis lost, so replays, releases and confirms keep working.
-- Leaves an existing hash alone, except a tombstone: a release that found nothing came after the database was read,
-- so the units the rebuild counted as held go back (the release marks the record RELEASED); a tombstone of an
-- earlier attempt does not cover this reservation and is replaced.
-- KEYS: 1 reservation hash, 2 pending zset, 3 stock, 4 per-buyer hash.
-- ARGV: 1 orderNo, 2 attempt, 3 qty, 4 buyer, 5 deadline ms
local prev = redis.call('HMGET', KEYS[1], 'state', 'attempt')
if prev[1] then
  if prev[1] ~= 'TOMBSTONE' then
    return 0
  end
  if tonumber(prev[2]) >= tonumber(ARGV[2]) then
    redis.call('INCRBY', KEYS[3], ARGV[3])
    if redis.call('HINCRBY', KEYS[4], ARGV[4], -tonumber(ARGV[3])) <= 0 then
      redis.call('HDEL', KEYS[4], ARGV[4])
    end
    return 0
  end
end
redis.call('HSET', KEYS[1], 'attempt', ARGV[2], 'outcome', 'RESERVED', 'available', -1, 'state', 'RESERVED',
  'qty', ARGV[3], 'buyer', ARGV[4], 'deadline', ARGV[5])
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 1
