-- wrk script: POST complete demo-survey submissions, each with its own submission_id,
-- stopping each thread after its share of N requests; counts non-201 answers.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  limit = tonumber(args[1])
  body_template = args[2]
  sent = 0
  non201 = 0
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
    wrk.thread:stop()
  end
  sent = sent + 1
  local body = string.gsub(body_template, "SUBMISSION_ID", uuid4())
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 201 then
    non201 = non201 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non201")
  end
  io.write(string.format("RESULT requests=%d non201=%d socket_errors=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d\n",
    summary.requests, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
