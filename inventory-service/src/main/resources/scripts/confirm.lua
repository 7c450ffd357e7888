-- Mark a reservation paid: its units stay taken (they became SOLD keys) and count against the buyer's limit.
-- Idempotent. KEYS: 1 reservation hash, 2 pending zset. ARGV: 1 orderNo, 2 retention ms.
-- Returns CONFIRMED when this call confirmed it; otherwise MISSING or FOUND_<state> (already CONFIRMED, RELEASED...).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
  return 'MISSING'
end
if state ~= 'RESERVED' then
  return 'FOUND_' .. state
end
redis.call('HSET', KEYS[1], 'state', 'CONFIRMED')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 'CONFIRMED'
