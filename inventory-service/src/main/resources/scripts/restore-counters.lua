-- Rebuild: set a SKU's counter and per-buyer units from the database truth.
-- KEYS: 1 stock, 2 per-buyer hash. ARGV: 1 available, 2 reset ('1' on the first chunk), then buyer, units pairs.
if ARGV[2] == '1' then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('DEL', KEYS[2])
end
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
return 1
