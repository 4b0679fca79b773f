-- Pedigree's own model of the part of go-rpm-macros (and of the forge macros %gometa calls) that
-- decides a Go spec's identity: the name %gometa gives (%{goname}), the Release snapshot prefix
-- forge metadata adds to %{dist} (%{distprefix}), and the -devel / compat -devel sub-packages
-- %gopkg declares and %gopkgfiles gives a %files section. Written by Pedigree from reading the
-- upstream macros (audits/rpmspec/gomodel.py says which version and gates its use); it is not
-- their code. Anything outside the subset calls %{error:...}, so the spec stays unresolved.

local model = {}

local MAX_SUFFIX = 99  -- goipath0 .. goipath99; gomodel.py refuses specs that define larger ones

local function value(name)
  return rpm.expand("%{?" .. name .. "}")
end

local function unset(name)
  return rpm.expand("%{" .. name .. "}") == "%{" .. name .. "}"
end

local function put(name, body)
  if body == nil or body == "" then
    body = "%{nil}"
  end
  rpm.define(name .. " " .. body)
end

local function put_unless_set(name, body)
  if unset(name) then
    put(name, body)
  end
end

-- An error rpm would report, also kept in %{__pedigree_gomodel_error} for the identity's reason.
local function fail(message)
  rpm.define("__pedigree_gomodel_error " .. message:gsub("%%", "%%%%"))
  rpm.expand("%{error:" .. message .. "}")
end

local function refuse(what)
  fail(what .. " is outside Pedigree's go-rpm-macros model")
end

-- "name" and "name0" stand for each other: whichever is set defines the other when it is unset.
local function pair_zero(names)
  for _, name in ipairs(names) do
    if value(name) ~= "" then
      put_unless_set(name .. "0", "%{?" .. name .. "}")
    end
  end
  for _, name in ipairs(names) do
    if value(name .. "0") ~= "" then
      put_unless_set(name, "%{?" .. name .. "0}")
    end
  end
end

