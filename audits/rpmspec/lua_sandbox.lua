-- Trusted set-up of Pedigree's Lua sandbox (audits/rpmspec/lua.py); runs once per runtime,
-- with the full standard library, and returns the function that runs untrusted chunks.
-- Untrusted code only ever sees the environment built by new_env() (one per spec: new_state()): views
-- of the safe libraries (writes stay in the spec's view), rpm's print/rpm/macros/require, wrapped
-- pcall/xpcall/setmetatable/rawget/rawset/next/getmetatable, an io.stderr that discards. Everything
-- that could escape (debug, load of bytecode, the Python callables, the hook, the state)
-- lives in locals of this chunk, which untrusted code cannot name.
local py, module_sources, limits = ...

local sethook, load, dump = debug.sethook, load, string.dump
local pcall, xpcall, error, type, tostring, select = pcall, xpcall, error, type, tostring, select
local pairs, next, rawequal, rawget, setmetatable = pairs, next, rawequal, rawget, setmetatable
local pack, unpack, concat, sort = table.pack, table.unpack, table.concat, table.sort
local log, huge = math.log, math.huge

local STEP = 1000 -- instructions between two hook calls
local ABORT = {} -- the error value of a run over budget: unique, never handed to callbacks
local state = { depth = 0, remaining = 0, aborted = nil, out = nil, outlen = 0, loaded = nil }

local function abort(reason)
  if state.aborted == nil then state.aborted = reason end
  error(ABORT, 0)
end

local function hook()
  state.remaining = state.remaining - STEP
  if state.remaining <= 0 then abort("instructions") end
end

-- Errors of a run over budget (or out of memory) cannot be caught by the untrusted code.
local function passed(ok, ...)
  if not ok then
    local err = ...
    if state.aborted ~= nil or rawequal(err, ABORT) then abort(state.aborted or "instructions") end
    if type(err) == "string" and err == "not enough memory" then abort("memory") end
  end
  return ok, ...
end

local function safe_pcall(f, ...) return passed(pcall(f, ...)) end
local function safe_xpcall(f, handler, ...) return passed(xpcall(f, handler, ...)) end

-- Finalizers would run outside any budget (during a later collection), so none are allowed.
local function safe_setmetatable(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not available in this sandbox", 2)
  end
  return setmetatable(t, mt)
end

-- Lua's pattern matcher runs in C, outside the instruction budget: patterns whose
-- backtracking could take polynomial time on long subjects are refused.
local BROAD = { ["."] = true, ["%S"] = true, ["%W"] = true, ["%D"] = true, ["%A"] = true,
  ["%C"] = true, ["%P"] = true, ["%U"] = true, ["%L"] = true, ["%X"] = true, ["%G"] = true }
local function costly(subject, pattern)
  if type(subject) ~= "string" or type(pattern) ~= "string" then return false end
  local broad, previous, i, n = 0, nil, 1, #pattern
  while i <= n do
    local c, item = pattern:sub(i, i), nil
    if c == "%" then
      item = pattern:sub(i, i + 1); i = i + 2
    elseif c == "[" then
      local j = i + 1
      if pattern:sub(j, j) == "^" then j = j + 1 end
      if pattern:sub(j, j) == "]" then j = j + 1 end
      while j <= n and pattern:sub(j, j) ~= "]" do
        if pattern:sub(j, j) == "%" then j = j + 1 end
        j = j + 1
      end
      item = pattern:sub(i, j); i = j + 1
      if item:sub(2, 2) == "^" then item = "." end
    else
      item = c; i = i + 1
    end
    local q = pattern:sub(i, i)
    if q == "*" or q == "+" or q == "-" then
      i = i + 1
      if BROAD[item] or item == previous then broad = broad + 1 end
      previous = item
    else
      previous = nil
    end
  end
  return broad >= 2 and broad * log(#subject + 1) > log(1e8)
end

local function guarded(f)
  return function(s, p, ...)
    if costly(s, p) then error("pattern too costly for a subject of this length", 2) end
    return f(s, p, ...)
  end
end

local safe_string = {}
for k, v in pairs(string) do safe_string[k] = v end
safe_string.dump = nil
for _, name in pairs({ "find", "match", "gmatch", "gsub" }) do safe_string[name] = guarded(string[name]) end
-- String methods ("x"):upper() use this private copy; getmetatable("") no longer reveals it.
local string_mt = getmetatable("")
string_mt.__index = safe_string
string_mt.__metatable = false

local function emit(...)
  local n = select("#", ...)
  for i = 1, n do
    local s = tostring((select(i, ...)))
    if type(s) ~= "string" then error("'tostring' must return a string", 2) end
    if i > 1 then s = "\t" .. s end
    state.outlen = state.outlen + #s
    if state.outlen > limits.output then abort("output") end
    state.out[#state.out + 1] = s
  end
end

-- A callback answers (true, value...) or (false, message) or (nil) when the host failed:
-- the run then stops and Python re-raises the host's exception.
-- The host is told, with every call that may reuse an expansion cached for another spec, which
-- globals this spec's Lua changed (see changes()).
local function callback(f, tells)
  return function(...)
    local answer
    if tells then answer = pack(f(state.changes(), ...)) else answer = pack(f(...)) end
    if answer[1] == nil then abort("host") end
    if not answer[1] then error(answer[2], 2) end
    return unpack(answer, 2, answer.n)
  end
end

local expand = callback(py.expand, true)
local define, undefine = callback(py.define), callback(py.undefine)
local isdefined, call, vercmp = callback(py.isdefined), callback(py.call, true), callback(py.vercmp)

local function check_string(value, position, what)
  local t = type(value)
  if t == "number" then return tostring(value) end
  if t ~= "string" then
    error(("bad argument #%d to '%s' (string expected, got %s)"):format(position, what, t), 3)
  end
  return value
end

-- One rpm table for every state: writes to it land in the state's own view (tracked(), below).
local RPM = {
  expand = function(s) return expand(check_string(s, 1, "expand")) end,
  define = function(s) define(check_string(s, 1, "define")) end,
  undefine = function(s) undefine(check_string(s, 1, "undefine")) end,
  isdefined = function(s) return isdefined(check_string(s, 1, "isdefined")) end,
  vercmp = function(a, b) return vercmp(check_string(a, 1, "vercmp"), check_string(b, 2, "vercmp")) end,
  interactive = false,
}

local function macros_table()
  return setmetatable({}, {
    __index = function(_, name)
      name = check_string(name, 2, "index")
      local defined, parametric = isdefined(name)
      if not defined then return nil end
      if not parametric then return expand("%{" .. name .. "}") end
      return function(args)
        if type(args) == "table" then
          local list = {}
          for i = 1, #args do list[i] = check_string(args[i], i, name) end
          return call(name, unpack(list))
        end
        return expand("%{" .. name .. " " .. check_string(args, 1, name) .. "}")
      end
    end,
    __newindex = function(_, name, value)
      name = check_string(name, 2, "newindex")
      if value == nil then undefine(name) else define(name .. " " .. check_string(value, 3, name)) end
    end,
    __metatable = false,
  })
end

-- Modules are compiled once, here, and loaded from that (trusted) bytecode into each run.
local compiled = {}
for name, source in pairs(module_sources) do
  local f, err = load(source, "=" .. name, "t")
  if f then compiled[name] = dump(f) else compiled[name] = err end
end

-- rpm's Lua has io; a spec's chunk may warn on io.stderr. Only that is given, and what is written
-- is discarded: nothing of io reaches a file, a process or the console (no open, popen, read, lines...).
local STDERR = setmetatable({}, {
  __index = { write = function(self) return self end },
  __newindex = function() error("io.stderr is read-only", 2) end,
  __metatable = false,
})
local IO = { stderr = STDERR }
local MATH = {}
for k, v in pairs(math) do MATH[k] = v end
MATH.randomseed, MATH.random = nil, nil -- nothing that makes a run non-repeatable

-- What a spec's Lua changed is recorded as it writes, not found by comparing tables: the globals and
-- the library tables a chunk sees are views (tracked()) over tables shared by every state, and each
-- write to a view names the global it changes. A view never writes to what it shows; a chunk sees a
-- plain table: rawget, rawset, next, pairs and getmetatable answer for the view.
local NIL = {} -- the value of a view's entry the spec set to nil
local views = setmetatable({}, { __mode = "k" }) -- view -> the merged contents, function

local function tracked(base, changed)
  local view, overrides = {}, nil
  local mt = { __index = base, __metatable = false }
  function mt.__newindex(t, k, v)
    changed(k)
    if rawget(base, k) == nil then rawset(t, k, v) return end
    if overrides == nil then
      overrides = {}
      mt.__index = function(_, key)
        local o = overrides[key]
        if o == nil then return base[key] end
        if rawequal(o, NIL) then return nil end
        return o
      end
    end
    if v == nil then overrides[k] = NIL else overrides[k] = v end
  end
  local function merged()
    local all = {}
    for k, v in next, base do all[k] = v end
    if overrides ~= nil then
      for k, v in next, overrides do
        if rawequal(v, NIL) then all[k] = nil else all[k] = v end
      end
    end
    for k, v in next, view do all[k] = v end
    return all
  end
  function mt.__pairs() return next, merged(), nil end
  views[view] = merged
  return setmetatable(view, mt)
end

local function view_rawget(t, k)
  if views[t] then return t[k] end
  return rawget(t, k)
end

local function view_rawset(t, k, v)
  if views[t] then t[k] = v return t end
  return rawset(t, k, v)
end

local traversal = setmetatable({}, { __mode = "k" }) -- view -> its contents when next(view) began
local function view_next(t, k)
  local merged = views[t]
  if not merged then return next(t, k) end
  if k == nil or traversal[t] == nil then traversal[t] = merged() end
  return next(traversal[t], k)
end

local function view_getmetatable(t)
  if views[t] then return nil end
  return getmetatable(t)
end

local function new_env()
  local changed = {}
  state.changed_text = ""
  local function note(name)
    if changed[name] then return end
    changed[name] = true
    local names = {}
    for n in next, changed do names[#names + 1] = n end
    sort(names)
    state.changed_text = concat(names, " ")
  end
  local function global(name) return function() note(name) end end
  local base = {
    string = tracked(safe_string, global("string")), table = tracked(table, global("table")),
    math = tracked(MATH, global("math")), utf8 = tracked(utf8, global("utf8")),
    rpm = tracked(RPM, global("rpm")), io = tracked(IO, global("io")),
    pairs = pairs, ipairs = ipairs, next = view_next, select = select, tonumber = tonumber,
    tostring = tostring, type = type, error = error, assert = assert,
    pcall = safe_pcall, xpcall = safe_xpcall, setmetatable = safe_setmetatable,
    getmetatable = view_getmetatable, rawget = view_rawget, rawset = view_rawset, rawequal = rawequal,
    rawlen = rawlen, unpack = unpack, print = emit, macros = macros_table(), _VERSION = _VERSION,
  }
  local env = tracked(base, function(k) note(tostring(k)) end)
  base._G = env
  local loaded = {}
  base.require = function(name)
    name = check_string(name, 1, "require")
    if loaded[name] ~= nil then return loaded[name] end
    local code = compiled[name]
    if code == nil then error("module '" .. name .. "' not found in the distribution's Lua modules", 2) end
    local f, err = load(code, "=" .. name, "b", env)
    if not f then error(err, 2) end
    local result = f(name)
    if result == nil then result = true end
    loaded[name] = result
    return result
  end
  return env
end

local function message(err)
  local t = type(err)
  if t == "string" or t == "number" then return tostring(err) end
  return "(error object is a " .. t .. " value)"
end

-- One untrusted chunk: (true, output) or (false, message). Raises only when out of memory.
local function execute(code, opt, arg)
  local f, err = load("local opt, arg = ...;" .. code, "<lua>", "t", state.env)
  if not f then return false, message(err) end
  local results = pack(pcall(f, opt, arg))
  if results[1] and results.n > 1 then -- rpm prints what the chunk returns
    results = pack(pcall(emit, unpack(results, 2, results.n)))
  end
  if not results[1] then
    local err = results[2]
    if type(err) == "string" and err == "not enough memory" then abort("memory") end
    return false, message(err)
  end
  return true, concat(state.out)
end

-- One state per spec, as rpm keeps one Lua state for a whole parse: globals (functions) a chunk
-- defines are seen by the later chunks, until new_state().
local function new_state()
  state.env = new_env()
end

-- The globals this spec's Lua wrote to (a library table counts when a chunk wrote to it), sorted and
-- blank-separated: an expansion of the macro files' macros whose Lua names none of them does not
-- depend on this spec's Lua, and may be shared with other specs.
function state.changes()
  return state.changed_text
end

new_state()

-- run(code, opt, arg) -> true, output | false, why ("error" or the budget exceeded), message
local function run(code, opt, arg)
  if state.depth >= limits.depth then return false, "depth", "" end
  local outer_out = state.out
  state.out = {}
  state.depth = state.depth + 1
  if state.depth == 1 then
    state.remaining, state.aborted, state.outlen = limits.instructions, nil, 0
    sethook(hook, "", STEP)
  end
  local ran, ok, result = pcall(execute, code, opt, arg)
  state.out = outer_out
  state.depth = state.depth - 1
  if state.depth == 0 then sethook() end
  if state.aborted ~= nil then return false, state.aborted, "" end
  if not ran then return false, "memory", "" end
  if not ok then return false, "error", result end
  return true, result
end

return run, new_state, state.changes
