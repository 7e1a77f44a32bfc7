-- wrk script of `motcua bench-requests`: public lookups over many real dossier codes, each
-- request from its own client address (X-Forwarded-For; the benchmark's server trusts 127.0.0.1
-- as a proxy, so the per-address lookup limit sees many citizens, as in life).
-- Usage: wrk -t 2 -c 64 -d 10s -s bench/lookup.lua http://127.0.0.1:PORT -- target/bench-requests/lookup-codes.txt
local counter = 0

function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

local codes = {}

function init(args)
  local path = args[1] or "target/bench-requests/lookup-codes.txt"
  for line in io.lines(path) do
    if #line > 0 then
      codes[#codes + 1] = line
    end
  end
  if #codes == 0 then
    error("no codes in " .. path)
  end
  math.randomseed(os.time() + 7919 * (thread_id or 0))
end

function request()
  local code = codes[math.random(#codes)]
  local address = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("GET", "/api/v1/lookup/" .. code, { ["X-Forwarded-For"] = address })
end
