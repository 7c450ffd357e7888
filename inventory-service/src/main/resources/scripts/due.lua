-- Order numbers whose reservation deadline passed more than a grace period ago, by Redis TIME.
-- KEYS: 1 pending zset. ARGV: 1 grace ms, 2 max count. Returns them joined by ','.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))
return table.concat(due, ',')
