-- wrk script (LuaJIT, Lua 5.1: no // operator): each request registers a different, valid
-- person. Numbers are distinct for the first 84 100 requests of each thread (letters x tail).
local letters = {"А","Б","В","Г","Д","Е","Ж","З","И","К","Л","М","Н","О","Ө","П","Р","С","Т","У","Ү","Ф","Х","Ц","Ч","Ш","Э","Ю","Я"}
local threads = 0
local counter = 0

function setup(thread)
  thread:set("offset", threads * 42050)
  threads = threads + 1
end

local function registry(i)
  local floor = math.floor
  local first = letters[floor(i / 100) % #letters + 1]
  local second = letters[floor(i / 2900) % #letters + 1]
  local year = 70 + floor(i / 7) % 30
  local month = 1 + i % 12
  local day = 1 + floor(i / 12) % 28
  return string.format("%s%s%02d%02d%02d%02d", first, second, year, month, day, i % 100)
end

local function build(i)
  local body = string.format(
    '{"registryNumber":"%s","familyName":"Болд","givenName":"Сарангэрэл","phone":"99112233",' ..
    '"aimagCode":"UB-SB","soumCode":"UB-SB-05","educationCode":"vocational","occupationCode":"83",' ..
    '"skills":["жолоо барих","гагнуур"],"experienceYears":6,"desiredOccupationCode":"83",' ..
    '"hasDisability":false,"status":"unemployed","consent":true,"language":"mn"}', registry(i))
  return wrk.format("POST", "/api/v1/registrations", {["Content-Type"] = "application/json"}, body)
end

-- Requests are formatted before the clock starts, so the load generator spends its CPU on
-- sending (it shares the machine's two cores with the service).
local prepared = {}
local count = 42050

-- Optional think time per client in milliseconds (first script argument): 0 is saturation.
local think = 0

function init(args)
  think = tonumber(args[1]) or 0
  math.randomseed(offset or 0)
  for n = 0, count - 1 do
    prepared[n + 1] = build((offset or 0) + n)
  end
end

function request()
  counter = counter + 1
  if counter > count then counter = 1 end
  return prepared[counter]
end

-- Uniformly between 0 and twice the think time, so clients do not move in lockstep.
function delay()
  if think == 0 then return 0 end
  return math.random(0, 2 * think)
end