-- The suffixes ("", "0", "1", ...) for which `name` has a non-empty value, in numeric order;
-- "" only when its value is not the same as the "0" one.
local function suffixes(name)
  pair_zero({name})
  local probe = {}
  for n = 0, MAX_SUFFIX do
    probe[#probe + 1] = "%{?" .. name .. n .. "}"
  end
  local values = {}
  local n = 0
  for field in string.gmatch(rpm.expand(table.concat(probe, "\1")) .. "\1", "([^\1]*)\1") do
    values[n] = field
    n = n + 1
  end
  local found = {}
  for k = 0, MAX_SUFFIX do
    if values[k] ~= nil and values[k] ~= "" then
      found[#found + 1] = tostring(k)
    end
  end
  local plain = value(name)
  if plain ~= "" and plain ~= values[0] then
    table.insert(found, 1, "")
  end
  return found
end

model.suffixes = suffixes

local function is_main(suffix)
  return suffix == "" or suffix == "0"
end

-- The rpm package name of a Go import path, by the naming rules of the Go packaging guidelines
-- as go-rpm-macros applies them.
function model.rpmname(goipath, compat)
  local name = string.lower(rpm.expand(goipath)) .. "/"
  name = name:gsub("^https?://", "")
  name = name:gsub("%.git/+", "")
  name = name:gsub("^git%.", "")
  name = name:gsub("^([^/]+)%.([^%./]+)/", "%1/")  -- the host's last label (.com, .io ...) goes
  name = "golang-" .. name
  local cid = string.lower(rpm.expand(compat or ""))
  if cid ~= "" then
    name = "compat-" .. name .. "-" .. cid
  end
  local changed
  repeat  -- dotted number runs survive the separator folding below as ":"
    name, changed = name:gsub("(%d)%.(%d)", "%1:%2")
  until changed == 0
  name = name:gsub("[%._/%-~]+", "-")
  name = name:gsub("%-for%-go%-", "-")
  local seen = {go = true}
  local kept = {}
  for word in name:gmatch("[^%-]+") do
    if not seen[word] then
      seen[word] = true
      kept[#kept + 1] = word
    end
  end
  local result = table.concat(kept, "-"):gsub(":", ".")
  result = result:gsub("%-v([%.%d]+)$", "-%1")
  result = result:gsub("%-v([%.%d]+%-)", "-%1")
  if rpm.isdefined("go_use_new_versioning") then
    result = result:gsub("([^-]*)%-([%.%d]+)$", function(base, version)
      if base:find("%d$") then
        return base .. "_" .. version
      end
      return base .. version
    end)
  end
  return result
end

-- Forges whose URLs forge metadata checks, with the URL shape it accepts and where the repository
-- name is in it; nil: a host it does not know (then nothing is checked).
local FORGES = {
  github = {"^https://[^/]+/[^/]+/[^/#?]+", "^[^:]+://[^/]+/[^/]+/([^/?#]+)"},
  gitlab = {"^https://[^#?]+", "^[^:]+://[^?#]+/([^/?#]+)"},
  ["gitea.com"] = {"^https://[^/]+/[^/]+/[^/#?]+", "^[^:]+://[^/]+/[^/]+/([^/?#]+)"},
  ["bitbucket.org"] = {"^https://[^/]+/[^/]+/[^/#?]+", "^[^:]+://[^/]+/[^/]+/([^/?#]+)"},
  sourcehut = {"^https://[^/]+/~[^/]+/[^/#?]+", "^[^:]+://[^/]+/[^/]+/([^/?#]+)"},
  pagure = {"^https://[^/]+/[^/#?]+", "^[^:]+://[^/]+/([^/?#]+)"},
  pagure_ns = {"^https://[^/]+/[^/]+/[^/#?]+", "^[^:]+://[^/]+/[^/]+/([^/?#]+)"},
}

local function forge_of(url)
  local host = url:match("^[^:]+://([^/]+)/")
  if host == nil then
    return nil, "a forge URL without a protocol and a path"
  end
  if host == "pagure.io" then
    if url:match("^[^:]+://pagure.io/fork/") then
      return nil, "a pagure fork URL"
    elseif url:match("^[^:]+://pagure.io/[^/]+/[^/]+") then
      return "pagure_ns"
    end
    return "pagure"
  elseif host:match("^gitlab[%.-]") or host:match("[%.-]gitlab[%.]") then
    return "gitlab"
  elseif host:match("^github[%.-]") or host:match("[%.-]github[%.]") then
    return "github"
  elseif url:match("^[^:]+://git.sr.ht/") then
    return "sourcehut"
  elseif host == "codeberg.org" or host == "gitea.com" then
    return "gitea.com"
  elseif host == "bitbucket.org" then
    return "bitbucket.org"
  elseif host == "code.googlesource.com" then
    return nil, "a code.googlesource.com URL"
  end
  return "unknown"
end

-- What the version string leaves of a tag: "v1.2.3" with version 1.2.3 leaves "", "1.2.3.rc2" ".rc2".
local function tag_rest(tag, version)
  for _, prefix in ipairs({"", "v", "v.", "version", "version.", "tags.v", "tags.v."}) do
    local p = prefix .. version
    if tag:sub(1, #p) == p and not tag:sub(#p + 1):match("^%.?%d") then
      tag = tag:sub(#p + 1)
    end
  end
  return (tag:gsub("^%.", ""))
end

-- Forge metadata's effect on the identity: a snapshot (a commit, or a tag that is more than the
-- version) prefixes %{dist} with ".<date><scm><ref>", the date being the source archive's time
-- unless %{date} is set: a shell command Pedigree never runs, so such a Release stays unresolved.
local function forge_snapshot(suffix)
  if is_main(suffix) then
    pair_zero({"forgeurl", "tag", "commit", "branch", "version", "date", "scm", "repo"})
  end
  local tag, commit, branch = value("tag" .. suffix), value("commit" .. suffix), value("branch" .. suffix)
  local version = value("version" .. suffix)
  if suffix ~= "" and version ~= "" and version ~= "0" and version ~= value("version") then
    refuse("a %{version" .. suffix .. "} other than the spec's Version")  -- forge would prefix %{dist} with it
    return
  end
  if tag == "" and commit == "" and branch == "" and version == "" then
    fail("Version:, %{commit} or %{tag} must be defined before %gometa")
    return
  end
  local url = value("forgeurl" .. suffix)
  local forge, outside = forge_of(url)
  if outside ~= nil then
    refuse(outside)
    return
  end
  local repo = ""
  local shape = FORGES[forge]
  if shape ~= nil then
    local checked = url:match(shape[1])
    if checked == nil then
      fail(forge .. " URL " .. url .. " does not have the shape forge metadata needs")
      return
    end
    put("forgeurl" .. suffix, checked)
    repo = checked:match(shape[2]) or ""
    put_unless_set("repo" .. suffix, repo)
  end
  local rest = ""
  if tag ~= "" then
    rest = string.lower(tag):gsub("[%p%s]+", ".")
    rest = rest:gsub("^" .. string.lower(value("repo")) .. "%.?", "")  -- the name is a pattern, as upstream
    rest = tag_rest(rest, (rpm.expand("%{version}"):gsub("[%p%s]+", ".")))
  elseif commit ~= "" then
    rest = string.lower(commit):sub(1, 7)
  elseif branch ~= "" then
    rest = string.lower(branch)
  end
  if rest == "" then
    return
  end
  put_unless_set("scm" .. suffix, "git")
  local date = value("date" .. suffix)
  if date == "" then
    date = "%(date -u +%Y%m%d -r pedigree-snapshot-archive-not-in-the-repository)"  -- gomodel.SNAPSHOT_DATE
  end
  put_unless_set("distprefix" .. suffix, "." .. date .. "%{scm" .. suffix .. "}" .. rest)
end

-- %gometa for the main import path: %{goname}, and the forge snapshot prefix.
function model.meta(suffix)
  if not is_main(suffix) then
    refuse("%gometa -z or -a with several import paths")
    return
  end
  pair_zero({"forgeurl", "goipath", "gocid", "goname"})
  local goipath = value("goipath" .. suffix)
  if goipath == "" then
    fail("%{goipath} must be set before %gometa")
    return
  end
  if goipath:match("^https?://") or goipath:match("/$") then
    refuse("an import path with a protocol or a trailing slash")
    return
  end
  if value("forgeurl" .. suffix) == "" then
    put("forgeurl" .. suffix, "https://%{goipath" .. suffix .. "}")
  end
  forge_snapshot(suffix)
  put_unless_set("goname" .. suffix, model.rpmname("%{goipath" .. suffix .. "}", "%{?gocid" .. suffix .. "}"))
  pair_zero({"forgeurl", "goname"})
  rpm.define("__pedigree_gomodel 1")
end

-- goipaths<N> default to goipath<N> when the spec sets no goipaths at all.
local function devel_defaults()
  if #suffixes("goipaths") == 0 then
    for _, suffix in ipairs(suffixes("goipath")) do
      put_unless_set("goipaths" .. suffix, "%{goipath" .. suffix .. "}")
    end
  end
end

local function devel_current(suffix)
  if is_main(suffix) then
    pair_zero({"goipath", "gocid", "godevelname", "godevelcid", "godevelsummary", "godevelheader", "goipaths"})
  end
  local goipaths = value("goipaths" .. suffix)
  if goipaths ~= "" then
    goipaths = (" " .. goipaths):gsub("%s+%-i%s+", " "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
    put("goipaths" .. suffix, goipaths)
  end
  local first = goipaths:match("[^%s]+") or ""
  put_unless_set("godevelcid" .. suffix, "%{?gocid" .. suffix .. "}")
  put_unless_set("godevelname" .. suffix, model.rpmname(first, "%{?godevelcid" .. suffix .. "}") .. "-devel")
  put_unless_set("godevelsummary" .. suffix, "%{summary}")
  for _, name in ipairs({"godevelname", "godevelsummary", "godevelheader"}) do
    if value(name .. suffix) ~= "" then
      put("current" .. name, "%{" .. name .. suffix .. "}")
    else
      rpm.undefine("current" .. name)
    end
  end
end

-- The compat packages of %{goaltipaths}: one per distinct rpm name, in name order.
local function alt_packages(suffix)
  if is_main(suffix) then
    pair_zero({"goaltipaths", "gocid", "goaltcid", "goipath"})
  end
  put_unless_set("goaltcid" .. suffix, "%{?gocid" .. suffix .. "}")
  local byname, names = {}, {}
  for ipath in string.gmatch(value("goaltipaths" .. suffix), "[^%s,]+") do
    local name = model.rpmname(ipath, "%{?goaltcid" .. suffix .. "}")
    if not name:match("^compat%-") then
      name = "compat-" .. name
    end
    if byname[name] == nil then
      byname[name] = {}
      names[#names + 1] = name
    end
    table.insert(byname[name], ipath)
  end
  table.sort(names)
  local packages = {}
  for _, name in ipairs(names) do
    local ipaths = byname[name]
    -- only the last import path's Obsoletes is kept, as go-rpm-macros writes it
    local last = ipaths[#ipaths]
    packages[#packages + 1] = {
      name = name .. "-devel",
      header = "Obsoletes: " .. model.rpmname(last, "") .. "-devel < %{version}-%{release}",
    }
  end
  put_unless_set("goaltsummary" .. suffix, "%{summary}")
  return packages
end

local function kinds_of(kind)
  if kind == "devel" then
    devel_defaults()
    return suffixes("goipaths")
  end
  return suffixes("goaltipaths")
end

local function one_or_all(kind, suffix, all)
  if all then
    return kinds_of(kind)
  end
  if kind == "devel" then
    devel_defaults()
  end
  return {suffix}
end

-- %godevelpkg / %goaltpkg: the %package sections (BuildArch noarch) with their Summary and header.
function model.packages(kind, suffix, all)
  local out = {}
  for _, s in ipairs(one_or_all(kind, suffix, all)) do
    if kind == "devel" then
      devel_current(s)
      out[#out + 1] = rpm.expand("%package -n %{currentgodevelname}\nSummary: %{currentgodevelsummary}\n"
        .. "BuildRequires: go-rpm-macros\nBuildArch: noarch\n%{?currentgodevelheader}\n"
        .. "%description -n %{currentgodevelname}\n")
    else
      for _, p in ipairs(alt_packages(s)) do
        out[#out + 1] = rpm.expand("%package -n " .. p.name .. "\nSummary: %{goaltsummary" .. s .. "}\n"
          .. "BuildRequires: go-rpm-macros\nBuildArch: noarch\n%{?goaltheader" .. s .. "}\n" .. p.header .. "\n"
          .. "%description -n " .. p.name .. "\n")
      end
    end
  end
  rpm.define("__pedigree_gomodel 1")
  print(table.concat(out, "\n"))
end

-- %godevelfiles / %goaltfiles: a %files section for each of those packages (its list is a file the
-- build writes, so only the section's existence is modelled).
function model.files(kind, suffix, all)
  local out = {}
  for _, s in ipairs(one_or_all(kind, suffix, all)) do
    if kind == "devel" then
      devel_current(s)
      out[#out + 1] = rpm.expand("%files -n %{currentgodevelname}\n")
    else
      for _, p in ipairs(alt_packages(s)) do
        out[#out + 1] = "%files -n " .. p.name .. "\n"
      end
    end
  end
  rpm.define("__pedigree_gomodel 1")
  print(table.concat(out, "\n"))
end

return model
