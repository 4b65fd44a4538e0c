"""Confine a query worker: off the network whatever runs inside it, and within a memory budget.

A Python audit hook sees only Python's own sockets; Oxigraph's SERVICE client is Rust and opens
its sockets with the C library, past any hook. So the worker installs a seccomp filter: the
kernel answers EACCES to every socket(AF_INET / AF_INET6) the process (and every thread it
starts later) asks for. Unix sockets stay allowed: the worker talks to the server over one.
Once installed, a filter cannot be removed.

The memory budget is an RLIMIT_AS on top of what the worker holds once the KB is loaded: an
allocation past it fails (MemoryError in Python; Oxigraph aborts the process) instead of the
machine swapping.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import socket

# linux/filter.h, linux/seccomp.h, linux/audit.h
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
# machine -> (AUDIT_ARCH_*, numbers of socket(2), io_uring_setup(2)); offsets in seccomp_data
_ARCHES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_X32_BIT = 0x40000000  # x32 system calls on x86_64 carry this bit
_NR, _ARCH, _ARG0 = 0, 4, 16


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _program(arch: int, nr_socket: int, nr_io_uring: int) -> list[tuple[int, int, int, int]]:
    """(code, jump if true, jump if false, k) instructions; jumps count the lines skipped."""
    deny = _RET_ERRNO | errno.EACCES
    return [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),  # a foreign system call ABI (i386): refuse all of it
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 6, 0, _X32_BIT),  # x32 calls: deny
        (_JEQ_K, 5, 0, nr_io_uring),  # io_uring can open sockets past socket(2): deny
        (_JEQ_K, 0, 3, nr_socket),
        (_LD_W_ABS, 0, 0, _ARG0),
        (_JEQ_K, 2, 0, socket.AF_INET),
        (_JEQ_K, 1, 0, socket.AF_INET6),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]


def deny_network() -> None:
    """Make the calling process unable to open IPv4/IPv6 sockets, for good. Raises OSError
    where the kernel or machine does not allow it: a worker must not run without it."""
    machine = platform.machine()
    if machine not in _ARCHES:
        raise OSError(f"no seccomp network filter for {machine}; cannot sandbox query workers")
    code = _program(*_ARCHES[machine])
    filters = (_SockFilter * len(code))(*(_SockFilter(*c) for c in code))
    prog = _SockFprog(len(code), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    ulong = ctypes.c_ulong
    libc.prctl.argtypes = [ctypes.c_int, ulong, ulong, ulong, ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    libc.prctl.argtypes = [ctypes.c_int, ulong, ctypes.c_void_p, ulong, ulong]
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def network_denied() -> bool:
    """True when this process can no longer open an IPv4 socket (the filter is in place)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False


_M_ARENA_MAX = -8  # mallopt: glibc reserves 64 MiB of address space per arena otherwise


def limit_memory(budget_mib: int) -> int:
    """Cap this process's address space at its present size plus `budget_mib` MiB; returns
    the cap in bytes."""
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)
    except AttributeError:  # not glibc
        pass
    with open("/proc/self/status", encoding="ascii") as status:
        size_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    cap = (size_kib << 10) + (budget_mib << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return cap
