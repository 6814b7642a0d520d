-- wrk script for bench/submit.py: send each prepared form once, from every thread.
-- Data file lines are "cookie<TAB>urlencoded body". Thread k sends lines k, k+T, ...
-- wrk runs for a fixed duration; should a thread use up its forms first, it sends its
-- last form again (a replay, answered idempotently), and replays are counted.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  forms, issued, answered, acked, other = {}, 0, 0, 0, 0
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == id then
      local cookie, body = line:match("^([^\t]*)\t(.*)$")
      forms[#forms + 1] = wrk.format("POST", "/consultation", {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = cookie,
      }, body)
    end
    i = i + 1
  end
end

-- wrk may call request() once without sending what it returns, so the first call
-- returns a harmless health check (answered 200, not counted) and forms start after.
function request()
  issued = issued + 1
  if issued == 1 then
    return wrk.format("GET", "/healthz")
  end
  return forms[math.min(issued - 1, #forms)]
end

function response(status, headers, body)
  if status == 200 then return end
  answered = answered + 1
  if status == 303 then acked = acked + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  -- Per thread: forms it holds, requests it issued, answers it got. Each connection
  -- sends its next request only after an answer, so a thread's first `answered`
  -- forms are exactly the ones answered; those still in flight are all later.
  local per_thread = {}
  for _, thread in ipairs(threads) do
    per_thread[#per_thread + 1] = string.format(
      '{"forms":%d,"issued":%d,"answered":%d,"acked":%d,"other":%d}',
      #thread:get("forms"), math.max(0, thread:get("issued") - 1), thread:get("answered"),
      thread:get("acked"), thread:get("other"))
  end
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"errors":%d,"threads":[%s]}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, table.concat(per_thread, ",")))
end
