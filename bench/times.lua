-- wrk script for bench/times.py: ask times.json for each date of the range in turn
-- (args[1]: a file of query strings, one per line), counting anything but a 200.

function init(args)
  queries, n, bad = {}, 0, 0
  for line in io.lines(args[1]) do queries[#queries + 1] = line end
end

function request()
  n = n + 1
  return wrk.format("GET", "/consultation/times.json?" .. queries[(n % #queries) + 1])
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,' ..
    '"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout))
end
