-- wrk script for the delivery-report ingest benchmark (bench/run.py, 7):
-- Kannel-shaped dlr-url GETs (status 1, a %A answer as an SMSC writes it),
-- each for a distinct message id from IDS (one a line). Thread t of T sends
-- ids t+1, t+1+T, …; each thread stops once every one of its ids has been
-- answered, so all COUNT ids are sent and answered exactly once (a request
-- started as a thread stops, past its share, repeats an id: a duplicate
-- report, which changes nothing). wrk itself runs until -d or SIGINT: each
-- thread, when done, creates MARKER.<t>, and the runner sends SIGINT once all
-- are there (wrk then reports the time up to that moment).
--
--   wrk -t T -c C -d LIMIT -s bench/dlr.lua http://127.0.0.1:PORT -- IDS COUNT SECRET T MARKER
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  count = tonumber(args[2])
  secret, nthreads, marker = args[3], tonumber(args[4]), args[5]
  finished = false
  ids = {}
  for line in io.lines(path) do
    ids[#ids + 1] = line
    if #ids >= count then break end
  end
  count = #ids
  nextIndex = tid + 1
  quota = 0
  for i = tid + 1, count, nthreads do quota = quota + 1 end
  responses, bad = 0, 0
  prefix = "/hooks/" .. secret .. "/kannel/dlr?status=1&smsc_id=fake&answer=id%3A"
end

function request()
  local i = nextIndex
  if i > count then i = ((i - 1) % count) + 1 end
  nextIndex = nextIndex + nthreads
  return wrk.format("GET", prefix .. i .. "%20sub%3A001%20dlvrd%3A001%20submit%20date%3A2611290900%20done%20date%3A2611290901"
    .. "%20stat%3ADELIVRD%20err%3A000%20text%3A&id=" .. ids[i])
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then bad = bad + 1 end
  if responses >= quota and not finished then
    finished = true
    local f = io.open(marker .. "." .. tid, "w")
    f:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local answered, refused = 0, 0
  for _, thread in ipairs(threads) do
    answered = answered + thread:get("responses")
    refused = refused + thread:get("bad")
  end
  io.write(string.format("dlr-bench: answered %d not-200 %d\n", answered, refused))
end
