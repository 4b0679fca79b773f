"""rpm's own (non-distribution) macros, per target architecture, written by us.

rpm is not installed where Pedigree runs, so the macros rpm itself defines before any
distribution file is read (its ``macros`` file, and its ``platform/<arch>-linux/macros``
which is loaded after ``macros.d``) come from this table. It holds what identities of
Fedora-family specs rely on: the directory layout, the architecture and ISA names, the
arch lists used by ``%ifarch``/``ExclusiveArch``, and ``%nil``. Values follow rpm's
documented behaviour for a 64-bit multilib Linux build (``_lib`` is ``lib64`` on both
x86_64 and aarch64), configured as the distribution's own rpm package builds rpm
(specs/r/rpm/rpm.spec: ``-DRPM_VENDOR=azurelinux``, the merged-sbin patch making
``%_sbindir`` the same as ``%_bindir``). The platform file repeats the directory layout,
so, loaded after ``macros.d``, it wins over a ``macros.d`` file that changes it.
"""

from __future__ import annotations

__all__ = ["ARCHES", "core_macros", "platform_macros"]

ARCHES = ("x86_64", "aarch64")

# rpm's ISA naming, used by "%{?_isa}" in Requires: x86_64 -> "(x86-64)", aarch64 -> "(aarch-64)".
_ISA_NAMES = {"x86_64": "x86", "aarch64": "aarch"}
_VENDOR = "azurelinux"  # RPM_VENDOR of the distribution's rpm build; rpm's host vendor too
_LAYOUT = (  # repeated by the platform file
    "_prefix", "_exec_prefix", "_bindir", "_sbindir", "_libexecdir", "_datarootdir", "_datadir",
    "_sysconfdir", "_sharedstatedir", "_localstatedir", "_includedir", "_oldincludedir",
    "_infodir", "_mandir", "_initddir", "_rundir", "_defaultdocdir",
)  # fmt: skip

# Architecture families that %ifarch / ExclusiveArch lines refer to by macro.
_ARCH_LISTS = {
    "ix86": "i386 i486 i586 i686 pentium3 pentium4 athlon geode",
    "x86_64": "x86_64 x86_64_v2 x86_64_v3 x86_64_v4 amd64 em64t",
    "arm32": "armv3l armv4b armv4l armv4tl armv5tl armv5tel armv5tejl armv6l armv6hl"
    " armv7l armv7hl armv7hnl armv8l armv8hl armv8hnl armv8hcnl",
    "arm": "%{arm32}",
    "arm64": "aarch64",
    "mips32": "mips mipsel mipsr6 mipsr6el",
    "mips64": "mips64 mips64el mips64r6 mips64r6el",
    "mipseb": "mips mipsr6 mips64 mips64r6",
    "mipsel": "mipsel mipsr6el mips64el mips64r6el",
    "mips": "%{mips32} %{mips64}",
    "sparc": "sparc sparcv8 sparcv9 sparcv9v sparc64 sparc64v",
    "alpha": "alpha alphaev56 alphaev6 alphaev67",
    "power64": "ppc64 ppc64p7 ppc64le",
    "riscv32": "riscv32",
    "riscv64": "riscv64",
    "riscv128": "riscv128",
    "riscv": "%{riscv32} %{riscv64} %{riscv128}",
    "loongarch64": "loongarch64",
}

