-- wrk script for bench/front_desk.py: one staff page, signed in (args[1]: the path,
-- args[2]: the session cookie), counting anything but a 200.

function init(args)
  path, cookie, bad = args[1], args[2], 0
end

function request()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p99":%d,"max":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
