-- wrk script: POST complete demo-survey submissions, each with its own submission_id.
-- Run with one thread: it stops once N submissions got their 201, and the benchmark then
-- interrupts wrk (which would otherwise wait out its whole duration).
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  limit = tonumber(args[1])
  body_template = args[2]
  filler_path = args[3]
  sent, created, non201, fillers = 0, 0, 0, 0
  if id == 0 then
    -- wrk calls request() once on the first thread to check the script, and never
    -- sends what it returns: that call is not a submission.
    sent = -1
  end
  math.randomseed(os.time() * 1000 + id)
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  if sent >= limit then
    -- The share is sent but not all answered yet: wrk wants a request for this idle
    -- connection, so read the survey definition (200, stores nothing) meanwhile.
    return wrk.format("GET", filler_path)
  end
  sent = sent + 1
  local body = string.gsub(body_template, "SUBMISSION_ID", uuid4())
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    if created >= limit then
      wrk.thread:stop()
    end
  elseif status == 200 then
    fillers = fillers + 1
  else
    non201 = non201 + 1
  end
end

function done(summary, latency, requests)
  local sent_all, created_all, bad, filled = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    sent_all = sent_all + thread:get("sent")
    created_all = created_all + thread:get("created")
    bad = bad + thread:get("non201")
    filled = filled + thread:get("fillers")
  end
  io.write(string.format(
    "RESULT requests=%d sent=%d created=%d fillers=%d non201=%d socket_errors=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, sent_all, created_all, filled, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
