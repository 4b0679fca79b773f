-- Pedigree's own model of the part of fonts-rpm-macros that decides a font spec's identity: the
-- package name %fontpkg gives each font family (%{fontpkgname<N>}), the Name: or %package header it
-- writes, the %files section %fontfiles writes, and the meta-package of %fontmetapkg. Written by
-- Pedigree from reading the upstream macros with the distribution's patches applied
-- (audits/rpmspec/fontmodel.py says which version and gates its use); it is not their code. A font
-- family it cannot name calls %{error:...}, so the spec stays unresolved.

local model = {}

local MAX_SUFFIX = 99  -- fontfamily0 .. fontfamily99; fontmodel.py refuses specs that define larger ones

local function defined(name)
  return rpm.expand("%{" .. name .. "}") ~= "%{" .. name .. "}"
end

local function value(name)
  return rpm.expand("%{?" .. name .. "}")
end

local function put(name, body)
  if body == nil or body == "" then
    body = "%{nil}"
  end
  rpm.define(name .. " " .. body)
end

local function put_unless_defined(name, body)
  if not defined(name) then
    put(name, body)
  end
end

local function clear(name)
  if defined(name) then
    rpm.define(name .. " %{nil}")
  end
end

-- An error rpm would report, also kept in %{__pedigree_fontmodel_error} for the identity's reason.
local function fail(message)
  rpm.define("__pedigree_fontmodel_error " .. message:gsub("%%", "%%%%"))
  rpm.expand("%{error:" .. message .. "}")
end

-- "name" and "name0" stand for each other: a non-empty one defines the other when that one is unset.
local function alias_zero(names)
  for _, name in ipairs(names) do
    if value(name) ~= "" then
      put_unless_defined(name .. "0", "%{?" .. name .. "}")
    end
  end
  for _, name in ipairs(names) do
    if value(name .. "0") ~= "" then
      put_unless_defined(name, "%{?" .. name .. "0}")
    end
  end
end

local function is_main(suffix)
  return suffix == "" or suffix == "0"
end

