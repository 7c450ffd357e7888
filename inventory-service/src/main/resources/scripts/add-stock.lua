-- Add freshly imported keys to a live counter. KEYS: 1 stock, 2 rebuilding flag. ARGV: 1 units.
-- Returns the new counter, or -1 when the counter is missing or being rebuilt (the caller rebuilds instead).
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
