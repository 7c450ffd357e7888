-- Rebuild: put back a live reservation that Redis lost, so replays, releases and confirms keep working.
-- Leaves an existing hash alone. KEYS: 1 reservation hash, 2 pending zset.
-- ARGV: 1 orderNo, 2 attempt, 3 qty, 4 buyer, 5 deadline ms
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'attempt', ARGV[2], 'outcome', 'RESERVED', 'available', -1, 'state', 'RESERVED',
  'qty', ARGV[3], 'buyer', ARGV[4], 'deadline', ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 1