-- The non-empty values of name, name0 .. name99: the suffixes in numeric order ("" only when its
-- value is not the "0" one, and then first) and the value of each.
local function suffixed(name)
  alias_zero({name})
  local probe = {}
  for n = 0, MAX_SUFFIX do
    probe[#probe + 1] = "%{?" .. name .. n .. "}"
  end
  local values, order = {}, {}
  local n = 0
  for field in string.gmatch(rpm.expand(table.concat(probe, "\1")) .. "\1", "([^\1]*)\1") do
    if field ~= "" then
      values[tostring(n)] = field
      order[#order + 1] = tostring(n)
    end
    n = n + 1
  end
  local plain = value(name)
  if plain ~= "" and plain ~= values["0"] then
    values[""] = plain
    table.insert(order, 1, "")
  end
  return order, values
end

-- rpm package names of font families drop one style word per kind, in this order. Upstream turns each
-- word into the Lua pattern "-<word>$", where the "-" inside a hyphenated word is a lazy repetition
-- and not a hyphen, so "extra-bold" only matches "extrbold", "extrabold"...: the same pattern is kept.
local STYLE_WORDS = {
  {"normal", "book", "regular", "upright"},
  {"italic", "ita", "ital", "cursive", "kursiv", "oblique", "inclined", "backslanted", "backslant", "slanted"},
  {"ultracondensed", "extra-compressed", "ext-compressed", "ultra-compressed", "ultra-condensed",
   "extracondensed", "compressed", "extra-condensed", "ext-condensed", "extra-cond",
   "semicondensed", "narrow", "semi-condens",
   "semiexpanded", "wide", "semi-expanded", "semi-extended",
   "extraexpanded", "extra-expanded", "ext-expanded", "extra-extended", "ext-extended",
   "ultraexpanded", "ultra-expanded", "ultra-extended",
   "condensed", "cond", "expanded", "extended"},
  {"thin", "extra-thin", "ext-thin", "ultra-thin",
   "extralight", "extra-light", "ext-light", "ultra-light",
   "demibold", "semi-bold", "demi-bold",
   "extrabold", "extra-bold", "ext-bold", "ultra-bold",
   "extrablack", "extra-black", "ext-black", "ultra-black",
   "bold", "light", "medium", "black", "heavy", "nord", "demi", "ultra"},
}

-- Lower case, punctuation and blank runs as one "-", none at either end.
local function normalised(text)
  local result = text:gsub("[%p%s]+", "-"):gsub("^-", ""):gsub("-$", "")
  return string.lower(result)
end

-- The rpm name of a font family: normalised, one style word of each kind dropped from the end, words
-- already seen (and "font", "fonts") dropped, then "-fonts".
function model.rpmname(family)
  local name = normalised(family)
  for _, words in ipairs(STYLE_WORDS) do
    for _, word in ipairs(words) do
      local dropped, count = name:gsub("-" .. normalised(word) .. "$", "")
      name = dropped
      if count == 1 then
        break
      end
    end
  end
  local seen = {font = true, fonts = true}
  local kept = {}
  for word in name:gmatch("[^%-]+") do
    if not seen[word] then
      seen[word] = true
      kept[#kept + 1] = word
    end
  end
  rpm.define("__pedigree_fontmodel 1")
  return table.concat(kept, "-") .. "-fonts"
end

local MAIN_ALIASES = {"fontsummary", "fontdescription", "fontpkgname", "fonthumanname", "fontpkgheader",
                      "fonts", "fontsex", "fontconfs", "fontconfsex", "fontconfngs", "fontconfngsex",
                      "fontappstreams", "fontappstreamsex", "fontdocs", "fontdocsex", "fontlicense",
                      "fontlicenses", "fontlicensesex", "fontdir", "fontfilelist"}
local INHERITED = {"foundry", "fontdocs", "fontdocsex", "fontlicense", "fontlicenses", "fontlicensesex"}
local CURRENT = {"foundry", "fontpkgname", "fonthumanname", "fontpkgheader", "fontdir", "fontfilelist",
                 "fontfamily", "fontlicense", "fontsummary", "fontdescription"}

-- The variables of font family `suffix`, and current<variable> pointing at them. The family name
-- loses a leading foundry before the foundry is put in front of it (Azure Linux's
-- omit-foundry-in-family patch; the foundry is a Lua pattern there too).
local function family(suffix)
  alias_zero({"foundry", "fontlicense"})
  put_unless_defined("fontlicense", "%{license}")
  if is_main(suffix) then
    alias_zero(MAIN_ALIASES)
  end
  for _, name in ipairs(INHERITED) do
    if defined(name) then
      put_unless_defined(name .. suffix, "%{" .. name .. "}")
    end
  end
  if not defined("fontfamily" .. suffix) then
    fail("%{fontfamily" .. suffix .. "} is not set, so fonts-rpm-macros cannot name its package")
    return false
  end
  local foundry = value("foundry" .. suffix)
  local basename = foundry .. " " .. rpm.expand("%{fontfamily" .. suffix .. "}"):gsub("^" .. foundry, "")
  put_unless_defined("fontpkgname" .. suffix, model.rpmname(basename))
  put_unless_defined("fonthumanname" .. suffix, basename)
  put_unless_defined("fontdir" .. suffix, "%{_fontbasedir}/%{fontpkgname" .. suffix .. "}")
  put_unless_defined("fontfilelist" .. suffix, "%{_builddir}/%{?buildsubdir}/%{fontpkgname" .. suffix .. "}.list")
  if is_main(suffix) then
    alias_zero({"fontpkgname", "fontdir", "fontfilelist"})
  end
  for _, name in ipairs(CURRENT) do
    if value(name .. suffix) ~= "" then
      put("current" .. name, "%{" .. name .. suffix .. "}")
    else
      clear("current" .. name)
    end
  end
  rpm.define("__pedigree_fontmodel 1")
  return true
end

local function each(suffix, all)
  if all then
    return (suffixed("fontfamily"))
  end
  return {suffix}
end

-- %fontpkg: the main package's Name: (family "" or "0", unless -s) or a %package -n header (-m: Name:).
function model.packages(suffix, all, force_main, force_sub)
  local out = {}
  for _, s in ipairs(each(suffix, all)) do
    if not family(s) then
      return
    end
    local sub = not force_main and (force_sub or not is_main(s))
    out[#out + 1] = (sub and "%package -n " or "Name: ") .. rpm.expand("%{currentfontpkgname}\n"
      .. "Summary: %{currentfontsummary}\nLicense: %{currentfontlicense}\nBuildArch: noarch\n"
      .. "BuildRequires: fonts-rpm-macros\nRequires: fontpackages-filesystem\n%{?currentfontpkgheader}\n"
      .. "%description -n %{currentfontpkgname}\n%{?currentfontdescription}\n")
  end
  print(table.concat(out, "\n"))
end

-- %fontfiles: a %files section for each family's package (its list is a file the build writes, so
-- only the section's existence is modelled).
function model.files(suffix, all)
  local out = {}
  for _, s in ipairs(each(suffix, all)) do
    if not family(s) then
      return
    end
    out[#out + 1] = rpm.expand("%files -n %{currentfontpkgname} -f %{currentfontfilelist}\n")
  end
  print(table.concat(out, "\n"))
end

-- %fontmetapkg: a meta-package (default name: the spec's without "-fonts", then "-fonts-all") that
-- requires the packages of the families listed (all by default), with its %files section. Azure
-- Linux's epoch-in-req patch puts the epoch in those Requires and reads %{fontpkgheader<name>} (or
-- %{fontpkgheaderall} for the default name) as its header.
function model.metapackage(name, summary_variable, description_variable, listed)
  local order, packages = suffixed("fontpkgname")
  local header_suffix = "all"
  if name == "" then
    name = rpm.expand("%{name}"):gsub("-fonts$", "") .. "-fonts-all"
  else
    header_suffix = normalised(name)
  end
  if value("fontpkgheader" .. header_suffix) ~= "" then
    put("currentfontpkgheader", "%{fontpkgheader" .. header_suffix .. "}")
  else
    clear("currentfontpkgheader")
  end
  local summary = "All the font packages, generated from %{name}"
  if summary_variable ~= "" then
    summary = "%{" .. summary_variable .. "}"
  end
  local description = "This meta-package installs all the font packages, generated from the %{name} source package."
  if description_variable ~= "" then
    description = "%{" .. description_variable .. "}"
  end
  if listed ~= "" then
    order = {}
    for s in string.gmatch(listed, "[^%s%p]+") do
      order[#order + 1] = s
    end
  end
  local evr = tonumber(rpm.expand("0%{?epoch}")) == 0 and "%{version}-%{release}" or "%{epoch}:%{version}-%{release}"
  local out = {rpm.expand("%package -n " .. name .. "\nSummary: " .. summary)}
  for _, s in ipairs(order) do  -- upstream walks a Lua table, in no set order: the model in suffix order
    if packages[s] ~= nil then
      out[#out + 1] = rpm.expand("Requires(meta): " .. packages[s] .. " = " .. evr)
    end
  end
  out[#out + 1] = rpm.expand("BuildArch: noarch\n%{?currentfontpkgheader}\n%description -n " .. name .. "\n"
    .. description .. "\n%files -n " .. name .. "\n")
  rpm.define("__pedigree_fontmodel 1")
  print(table.concat(out, "\n"))
end

return model
