/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Numbers of the system calls newer than the libc may know.  Since Linux
 * 5.1 (424, pidfd_send_signal) every architecture takes new calls from one
 * table, offset on the few whose own numbering starts elsewhere: alpha
 * (+110), MIPS o32 (+4000), n64 (+5000), n32 (+6000).  The libc's SYS_*
 * wins wherever it has one.
 */
#ifndef CGKILL_SYSCALLS_H
#define CGKILL_SYSCALLS_H

#include <sys/syscall.h>

#if defined(__alpha__)
#define CGK_NR_BASE 110
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_ABI32
#define CGK_NR_BASE 4000
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_ABI64
#define CGK_NR_BASE 5000
#elif defined(__mips__) && defined(_MIPS_SIM) && _MIPS_SIM == _MIPS_SIM_NABI32
#define CGK_NR_BASE 6000
#else
#define CGK_NR_BASE 0
#endif

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal (CGK_NR_BASE + 424)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open (CGK_NR_BASE + 434)
#endif
#ifndef SYS_openat2
#define SYS_openat2 (CGK_NR_BASE + 437)
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease (CGK_NR_BASE + 448)
#endif
#ifndef SYS_statmount
#define SYS_statmount (CGK_NR_BASE + 457)
#endif

#endif
