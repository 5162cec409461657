-- Open Lima bench: one request, repeated (bench/run.py passes its parts as arguments).
--   wrk -tT ... -s request.lua URL -- METHOD PATH HEADERS_FILE BODY_FILE POOL_FILE MODE T
-- HEADERS_FILE: "Name: value" lines ("-" for none); BODY_FILE: raw body ("-" for none).
-- POOL_FILE: pre-made sessions, one "sessionid csrftoken" line each ("-" for none).
-- MODE: "cycle" (signed-in visitors: every request takes the next session, round robin)
--       "unique" (each session used at most once across all threads: a different user
--                 each time; running out is counted as `exhausted` and fails the run)
--       "voter"  (no sessions: ?voter=N appended, N unique across threads; calibration)
-- done() prints one line "WRKJSON {...}" that bench/run.py parses; non-2xx responses are
-- counted here (wrk itself counts only >= 400 as errors).

local threads = {}
local thread_count = 0

local function read_file(name)
  if name == nil or name == "-" then return nil end
  local f = assert(io.open(name, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function setup(thread)
  -- setup() of thread n runs before init() of thread n but after init() of thread n-1,
  -- so the thread count comes as an argument, only the index from here.
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  exhausted = 0
  statuses = {}
  method = args[1] or "GET"
  path = args[2] or "/"
  headers = {}
  local text = read_file(args[3])
  if text then
    for line in text:gmatch("[^\r\n]+") do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then headers[name] = value end
    end
  end
  body = read_file(args[4])
  mode = args[6] or "fixed"
  nthreads = tonumber(args[7] or "1")
  sessions = {}
  local pool = read_file(args[5])
  if pool then
    local n = 0
    for line in pool:gmatch("[^\r\n]+") do
      -- threads take interleaved lines, so no two threads share a session
      if n % nthreads == index then
        local sid, csrf = line:match("^(%S+)%s+(%S+)$")
        table.insert(sessions, {sid, csrf})
      end
      n = n + 1
    end
  end
  position = 0
  fixed = wrk.format(method, path, headers, body)
end

function request()
  if mode == "voter" then
    position = position + 1
    local sep = path:find("?", 1, true) and "&" or "?"
    return wrk.format(method, path .. sep .. "voter=" .. (position * nthreads + index), headers, body)
  end
  if mode == "fixed" or #sessions == 0 then
    return fixed
  end
  position = position + 1
  if position > #sessions then
    if mode == "unique" then exhausted = exhausted + 1 end
    position = 1
  end
  local s = sessions[position]
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  h["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2]
  if method ~= "GET" and method ~= "HEAD" then h["X-CSRFToken"] = s[2] end
  return wrk.format(method, path, h, body)
end

function response(status, hdrs, resp_body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local bad, out = 0, 0
  local seen = {}
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    out = out + (t:get("exhausted") or 0)
    local st = t:get("statuses") or {}
    for k, v in pairs(st) do seen[k] = (seen[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(seen) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, ' ..
    '"exhausted": %d, "socket_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, bad, out,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