# The FHS layout rpm's configure step bakes in for a /usr prefix, and rpm's own paths.
_CORE = {
    "nil": "%{!?nil}",
    "_usr": "/usr",
    "_var": "/var",
    "_usrsrc": "%{_usr}/src",
    "_tmppath": "%{_var}/tmp",
    "_prefix": "/usr",
    "_exec_prefix": "%{_prefix}",
    "_bindir": "%{_exec_prefix}/bin",
    "_sbindir": "%{_exec_prefix}/bin",  # merged /usr/sbin (the distribution's rpm is built so)
    "_libexecdir": "%{_exec_prefix}/libexec",
    "_datadir": "%{_prefix}/share",
    "_datarootdir": "%{_prefix}/share",
    "_sysconfdir": "/etc",
    "_sharedstatedir": "%{_var}/lib",
    "_localstatedir": "%{_prefix}/var",
    "_lib": "lib",
    "_libdir": "%{_exec_prefix}/%{_lib}",
    "_includedir": "%{_prefix}/include",
    "_oldincludedir": "/usr/include",
    "_infodir": "%{_datadir}/info",
    "_mandir": "%{_datadir}/man",
    "_rundir": "/run",
    "_defaultdocdir": "%{_datadir}/doc",
    "_defaultlicensedir": "%{_datadir}/licenses",
    "_docdir": "%{_defaultdocdir}",  # these two rpm defines when it starts parsing a spec
    "_licensedir": "%{_defaultlicensedir}",
    "_initddir": "%{_sysconfdir}/rc.d/init.d",
    "_rpmconfigdir": "/usr/lib/rpm",
    "_rpmmacrodir": "%{_rpmconfigdir}/macros.d",
    "_rpmluadir": "%{_rpmconfigdir}/lua",
    "_fileattrsdir": "%{_rpmconfigdir}/fileattrs",
    "_topdir": "/builddir/build",  # where mock, the build system's chroot builder, builds
    "_builddir": "%{_topdir}/BUILD",
    "_sourcedir": "%{_topdir}/SOURCES",
    "_specdir": "%{_topdir}/SPECS",
    "_rpmdir": "%{_topdir}/RPMS",
    "_srcrpmdir": "%{_topdir}/SRPMS",
    "_buildrootdir": "%{_topdir}/BUILDROOT",
    "buildroot": "%{_buildrootdir}/%{NAME}-%{VERSION}-%{RELEASE}.%{_arch}",
    "_buildshell": "/bin/sh",
    "_isa": "%{?__isa:(%{__isa})}%{!?__isa:%{nil}}",
    "_build": "%{_host}",
    "_build_cpu": "%{_host_cpu}",
    "_build_vendor": "%{_host_vendor}",
    "_build_os": "%{_host_os}",
    "_target": "%{_host}",
    "_target_vendor": "%{_host_vendor}",
}


def core_macros(arch: str) -> list[tuple[str, str]]:
    """(name, body) pairs rpm defines in its base ``macros`` file, for ``arch``."""
    _check(arch)
    host = {
        "_host": f"{arch}-{_VENDOR}-linux",
        "_host_alias": "%{nil}",
        "_host_cpu": arch,
        "_host_vendor": _VENDOR,
        "_host_os": "linux",
        "_arch": arch,
        "_target_cpu": arch,  # rpmrc's machine settings, made before any macro file is read
        "_target_os": "linux",
    }
    return [*_CORE.items(), *host.items(), *_ARCH_LISTS.items()]


def platform_macros(arch: str) -> list[tuple[str, str]]:
    """(name, body) pairs of rpm's ``platform/<arch>-linux/macros`` (loaded after ``macros.d``)."""
    _check(arch)
    return [
        ("_arch", arch),
        ("_build_arch", arch),
        ("_vendor", _VENDOR),
        ("_os", "linux"),
        ("_gnu", "-gnu"),
        ("_target_platform", "%{_target_cpu}-%{_vendor}-%{_target_os}"),
        ("__isa_name", _ISA_NAMES[arch]),
        ("__isa_bits", "64"),
        ("__isa", "%{__isa_name}-%{__isa_bits}"),
        *((name, _CORE[name]) for name in _LAYOUT),
        ("_lib", "lib64"),
        ("_libdir", "%{_exec_prefix}/lib64"),
        ("_initrddir", "%{_initddir}"),
    ]


def _check(arch: str) -> None:
    if arch not in ARCHES:
        raise ValueError(f"rpm base macros are known for {', '.join(ARCHES)}, not {arch!r}")
