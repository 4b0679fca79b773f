-- Pedigree's own model of the architecture names efi-srpm-macros gives the build's target: the EFI
-- name of %{_target_cpu} (%{efi_arch}) and of the second, "alternative" firmware arch an EFI package
-- also builds for (%{efi_alt_arch}). Written by Pedigree from reading the upstream template with the
-- distribution's patches applied (audits/rpmspec/efimodel.py says which version and gates its use);
-- it is not their code. Upstream computes them once per spec; the target does not change within one
-- reading of a spec, so computing them at each use gives the same names.

local model = {}

-- the EFI name of each family of target cpus, first match wins (riscv64 is Azure Linux's patch)
local ARCHES = {
  {"ia64", "ia64"}, {"x86_64", "x64"}, {"%{ix86}", "ia32"}, {"aarch64", "aa64"}, {"%{arm}", "arm"},
  {"riscv64", "riscv64"},
}
-- the alternative arch of each target (the other patch: 32-bit EFI firmware on x86_64 machines)
local ALT_ARCHES = {{"x86_64", "ia32"}}

-- marks the spec as named with the model (ExclusiveArch: %{efi} calls it too)
function model.used()
  rpm.define("__pedigree_efimodel 1")
end

local function among(cpus, target)
  for cpu in rpm.expand(cpus):gmatch("%S+") do
    if cpu == target then
      return true
    end
  end
  return false
end

local function lookup(table_)
  model.used()
  local target = rpm.expand("%{_target_cpu}")
  for _, entry in ipairs(table_) do
    if among(entry[1], target) then
      return entry[2]
    end
  end
  return "none"
end

-- "x64", "aa64"... or "none" when the target has no EFI firmware
function model.arch()
  return lookup(ARCHES)
end

-- "ia32" on x86_64, else "none"
function model.alt_arch()
  return lookup(ALT_ARCHES)
end

return model
